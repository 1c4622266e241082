// Accuracy of the vectorised float32 math (kernels/vmath.hpp) through every compiled table:
// max ulp error against a float64 reference over every 64th float32 bit pattern plus the edges,
// asserted <= 2; and every table bit for bit equal to the scalar one.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "mg/plan.hpp"
#include "mg/unary_op.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

double reference(UnaryOp op, float xf) {
  const double x = xf;
  switch (op) {
    case UnaryOp::kExp:
      return std::exp(x);
    case UnaryOp::kLog:
      return std::log(x);
    case UnaryOp::kTanh:
      return std::tanh(x);
    case UnaryOp::kSigmoid:
      return 1.0 / (1.0 + std::exp(-x));
    case UnaryOp::kErf:
      return std::erf(x);
    case UnaryOp::kSin:
      return std::sin(x);
    case UnaryOp::kCos:
      return std::cos(x);
    default:
      return std::nan("");
  }
}

// |got - ref| in units of the float32 ulp at ref (2**-149 below the normal range). NaN must
// match NaN; a reference that rounds past FLT_MAX must give inf of its sign.
double ulp_error(float got, double ref) {
  if (std::isnan(ref) || std::isnan(got)) return std::isnan(ref) && std::isnan(got) ? 0 : 1e30;
  const double top = 0x1.fffffep127 + 0x1p103;  // halfway to the next binade: rounds to inf
  if (std::fabs(ref) >= top) return std::isinf(got) && (got > 0) == (ref > 0) ? 0 : 1e30;
  if (std::isinf(got)) return 1e30;
  if (got == 0 && ref == 0) return 0;
  int e = 0;
  std::frexp(ref, &e);  // |ref| = m 2**e, 0.5 <= m < 1
  const double ulp = std::ldexp(1.0, std::max(e - 24, -149));
  return std::fabs(static_cast<double>(got) - ref) / ulp;
}

