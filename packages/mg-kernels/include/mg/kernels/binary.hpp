// Broadcasting elementwise binary kernels, written once over the Vec vocabulary (no intrinsics).
//
// Note [One symbol per ISA]
// ~~~~~~~~~~~~~~~~~~~~~~~~~
// Each src/kernels/*.cpp unit is compiled once per ISA with that ISA's -m flags. A template
// instantiated with the same arguments in two of them would be one (weak, COMDAT) symbol with two
// different bodies, and the linker keeps either one: the scalar table could end up running AVX2
// code and die with SIGILL on an older CPU. So every function template under kernels/ takes the
// Vec family (simd::<isa>::Family) as its FIRST template parameter, even where it does not use it,
// which makes every instantiation a distinct symbol per ISA. The same reasoning keeps inline
// std:: helpers and member functions of shared types out of kernel code (plain arrays, C math).
// CTest `one_symbol_per_isa` checks that no two table objects define a common symbol.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mg/binary_op.hpp"
#include "mg/half.hpp"
#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/kernels/store.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

// True when the family's Vec<T> declares the op; otherwise the op runs the scalar loop.
// Comparisons also need store_mask (a lane mask to bool bytes); GREATER(_EQUAL) swap operands.
template <class V, BinaryOp Op>
concept HasVecOp =
    (Op == BinaryOp::kAdd && requires(typename V::Reg r) { V::add(r, r); }) ||
    (Op == BinaryOp::kSub && requires(typename V::Reg r) { V::sub(r, r); }) ||
    (Op == BinaryOp::kMul && requires(typename V::Reg r) { V::mul(r, r); }) ||
    (Op == BinaryOp::kDiv && requires(typename V::Reg r) { V::div(r, r); }) ||
    (Op == BinaryOp::kMaximum && requires(typename V::Reg r) { V::max(r, r); }) ||
    (Op == BinaryOp::kMinimum && requires(typename V::Reg r) { V::min(r, r); }) ||
    (Op == BinaryOp::kBitwiseAnd && requires(typename V::Reg r) { V::bit_and(r, r); }) ||
    (Op == BinaryOp::kBitwiseOr && requires(typename V::Reg r) { V::bit_or(r, r); }) ||
    (Op == BinaryOp::kBitwiseXor && requires(typename V::Reg r) { V::bit_xor(r, r); }) ||
    (Op == BinaryOp::kLeftShift && requires(typename V::Reg r) { V::shift_left(r, r); }) ||
    (Op == BinaryOp::kRightShift && requires(typename V::Reg r) { V::shift_right(r, r); }) ||
    (requires(Bool* p, typename V::Reg r) { V::store_mask(p, r); } &&
     (((Op == BinaryOp::kEqual) && requires(typename V::Reg r) { V::cmp_eq(r, r); }) ||
      ((Op == BinaryOp::kNotEqual) && requires(typename V::Reg r) { V::cmp_ne(r, r); }) ||
      ((Op == BinaryOp::kLess || Op == BinaryOp::kGreater) &&
       requires(typename V::Reg r) { V::cmp_lt(r, r); }) ||
      ((Op == BinaryOp::kLessEqual || Op == BinaryOp::kGreaterEqual) &&
       requires(typename V::Reg r) { V::cmp_le(r, r); })));

// The op on registers: a result Reg, or for comparisons a lane mask.
template <class Family, BinaryOp Op, class V>
typename V::Reg vec_apply(typename V::Reg a, typename V::Reg b) {
  if constexpr (Op == BinaryOp::kAdd) return V::add(a, b);
  if constexpr (Op == BinaryOp::kSub) return V::sub(a, b);
  if constexpr (Op == BinaryOp::kMul) return V::mul(a, b);
  if constexpr (Op == BinaryOp::kDiv) return V::div(a, b);
  if constexpr (Op == BinaryOp::kMaximum) return V::max(a, b);
  if constexpr (Op == BinaryOp::kMinimum) return V::min(a, b);
  if constexpr (Op == BinaryOp::kBitwiseAnd) return V::bit_and(a, b);
  if constexpr (Op == BinaryOp::kBitwiseOr) return V::bit_or(a, b);
  if constexpr (Op == BinaryOp::kBitwiseXor) return V::bit_xor(a, b);
  if constexpr (Op == BinaryOp::kLeftShift) return V::shift_left(a, b);
  if constexpr (Op == BinaryOp::kRightShift) return V::shift_right(a, b);
  if constexpr (Op == BinaryOp::kEqual) return V::cmp_eq(a, b);
  if constexpr (Op == BinaryOp::kNotEqual) return V::cmp_ne(a, b);
  if constexpr (Op == BinaryOp::kLess) return V::cmp_lt(a, b);
  if constexpr (Op == BinaryOp::kLessEqual) return V::cmp_le(a, b);
  if constexpr (Op == BinaryOp::kGreater) return V::cmp_lt(b, a);
  if constexpr (Op == BinaryOp::kGreaterEqual) return V::cmp_le(b, a);
}

