// reduce(op), arg_reduce, scan, mean_var, logsumexp: every ISA against the scalar table (the
// specification), the scalar table against naive references, and the deterministic parallel sum.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "mg/parallel.hpp"
#include "mg/plan.hpp"
#include "mg/plan_reduce.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

struct Layout {
  Shape shape;
  View out;
  View src;
  std::size_t out_size;
};

// Reduced axes in every position, strided, reversed and transposed sources.
const std::vector<Layout>& reduce_layouts() {
  static const std::vector<Layout> layouts = {
      {{6, 37}, {0, {0, 1}}, {0, {37, 1}}, 37},     // reduce outer: elementwise fold
      {{6, 37}, {0, {1, 0}}, {0, {37, 1}}, 6},      // reduce inner: rows
      {{6, 37}, {0, {0, 0}}, {221, {-37, -1}}, 1},  // reduce all, reversed
      {{6, 37}, {0, {1, 0}}, {0, {1, 6}}, 6},       // reduce inner, transposed src
      {{4, 3, 50}, {0, {3, 1, 0}}, {0, {150, 50, 1}}, 12},
      {{4, 3, 50}, {0, {0, 1, 0}}, {0, {1, 200, 4}}, 3},
      {{1, 300}, {0, {0, 0}}, {0, {300, 1}}, 1},  // long contiguous row: the vector path
  };
  return layouts;
}

Operand operand(Storage& s, const View& v) { return {s, v.offset, v.strides}; }

bool is_nan(double x) { return std::isnan(x); }

template <class T>
T cast_from_double(double x) {
  if constexpr (std::is_same_v<T, Half>) {
    return half_from_double(x);
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_from_float(static_cast<float>(x));
  } else if constexpr (std::is_same_v<T, Bool>) {
    return Bool{static_cast<std::uint8_t>(x != 0)};
  } else {
    return static_cast<T>(x);
  }
}

// Values of T and of the ISA result agree: exactly for integers, bool and MAX/MIN; within a few
// ulps of the magnitude otherwise (PROD in another order).
template <class T>
void expect_close(const Storage& want, const Storage& have, double rel, const std::string& what) {
  const auto w = values_of<T>(want);
  const auto h = values_of<T>(have);
  ASSERT_EQ(w.size(), h.size());
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double a = as_double(w[i]);
    const double b = as_double(h[i]);
    if (is_nan(a) || is_nan(b)) {
      EXPECT_EQ(is_nan(a), is_nan(b)) << what << " at " << i;
    } else if (rel == 0 || std::isinf(a)) {
      EXPECT_EQ(a, b) << what << " at " << i;
    } else {
      EXPECT_NEAR(b, a, rel * std::fabs(a)) << what << " at " << i;
    }
  }
}

class ReduceOpsIsa : public testing::TestWithParam<Isa> {};

TEST_P(ReduceOpsIsa, EveryOpAndDtypeAgreesWithScalarTwin) {
  for (ReduceOp op : {ReduceOp::kSum, ReduceOp::kProd, ReduceOp::kMax, ReduceOp::kMin}) {
    for_each_dtype([&](auto tag) {
      using T = typename decltype(tag)::type;
      for (const Layout& l : reduce_layouts()) {
        std::vector<T> in = random_values<T>(600, 11);
        if constexpr (!std::is_integral_v<T> && !std::is_same_v<T, Bool>) {
          // Products of values near 1 stay finite, so PROD has an error to compare.
          if (op == ReduceOp::kProd) {
            for (T& x : in) x = cast_from_double<T>(1.0 + as_double(x) / 4096.0);
          }
        }
        Storage src = storage_of(in);
        Storage scalar = random_storage<T>(l.out_size, 12);
        Storage got = clone(scalar);
        plan_reduce(op, operand(scalar, l.out), operand(src, l.src), l.shape, scalar_table()).run();
        plan_reduce(op, operand(got, l.out), operand(src, l.src), l.shape, table(GetParam())).run();
        const bool exact = std::is_integral_v<T> || std::is_same_v<T, Bool> ||
                           op == ReduceOp::kMax || op == ReduceOp::kMin;
        double rel = 0;
        if constexpr (!std::is_integral_v<T> && !std::is_same_v<T, Bool>) {
          rel = exact ? 0.0 : 256 * epsilon_of<T>();
        }
        expect_close<T>(scalar, got, rel, std::string(reduce_op_name(op)) + " " + text(l.shape));
      }
    });
  }
}