float from_bits(std::uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}
std::uint32_t bits_of(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

// Signed zeros, subnormals, the normal range's ends, infinities, NaN, the overflow and
// underflow thresholds, and the polynomial switch points, each with a few neighbours.
std::vector<float> edge_inputs() {
  const float centres[] = {0.0f,         0x1p-149f,
                           0x1p-126f,    0x1.fffffcp-127f,
                           1.0f,         0x1.fffffep127f,
                           88.7228394f,  88.0f,
                           89.0f,        -87.3365479f,
                           -103.972084f, -104.0f,
                           0.625f,       1.0f,
                           3.92f,        9.0f,
                           0x1p-12f,     32768.0f,
                           3.14159265f,  1.57079633f,
                           1e4f,         1e5f,
                           1e10f,        1e30f,
                           0.693147f,    0.5f,
                           2.0f,         1.41421356f,
                           0.70710678f,  16.6355324f};
  std::vector<float> out;
  for (float c : centres) {
    for (float s : {c, -c}) {
      for (int d = -4; d <= 4; ++d)
        out.push_back(from_bits(bits_of(s) + static_cast<std::uint32_t>(d)));
    }
  }
  const float inf = std::numeric_limits<float>::infinity();
  for (float v : {inf, -inf, std::nanf(""), -std::nanf(""), 0.0f, -0.0f}) out.push_back(v);
  return out;
}

std::vector<float> run(const kernels::KernelTable& t, UnaryOp op, std::vector<float>& in) {
  const std::int64_t n = static_cast<std::int64_t>(in.size());
  Storage src = storage_of(in);
  Storage out(DType::kFloat32, in.size());
  const std::int64_t shape[] = {n};
  const std::int64_t strides[] = {1};
  plan_unary(op, {out, 0, strides}, {src, 0, strides}, shape, t).run();
  return values_of<float>(out);
}

class VmathTest : public testing::TestWithParam<UnaryOp> {};

// The sweep's stride through the 2**32 float bit patterns: every 256th (16.7M inputs per function
// and ISA) unless MG_TEST_VMATH_STEP says otherwise. The sanitizer sessions set 4096 (1M inputs):
// the same code paths and batch sizes, checked for memory safety, where the full sweep took over a
// minute per function (docs/reliability.md).
std::uint64_t sweep_step() {
  const char* env = std::getenv("MG_TEST_VMATH_STEP");
  const std::uint64_t step = env != nullptr ? std::strtoull(env, nullptr, 10) : 256;
  return step == 0 ? 256 : step;
}

TEST_P(VmathTest, AtMostTwoUlpOnEveryTable) {
  const UnaryOp op = GetParam();
  const std::vector<Isa> all = isas();
  std::vector<double> worst(all.size(), 0.0);
  std::vector<float> worst_x(all.size(), 0.0f);
  auto check_batch = [&](std::vector<float>& in) {
    const std::vector<float> scalar = run(scalar_table(), op, in);
    for (std::size_t k = 0; k < all.size(); ++k) {
      const std::vector<float> got = k == 0 ? scalar : run(table(all[k]), op, in);
      for (std::size_t i = 0; i < in.size(); ++i) {
        const double err = ulp_error(got[i], reference(op, in[i]));
        if (err > worst[k]) {
          worst[k] = err;
          worst_x[k] = in[i];
        }
        if (bits_of(got[i]) != bits_of(scalar[i]) &&
            !(std::isnan(got[i]) && std::isnan(scalar[i]))) {
          ADD_FAILURE() << unary_op_name(op) << " " << isa_name(all[k])
                        << " differs from scalar at " << in[i];
          return;
        }
      }
    }
  };
  std::vector<float> edges = edge_inputs();
  check_batch(edges);
  const std::uint64_t step = sweep_step();  // 1 is exhaustive
  if (step != 256) {
    std::printf("[vmath] MG_TEST_VMATH_STEP: every %llu-th float\n",
                static_cast<unsigned long long>(step));
  }
  constexpr std::uint64_t kBatch = std::uint64_t{1} << 20;
  std::vector<float> in;
  in.reserve(kBatch);
  for (std::uint64_t b = 0; b < (std::uint64_t{1} << 32); b += step) {
    in.push_back(from_bits(static_cast<std::uint32_t>(b + (b / step) % step)));  // all low bits
    if (in.size() == kBatch) {
      check_batch(in);
      in.clear();
    }
  }
  if (!in.empty()) check_batch(in);
  for (std::size_t k = 0; k < all.size(); ++k) {
    std::printf("[vmath] %-8s %-6s max error %.3f ulp (at x = %.9g)\n",
                std::string(unary_op_name(op)).c_str(), std::string(isa_name(all[k])).c_str(),
                worst[k], static_cast<double>(worst_x[k]));
    EXPECT_LE(worst[k], 2.0) << unary_op_name(op) << " on " << isa_name(all[k])
                             << " at x = " << worst_x[k];
  }
}

// The ulp check counts +0 and -0 as equal; NumPy keeps the sign (tanh(-0.0) is -0.0).
TEST_P(VmathTest, ZeroResultsKeepTheReferenceSign) {
  const UnaryOp op = GetParam();
  std::vector<float> in(16, 0.0f);
  for (std::size_t i = 0; i < in.size(); i += 2) in[i] = -0.0f;  // whole vectors and a tail
  for (Isa isa : isas()) {
    const std::vector<float> got = run(table(isa), op, in);
    for (std::size_t i = 0; i < in.size(); ++i) {
      const auto want = static_cast<float>(reference(op, in[i]));
      if (want != 0.0f) continue;
      EXPECT_EQ(std::signbit(got[i]), std::signbit(want))
          << unary_op_name(op) << " on " << isa_name(isa) << " at x = " << in[i];
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Functions, VmathTest,
                         testing::Values(UnaryOp::kExp, UnaryOp::kLog, UnaryOp::kTanh,
                                         UnaryOp::kSigmoid, UnaryOp::kErf, UnaryOp::kSin,
                                         UnaryOp::kCos),
                         [](const testing::TestParamInfo<UnaryOp>& info) {
                           return std::string(unary_op_name(info.param));
                         });

}  // namespace
}  // namespace mg::test
