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
// intermediates, repeated multiplication for pow; float16/bfloat16 through float (their
// independent oracle is NumPy/ml_dtypes in the Python tests).
template <class T>
T reference(BinaryOp op, T x, T y) {
  if constexpr (std::is_same_v<T, Bool>) {
    const bool a = x.bits != 0;
    const bool b = y.bits != 0;
    return Bool{static_cast<std::uint8_t>(op == BinaryOp::kAdd ? (a || b) : (a && b))};
  } else if constexpr (std::is_same_v<T, Half>) {
    return half_from_float(reference<float>(op, half_to_float(x), half_to_float(y)));
  } else if constexpr (std::is_same_v<T, BFloat16>) {
    return bfloat16_from_float(reference<float>(op, bfloat16_to_float(x), bfloat16_to_float(y)));
  } else if constexpr (std::is_floating_point_v<T>) {
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
      default:  // the newer ops are checked against the scalar table and NumPy instead
        break;
    }
  } else {
    __extension__ using Wide = __int128;  // GCC/Clang extension, fine in tests
    auto wrap = [](Wide v) { return static_cast<T>(static_cast<std::uint64_t>(v)); };
    switch (op) {
      case BinaryOp::kAdd:
        return wrap(Wide{x} + y);
      case BinaryOp::kSub:
        return wrap(Wide{x} - y);
      case BinaryOp::kMul: {  // unsigned: a uint64 product can overflow a signed __int128
        __extension__ using UWide = unsigned __int128;
        return static_cast<T>(
            static_cast<std::uint64_t>(static_cast<UWide>(x) * static_cast<UWide>(y)));
      }
      case BinaryOp::kDiv: {
        if (y == 0) return 0;
        Wide q = Wide{x} / y;
        if constexpr (std::is_signed_v<T>) {
          if (q * y != x && ((x < 0) != (y < 0))) q -= 1;
        }
        return wrap(q);
      }
      case BinaryOp::kPow: {
        if constexpr (std::is_signed_v<T>) {
          if (y < 0) return x == 1 ? 1 : (x == -1 ? (y % 2 == 0 ? 1 : -1) : 0);
        }
        std::uint64_t r = 1;
        for (T i = 0; i < y; ++i) r *= static_cast<std::uint64_t>(x);
        return static_cast<T>(r);
      }
      default:
        break;
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
      for (T& e : v) {
        e = static_cast<T>(static_cast<std::uint64_t>(e) % 44);
        if constexpr (std::is_signed_v<T>) e = static_cast<T>(e - 3);
      }
      return storage_of(v);
    }
  }
  return random_storage<T>(n, seed);
}

template <class T>
void check(Isa isa, const Case& c, std::size_t out_size, std::size_t a_size, std::size_t b_size,
           std::uint32_t seed) {
  if constexpr (std::is_same_v<T, Bool>) {
    if (c.op != BinaryOp::kAdd && c.op != BinaryOp::kMul) return;  // refused: see BoolOps
  }
  Storage a = random_storage<T>(a_size, seed);
  Storage b = operand_b<T>(c.op, b_size, seed + 1);
  const Storage out0 = random_storage<T>(out_size, seed + 2);
  Storage expected = clone(out0);
  naive_binary<T>(c, expected, a, b);
  Storage scalar = clone(out0);
  run(scalar_table(), c, scalar, a, b);
  Storage got = clone(out0);
  run(table(isa), c, got, a, b);
  ASSERT_TRUE(same_values<T>(scalar, expected))
      << "scalar vs reference: " << describe(kDTypeOf<T>, c);
  ASSERT_TRUE(same_values<T>(got, scalar))
      << isa_name(isa) << " vs scalar: " << describe(kDTypeOf<T>, c);
}

class BinaryIsa : public testing::TestWithParam<Isa> {};