TEST_P(ReduceOpsIsa, MaxMinPropagateNanAndMatchNaiveLoop) {
  for_each_of<float, double, Half>([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (std::int64_t n : {1, 7, 8, 31, 32, 33, 100, 1000}) {
      for (std::int64_t nan_at : {std::int64_t{-1}, std::int64_t{0}, n / 2, n - 1}) {
        std::vector<T> in = random_values<T>(static_cast<std::size_t>(n), 21);
        for (T& x : in) {
          if (is_nan(as_double(x))) x = cast_from_double<T>(1.0);
        }
        if (nan_at >= 0) in[static_cast<std::size_t>(nan_at)] = cast_from_double<T>(NAN);
        Storage src = storage_of(in);
        for (ReduceOp op : {ReduceOp::kMax, ReduceOp::kMin}) {
          Storage out =
              storage_of<T>({cast_from_double<T>(op == ReduceOp::kMax ? -INFINITY : INFINITY)});
          plan_reduce(op, operand(out, {0, {0}}), operand(src, {0, {1}}), Shape{n},
                      table(GetParam()))
              .run();
          double want = op == ReduceOp::kMax ? -INFINITY : INFINITY;
          for (T x : in) {
            const double v = as_double(x);
            if (is_nan(v) || is_nan(want)) {
              want = NAN;
            } else {
              want = op == ReduceOp::kMax ? std::fmax(want, v) : std::fmin(want, v);
            }
          }
          const double got = as_double(values_of<T>(out)[0]);
          if (is_nan(want)) {
            EXPECT_TRUE(is_nan(got)) << "n " << n << " nan at " << nan_at;
          } else {
            EXPECT_EQ(got, want) << "n " << n;
          }
        }
      }
    }
  });
}

TEST_P(ReduceOpsIsa, AllAnyOfEveryDtypeIntoBool) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (const Layout& l : reduce_layouts()) {
      Storage src = random_storage<T>(600, 13);
      for (ReduceOp op : {ReduceOp::kAll, ReduceOp::kAny}) {
        Storage out = storage_of(std::vector<Bool>(l.out_size, Bool{op == ReduceOp::kAll}));
        plan_reduce(op, operand(out, l.out), operand(src, l.src), l.shape, table(GetParam())).run();
        std::vector<int> want(l.out_size, op == ReduceOp::kAll ? 1 : 0);
        const auto in = values_of<T>(src);
        for_each_index(l.shape, [&](const Shape& index) {
          const double v = as_double(in[static_cast<std::size_t>(element(l.src, index))]);
          const bool t = v != 0;  // NaN is true
          int& w = want[static_cast<std::size_t>(element(l.out, index))];
          w = op == ReduceOp::kAll ? (w && t) : (w || t);
        });
        const auto got = values_of<Bool>(out);
        for (std::size_t i = 0; i < want.size(); ++i) {
          EXPECT_EQ(got[i].bits, want[i]) << reduce_op_name(op) << " " << text(l.shape);
        }
      }
    }
  });
}

TEST_P(ReduceOpsIsa, IntegerProdWraps) {
  Storage src = storage_of(std::vector<std::int32_t>(40, 3));
  Storage out = storage_of<std::int32_t>({1});
  plan_reduce(ReduceOp::kProd, operand(out, {0, {0}}), operand(src, {0, {1}}), Shape{40},
              table(GetParam()))
      .run();
  std::uint32_t want = 1;
  for (int i = 0; i < 40; ++i) want *= 3u;
  EXPECT_EQ(values_of<std::int32_t>(out)[0], static_cast<std::int32_t>(want));
}

TEST_P(ReduceOpsIsa, ArgReduceFirstExtremeAndFirstNan) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    // 5 rows of 40, reduced axis last; the src is transposed (rows strided).
    Storage src = random_storage<T>(200, 14);
    const auto in = values_of<T>(src);
    for (ArgReduceOp op : {ArgReduceOp::kArgmax, ArgReduceOp::kArgmin}) {
      Storage out(DType::kInt64, 5);
      plan_arg_reduce(op, {out, 0, Shape{1, 0}}, {src, 0, Shape{1, 5}}, Shape{5, 40},
                      table(GetParam()))
          .run();
      for (std::int64_t r = 0; r < 5; ++r) {
        std::int64_t want = 0;
        for (std::int64_t i = 0; i < 40; ++i) {
          const double v = as_double(in[static_cast<std::size_t>(r + 5 * i)]);
          const double b = as_double(in[static_cast<std::size_t>(r + 5 * want)]);
          if (is_nan(b)) break;
          if (is_nan(v) || (op == ArgReduceOp::kArgmax ? v > b : v < b)) want = i;
        }
        EXPECT_EQ(values_of<std::int64_t>(out)[static_cast<std::size_t>(r)], want)
            << dtype_name(kDTypeOf<T>) << " row " << r;
      }
    }
  });
}

