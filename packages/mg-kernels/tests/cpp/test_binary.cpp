// binary: every available ISA against the scalar twin, and the scalar table against a naive
// reference written here (multi-index loop, per-element rules spelled out independently).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "mg/binary_op.hpp"
#include "mg/plan.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

constexpr BinaryOp kOps[] = {BinaryOp::kAdd, BinaryOp::kSub, BinaryOp::kMul, BinaryOp::kDiv,
                             BinaryOp::kPow};

// The documented per-element rules, computed a different way from the kernels: 128-bit
// intermediates, repeated multiplication for pow.
template <class T>
T reference(BinaryOp op, T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    switch (op) {
      case BinaryOp::kAdd:
        return x + y;
      case BinaryOp::kSub:
        return x - y;
      case BinaryOp::kMul:
        return x * y;
      case BinaryOp::kDiv:
        return x / y;
      case BinaryOp::kPow:
        return std::pow(x, y);
    }
  } else {
    __extension__ using Wide = __int128;  // GCC/Clang extension, fine in tests
    auto wrap = [](Wide v) { return static_cast<T>(static_cast<std::uint64_t>(v)); };
    switch (op) {
      case BinaryOp::kAdd:
        return wrap(Wide{x} + y);
      case BinaryOp::kSub:
        return wrap(Wide{x} - y);
      case BinaryOp::kMul:
        return wrap(Wide{x} * y);
      case BinaryOp::kDiv: {
        if (y == 0) return 0;
        Wide q = Wide{x} / y;
        if (q * y != x && ((x < 0) != (y < 0))) q -= 1;
        return wrap(q);
      }
      case BinaryOp::kPow: {
        if (y < 0) return x == 1 ? 1 : (x == -1 ? (y % 2 == 0 ? 1 : -1) : 0);
        std::uint64_t r = 1;
        for (T i = 0; i < y; ++i) r *= static_cast<std::uint64_t>(x);
        return static_cast<T>(r);
      }
    }
  }
  return T{};
}

struct Case {
  BinaryOp op;
  Shape shape;
  View out;
  View a;
  View b;
};

std::string describe(DType d, const Case& c) {
  return std::string(binary_op_name(c.op)) + " " + std::string(dtype_name(d)) + " shape " +
         text(c.shape) + " out " + text(c.out) + " a " + text(c.a) + " b " + text(c.b);
}

template <class T>
void naive_binary(const Case& c, Storage& out, const Storage& a, const Storage& b) {
  const T* x = static_cast<const T*>(a.data());
  const T* y = static_cast<const T*>(b.data());
  T* z = data<T>(out);
  for_each_index(c.shape, [&](const Shape& i) {
    z[element(c.out, i)] = reference<T>(c.op, x[element(c.a, i)], y[element(c.b, i)]);
  });
}

void run(const kernels::KernelTable& t, const Case& c, Storage& out, Storage& a, Storage& b) {
  plan_binary(c.op, {out, c.out.offset, c.out.strides}, {a, c.a.offset, c.a.strides},
              {b, c.b.offset, c.b.strides}, c.shape, t)
      .run();
}

// Exponents must stay small for integer POW, or the reference loop would never end.
template <class T>
Storage operand_b(BinaryOp op, std::size_t n, std::uint32_t seed) {
  if constexpr (std::is_integral_v<T>) {
    if (op == BinaryOp::kPow) {
      std::vector<T> v = random_values<T>(n, seed);
      for (T& e : v) e = static_cast<T>(static_cast<std::uint64_t>(e) % 44) - 3;
      return storage_of(v);
    }
  }
  return random_storage<T>(n, seed);
}