// Every start offset 0..31 and length 0..67 for the dtypes of each width and kind (issue 9).
TEST_P(BinaryIsa, ContiguousMisalignedStartsAndTails) {
  for_each_of<std::int8_t, std::uint16_t, std::int64_t, Half, float>([&](auto tag) {
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
      if (std::is_same_v<T, Bool> && op == BinaryOp::kDiv) continue;
      for (std::int64_t n : {1, 7, 67}) {
        const Case c{op, {n}, {3, {1}}, {3, {1}}, {0, {1}}};
        Storage a = random_storage<T>(80, 11);
        Storage b = random_storage<T>(80, 12);
        Storage expected = clone(a);
        naive_binary<T>(c, expected, a, b);
        run(table(GetParam()), c, a, a, b);
        EXPECT_TRUE(same_values<T>(a, expected)) << "out is a: " << describe(kDTypeOf<T>, c);
        const Case cb{op, {n}, {3, {1}}, {0, {1}}, {3, {1}}};
        Storage a2 = random_storage<T>(80, 11);
        Storage expected_b = clone(b);
        naive_binary<T>(cb, expected_b, a2, b);
        run(table(GetParam()), cb, b, a2, b);
        EXPECT_TRUE(same_values<T>(b, expected_b)) << "out is b: " << describe(kDTypeOf<T>, cb);
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
      {5, static_cast<T>(kBits - 1), static_cast<T>(kBits), -1, -5, -3, -4, -1, 0, 3, 3, kMin},
      {32, kMin, 0, 0, 1, -1, 1, 0, 1, -8, 0, 0});
}

TEST_P(BinaryIsa, IntegerCorners) {
  integer_corners<std::int8_t>(GetParam());
  integer_corners<std::int16_t>(GetParam());
  integer_corners<std::int32_t>(GetParam());
  integer_corners<std::int64_t>(GetParam());
}

template <class T>
void unsigned_corners(Isa isa) {
  constexpr T kMax = std::numeric_limits<T>::max();
  expect_corners<T>(isa, BinaryOp::kAdd, {kMax, 0}, {1, 0}, {0, 0});
  expect_corners<T>(isa, BinaryOp::kSub, {0, 5}, {1, 7}, {kMax, static_cast<T>(kMax - 1)});
  expect_corners<T>(isa, BinaryOp::kMul, {kMax, 16}, {kMax, 4}, {1, 64});
  expect_corners<T>(isa, BinaryOp::kDiv, {7, 0, kMax, 5}, {2, 0, kMax, 0}, {3, 0, 1, 0});
  constexpr int kBits = std::numeric_limits<T>::digits;
  expect_corners<T>(isa, BinaryOp::kPow, {2, 2, 3, 0},
                    {static_cast<T>(kBits - 1), static_cast<T>(kBits), 0, 0},
                    {static_cast<T>(T{1} << (kBits - 1)), 0, 1, 1});
}

TEST_P(BinaryIsa, UnsignedCornersWrapAndDivideByZeroGivesZero) {
  unsigned_corners<std::uint8_t>(GetParam());
  unsigned_corners<std::uint16_t>(GetParam());
  unsigned_corners<std::uint32_t>(GetParam());
  unsigned_corners<std::uint64_t>(GetParam());
}

TEST_P(BinaryIsa, BoolAddIsOrMulIsAndOthersAreRefused) {
  const std::vector<Bool> x = {{0}, {0}, {1}, {1}, {2}};
  const std::vector<Bool> y = {{0}, {1}, {0}, {1}, {1}};
  expect_corners<Bool>(GetParam(), BinaryOp::kAdd, x, y, {{0}, {1}, {1}, {1}, {1}});
  expect_corners<Bool>(GetParam(), BinaryOp::kMul, x, y, {{0}, {0}, {0}, {1}, {1}});
  Storage a = storage_of(x);
  for (BinaryOp op : {BinaryOp::kSub, BinaryOp::kDiv, BinaryOp::kPow}) {
    EXPECT_THROW(
        plan_binary(op, {a, 0, {{1}}}, {a, 0, {{1}}}, {a, 0, {{1}}}, Shape{5}, table(GetParam())),
        DTypeError);
  }
}

// float16 arithmetic happens in float32 and rounds once: 2049 is halfway between the halves
// 2048 and 2050 and rounds to even; 65504 + 16 rounds to inf; 1 / 3 is the nearest half.
TEST_P(BinaryIsa, HalfArithmeticRoundsOnce) {
  auto h = [](float x) { return half_from_float(x); };
  expect_corners<Half>(GetParam(), BinaryOp::kAdd, {h(2048), h(2048), h(65504), h(-0.0f)},
                       {h(1), h(3), h(16), h(0.0f)}, {h(2048), h(2052), h(INFINITY), h(0.0f)});
  expect_corners<Half>(GetParam(), BinaryOp::kDiv, {h(1), h(1)}, {h(3), h(0)},
                       {h(1.0f / 3.0f), h(INFINITY)});
  auto b = [](float x) { return bfloat16_from_float(x); };
  expect_corners<BFloat16>(GetParam(), BinaryOp::kAdd, {b(256), b(256)}, {b(1), b(3)},
                           {b(256), b(260)});
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

}  // namespace
}  // namespace mg::test

namespace mg::test {
namespace {

// The ops added after the first five: each available ISA against the scalar table, bit for bit
// (any NaN for the narrow floats), with NaN, infinities and shift amounts around the width mixed
// in. Their independent oracle is NumPy (tests/python/test_binary*.py).
constexpr BinaryOp kNewOps[] = {
    BinaryOp::kFloorDivide, BinaryOp::kRemainder,    BinaryOp::kMaximum,    BinaryOp::kMinimum,
    BinaryOp::kAtan2,       BinaryOp::kCopysign,     BinaryOp::kHypot,      BinaryOp::kLogaddexp,
    BinaryOp::kEqual,       BinaryOp::kNotEqual,     BinaryOp::kLess,       BinaryOp::kLessEqual,
    BinaryOp::kGreater,     BinaryOp::kGreaterEqual, BinaryOp::kLogicalAnd, BinaryOp::kLogicalOr,
    BinaryOp::kLogicalXor,  BinaryOp::kBitwiseAnd,   BinaryOp::kBitwiseOr,  BinaryOp::kBitwiseXor,
    BinaryOp::kLeftShift,   BinaryOp::kRightShift};

template <class T>
Storage awkward_storage(BinaryOp op, std::size_t n, std::uint32_t seed) {
  std::vector<T> v = random_values<T>(n, seed);
  for (std::size_t i = 0; i < n; ++i) {
    if constexpr (std::is_floating_point_v<T>) {
      if (i % 7 == 3) v[i] = std::numeric_limits<T>::quiet_NaN();
      if (i % 11 == 5) v[i] = (i % 2 == 0 ? 1 : -1) * std::numeric_limits<T>::infinity();
      if (i % 13 == 0 && i > 0) v[i] = v[i - 1];  // ties for max/min and the comparisons
    } else if constexpr (std::is_integral_v<T>) {
      if (op == BinaryOp::kLeftShift || op == BinaryOp::kRightShift) {
        constexpr auto kRange = static_cast<std::uint64_t>(sizeof(T) * 8 + 6);
        v[i] = static_cast<T>(static_cast<std::int64_t>(static_cast<std::uint64_t>(v[i]) % kRange) -
                              3);
      } else if (i % 13 == 0 && i > 0) {
        v[i] = v[i - 1];
      }
    }
  }
  return storage_of(v);
}

template <class T>
void check_new_op(Isa isa, const Case& c, std::size_t out_size, std::size_t a_size,
                  std::size_t b_size, std::uint32_t seed) {
  const BinaryOp op = c.op;
  const bool gives_bool = binary_op_gives_bool(op);
  const DType out_dtype = gives_bool ? DType::kBool : kDTypeOf<T>;
  if (kernels::compiled_table(Isa::kScalar)
          ->binary->ops[static_cast<int>(op)][dtype_index(kDTypeOf<T>)] == nullptr) {
    return;  // undefined for T: the refusal is tested in Python
  }
  Storage a = awkward_storage<T>(BinaryOp::kAdd, a_size, seed);
  Storage b = awkward_storage<T>(op, b_size, seed + 1);
  const Storage out0 =
      gives_bool ? random_storage<Bool>(out_size, seed + 2) : random_storage<T>(out_size, seed + 2);
  ASSERT_EQ(out0.dtype(), out_dtype);
  Storage scalar = clone(out0);
  run(scalar_table(), c, scalar, a, b);
  Storage got = clone(out0);
  run(table(isa), c, got, a, b);
  const bool same = gives_bool ? same_bytes(got, scalar) : same_values<T>(got, scalar);
  ASSERT_TRUE(same) << isa_name(isa) << " vs scalar: " << describe(kDTypeOf<T>, c);
}

// The vector body (elementwise via the Vec family) and the strided loop (kernels/elementwise.hpp)
// are separate code in every table, the scalar one included: the same elements walked forwards
// (contiguous) and backwards (stride -1, the scalar loop) must give the same bytes.
template <class T>
void check_paths_agree(Isa isa, BinaryOp op, std::int64_t n) {
  if (kernels::compiled_table(Isa::kScalar)
          ->binary->ops[static_cast<int>(op)][dtype_index(kDTypeOf<T>)] == nullptr) {
    return;
  }
  const auto seed = static_cast<std::uint32_t>(n + 1000);
  Storage a = awkward_storage<T>(BinaryOp::kAdd, 80, seed);
  Storage b = awkward_storage<T>(op, 80, seed + 1);
  const DType out_dtype = binary_op_gives_bool(op) ? DType::kBool : kDTypeOf<T>;
  Storage forwards(out_dtype, 80);
  Storage backwards(out_dtype, 80);
  run(table(isa), {op, {n}, {1, {1}}, {3, {1}}, {2, {1}}}, forwards, a, b);
  run(table(isa), {op, {n}, {n, {-1}}, {n + 2, {-1}}, {n + 1, {-1}}}, backwards, a, b);
  const bool same = binary_op_gives_bool(op) ? same_bytes(forwards, backwards)
                                             : same_values<T>(forwards, backwards);
  ASSERT_TRUE(same) << isa_name(isa) << " vector vs strided loop: " << binary_op_name(op) << " "
                    << dtype_name(kDTypeOf<T>) << " n " << n;
}

TEST_P(BinaryIsa, NewOpsVectorBodyMatchesStridedLoop) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (BinaryOp op : kNewOps) {
      for (std::int64_t n : {1, 9, 33, 67}) check_paths_agree<T>(GetParam(), op, n);
    }
  });
}