TEST_P(ReduceOpsIsa, ScansAgreeWithScalarTwinAndSequentialLoop) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    Storage src = random_storage<T>(120, 15);
    for (ScanOp op : {ScanOp::kCumsum, ScanOp::kCumprod}) {
      Storage a(kDTypeOf<T>, 120);
      Storage b(kDTypeOf<T>, 120);
      // Shape (4, 30), scanned along the last axis; src reversed, out transposed.
      const View vs{119, {-30, -1}};
      const View vo{0, {1, 4}};
      plan_scan(op, operand(a, vo), operand(src, vs), Shape{4, 30}, scalar_table()).run();
      plan_scan(op, operand(b, vo), operand(src, vs), Shape{4, 30}, table(GetParam())).run();
      EXPECT_TRUE(same_values<T>(a, b)) << dtype_name(kDTypeOf<T>);
      if constexpr (std::is_same_v<T, std::int16_t>) {
        const auto in = values_of<T>(src);
        const auto got = values_of<T>(a);
        for (std::int64_t r = 0; r < 4; ++r) {
          std::uint16_t acc = op == ScanOp::kCumsum ? 0 : 1;
          for (std::int64_t i = 0; i < 30; ++i) {
            const auto x =
                static_cast<std::uint16_t>(in[static_cast<std::size_t>(119 - 30 * r - i)]);
            acc = static_cast<std::uint16_t>(op == ScanOp::kCumsum ? acc + x : acc * x);
            EXPECT_EQ(got[static_cast<std::size_t>(r + 4 * i)], static_cast<T>(acc));
          }
        }
      }
    }
  });
}

TEST_P(ReduceOpsIsa, MeanVarIsStableAndMatchesTwoPassInLongDouble) {
  // A large offset ruins the textbook E[x^2] - E[x]^2; two-pass keeps full precision.
  std::vector<double> v(1001);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = 1e9 + static_cast<double>(i % 10) * 0.1;
  Storage src = storage_of(v);
  long double mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<long double>(v.size());
  long double m2 = 0;
  for (double x : v) m2 += (x - mean) * (x - mean);
  for (std::int64_t ddof : {0, 1}) {
    Storage m(DType::kFloat64, 1);
    Storage var(DType::kFloat64, 1);
    plan_mean_var({m, 0, Shape{0}}, {var, 0, Shape{0}}, {src, 0, Shape{1}}, Shape{1001}, ddof,
                  table(GetParam()))
        .run();
    const double want = static_cast<double>(m2 / static_cast<long double>(1001 - ddof));
    EXPECT_NEAR(values_of<double>(m)[0], static_cast<double>(mean), 1e-6);
    EXPECT_NEAR(values_of<double>(var)[0], want, 1e-9 * want);
  }
}

TEST_P(ReduceOpsIsa, LogSumExpShiftsAndHandlesInfinitiesAndNan) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<double>> rows = {
      {1000.0, 1000.0},  // exp overflows without the shift
      {-inf, -inf},     {inf, 1.0}, {1.0, NAN, inf}, {0.0, std::log(3.0)},
  };
  const std::vector<double> want = {1000.0 + std::log(2.0), -inf, inf, NAN, std::log(4.0)};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    Storage src = storage_of(rows[r]);
    Storage out(DType::kFloat64, 1);
    plan_logsumexp({out, 0, Shape{0}}, {src, 0, Shape{1}},
                   Shape{static_cast<std::int64_t>(rows[r].size())}, table(GetParam()))
        .run();
    const double got = values_of<double>(out)[0];
    if (is_nan(want[r])) {
      EXPECT_TRUE(is_nan(got)) << "row " << r;
    } else {
      EXPECT_DOUBLE_EQ(got, want[r]) << "row " << r;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isas, ReduceOpsIsa, testing::ValuesIn(isas()), isa_label);

TEST(ReduceOps, EmptyRowsGiveNanMeanAndMinusInfLogSumExp) {
  Storage src(DType::kFloat32, 0);
  Storage m = storage_of<float>({1, 1, 1});
  Storage var = storage_of<float>({1, 1, 1});
  plan_mean_var({m, 0, Shape{1, 0}}, {var, 0, Shape{1, 0}}, {src, 0, Shape{0, 1}}, Shape{3, 0}, 0)
      .run();
  for (float x : values_of<float>(m)) EXPECT_TRUE(std::isnan(x));
  for (float x : values_of<float>(var)) EXPECT_TRUE(std::isnan(x));
  Storage out = storage_of<float>({1, 1});
  plan_logsumexp({out, 0, Shape{1, 0}}, {src, 0, Shape{0, 1}}, Shape{2, 0}).run();
  for (float x : values_of<float>(out)) EXPECT_EQ(x, -std::numeric_limits<float>::infinity());
}