template <class T>
void check(Isa isa, const Case& c, std::size_t out_size, std::size_t a_size, std::size_t b_size,
           std::uint32_t seed) {
  Storage a = random_storage<T>(a_size, seed);
  Storage b = operand_b<T>(c.op, b_size, seed + 1);
  const Storage out0 = random_storage<T>(out_size, seed + 2);
  Storage expected = clone(out0);
  naive_binary<T>(c, expected, a, b);
  Storage scalar = clone(out0);
  run(scalar_table(), c, scalar, a, b);
  Storage got = clone(out0);
  run(table(isa), c, got, a, b);
  ASSERT_TRUE(same_bytes(scalar, expected)) << "scalar vs reference: " << describe(kDTypeOf<T>, c);
  ASSERT_TRUE(same_bytes(got, scalar))
      << isa_name(isa) << " vs scalar: " << describe(kDTypeOf<T>, c);
}

class BinaryIsa : public testing::TestWithParam<Isa> {};

TEST_P(BinaryIsa, ContiguousMisalignedStartsAndTails) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (BinaryOp op : kOps) {
      for (std::int64_t start = 0; start < 32; ++start) {
        for (std::int64_t n = 0; n <= 67; ++n) {
          const Case c{op, {n}, {start, {1}}, {(start * 7) % 32, {1}}, {(start * 13) % 32, {1}}};
          check<T>(GetParam(), c, 100, 100, 100, static_cast<std::uint32_t>(start * 100 + n));
        }
      }
    }
  });
}

TEST_P(BinaryIsa, ScalarBroadcastOnEitherSide) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (BinaryOp op : kOps) {
      for (std::int64_t n = 0; n <= 67; ++n) {
        const auto seed = static_cast<std::uint32_t>(n);
        check<T>(GetParam(), {op, {n}, {3, {1}}, {5, {0}}, {1, {1}}}, 80, 80, 80, seed);
        check<T>(GetParam(), {op, {n}, {0, {1}}, {2, {1}}, {7, {0}}}, 80, 80, 80, seed);
        check<T>(GetParam(), {op, {n}, {1, {1}}, {4, {0}}, {6, {0}}}, 80, 80, 80, seed);
      }
    }
  });
}

TEST_P(BinaryIsa, RowAndColumnBroadcast) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (BinaryOp op : kOps) {
      const Shape shape{6, 37};
      check<T>(GetParam(), {op, shape, {0, {37, 1}}, {0, {37, 1}}, {0, {0, 1}}}, 222, 222, 37, 1);
      check<T>(GetParam(), {op, shape, {0, {37, 1}}, {0, {1, 0}}, {0, {37, 1}}}, 222, 6, 222, 2);
      check<T>(GetParam(), {op, shape, {0, {37, 1}}, {0, {0, 1}}, {0, {1, 0}}}, 222, 37, 6, 3);
    }
  });
}

TEST_P(BinaryIsa, StridedTransposedAndNegative) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (BinaryOp op : kOps) {
      const Shape shape{5, 9};
      // a transposed, b reversed in both dimensions, out every other element.
      check<T>(GetParam(), {op, shape, {0, {18, 2}}, {0, {1, 5}}, {44, {-9, -1}}}, 90, 45, 45, 4);
      // out reversed inner, a inner stride 3, b column broadcast.
      check<T>(GetParam(), {op, shape, {8, {9, -1}}, {2, {27, 3}}, {0, {1, 0}}}, 45, 140, 5, 5);
      // Three dimensions, one of them size 1, mixed signs.
      check<T>(GetParam(),
               {op, {3, 1, 4, 5}, {59, {-20, 7, -5, -1}}, {0, {1, 0, 15, 3}}, {0, {20, 1, 5, 1}}},
               60, 60, 60, 6);
    }
  });
}

TEST_P(BinaryIsa, InPlaceOnEitherOperand) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (BinaryOp op : {BinaryOp::kAdd, BinaryOp::kMul, BinaryOp::kDiv}) {
      for (std::int64_t n : {1, 7, 67}) {
        const Case c{op, {n}, {3, {1}}, {3, {1}}, {0, {1}}};
        Storage a = random_storage<T>(80, 11);
        Storage b = random_storage<T>(80, 12);
        Storage expected = clone(a);
        naive_binary<T>(c, expected, a, b);
        run(table(GetParam()), c, a, a, b);
        EXPECT_TRUE(same_bytes(a, expected)) << "out is a: " << describe(kDTypeOf<T>, c);
        const Case cb{op, {n}, {3, {1}}, {0, {1}}, {3, {1}}};
        Storage a2 = random_storage<T>(80, 11);
        Storage expected_b = clone(b);
        naive_binary<T>(cb, expected_b, a2, b);
        run(table(GetParam()), cb, b, a2, b);
        EXPECT_TRUE(same_bytes(b, expected_b)) << "out is b: " << describe(kDTypeOf<T>, cb);
      }
    }
  });
}

