// The tiled copy (Note [Blocked transposed copy] in kernels/copy.hpp): every dtype pair through
// every ISA against the per-element cast, over transposes with ragged edges, strided and
// reversed views, and the 8x8 register transposes of 32-bit types with NaN payloads kept.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "mg/kernels/elementwise.hpp"
#include "mg/plan.hpp"
#include "mg/simd/vec_scalar.hpp"
#include "test_util.hpp"

namespace mg::test {
namespace {

struct Layout {
  Shape shape;
  View out;
  View src;
};

// Big enough for each layout below.
constexpr std::size_t kSize = 3 * 131 * 133 + 16;

const std::vector<Layout>& layouts() {
  static const std::vector<Layout> all = {
      {{131, 133}, {0, {133, 1}}, {0, {1, 131}}},             // transpose, ragged 8x8 edges
      {{64, 64}, {5, {64, 1}}, {3, {1, 64}}},                 // exact tiles, offsets
      {{133, 131}, {0, {1, 133}}, {0, {131, 1}}},             // into column-major
      {{2, 70, 90}, {0, {6300, 90, 1}}, {0, {6300, 1, 70}}},  // a batch of transposes
      {{100, 120}, {0, {240, 2}}, {11999, {-1, -100}}},       // strided out, reversed src
      {{90, 100}, {0, {100, 1}}, {0, {3, 270}}},              // src rows 3 apart
  };
  return all;
}

template <class D, class S>
std::vector<D> reference(const std::vector<S>& src, std::vector<D> out, const Layout& l) {
  for_each_index(l.shape, [&](const Shape& index) {
    out[static_cast<std::size_t>(element(l.out, index))] = kernels::cast<simd::scalar::Family, D>(
        src[static_cast<std::size_t>(element(l.src, index))]);
  });
  return out;
}

class CopyTransposeIsa : public testing::TestWithParam<Isa> {};

TEST_P(CopyTransposeIsa, EveryDtypePairMatchesTheElementwiseCast) {
  for (DType to : kAllDTypes) {
    for (DType from : kAllDTypes) {
      visit_dtype(from, [&](auto from_tag) {
        using S = typename decltype(from_tag)::type;
        visit_dtype(to, [&](auto to_tag) {
          using D = typename decltype(to_tag)::type;
          const std::vector<S> in = random_values<S>(kSize, 13);
          const std::vector<D> before = random_values<D>(kSize, 14);
          for (const Layout& l : layouts()) {
            Storage src = storage_of(in);
            Storage out = storage_of(before);
            plan_copy({out, l.out.offset, l.out.strides}, {src, l.src.offset, l.src.strides},
                      l.shape, table(GetParam()))
                .run();
            const std::vector<D> want = reference(in, before, l);
            ASSERT_EQ(std::memcmp(out.data(), want.data(), out.nbytes()), 0)
                << dtype_name(from) << " -> " << dtype_name(to) << " shape " << text(l.shape)
                << " out " << text(l.out) << " src " << text(l.src);
          }
        });
      });
    }
  }
}

// float32 bit patterns that arithmetic would change: signalling NaNs with payloads, -0.0,
// subnormals. A transpose moves them untouched.
TEST_P(CopyTransposeIsa, Float32TransposeKeepsEveryBitPattern) {
  std::vector<std::uint32_t> bits(kSize);
  std::uint32_t x = 0x7f800001u;
  for (auto& b : bits) {
    b = x;
    x = x * 2654435761u + 0x7fa00000u;
  }
  std::vector<float> in(kSize);
  std::memcpy(in.data(), bits.data(), kSize * sizeof(float));
  const Layout& l = layouts()[0];
  Storage src = storage_of(in);
  Storage out(DType::kFloat32, kSize);
  plan_copy({out, l.out.offset, l.out.strides}, {src, l.src.offset, l.src.strides}, l.shape,
            table(GetParam()))
      .run();
  std::vector<std::uint32_t> want(kSize, 0);  // the bits themselves, not a cast of them
  for_each_index(l.shape, [&](const Shape& index) {
    want[static_cast<std::size_t>(element(l.out, index))] =
        bits[static_cast<std::size_t>(element(l.src, index))];
  });
  EXPECT_EQ(std::memcmp(out.data(), want.data(), out.nbytes()), 0);
}

INSTANTIATE_TEST_SUITE_P(Isas, CopyTransposeIsa, testing::ValuesIn(isas()), isa_label);

}  // namespace
}  // namespace mg::test
