// Row statistics along one axis: mean + variance, and logsumexp (Note [One symbol per ISA] in
// binary.hpp). Floating dtypes only; every row is computed in double and rounded once to T.
//
// The plans (plan_mean_var, plan_logsumexp) put the reduced axis last and keep it as the inner
// dimension, even of length 0 or 1; the outputs have stride 0 along it and are overwritten.
//
// Note [Two-pass variance]
// ~~~~~~~~~~~~~~~~~~~~~~~~
// mean = sum(x) / n, then var = (M2 - C * C / n) / (n - ddof) with M2 = sum((x - mean)**2) and
// C = sum(x - mean): the corrected two-pass algorithm (Chan, Golub, LeVeque), whose C term
// cancels the rounding error of the mean. Every sum is pairwise in double, so float32 rows are
// exact to about 1e-16 relative and float64 rows lose only O(log n) ulps. An empty row gives NaN
// for both; n <= ddof gives 0 / 0 = NaN, as NumPy.
//
// Note [Stable logsumexp]
// ~~~~~~~~~~~~~~~~~~~~~~~
// m = max(x); out = m + log(sum(exp(x - m))), so no exp overflows and the largest term is 1.
// As torch.logsumexp / scipy: any NaN gives NaN; m = +inf gives +inf; m = -inf (every element
// -inf, or an empty row) gives -inf.
#pragma once

#include <math.h>  // ::exp / ::log: plain C symbols, safe in every table

#include <cstdint>
#include <limits>

#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

// sum over i < n of f(x[i * stride] as double), pairwise: 8 accumulators per block of up to 128,
// blocks combined as a balanced tree.
template <class Family, class T, class F>
double pairwise_double(const T* x, std::int64_t n, std::int64_t stride, F f) {
  constexpr std::int64_t kBlock = 128;
  if (n > kBlock) {
    std::int64_t half = n / 2;
    half -= half % 8;
    return pairwise_double<Family>(x, half, stride, f) +
           pairwise_double<Family>(x + half * stride, n - half, stride, f);
  }
  double acc[8] = {};
  std::int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (std::int64_t k = 0; k < 8; ++k)
      acc[k] += f(static_cast<double>(widen<Family>(x[(i + k) * stride])));
  }
  for (std::int64_t k = 0; i < n; ++i, ++k)
    acc[k] += f(static_cast<double>(widen<Family>(x[i * stride])));
  for (std::int64_t width = 4; width > 0; width /= 2) {
    for (std::int64_t k = 0; k < width; ++k) acc[k] += acc[k + width];
  }
  return acc[0];
}

// Table entry: base = {mean, var, src}, all T; Ddof 0 (population) or 1 (sample).
template <class Family, int Ddof, class T>
void mean_var_kernel(const StridedLoop<3>& loop, void* const* base) {
  T* mean_out = static_cast<T*>(base[0]);
  T* var_out = static_cast<T*>(base[1]);
  const T* src = static_cast<const T*>(base[2]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t ss = loop.strides[2][inner];
  const auto count = static_cast<double>(n);
  for_each_row<Family>(loop, [=](const std::int64_t* off) {
    const T* row = src + off[2];
    const double mean = pairwise_double<Family>(row, n, ss, [](double v) { return v; }) / count;
    const double m2 =
        pairwise_double<Family>(row, n, ss, [mean](double v) { return (v - mean) * (v - mean); });
    const double c = pairwise_double<Family>(row, n, ss, [mean](double v) { return v - mean; });
    const double var = (m2 - c * c / count) / (count - static_cast<double>(Ddof));
    mean_out[off[0]] = cast<Family, T>(mean);
    var_out[off[1]] = cast<Family, T>(var);
  });
}

// Table entry: base = {out, src}, both T.
template <class Family, class T>
void logsumexp_kernel(const StridedLoop<2>& loop, void* const* base) {
  T* out = static_cast<T*>(base[0]);
  const T* src = static_cast<const T*>(base[1]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t ss = loop.strides[1][inner];
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for_each_row<Family>(loop, [=](const std::int64_t* off) {
    const T* row = src + off[1];
    double m = -kInf;
    for (std::int64_t i = 0; i < n; ++i) {
      const auto v = static_cast<double>(widen<Family>(row[i * ss]));
      if (v != v || v > m) m = v;  // a NaN sticks: nothing compares greater than it
      if (m != m) break;
    }
    double r = m;  // NaN, +inf and -inf are their own answers
    if (m > -kInf && m < kInf) {
      r = m + ::log(pairwise_double<Family>(row, n, ss, [m](double v) { return ::exp(v - m); }));
    }
    out[off[0]] = cast<Family, T>(r);
  });
}

}  // namespace mg::kernels
