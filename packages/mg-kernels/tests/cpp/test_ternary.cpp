// where and clip: every available ISA against the scalar twin, and the scalar table against a
// naive reference written here (multi-index loop, numpy.where / numpy.clip spelled out).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

// numpy.clip = minimum(maximum(x, lo), hi), NaN-propagating, so lo > hi gives hi.
template <class T>
T reference_clip(T x, T lo, T hi) {
  if constexpr (std::is_same_v<T, Bool>) {
    const bool v = (x.bits != 0 || lo.bits != 0) && hi.bits != 0;
    return Bool{static_cast<std::uint8_t>(v)};
  } else {
    const double dx = as_double(x);
    const double dl = as_double(lo);
    const double dh = as_double(hi);
    T m = (std::isnan(dx) || dx > dl) ? x : lo;
    const double dm = as_double(m);
    return (std::isnan(dm) || dm < dh) ? m : hi;
  }
}

struct Case4 {
  Shape shape;
  View v[4];  // out, then the three inputs
};

std::string describe(DType d, const Case4& c) {
  std::string s = std::string(dtype_name(d)) + " shape " + text(c.shape);
  for (const View& v : c.v) s += " [" + text(v) + "]";
  return s;
}

template <class T>
Storage values_with_nans(std::size_t n, std::uint32_t seed) {
  std::vector<T> v = random_values<T>(n, seed);
  if constexpr (std::is_floating_point_v<T>) {
    for (std::size_t i = 3; i < n; i += 7) v[i] = std::numeric_limits<T>::quiet_NaN();
  }
  return storage_of(v);
}

template <class T>
void check(Isa isa, bool clip, const Case4& c, std::size_t size, std::uint32_t seed) {
  Storage in0 = clip ? values_with_nans<T>(size, seed) : random_storage<Bool>(size, seed);
  Storage in1 = values_with_nans<T>(size, seed + 1);
  Storage in2 = values_with_nans<T>(size, seed + 2);
  const Storage out0 = random_storage<T>(size, seed + 3);
  Storage expected = clone(out0);
  {
    T* z = data<T>(expected);
    for_each_index(c.shape, [&](const Shape& i) {
      const T x = data<T>(in1)[element(c.v[2], i)];
      const T y = data<T>(in2)[element(c.v[3], i)];
      if (clip) {
        z[element(c.v[0], i)] = reference_clip<T>(data<T>(in0)[element(c.v[1], i)], x, y);
      } else {
        z[element(c.v[0], i)] = data<Bool>(in0)[element(c.v[1], i)].bits != 0 ? x : y;
      }
    });
  }
  auto run = [&](const kernels::KernelTable& t, Storage& out) {
    const Operand o{out, c.v[0].offset, c.v[0].strides};
    const Operand p0{in0, c.v[1].offset, c.v[1].strides};
    const Operand p1{in1, c.v[2].offset, c.v[2].strides};
    const Operand p2{in2, c.v[3].offset, c.v[3].strides};
    (clip ? plan_clip(o, p0, p1, p2, c.shape, t) : plan_where(o, p0, p1, p2, c.shape, t)).run();
  };
  Storage scalar = clone(out0);
  run(scalar_table(), scalar);
  Storage got = clone(out0);
  run(table(isa), got);
  const char* name = clip ? "clip " : "where ";
  ASSERT_TRUE(same_values<T>(scalar, expected))
      << name << "scalar vs reference: " << describe(kDTypeOf<T>, c);
  ASSERT_TRUE(same_values<T>(got, scalar))
      << name << isa_name(isa) << " vs scalar: " << describe(kDTypeOf<T>, c);
}

class TernaryIsa : public testing::TestWithParam<Isa> {};

TEST_P(TernaryIsa, EveryDtypeAndLayout) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (bool clip : {false, true}) {
      for (std::int64_t n : {0, 1, 7, 8, 16, 17, 33, 67}) {
        const auto seed = static_cast<std::uint32_t>(n);
        // All contiguous; bounds broadcast; mixed broadcast; a reversed input.
        check<T>(GetParam(), clip, {{n}, {{1, {1}}, {3, {1}}, {2, {1}}, {5, {1}}}}, 80, seed);
        check<T>(GetParam(), clip, {{n}, {{1, {1}}, {3, {1}}, {2, {0}}, {5, {0}}}}, 80, seed);
        check<T>(GetParam(), clip, {{n}, {{0, {1}}, {3, {0}}, {2, {1}}, {5, {0}}}}, 80, seed);
        check<T>(GetParam(), clip, {{n}, {{0, {1}}, {70, {-1}}, {2, {1}}, {9, {1}}}}, 80, seed);
      }
      const Shape shape{5, 9};
      check<T>(GetParam(), clip, {shape, {{0, {18, 2}}, {0, {1, 5}}, {44, {-9, -1}}, {0, {0, 1}}}},
               90, 4);
      check<T>(
          GetParam(), clip,
          {{3, 1, 4, 5},
           {{59, {-20, 7, -5, -1}}, {0, {1, 0, 15, 3}}, {0, {20, 1, 5, 1}}, {0, {0, 0, 5, 1}}}},
          60, 6);
    }
  });
}

TEST_P(TernaryIsa, RefusesMismatchedDtypes) {
  Storage f(DType::kFloat32, 3);
  Storage i(DType::kInt32, 3);
  Storage c(DType::kBool, 3);
  const Shape s{3};
  // Named: a braced temporary would die at the end of each declaration, leaving the spans below
  // dangling (it did: a garbage stride showed up in an error message).
  const std::int64_t unit[1] = {1};
  const Operand fo{f, 0, unit};
  const Operand io{i, 0, unit};
  const Operand co{c, 0, unit};
  const auto& t = table(GetParam());
  EXPECT_THROW(plan_where(fo, fo, fo, fo, s, t), DTypeError);
  EXPECT_THROW(plan_where(fo, co, fo, io, s, t), DTypeError);
  EXPECT_THROW(plan_clip(fo, fo, io, fo, s, t), DTypeError);
  EXPECT_NO_THROW(plan_clip(fo, fo, fo, fo, s, t));
}

INSTANTIATE_TEST_SUITE_P(Isas, TernaryIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