TEST_P(BinaryIsa, NewOpsMatchScalarOnEveryLayout) {
  for_each_dtype([&](auto tag) {
    using T = typename decltype(tag)::type;
    for (BinaryOp op : kNewOps) {
      for (std::int64_t n : {0, 1, 7, 8, 31, 32, 33, 67}) {
        const auto seed = static_cast<std::uint32_t>(n);
        check_new_op<T>(GetParam(), {op, {n}, {1, {1}}, {3, {1}}, {2, {1}}}, 80, 80, 80, seed);
        check_new_op<T>(GetParam(), {op, {n}, {3, {1}}, {5, {0}}, {1, {1}}}, 80, 80, 80, seed);
        check_new_op<T>(GetParam(), {op, {n}, {0, {1}}, {2, {1}}, {7, {0}}}, 80, 80, 80, seed);
        check_new_op<T>(GetParam(), {op, {n}, {0, {1}}, {2, {0}}, {7, {0}}}, 80, 80, 80, seed);
      }
      const Shape shape{5, 9};
      check_new_op<T>(GetParam(), {op, shape, {0, {18, 2}}, {0, {1, 5}}, {44, {-9, -1}}}, 90, 45,
                      45, 4);
      check_new_op<T>(GetParam(), {op, {6, 37}, {0, {37, 1}}, {0, {0, 1}}, {0, {1, 0}}}, 222, 37, 6,
                      3);
    }
  });
}

INSTANTIATE_TEST_SUITE_P(Isas, BinaryIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
