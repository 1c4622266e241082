// The ternary family: where(cond, a, b) and clip(x, lo, hi) over four strided operands, out first.
// Per-element meaning: numpy.where, and numpy.clip = minimum(maximum(x, lo), hi) with the
// NaN-propagating maximum/minimum of kernels/elementwise.hpp (so lo > hi gives hi).
#pragma once

#include <cstddef>
#include <cstdint>

#include "mg/half.hpp"
#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

template <class Family, class T>
T clip_one(T x, T lo, T hi) {
  return minimum<Family>(maximum<Family>(x, lo), hi);
}

template <class V>
concept HasVecClip = requires(typename V::Reg r) {
  V::max(r, r);
  V::min(r, r);
};

// out and x contiguous; lo and hi both contiguous (kBoundsStep) or both one broadcast value.
template <class Family, class T, bool kBoundsStep>
void clip_row_contiguous(T* out, const T* x, const T* lo, const T* hi, std::int64_t n) {
  using V = typename Family::template Vec<T>;
  using Reg = typename V::Reg;
  constexpr std::int64_t kL = V::kLanes;
  const Reg lo0 = V::broadcast(lo[0]);
  const Reg hi0 = V::broadcast(hi[0]);
  auto clip = [&](std::int64_t i) {
    const Reg l = kBoundsStep ? V::load(lo + i) : lo0;
    const Reg h = kBoundsStep ? V::load(hi + i) : hi0;
    V::store(out + i, V::min(V::max(V::load(x + i), l), h));
  };
  std::int64_t i = 0;
  for (; i + 2 * kL <= n; i += 2 * kL) {
    clip(i);
    clip(i + kL);
  }
  for (; i + kL <= n; i += kL) clip(i);
  for (; i < n; ++i)
    out[i] = clip_one<Family>(x[i], lo[kBoundsStep ? i : 0], hi[kBoundsStep ? i : 0]);
}

// Table entry: base = {out, x, lo, hi}.
template <class Family, class T>
void clip_kernel(const StridedLoop<4>& loop, void* const* base) {
  T* out = static_cast<T*>(base[0]);
  const T* x = static_cast<const T*>(base[1]);
  const T* lo = static_cast<const T*>(base[2]);
  const T* hi = static_cast<const T*>(base[3]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t sx = loop.strides[1][inner];
  const std::int64_t sl = loop.strides[2][inner];
  const std::int64_t sh = loop.strides[3][inner];
  using V = typename Family::template Vec<T>;
  if constexpr (HasVecClip<V>) {
    if (so == 1 && sx == 1 && sl == sh && (sl == 0 || sl == 1)) {
      for_each_row<Family>(loop, [&](const std::int64_t* off) {
        if (sl == 1) {
          clip_row_contiguous<Family, T, true>(out + off[0], x + off[1], lo + off[2], hi + off[3],
                                               n);
        } else {
          clip_row_contiguous<Family, T, false>(out + off[0], x + off[1], lo + off[2], hi + off[3],
                                                n);
        }
      });
      return;
    }
  }
  for_each_row<Family>(loop, [&](const std::int64_t* off) {
    T* o = out + off[0];
    const T* xs = x + off[1];
    const T* ls = lo + off[2];
    const T* hs = hi + off[3];
    for (std::int64_t i = 0; i < n; ++i)
      o[i * so] = clip_one<Family>(xs[i * sx], ls[i * sl], hs[i * sh]);
  });
}

// Table entry: base = {out, cond, a, b}. A cond byte other than 0 reads as true. No Vec form:
// the unit-stride loop is left for the compiler to vectorise.
template <class Family, class T>
void where_kernel(const StridedLoop<4>& loop, void* const* base) {
  T* out = static_cast<T*>(base[0]);
  const Bool* cond = static_cast<const Bool*>(base[1]);
  const T* a = static_cast<const T*>(base[2]);
  const T* b = static_cast<const T*>(base[3]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t sc = loop.strides[1][inner];
  const std::int64_t sa = loop.strides[2][inner];
  const std::int64_t sb = loop.strides[3][inner];
  const bool unit = so == 1 && sc == 1 && sa == 1 && sb == 1;
  for_each_row<Family>(loop, [&](const std::int64_t* off) {
    T* o = out + off[0];
    const Bool* c = cond + off[1];
    const T* x = a + off[2];
    const T* y = b + off[3];
    if (unit) {
      for (std::int64_t i = 0; i < n; ++i) o[i] = c[i].bits != 0 ? x[i] : y[i];
    } else {
      for (std::int64_t i = 0; i < n; ++i) o[i * so] = c[i * sc].bits != 0 ? x[i * sa] : y[i * sb];
    }
  });
}

}  // namespace mg::kernels
