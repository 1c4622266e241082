// Elementwise unary kernels, written once over the Vec vocabulary (no intrinsics).
//
// float32, float16 and bfloat16 ops with a Vec form (vec_unary below) always run through it,
// also for strided rows and row tails, one partial vector at a time through a small buffer: so
// every element gets the very same operations whatever its position, and each table's result
// equals the scalar table's bit for bit. Everything else is a per-element loop
// (unary_element.hpp), with a unit-stride variant the compiler can vectorise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mg/kernels/loop.hpp"
#include "mg/kernels/unary_element.hpp"
#include "mg/kernels/vmath.hpp"
#include "mg/strided.hpp"
#include "mg/unary_op.hpp"

namespace mg::kernels {

// The float32 ops computed in Vec<float> registers.
constexpr bool unary_has_vec_form(UnaryOp op) {
  switch (op) {
    case UnaryOp::kNegative:
    case UnaryOp::kAbs:
    case UnaryOp::kSign:
    case UnaryOp::kSqrt:
    case UnaryOp::kReciprocal:
    case UnaryOp::kSquare:
    case UnaryOp::kExp:
    case UnaryOp::kLog:
    case UnaryOp::kSin:
    case UnaryOp::kCos:
    case UnaryOp::kTanh:
    case UnaryOp::kErf:
    case UnaryOp::kSigmoid:
    case UnaryOp::kRelu:
    case UnaryOp::kFloor:
    case UnaryOp::kCeil:
    case UnaryOp::kTrunc:
    case UnaryOp::kRound:
      return true;
    default:
      return false;
  }
}

// True when T loads into float32 registers of the family and Op has a Vec form.
template <class Family, UnaryOp Op, class T>
concept VecUnary = unary_has_vec_form(Op) && (std::is_same_v<T, float> || kIsNarrowFloat<T>) &&
                   requires(typename Family::template Vec<float>::Reg r) {
                     Family::template Vec<float>::fma(r, r, r);
                     Family::template Vec<T>::load(static_cast<const T*>(nullptr));
                   };

// The Vec form of Op on float32 lanes; same results as float_math<float> except for the
// transcendental functions, whose accuracy vmath.hpp documents.
template <class Family, UnaryOp Op>
vmath::Reg32<Family> vec_unary(vmath::Reg32<Family> x) {
  using V = vmath::V32<Family>;
  const auto zero = vmath::k<Family>(0.0f);
  if constexpr (Op == UnaryOp::kNegative) return V::bit_xor(x, vmath::k<Family>(-0.0f));
  if constexpr (Op == UnaryOp::kAbs) return vmath::abs<Family>(x);
  if constexpr (Op == UnaryOp::kSign) {
    const auto nan_or_zero = V::select(V::cmp_unord(x, x), x, zero);
    const auto negative = V::select(V::cmp_lt(x, zero), vmath::k<Family>(-1.0f), nan_or_zero);
    return V::select(V::cmp_lt(zero, x), vmath::k<Family>(1.0f), negative);
  }
  if constexpr (Op == UnaryOp::kSqrt) return V::sqrt(x);
  if constexpr (Op == UnaryOp::kReciprocal) return V::div(vmath::k<Family>(1.0f), x);
  if constexpr (Op == UnaryOp::kSquare) return V::mul(x, x);
  if constexpr (Op == UnaryOp::kExp) return vmath::exp<Family>(x);
  if constexpr (Op == UnaryOp::kLog) return vmath::log<Family>(x);
  if constexpr (Op == UnaryOp::kSin) return vmath::sin<Family>(x);
  if constexpr (Op == UnaryOp::kCos) return vmath::cos<Family>(x);
  if constexpr (Op == UnaryOp::kTanh) return vmath::tanh<Family>(x);
  if constexpr (Op == UnaryOp::kErf) return vmath::erf<Family>(x);
  if constexpr (Op == UnaryOp::kSigmoid) return vmath::sigmoid<Family>(x);
  if constexpr (Op == UnaryOp::kRelu) {
    const auto keep = V::bit_or(V::cmp_lt(zero, x), V::cmp_unord(x, x));
    return V::select(keep, x, zero);
  }
  if constexpr (Op == UnaryOp::kFloor) return V::floor(x);
  if constexpr (Op == UnaryOp::kCeil) return V::ceil(x);
  if constexpr (Op == UnaryOp::kTrunc) return V::trunc(x);
  if constexpr (Op == UnaryOp::kRound) return V::round(x);
}

// Up to kLanes elements at stride s through a buffer (the tail of a row, or a strided row).
// Missing lanes are zeros, computed and thrown away.
template <class Family, UnaryOp Op, class T>
void unary_partial(T* out, std::int64_t so, const T* src, std::int64_t ss, std::int64_t m) {
  using V = typename Family::template Vec<T>;
  T in[V::kLanes] = {};
  T res[V::kLanes];
  for (std::int64_t i = 0; i < m; ++i) in[i] = src[i * ss];
  V::store(res, vec_unary<Family, Op>(V::load(in)));
  for (std::int64_t i = 0; i < m; ++i) out[i * so] = res[i];
}

// A unit-stride row: four vectors per iteration to hide latency, single vectors, then the tail.
template <class Family, UnaryOp Op, class T>
void unary_row_vec(T* out, const T* src, std::int64_t n) {
  using V = typename Family::template Vec<T>;
  constexpr std::int64_t kL = V::kLanes;
  std::int64_t i = 0;
  for (; i + 4 * kL <= n; i += 4 * kL) {
    const auto x0 = V::load(src + i);
    const auto x1 = V::load(src + i + kL);
    const auto x2 = V::load(src + i + 2 * kL);
    const auto x3 = V::load(src + i + 3 * kL);
    V::store(out + i, vec_unary<Family, Op>(x0));
    V::store(out + i + kL, vec_unary<Family, Op>(x1));
    V::store(out + i + 2 * kL, vec_unary<Family, Op>(x2));
    V::store(out + i + 3 * kL, vec_unary<Family, Op>(x3));
  }
  for (; i + kL <= n; i += kL) V::store(out + i, vec_unary<Family, Op>(V::load(src + i)));
  if (i < n) unary_partial<Family, Op, T>(out + i, 1, src + i, 1, n - i);
}

template <class Family, UnaryOp Op, class T>
void unary_row_vec_strided(T* out, std::int64_t so, const T* src, std::int64_t ss, std::int64_t n) {
  constexpr std::int64_t kL = Family::template Vec<T>::kLanes;
  for (std::int64_t i = 0; i < n; i += kL) {
    const std::int64_t m = n - i < kL ? n - i : kL;
    unary_partial<Family, Op, T>(out + i * so, so, src + i * ss, ss, m);
  }
}

// Table entry: base[0] is out's first element, base[1] src's.
template <class Family, UnaryOp Op, class T>
void unary_kernel(const StridedLoop<2>& loop, void* const* base) {
  using Out = UnaryOut<Op, T>;
  Out* out = static_cast<Out*>(base[0]);
  const T* src = static_cast<const T*>(base[1]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t ss = loop.strides[1][inner];
  auto rows = [&](auto row) {
    for_each_row<Family>(loop, [&](const std::int64_t* off) { row(out + off[0], src + off[1]); });
  };
  if constexpr (VecUnary<Family, Op, T>) {
    if (so == 1 && ss == 1) {
      rows([n](T* o, const T* x) { unary_row_vec<Family, Op, T>(o, x, n); });
    } else {
      rows([=](T* o, const T* x) { unary_row_vec_strided<Family, Op, T>(o, so, x, ss, n); });
    }
  } else {
    if (so == 1 && ss == 1) {
      rows([n](Out* o, const T* x) {
        for (std::int64_t i = 0; i < n; ++i) o[i] = unary_element<Family, Op, T>(x[i]);
      });
    } else {
      rows([=](Out* o, const T* x) {
        for (std::int64_t i = 0; i < n; ++i) o[i * so] = unary_element<Family, Op, T>(x[i * ss]);
      });
    }
  }
}

}  // namespace mg::kernels