TEST(ReduceOps, BadInputsThrow) {
  Storage f = storage_of<float>({1, 2, 3});
  Storage i = storage_of<std::int32_t>({1, 2, 3});
  Storage i64(DType::kInt64, 3);
  Storage b(DType::kBool, 1);
  EXPECT_THROW(plan_reduce(ReduceOp::kMax, {i, 0, Shape{0}}, {f, 0, Shape{1}}, Shape{3}),
               DTypeError);
  EXPECT_THROW(plan_reduce(ReduceOp::kAll, {i, 0, Shape{0}}, {f, 0, Shape{1}}, Shape{3}),
               DTypeError);
  EXPECT_NO_THROW(plan_reduce(ReduceOp::kAny, {b, 0, Shape{0}}, {f, 0, Shape{1}}, Shape{3}));
  EXPECT_THROW(plan_arg_reduce(ArgReduceOp::kArgmax, {i, 0, Shape{0}}, {f, 0, Shape{1}}, Shape{3}),
               DTypeError);
  // The reduced axis must be last, with out stride 0 along it.
  EXPECT_THROW(
      plan_arg_reduce(ArgReduceOp::kArgmax, {i64, 0, Shape{1}}, {f, 0, Shape{1}}, Shape{3}),
      std::invalid_argument);
  EXPECT_THROW(plan_arg_reduce(ArgReduceOp::kArgmax, {i64, 0, Shape{0, 0}}, {f, 0, Shape{1, 1}},
                               Shape{3, 1}),
               std::invalid_argument);
  EXPECT_THROW(plan_arg_reduce(ArgReduceOp::kArgmax, {i64, 0, Shape{1, 0}}, {f, 0, Shape{0, 1}},
                               Shape{2, 0}),
               std::invalid_argument);
  EXPECT_THROW(plan_arg_reduce(ArgReduceOp::kArgmax, {i64, 0, Shape{}}, {f, 0, Shape{}}, Shape{}),
               std::invalid_argument);
  EXPECT_THROW(plan_mean_var({i, 0, Shape{0}}, {i, 0, Shape{0}}, {i, 0, Shape{1}}, Shape{3}, 0),
               DTypeError);
  EXPECT_THROW(plan_mean_var({f, 0, Shape{0}}, {f, 1, Shape{0}}, {f, 0, Shape{1}}, Shape{3}, 2),
               std::invalid_argument);
  EXPECT_THROW(plan_logsumexp({i, 0, Shape{0}}, {i, 0, Shape{1}}, Shape{3}), DTypeError);
  EXPECT_THROW(plan_scan(ScanOp::kCumsum, {i, 0, Shape{1}}, {f, 0, Shape{1}}, Shape{3}),
               DTypeError);
  // An empty row still writes its outputs: their outer view must lie in the storage.
  Storage none(DType::kFloat32, 0);
  EXPECT_THROW(plan_logsumexp({none, 0, Shape{1, 0}}, {none, 0, Shape{0, 1}}, Shape{2, 0}),
               std::invalid_argument);
}

// Note [Deterministic parallel sum]: the same bits for 1 and 2 threads (with the serial
// placeholder pool this checks the structure; with the real pool, the determinism).
TEST(ReduceOps, LongSumIsTheSameForAnyThreadCount) {
  for_each_of<float, double, Half>([&](auto tag) {
    using T = typename decltype(tag)::type;
    std::vector<T> in = random_values<T>(std::size_t{1} << 20, 16);
    for (T& x : in) {
      if (!(std::fabs(as_double(x)) <= 100)) x = T{};  // keeps the float16 sum finite
    }
    Storage src = storage_of(in);
    const int before = num_threads();
    for (Isa isa : isas()) {
      Storage bits[2] = {Storage(kDTypeOf<T>, 1), Storage(kDTypeOf<T>, 1)};
      for (int threads : {1, 2}) {
        set_num_threads(threads);
        plan_reduce(ReduceOp::kSum, {bits[threads - 1], 0, Shape{0}}, {src, 0, Shape{1}},
                    Shape{1 << 20}, table(isa))
            .run();
      }
      set_num_threads(before);
      EXPECT_TRUE(same_bytes(bits[0], bits[1])) << isa_name(isa);
      long double exact = 0;
      for (T x : in) exact += as_double(x);
      EXPECT_NEAR(as_double(values_of<T>(bits[0])[0]), static_cast<double>(exact),
                  1e-3 * std::fabs(static_cast<double>(exact)) + 1.0);
    }
  });
}

}  // namespace
}  // namespace mg::test
