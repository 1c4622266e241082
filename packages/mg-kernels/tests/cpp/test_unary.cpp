// unary: every available ISA against the scalar twin (bit for bit, every op, dtype and layout),
// the scalar table against a naive reference written here for the exact ops, and the dtype
// checks of plan_unary.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "mg/plan.hpp"
#include "mg/unary_op.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

struct Layout {
  Shape shape;
  View out;
  View src;
  std::size_t out_size;
  std::size_t src_size;
};

// Contiguous (long enough for the unrolled loop and a tail), strided, reversed, broadcast,
// transposed 2-d, single element and empty.
std::vector<Layout> layouts() {
  return {
      {{1037}, {0, {1}}, {0, {1}}, 1037, 1037},
      {{5}, {0, {1}}, {0, {1}}, 5, 5},
      {{300}, {3, {2}}, {1, {3}}, 603, 901},
      {{300}, {299, {-1}}, {598, {-2}}, 300, 599},
      {{77}, {0, {1}}, {4, {0}}, 77, 5},
      {{9, 13}, {0, {1, 9}}, {0, {13, 1}}, 117, 117},
      {{4, 1, 33}, {2, {33, 0, 1}}, {0, {0, 7, 1}}, 134, 33},
      {{1}, {0, {1}}, {0, {1}}, 1, 1},
      {{0, 3}, {0, {3, 1}}, {0, {3, 1}}, 0, 0},
  };
}

template <class T>
bool same_element(T x, T y) {
  if constexpr (std::is_same_v<T, Bool> || kNarrowFloat<T>) {
    if (x.bits == y.bits) return true;
  } else {
    if (std::memcmp(&x, &y, sizeof(T)) == 0) return true;
  }
  if constexpr (std::is_floating_point_v<T> || kNarrowFloat<T>) {
    return std::isnan(as_double(x)) && std::isnan(as_double(y));  // payloads may differ
  }
  return false;
}

void run(const kernels::KernelTable& t, UnaryOp op, const Layout& l, Storage& out, Storage& src) {
  plan_unary(op, {out, l.out.offset, l.out.strides}, {src, l.src.offset, l.src.strides}, l.shape, t)
      .run();
}

template <class Out, class T>
void check_all_isas(UnaryOp op, std::uint32_t seed) {
  for (const Layout& l : layouts()) {
    Storage src = random_storage<T>(l.src_size, seed);
    const Storage out0 = random_storage<Out>(l.out_size, seed + 1);
    Storage scalar = clone(out0);
    run(scalar_table(), op, l, scalar, src);
    for (Isa isa : isas()) {
      Storage got = clone(out0);
      run(table(isa), op, l, got, src);
      const Out* a = static_cast<const Out*>(got.data());
      const Out* b = static_cast<const Out*>(scalar.data());
      for (std::size_t i = 0; i < l.out_size; ++i) {
        ASSERT_TRUE(same_element(a[i], b[i]))
            << unary_op_name(op) << " " << dtype_name(kDTypeOf<T>) << " " << isa_name(isa)
            << " shape " << text(l.shape) << " element " << i << ": " << as_double(a[i])
            << " vs scalar " << as_double(b[i]);
      }
    }
    // In place: out is src itself.
    if (!unary_writes_bool(op) && l.src.strides == l.out.strides && l.out_size == l.src_size &&
        l.src.offset == l.out.offset) {
      Storage expected = clone(src);
      run(scalar_table(), op, l, expected, src);
      for (Isa isa : isas()) {
        Storage inplace = clone(src);
        run(table(isa), op, l, inplace, inplace);
        EXPECT_TRUE(same_values<Out>(inplace, expected) || same_bytes(inplace, expected))
            << "in place " << unary_op_name(op) << " " << isa_name(isa);
      }
    }
  }
}

TEST(Unary, EveryIsaMatchesScalarForEveryOpAndDtype) {
  std::uint32_t seed = 1;
  for (std::size_t o = 0; o < kNumUnaryOps; ++o) {
    const auto op = static_cast<UnaryOp>(o);
    for_each_dtype([&](auto tag) {
      using T = typename decltype(tag)::type;
      ++seed;
      if (scalar_table().unary->ops[o][dtype_index(kDTypeOf<T>)] == nullptr) return;
      if (unary_writes_bool(op)) {
        check_all_isas<Bool, T>(op, seed);
      } else {
        check_all_isas<T, T>(op, seed);
      }
    });
  }
}

