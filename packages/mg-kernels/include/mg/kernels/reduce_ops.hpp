// reduce(op): SUM, PROD, MAX, MIN (same dtype in and out) and ALL, ANY (bool out), over the Vec
// vocabulary (Note [One symbol per ISA] in binary.hpp).
//
// Same convention as reduce_sum (reduce.hpp): out has stride 0 along the reduced dimensions and
// receives out = op(out, reduction of src); the caller fills the identity first. Rows along a
// reduced inner dimension are folded in Compute<T> (float32 for float16/bfloat16) and combined
// with out once; reduced outer dimensions fold rows of src into out elementwise (rounding per
// row, as NumPy). MAX/MIN propagate NaN like numpy.max (which NaN, and the sign of a zero result
// when -0 meets +0, are unspecified); bool MAX is or, MIN is and; integer PROD wraps.
#pragma once

#include <cstdint>
#include <type_traits>

#include "mg/half.hpp"
#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/kernels/reduce.hpp"
#include "mg/reduce_op.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

// op(a, b) in the accumulator type A (Compute<T>, or Bool).
template <class Family, ReduceOp Op, class A>
A reduce_combine(A a, A b) {
  if constexpr (Op == ReduceOp::kSum) {
    return add<Family>(a, b);
  } else if constexpr (Op == ReduceOp::kProd) {
    return mul<Family>(a, b);
  } else if constexpr (std::is_same_v<A, Bool>) {
    return Op == ReduceOp::kMax ? add<Family>(a, b) : mul<Family>(a, b);  // or / and
  } else if constexpr (Op == ReduceOp::kMax) {
    return (a != a || a > b) ? a : b;  // NaN wins; `a != a` keeps std::isnan out of the tables
  } else {
    return (a != a || a < b) ? a : b;
  }
}

// True when the family folds Op over T in registers.
template <class V, ReduceOp Op>
concept HasVecReduce = (Op == ReduceOp::kProd && requires(typename V::Reg r) { V::mul(r, r); }) ||
                       (Op == ReduceOp::kMax && requires(typename V::Reg r) { V::max(r, r); }) ||
                       (Op == ReduceOp::kMin && requires(typename V::Reg r) { V::min(r, r); });

template <class Family, ReduceOp Op, class V>
typename V::Reg vec_reduce_combine(typename V::Reg a, typename V::Reg b) {
  if constexpr (Op == ReduceOp::kProd) return V::mul(a, b);
  if constexpr (Op == ReduceOp::kMax) return V::max(a, b);
  if constexpr (Op == ReduceOp::kMin) return V::min(a, b);
}

// Op over n >= 1 elements x[0], x[stride], ... in Compute<T>. Contiguous rows of at least
// kAccumulators vectors run that many independent vector accumulators (the NaN-propagating
// max/min are a few dependent instructions each), then fold them as a tree and the lanes in order.
template <class Family, ReduceOp Op, class T>
Compute<T> reduce_row(const T* x, std::int64_t n, std::int64_t stride) {
  using A = Compute<T>;
  using V = typename Family::template Vec<T>;
  if constexpr (HasVecReduce<V, Op>) {
    using VA = typename Family::template Vec<A>;  // stores the Reg as A lanes (float for halves)
    using Reg = typename V::Reg;
    constexpr std::int64_t kL = V::kLanes;
    constexpr std::int64_t kStep = kAccumulators * kL;
    if (stride == 1 && n >= kStep) {
      Reg acc[kAccumulators];
      for (std::int64_t k = 0; k < kAccumulators; ++k) acc[k] = V::load(x + k * kL);
      std::int64_t i = kStep;
      for (; i + kStep <= n; i += kStep) {
        for (std::int64_t k = 0; k < kAccumulators; ++k) {
          acc[k] = vec_reduce_combine<Family, Op, V>(acc[k], V::load(x + i + k * kL));
        }
      }
      for (; i + kL <= n; i += kL)
        acc[0] = vec_reduce_combine<Family, Op, V>(acc[0], V::load(x + i));
      for (std::int64_t width = kAccumulators / 2; width > 0; width /= 2) {
        for (std::int64_t k = 0; k < width; ++k) {
          acc[k] = vec_reduce_combine<Family, Op, V>(acc[k], acc[k + width]);
        }
      }
      A lanes[kL];
      VA::store(lanes, acc[0]);
      A r = lanes[0];
      for (std::int64_t k = 1; k < kL; ++k) r = reduce_combine<Family, Op>(r, lanes[k]);
      for (; i < n; ++i) r = reduce_combine<Family, Op>(r, widen<Family>(x[i]));
      return r;
    }
  }
  A r = widen<Family>(x[0]);
  for (std::int64_t i = 1; i < n; ++i)
    r = reduce_combine<Family, Op>(r, widen<Family>(x[i * stride]));
  return r;
}

// SUM, PROD, MAX, MIN. Table entry: base = {out, src}, both of dtype T.
template <class Family, ReduceOp Op, class T>
void reduce_op_kernel(const StridedLoop<2>& loop, void* const* base) {
  if constexpr (Op == ReduceOp::kSum) {
    reduce_sum_kernel<Family, T>(loop, base);
  } else {
    T* out = static_cast<T*>(base[0]);
    const T* src = static_cast<const T*>(base[1]);
    const std::size_t inner = loop.ndim - 1;
    const std::int64_t n = loop.shape[inner];
    const std::int64_t so = loop.strides[0][inner];
    const std::int64_t ss = loop.strides[1][inner];
    if (so == 0) {
      for_each_row<Family>(loop, [=](const std::int64_t* off) {
        const Compute<T> r = reduce_row<Family, Op>(src + off[1], n, ss);
        out[off[0]] = narrow<Family, T>(reduce_combine<Family, Op>(widen<Family>(out[off[0]]), r));
      });
      return;
    }
    for_each_row<Family>(loop, [=](const std::int64_t* off) {
      T* o = out + off[0];
      const T* s = src + off[1];
      for (std::int64_t i = 0; i < n; ++i) {
        o[i * so] = narrow<Family, T>(
            reduce_combine<Family, Op>(widen<Family>(o[i * so]), widen<Family>(s[i * ss])));
      }
    });
  }
}

// ALL, ANY. Table entry: base = {out (bool), src (T)}; out = out and/or the src truths.
template <class Family, ReduceOp Op, class T>
void reduce_logical_kernel(const StridedLoop<2>& loop, void* const* base) {
  constexpr bool kAll = Op == ReduceOp::kAll;
  Bool* out = static_cast<Bool*>(base[0]);
  const T* src = static_cast<const T*>(base[1]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t ss = loop.strides[1][inner];
  for_each_row<Family>(loop, [=](const std::int64_t* off) {
    Bool* o = out + off[0];
    const T* s = src + off[1];
    if (so == 0) {
      bool r = o->bits != 0;
      // Stops at the first element that settles the row.
      for (std::int64_t i = 0; i < n && r == kAll; ++i) r = truth<Family>(s[i * ss]);
      o->bits = static_cast<std::uint8_t>(r);
      return;
    }
    for (std::int64_t i = 0; i < n; ++i) {
      const bool prev = o[i * so].bits != 0;
      const bool r = kAll ? (prev && truth<Family>(s[i * ss])) : (prev || truth<Family>(s[i * ss]));
      o[i * so].bits = static_cast<std::uint8_t>(r);
    }
  });
}

}  // namespace mg::kernels
