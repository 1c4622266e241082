// sort, argsort and searchsorted for every dtype against std::stable_sort on widened keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "mg/sort.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

using I64 = std::vector<std::int64_t>;

// Independent oracle: NaN last via a rank (0 number, 1 NaN), then the double value.
template <class T>
bool oracle_less(T a, T b) {
  const double x = as_double(a);
  const double y = as_double(b);
  if (std::isnan(x) || std::isnan(y)) return !std::isnan(x) && std::isnan(y);
  if constexpr (std::is_integral_v<T>) {
    return a < b;  // int64 values do not all fit a double
  } else {
    return x < y;
  }
}

TEST(Sort, EveryDtypeRowsOfATransposedViewMatchStableSort) {
  for (DType dt : kAllDTypes) {
    visit_dtype(dt, [&](auto tag) {
      using T = typename decltype(tag)::type;
      // src: 5 rows of 7, read through a transposed layout (row stride 1, column stride 5).
      Storage src = random_storage<T>(35, 3);
      for (bool descending : {false, true}) {
        Storage out(dt, 35);
        Storage order(DType::kInt64, 35);
        sort({out, 0, Shape{7, 1}}, {src, 0, Shape{1, 5}}, Shape{5, 7}, descending);
        argsort({order, 0, Shape{7, 1}}, {src, 0, Shape{1, 5}}, Shape{5, 7}, descending);
        const auto s = values_of<T>(src);
        const auto got = values_of<T>(out);
        const auto got_order = values_of<std::int64_t>(order);
        for (std::size_t r = 0; r < 5; ++r) {
          I64 want(7);
          std::iota(want.begin(), want.end(), 0);
          const auto at = [&](std::int64_t j) { return s[r + 5 * static_cast<std::size_t>(j)]; };
          std::stable_sort(want.begin(), want.end(), [&](std::int64_t a, std::int64_t b) {
            return descending ? oracle_less(at(b), at(a)) : oracle_less(at(a), at(b));
          });
          for (std::size_t j = 0; j < 7; ++j) {
            EXPECT_EQ(got_order[7 * r + j], want[j]) << dtype_name(dt) << " row " << r;
            const T w = at(want[j]);
            EXPECT_EQ(std::memcmp(&got[7 * r + j], &w, sizeof(T)), 0) << dtype_name(dt);
          }
        }
      }
    });
  }
}

TEST(Sort, StableWithNansLastAndDescendingKeepsTies) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Storage src = storage_of(std::vector<double>{2, nan, 1, 2, -0.0, 0.0});
  Storage order(DType::kInt64, 6);
  argsort({order, 0, Shape{1}}, {src, 0, Shape{1}}, Shape{6}, false);
  EXPECT_EQ(values_of<std::int64_t>(order), (I64{4, 5, 2, 0, 3, 1}));
  argsort({order, 0, Shape{1}}, {src, 0, Shape{1}}, Shape{6}, true);
  EXPECT_EQ(values_of<std::int64_t>(order), (I64{1, 0, 3, 2, 4, 5}));
}

TEST(Sort, InPlaceAndErrors) {
  Storage x = storage_of(std::vector<std::int32_t>{3, 1, 2});
  sort({x, 0, Shape{1}}, {x, 0, Shape{1}}, Shape{3}, false);
  EXPECT_EQ(values_of<std::int32_t>(x), (std::vector<std::int32_t>{1, 2, 3}));
  Storage f(DType::kFloat32, 3);
  EXPECT_THROW(sort({f, 0, Shape{1}}, {x, 0, Shape{1}}, Shape{3}, false), DTypeError);
  EXPECT_THROW(argsort({f, 0, Shape{1}}, {x, 0, Shape{1}}, Shape{3}, false), DTypeError);
  EXPECT_THROW(sort({x, 0, Shape{}}, {x, 0, Shape{}}, Shape{}, false), std::invalid_argument);
  EXPECT_THROW(sort({x, 0, Shape{1}}, {x, 1, Shape{1}}, Shape{3}, false), std::invalid_argument);
}

TEST(SearchSorted, LeftAndRightWithNans) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  // sorted = [1, 2, 2, 3, nan], stored reversed (stride -1).
  Storage sorted = storage_of(std::vector<double>{nan, 3, 2, 2, 1});
  Storage values = storage_of(std::vector<double>{0, 2, 2.5, 3, 9, nan});
  Storage out(DType::kInt64, 6);
  searchsorted({out, 0, Shape{1}}, {sorted, 4, Shape{-1}}, 5, {values, 0, Shape{1}}, Shape{6},
               false);
  EXPECT_EQ(values_of<std::int64_t>(out), (I64{0, 1, 3, 3, 4, 4}));
  searchsorted({out, 0, Shape{1}}, {sorted, 4, Shape{-1}}, 5, {values, 0, Shape{1}}, Shape{6},
               true);
  EXPECT_EQ(values_of<std::int64_t>(out), (I64{0, 3, 3, 4, 4, 5}));
}

TEST(SearchSorted, EveryDtypeAgainstLinearScan) {
  for (DType dt : kAllDTypes) {
    visit_dtype(dt, [&](auto tag) {
      using T = typename decltype(tag)::type;
      Storage raw = random_storage<T>(20, 11);
      Storage sorted(dt, 20);
      sort({sorted, 0, Shape{1}}, {raw, 0, Shape{1}}, Shape{20}, false);
      Storage values = random_storage<T>(15, 12);
      Storage out(DType::kInt64, 15);
      const auto s = values_of<T>(sorted);
      const auto v = values_of<T>(values);
      for (bool right : {false, true}) {
        searchsorted({out, 0, Shape{1}}, {sorted, 0, Shape{1}}, 20, {values, 0, Shape{1}},
                     Shape{15}, right);
        const auto got = values_of<std::int64_t>(out);
        for (std::size_t j = 0; j < 15; ++j) {
          std::int64_t want = 0;
          while (want < 20 && (right ? !oracle_less(v[j], s[static_cast<std::size_t>(want)])
                                     : oracle_less(s[static_cast<std::size_t>(want)], v[j]))) {
            ++want;
          }
          EXPECT_EQ(got[j], want) << dtype_name(dt) << " right " << right << " value " << j;
        }
      }
    });
  }
}

}  // namespace
}  // namespace mg::test