template <class T>
bool is_negative(T x) {
  if constexpr (std::is_signed_v<T>) {
    return x < 0;
  } else {
    return false;
  }
}

// The exact ops, spelled out independently (as NumPy defines them) for one element.
template <class T>
double exact_reference(UnaryOp op, T x) {
  const double v = as_double(x);
  switch (op) {
    case UnaryOp::kNegative:
      return -v;
    case UnaryOp::kAbs:
      return std::fabs(v);
    case UnaryOp::kSign:
      return std::isnan(v) ? v : (v > 0) - (v < 0);
    case UnaryOp::kSqrt:
      return std::sqrt(v);
    case UnaryOp::kSquare:
      return v * v;
    case UnaryOp::kRelu:
      return std::isnan(v) || v > 0 ? v : 0.0;
    case UnaryOp::kFloor:
      return std::floor(v);
    case UnaryOp::kCeil:
      return std::ceil(v);
    case UnaryOp::kTrunc:
      return std::trunc(v);
    case UnaryOp::kRound:
      return std::nearbyint(v);
    case UnaryOp::kIsnan:
      return std::isnan(v);
    case UnaryOp::kIsinf:
      return std::isinf(v);
    case UnaryOp::kIsfinite:
      return std::isfinite(v);
    case UnaryOp::kLogicalNot:
      return v == 0;
    default:
      return std::nan("");
  }
}

// Floats: every exact op equals the double computation rounded to T (float16/bfloat16 results
// are exact in float32 first, so one rounding); integers: wrapping done with 64-bit arithmetic.
TEST(Unary, ScalarTableMatchesReferenceOnExactOps) {
  const UnaryOp ops[] = {UnaryOp::kNegative, UnaryOp::kAbs,       UnaryOp::kSign,  UnaryOp::kSqrt,
                         UnaryOp::kSquare,   UnaryOp::kRelu,      UnaryOp::kFloor, UnaryOp::kCeil,
                         UnaryOp::kTrunc,    UnaryOp::kRound,     UnaryOp::kIsnan, UnaryOp::kIsinf,
                         UnaryOp::kIsfinite, UnaryOp::kLogicalNot};
  for (UnaryOp op : ops) {
    for_each_dtype([&](auto tag) {
      using T = typename decltype(tag)::type;
      if (scalar_table().unary->ops[static_cast<std::size_t>(op)][dtype_index(kDTypeOf<T>)] ==
          nullptr) {
        return;
      }
      if (op == UnaryOp::kSqrt && !std::is_floating_point_v<T> && !kNarrowFloat<T>) return;
      std::vector<T> in = random_values<T>(500, 7);
      Storage src = storage_of(in);
      const std::int64_t shape[] = {500};
      const std::int64_t st[] = {1};
      for (Isa isa : isas()) {
        if (unary_writes_bool(op)) {
          Storage out(DType::kBool, 500);
          plan_unary(op, {out, 0, st}, {src, 0, st}, shape, table(isa)).run();
          const Bool* r = static_cast<const Bool*>(out.data());
          for (std::size_t i = 0; i < 500; ++i) {
            ASSERT_EQ(r[i].bits, exact_reference(op, in[i]) != 0 ? 1 : 0)
                << unary_op_name(op) << " " << dtype_name(kDTypeOf<T>) << " x " << as_double(in[i]);
          }
          continue;
        }
        Storage out(kDTypeOf<T>, 500);
        plan_unary(op, {out, 0, st}, {src, 0, st}, shape, table(isa)).run();
        const T* r = static_cast<const T*>(out.data());
        for (std::size_t i = 0; i < 500; ++i) {
          T want;
          if constexpr (std::is_same_v<T, Half>) {
            want = half_from_double(exact_reference(op, in[i]));
          } else if constexpr (std::is_same_v<T, BFloat16>) {
            want = bfloat16_from_float(static_cast<float>(exact_reference(op, in[i])));
          } else if constexpr (std::is_floating_point_v<T>) {
            want = static_cast<T>(exact_reference(op, in[i]));
          } else if constexpr (std::is_integral_v<T>) {
            const auto u = static_cast<std::uint64_t>(in[i]);  // sign-extends signed T
            const bool neg = is_negative(in[i]);
            const bool pos = in[i] != 0 && !neg;
            std::uint64_t w = u;
            if (op == UnaryOp::kNegative) w = 0 - u;
            if (op == UnaryOp::kAbs) w = neg ? 0 - u : u;
            if (op == UnaryOp::kSign) w = pos ? 1 : (neg ? ~std::uint64_t{0} : 0);
            if (op == UnaryOp::kSquare) w = u * u;
            if (op == UnaryOp::kRelu) w = pos ? u : 0;
            want = static_cast<T>(w);
          } else {
            want = r[i];  // bool: only the predicates, checked above
          }
          ASSERT_TRUE(same_element(r[i], want))
              << unary_op_name(op) << " " << dtype_name(kDTypeOf<T>) << " " << isa_name(isa)
              << " x " << as_double(in[i]) << " got " << as_double(r[i]) << " want "
              << as_double(want);
        }
      }
    });
  }
}

