// Vectorised float32 math, written once over the Vec vocabulary (vec_scalar.hpp, "unary-family
// vocabulary"): exp, log, tanh, sigmoid, erf, sin, cos. Every lane follows the same sequence of
// IEEE operations (FMA fused in every family), so the scalar family computes bit for bit what
// the AVX2 one does; tests/cpp/test_vmath.cpp measures each against a float64 reference.
//
// Accuracy (measured, all float32 inputs every 64th bit pattern plus edges): at most 2 ulp
// everywhere, signed zeros, subnormals, +-inf and NaN included. sin/cos reduce |x| <= kTrigBound
// in registers (three-part pi/2 with FMA) and hand larger lanes to C sinf/cosf, which reduce
// exactly; so the bound holds on the whole float32 domain.
//
// Polynomials: Taylor coefficients for exp, sin and cos (their truncation error is far below
// float32's); least-squares fits (float64, Chebyshev nodes, then rounded to float32) for the
// others, named by what they approximate.
//
// Every function takes the Vec family first (Note [One symbol per ISA] in binary.hpp).
#pragma once

#include <math.h>  // ::sinf, ::cosf: exact reduction for the rare huge arguments

#include <cstdint>

namespace mg::kernels::vmath {

template <class Family>
using V32 = typename Family::template Vec<float>;
template <class Family>
using Reg32 = typename V32<Family>::Reg;

// A broadcast float32 constant, or one given by its bits.
template <class Family>
Reg32<Family> k(float x) {
  return V32<Family>::broadcast(x);
}
template <class Family>
Reg32<Family> kbits(std::uint32_t bits) {
  return V32<Family>::broadcast(__builtin_bit_cast(float, bits));
}

template <class Family>
Reg32<Family> abs(Reg32<Family> x) {
  return V32<Family>::bit_andnot(k<Family>(-0.0f), x);
}

// x with the sign bit of s.
template <class Family>
Reg32<Family> with_sign_of(Reg32<Family> x, Reg32<Family> s) {
  using V = V32<Family>;
  return V::bit_or(abs<Family>(x), V::bit_and(k<Family>(-0.0f), s));
}

// 2**n for integral float n in [-150, 129], as (x * 2**n1) * 2**n2 with n1 + n2 == n, both
// halves normal powers: the product rounds once, to a subnormal, zero or inf as it should.
template <class Family>
Reg32<Family> scale_by_pow2(Reg32<Family> x, Reg32<Family> n) {
  using V = V32<Family>;
  const auto ni = V::to_int(n);
  const auto n1 = V::template sra_int<1>(ni);
  const auto n2 = V::sub_int(ni, n1);
  const auto bias = V::broadcast_int(127);
  const Reg32<Family> s1 = V::as_float(V::template shl_int<23>(V::add_int(n1, bias)));
  const Reg32<Family> s2 = V::as_float(V::template shl_int<23>(V::add_int(n2, bias)));
  return V::mul(V::mul(x, s1), s2);
}

// e**x. x = n ln2 + r with |r| <= ln2 / 2 (the first product is exact with FMA), e**r by its
// Taylor polynomial of degree 7, scaled by 2**n. Arguments are clamped to [-104, 89], beyond
// which the result is 0 or inf anyway; NaN passes through every step.
template <class Family>
Reg32<Family> exp(Reg32<Family> x) {
  using V = V32<Family>;
  Reg32<Family> xc = V::select(V::cmp_lt(x, k<Family>(-104.0f)), k<Family>(-104.0f), x);
  xc = V::select(V::cmp_lt(k<Family>(89.0f), xc), k<Family>(89.0f), xc);
  const Reg32<Family> n = V::round(V::mul(xc, k<Family>(1.44269504088896341f)));
  Reg32<Family> r = V::fma(n, k<Family>(-0.693147182464599609375f), xc);
  r = V::fma(n, k<Family>(1.90465429995776e-09f), r);  // ln2 - float(ln2), negated
  Reg32<Family> p = k<Family>(1.0f / 5040);
  p = V::fma(p, r, k<Family>(1.0f / 720));
  p = V::fma(p, r, k<Family>(1.0f / 120));
  p = V::fma(p, r, k<Family>(1.0f / 24));
  p = V::fma(p, r, k<Family>(1.0f / 6));
  p = V::fma(p, r, k<Family>(0.5f));
  p = V::fma(V::mul(p, r), r, r);  // r + r**2 (...), then 1 + that: one rounding at the end
  p = V::add(p, k<Family>(1.0f));
  return scale_by_pow2<Family>(p, n);
}

// log(x) = e ln2 + log1p(f), with x = 2**e (1 + f), sqrt(1/2) <= 1 + f < sqrt(2) (f exact).
// log1p(f) = f - f**2 / 2 + f**3 P(f), P fitted on that interval. Subnormals are scaled by 2**23
// first. log(0) = -inf, log(x < 0) = NaN, log(inf) = inf.
template <class Family>
Reg32<Family> log(Reg32<Family> x) {
  using V = V32<Family>;
  const Reg32<Family> tiny = V::cmp_lt(x, k<Family>(0x1p-126f));
  const Reg32<Family> xs = V::select(tiny, V::mul(x, k<Family>(0x1p23f)), x);
  Reg32<Family> e =
      V::to_float(V::sub_int(V::template sra_int<23>(V::as_int(xs)), V::broadcast_int(127)));
  e = V::select(tiny, V::sub(e, k<Family>(23.0f)), e);
  Reg32<Family> m = V::bit_or(V::bit_and(xs, kbits<Family>(0x007fffffu)), k<Family>(1.0f));
  const Reg32<Family> high = V::cmp_lt(k<Family>(1.41421356237f), m);
  m = V::select(high, V::mul(m, k<Family>(0.5f)), m);
  e = V::select(high, V::add(e, k<Family>(1.0f)), e);
  const Reg32<Family> f = V::sub(m, k<Family>(1.0f));
  Reg32<Family> p = k<Family>(0.06862623244524002f);
  p = V::fma(p, f, k<Family>(-0.11422384530305862f));
  p = V::fma(p, f, k<Family>(0.1169942244887352f));
  p = V::fma(p, f, k<Family>(-0.12434803694486618f));
  p = V::fma(p, f, k<Family>(0.14248596131801605f));
  p = V::fma(p, f, k<Family>(-0.16667382419109344f));
  p = V::fma(p, f, k<Family>(0.20000718533992767f));
  p = V::fma(p, f, k<Family>(-0.2500000298023224f));
  p = V::fma(p, f, k<Family>(0.3333333134651184f));
  const Reg32<Family> z = V::mul(f, f);
  Reg32<Family> y = V::fma(V::mul(f, z), p, V::mul(z, k<Family>(-0.5f)));
  y = V::fma(e, k<Family>(-2.12194440e-4f), y);  // ln2 - 0.693359375
  y = V::add(y, f);
  y = V::fma(e, k<Family>(0.693359375f), y);  // exact times any e in range
  const Reg32<Family> inf = k<Family>(__builtin_inff());
  y = V::select(V::cmp_lt(x, k<Family>(0.0f)), k<Family>(__builtin_nanf("")), y);
  y = V::select(V::cmp_eq(x, k<Family>(0.0f)), V::sub(k<Family>(0.0f), inf), y);
  y = V::select(V::cmp_eq(x, inf), inf, y);
  return V::select(V::cmp_unord(x, x), x, y);
}

// tanh: x + x**3 P(x**2) (fitted) for |x| < 0.625; else 1 - 2 / (e**2|x| + 1) with x's sign
// (e**2|x| = inf gives exactly 1).
template <class Family>
Reg32<Family> tanh(Reg32<Family> x) {
  using V = V32<Family>;
  const Reg32<Family> a = abs<Family>(x);
  const Reg32<Family> z = V::mul(x, x);
  Reg32<Family> p = k<Family>(-0.0008720001205801964f);
  p = V::fma(p, z, k<Family>(0.003318227594718337f));
  p = V::fma(p, z, k<Family>(-0.008796583861112595f));
  p = V::fma(p, z, k<Family>(0.02186112105846405f));
  p = V::fma(p, z, k<Family>(-0.05396776646375656f));
  p = V::fma(p, z, k<Family>(0.13333332538604736f));
  p = V::fma(p, z, k<Family>(-0.3333333432674408f));
  const Reg32<Family> small = V::fma(V::mul(x, z), p, x);
  const Reg32<Family> e = exp<Family>(V::add(a, a));
  const Reg32<Family> large =
      V::sub(k<Family>(1.0f), V::div(k<Family>(2.0f), V::add(e, k<Family>(1.0f))));
  // x's sign on both branches: the polynomial alone gives +0.0 for -0.0 (NumPy gives -0.0).
  return with_sign_of<Family>(V::select(V::cmp_lt(a, k<Family>(0.625f)), small, large), x);
}

// sigmoid(x) = 1 / (1 + e**-x) for x >= 0 and e**x / (1 + e**x) for x < 0: the exponential is
// never above 1, so nothing overflows and large negative x keep their full precision. The sum
// 1 + e is kept as two floats (d + d_lo, exact) and the quotient refined once with FMA, so only
// exp's error and one final rounding remain.
template <class Family>
Reg32<Family> sigmoid(Reg32<Family> x) {
  using V = V32<Family>;
  const Reg32<Family> one = k<Family>(1.0f);
  const Reg32<Family> e = exp<Family>(V::bit_or(x, k<Family>(-0.0f)));  // e**-|x|
  const Reg32<Family> num = V::select(V::cmp_lt(x, k<Family>(0.0f)), e, one);
  const Reg32<Family> d = V::add(one, e);
  const Reg32<Family> d_lo = V::add(V::sub(one, d), e);
  const Reg32<Family> inv = V::div(one, d);
  const Reg32<Family> q = V::mul(num, inv);
  const Reg32<Family> neg_q = V::sub(k<Family>(0.0f), q);
  const Reg32<Family> rem = V::fma(neg_q, d_lo, V::fma(neg_q, d, num));
  return V::fma(rem, inv, q);
}

// erf: x + x Q(x**2) (fitted) for |x| < 1; else 1 - e**-x**2 G(1/|x|) with G fitted to
// erfc(x) e**x**2 on [1, 3.92], past which erf rounds to +-1.
template <class Family>
Reg32<Family> erf(Reg32<Family> x) {
  using V = V32<Family>;
  const Reg32<Family> a = abs<Family>(x);
  const Reg32<Family> z = V::mul(x, x);
  Reg32<Family> q = k<Family>(7.933485903777182e-05f);
  q = V::fma(q, z, k<Family>(-0.0008034844067879021f));
  q = V::fma(q, z, k<Family>(0.0051912181079387665f));
  q = V::fma(q, z, k<Family>(-0.02685539983212948f));
  q = V::fma(q, z, k<Family>(0.11283625662326813f));
  q = V::fma(q, z, k<Family>(-0.3761262893676758f));
  q = V::fma(q, z, k<Family>(0.12837916612625122f));
  const Reg32<Family> small = V::fma(x, q, x);
  const Reg32<Family> ac = V::select(V::cmp_lt(k<Family>(3.92f), a), k<Family>(3.92f), a);
  const Reg32<Family> t = V::div(k<Family>(1.0f), ac);
  Reg32<Family> g = k<Family>(0.007232709787786007f);
  g = V::fma(g, t, k<Family>(-0.06104148179292679f));
  g = V::fma(g, t, k<Family>(0.23080864548683167f));
  g = V::fma(g, t, k<Family>(-0.5106703042984009f));
  g = V::fma(g, t, k<Family>(0.7111271619796753f));
  g = V::fma(g, t, k<Family>(-0.5788699388504028f));
  g = V::fma(g, t, k<Family>(0.07493459433317184f));
  g = V::fma(g, t, k<Family>(0.553372323513031f));
  g = V::fma(g, t, k<Family>(0.0006898526335135102f));
  const Reg32<Family> ec = V::mul(exp<Family>(V::mul(V::sub(k<Family>(0.0f), ac), ac)), g);
  const Reg32<Family> large = with_sign_of<Family>(V::sub(k<Family>(1.0f), ec), x);
  return V::select(V::cmp_lt(a, k<Family>(1.0f)), small, large);
}

// Arguments of sin/cos up to this magnitude are reduced in registers; see the file comment.
inline constexpr float kTrigBound = 32768.0f;

// sin (kCos false) or cos (kCos true). x = n pi/2 + r, |r| <= pi/4, with pi/2 split in three
// float32 parts and FMA; quadrant n (plus 1 for cos) picks +-sin(r) or +-cos(r), each a Taylor
// polynomial. Lanes beyond kTrigBound (and +-inf) go to C sinf/cosf.
template <class Family, bool kCos>
Reg32<Family> sincos(Reg32<Family> x) {
  using V = V32<Family>;
  const Reg32<Family> n = V::round(V::mul(x, k<Family>(0.636619772367581343f)));
  Reg32<Family> r = V::fma(n, k<Family>(-1.57079637050628662109375f), x);
  r = V::fma(n, k<Family>(4.371138828673793e-08f), r);
  r = V::fma(n, k<Family>(1.7151245100058819e-15f), r);
  const Reg32<Family> z = V::mul(r, r);
  Reg32<Family> s = k<Family>(1.0f / 362880);
  s = V::fma(s, z, k<Family>(-1.0f / 5040));
  s = V::fma(s, z, k<Family>(1.0f / 120));
  s = V::fma(s, z, k<Family>(-1.0f / 6));
  s = V::fma(V::mul(r, z), s, r);
  Reg32<Family> c = k<Family>(-1.0f / 3628800);
  c = V::fma(c, z, k<Family>(1.0f / 40320));
  c = V::fma(c, z, k<Family>(-1.0f / 720));
  c = V::fma(c, z, k<Family>(1.0f / 24));
  c = V::fma(c, z, k<Family>(-0.5f));
  c = V::fma(c, z, k<Family>(1.0f));
  auto q = V::to_int(n);
  if constexpr (kCos) q = V::add_int(q, V::broadcast_int(1));
  const Reg32<Family> odd =
      V::as_float(V::sub_int(V::broadcast_int(0), V::and_int(q, V::broadcast_int(1))));
  Reg32<Family> y = V::select(odd, c, s);
  y = V::bit_xor(y, V::as_float(V::template shl_int<30>(V::and_int(q, V::broadcast_int(2)))));
  const Reg32<Family> a = abs<Family>(x);
  if constexpr (!kCos) {  // sin x rounds to x below 2**-12; this also keeps the sign of -0
    y = V::select(V::cmp_lt(a, k<Family>(0x1p-12f)), x, y);
  }
  const Reg32<Family> huge = V::cmp_lt(k<Family>(kTrigBound), a);
  if (V::any(huge)) {
    float xs[V::kLanes];
    float ys[V::kLanes];
    V::store(xs, x);
    V::store(ys, y);
    for (std::int64_t i = 0; i < V::kLanes; ++i) {
      const float v = xs[i];
      if (v > kTrigBound || v < -kTrigBound) ys[i] = kCos ? ::cosf(v) : ::sinf(v);
    }
    y = V::load(ys);
  }
  return y;
}

template <class Family>
Reg32<Family> sin(Reg32<Family> x) {
  return sincos<Family, false>(x);
}
template <class Family>
Reg32<Family> cos(Reg32<Family> x) {
  return sincos<Family, true>(x);
}

}  // namespace mg::kernels::vmath