// Each corner repeated so it lands in the vector body and in the scalar tail.
template <class T>
void expect_corners(Isa isa, BinaryOp op, const std::vector<T>& x, const std::vector<T>& y,
                    const std::vector<T>& expected) {
  std::vector<T> xs, ys, want;
  for (int r = 0; r < 9; ++r) {
    xs.insert(xs.end(), x.begin(), x.end());
    ys.insert(ys.end(), y.begin(), y.end());
    want.insert(want.end(), expected.begin(), expected.end());
  }
  Storage a = storage_of(xs);
  Storage b = storage_of(ys);
  Storage out(kDTypeOf<T>, xs.size());
  const auto n = static_cast<std::int64_t>(xs.size());
  plan_binary(op, {out, 0, {{1}}}, {a, 0, {{1}}}, {b, 0, {{1}}}, Shape{n}, table(isa)).run();
  EXPECT_EQ(values_of<T>(out), want) << binary_op_name(op) << " " << dtype_name(kDTypeOf<T>);
}

template <class T>
void integer_corners(Isa isa) {
  constexpr T kMin = std::numeric_limits<T>::min();
  constexpr T kMax = std::numeric_limits<T>::max();
  expect_corners<T>(isa, BinaryOp::kAdd, {kMax, kMin, -1}, {1, -1, kMin}, {kMin, kMax, kMax});
  expect_corners<T>(isa, BinaryOp::kSub, {kMin, kMax, 0}, {1, -1, kMin}, {kMax, kMin, kMin});
  expect_corners<T>(isa, BinaryOp::kMul, {kMax, kMin, kMin, 3}, {2, -1, 2, -4}, {-2, kMin, 0, -12});
  expect_corners<T>(isa, BinaryOp::kDiv, {7, -7, 7, -7, 5, 0, kMin, kMin, kMax},
                    {2, 2, -2, -2, 0, 0, -1, 1, -1}, {3, -4, -4, 3, 0, 0, kMin, kMin, -kMax});
  constexpr int kBits = std::numeric_limits<T>::digits + 1;
  expect_corners<T>(
      isa, BinaryOp::kPow, {2, 2, 2, 3, 1, -1, -1, 0, 0, -2, 0, 5},
      {10, static_cast<T>(kBits - 1), static_cast<T>(kBits), -1, -5, -3, -4, -1, 0, 3, 3, kMin},
      {1024, kMin, 0, 0, 1, -1, 1, 0, 1, -8, 0, 0});
}

TEST_P(BinaryIsa, IntegerCorners) {
  integer_corners<std::int32_t>(GetParam());
  integer_corners<std::int64_t>(GetParam());
}

TEST_P(BinaryIsa, FloatDivisionByZeroIsIeee) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Storage a = storage_of<double>({1.0, -1.0, 0.0, 2.0, 2.0});
  Storage b = storage_of<double>({0.0, 0.0, 0.0, -0.0, kInf});
  Storage out(DType::kFloat64, 5);
  plan_binary(BinaryOp::kDiv, {out, 0, {{1}}}, {a, 0, {{1}}}, {b, 0, {{1}}}, Shape{5},
              table(GetParam()))
      .run();
  const auto got = values_of<double>(out);
  EXPECT_EQ(got[0], kInf);
  EXPECT_EQ(got[1], -kInf);
  EXPECT_TRUE(std::isnan(got[2]));
  EXPECT_EQ(got[3], -kInf);
  EXPECT_EQ(got[4], 0.0);
}

INSTANTIATE_TEST_SUITE_P(Isas, BinaryIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