TEST(Unary, IntegerCornersWrapAsNumPy) {
  Storage src = storage_of(std::vector<std::int8_t>{-128, -1, 0, 127});
  Storage out(DType::kInt8, 4);
  const std::int64_t shape[] = {4};
  const std::int64_t st[] = {1};
  plan_unary(UnaryOp::kAbs, {out, 0, st}, {src, 0, st}, shape).run();
  EXPECT_EQ(values_of<std::int8_t>(out), (std::vector<std::int8_t>{-128, 1, 0, 127}));
  plan_unary(UnaryOp::kNegative, {out, 0, st}, {src, 0, st}, shape).run();
  EXPECT_EQ(values_of<std::int8_t>(out), (std::vector<std::int8_t>{-128, 1, 0, -127}));
  plan_unary(UnaryOp::kBitwiseInvert, {out, 0, st}, {src, 0, st}, shape).run();
  EXPECT_EQ(values_of<std::int8_t>(out), (std::vector<std::int8_t>{127, 0, -1, -128}));
}

TEST(Unary, RefusesUndefinedOpsAndWrongOutDtypes) {
  Storage i32(DType::kInt32, 3);
  Storage f32(DType::kFloat32, 3);
  Storage b(DType::kBool, 3);
  const std::int64_t shape[] = {3};
  const std::int64_t st[] = {1};
  auto message = [&](UnaryOp op, Storage& out, Storage& src) -> std::string {
    try {
      plan_unary(op, {out, 0, st}, {src, 0, st}, shape);
    } catch (const DTypeError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_EQ(message(UnaryOp::kExp, i32, i32), "unary: EXP is not defined for dtype int32");
  EXPECT_EQ(message(UnaryOp::kBitwiseInvert, f32, f32),
            "unary: BITWISE_INVERT is not defined for dtype float32");
  EXPECT_EQ(message(UnaryOp::kNegative, b, b), "unary: NEGATIVE is not defined for dtype bool");
  EXPECT_EQ(message(UnaryOp::kIsnan, f32, f32),
            "unary: ISNAN on src dtype float32 writes dtype bool, got out dtype float32");
  EXPECT_EQ(message(UnaryOp::kExp, i32, f32),
            "unary: EXP on src dtype float32 writes dtype float32, got out dtype int32");
  EXPECT_EQ(message(UnaryOp::kIsnan, b, f32), "");
  EXPECT_THROW(plan_unary(static_cast<UnaryOp>(kNumUnaryOps), {f32, 0, st}, {f32, 0, st}, shape),
               std::invalid_argument);
  const std::int64_t too_long[] = {4};
  EXPECT_THROW(plan_unary(UnaryOp::kExp, {f32, 0, st}, {f32, 0, st}, too_long),
               std::invalid_argument);
}

}  // namespace
}  // namespace mg::test