// Stores one vector of results: values as T, comparison masks as bool bytes.
template <class Family, BinaryOp Op, class V, class O>
void vec_store(O* out, typename V::Reg r) {
  if constexpr (binary_op_gives_bool(Op)) {
    V::store_mask(out, r);
  } else {
    V::store(out, r);
  }
}

// Any strides: the reference loop, and the only one for ops without a Vec form.
template <class Family, BinaryOp Op, class T, class O>
void binary_row_strided(O* out, std::int64_t so, const T* a, std::int64_t sa, const T* b,
                        std::int64_t sb, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) out[i * so] = apply<Family, Op>(a[i * sa], b[i * sb]);
}

// out contiguous; a and b each contiguous (kAStep/kBStep) or one broadcast scalar. Three phases:
// four vectors per iteration to hide latency, then single vectors, then a scalar tail, so nothing
// is read or written past element n - 1.
template <class Family, BinaryOp Op, class T, bool kAStep, bool kBStep, class O = BinaryOut<Op, T>>
void binary_row_contiguous(O* out, const T* a, const T* b, std::int64_t n) {
  using V = typename Family::template Vec<T>;
  using Reg = typename V::Reg;
  constexpr std::int64_t kL = V::kLanes;
  const Reg a0 = V::broadcast(a[0]);
  const Reg b0 = V::broadcast(b[0]);
  auto load_a = [&](std::int64_t i) { return kAStep ? V::load(a + i) : a0; };
  auto load_b = [&](std::int64_t i) { return kBStep ? V::load(b + i) : b0; };
  // Huge outputs bypass the cache (kernels/store.hpp); bool outputs of comparisons do not.
  if constexpr (std::is_same_v<O, T> && HasStream<Family, T>) {
    if (n * static_cast<std::int64_t>(sizeof(T)) >= kStreamMinBytes) {
      return stream_row<Family, T>(
          out, n, [&](std::int64_t i) { return vec_apply<Family, Op, V>(load_a(i), load_b(i)); },
          [&](std::int64_t i) { return apply<Family, Op>(a[kAStep ? i : 0], b[kBStep ? i : 0]); });
    }
  }
  std::int64_t i = 0;
  for (; i + 4 * kL <= n; i += 4 * kL) {
    const Reg x0 = load_a(i);
    const Reg x1 = load_a(i + kL);
    const Reg x2 = load_a(i + 2 * kL);
    const Reg x3 = load_a(i + 3 * kL);
    const Reg y0 = load_b(i);
    const Reg y1 = load_b(i + kL);
    const Reg y2 = load_b(i + 2 * kL);
    const Reg y3 = load_b(i + 3 * kL);
    vec_store<Family, Op, V>(out + i, vec_apply<Family, Op, V>(x0, y0));
    vec_store<Family, Op, V>(out + i + kL, vec_apply<Family, Op, V>(x1, y1));
    vec_store<Family, Op, V>(out + i + 2 * kL, vec_apply<Family, Op, V>(x2, y2));
    vec_store<Family, Op, V>(out + i + 3 * kL, vec_apply<Family, Op, V>(x3, y3));
  }
  for (; i + kL <= n; i += kL) {
    vec_store<Family, Op, V>(out + i, vec_apply<Family, Op, V>(load_a(i), load_b(i)));
  }
  for (; i < n; ++i) out[i] = apply<Family, Op>(a[kAStep ? i : 0], b[kBStep ? i : 0]);
}

// Table entry: base[k] points at operand k's element `offset` (out, a, b).
template <class Family, BinaryOp Op, class T>
void binary_kernel(const StridedLoop<3>& loop, void* const* base) {
  using O = BinaryOut<Op, T>;  // bool for comparisons and logical ops
  O* out = static_cast<O*>(base[0]);
  const T* a = static_cast<const T*>(base[1]);
  const T* b = static_cast<const T*>(base[2]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t sa = loop.strides[1][inner];
  const std::int64_t sb = loop.strides[2][inner];
  auto rows = [&](auto row) {
    for_each_row<Family>(
        loop, [&](const std::int64_t* off) { row(out + off[0], a + off[1], b + off[2]); });
  };
  using V = typename Family::template Vec<T>;
  if constexpr (HasVecOp<V, Op>) {
    if (so == 1 && (sa == 0 || sa == 1) && (sb == 0 || sb == 1)) {
      if (sa == 1 && sb == 1) {
        rows([n](O* o, const T* x, const T* y) {
          binary_row_contiguous<Family, Op, T, true, true>(o, x, y, n);
        });
      } else if (sa == 1) {
        rows([n](O* o, const T* x, const T* y) {
          binary_row_contiguous<Family, Op, T, true, false>(o, x, y, n);
        });
      } else if (sb == 1) {
        rows([n](O* o, const T* x, const T* y) {
          binary_row_contiguous<Family, Op, T, false, true>(o, x, y, n);
        });
      } else {
        rows([n](O* o, const T* x, const T* y) {
          binary_row_contiguous<Family, Op, T, false, false>(o, x, y, n);
        });
      }
      return;
    }
  }
  rows([=](O* o, const T* x, const T* y) {
    binary_row_strided<Family, Op, T, O>(o, so, x, sa, y, sb, n);
  });
}

}  // namespace mg::kernels
