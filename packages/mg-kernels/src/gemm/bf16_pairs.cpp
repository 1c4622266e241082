// bfloat16 x bfloat16 -> float32 sums with the instructions that multiply bfloat16 pairs: AMX
// tiles (TDPBF16PS) or AVX512-BF16 vectors (VDPBF16PS). Compiled on its own with the avx512 flags
// plus -mamx-tile -mamx-bf16 -mavx512bf16 (CMakeLists.txt), and run only when the avx512 table is
// active and the CPU has the engine: amx_bf16_usable() or cpu_supports_avx512_bf16()
// (src/dispatch.cpp, src/gemm/matmul.cpp).
//
// Note [AMX tiles]
// ~~~~~~~~~~~~~~~~
// An AMX tile register holds up to 16 rows of 64 bytes. TDPBF16PS takes C (16 x 16 float32),
// A (16 rows x 32 bfloat16: 16 rows of C by 32 depths) and B (16 rows x 16 pairs: row r holds
// depths 2r and 2r + 1 of the 16 columns side by side, the "VNNI" layout) and adds to each
// C[i][j] the 32 products A[i][p] * B[p][j], made exactly and summed in float32 in the
// hardware's own order. So packing stores A as row tiles of 16 rows x 32 depths (1 KiB each)
// and B as tiles of 16 depth pairs x 16 columns x 2, both zero-padded to whole tiles: a padded
// depth multiplies zeros, a padded row or column of C is never stored. The kernel keeps a 32 x 32
// block of C in four accumulator tiles (2 x 2), loading two A and two B tiles per 32 depths for
// four TDPBF16PS: tiles 0-3 are C, 4-5 A, 6-7 B, all 16 x 64 bytes (one configuration).
//
// The loops are Goto's (Note [GEMM loops] in driver.cpp), with packed tiles for micro-panels:
// for each column block (kNc) and depth block (kKc) the threads pack B together, then each task
// packs one pair of A row tiles (32 rows x kKc, 32 KiB, kept in L1) and runs the kernel along
// its part of the B block, which streams from L2. The first depth block's sums start from zero,
// later ones load C back: every C element sums the same depth blocks in the same order whatever
// the split, so results do not depend on the thread count.
//
// Numerics: TDPBF16PS reads subnormal bfloat16 inputs as zero and flushes subnormal results to
// zero, whatever MXCSR says, and sums each tile's products in its own order; the widened
// float32 path keeps subnormals and sums depth by depth. Both stay within the tests' float64
// bound; docs/kernels.md ("Matrix products") says so to users, tests/cpp/test_gemm_bf16_pairs.cpp
// checks both effects.
//
// Note [bfloat16 pairs]
// ~~~~~~~~~~~~~~~~~~~~~~
// Without AMX (AMD Zen 4), VDPBF16PS does the same on vectors: each float32 lane of the
// accumulator adds the products of one bfloat16 pair of A and one of B, twice the multiply-adds
// of a float32 FMA per instruction. It takes B's VNNI rows as they are packed for the tiles (a
// panel's 16 columns of one depth pair are one 64-byte row) and broadcasts A's pairs, so both
// engines share the packing and the loops above; the block kernel (dp_2x2: four row groups of
// 8 x 32, 16 accumulators) and a few choices differ (DpEngine, measured on Zen 4): each block's
// sums start from zero and C is added at the end; full row blocks of row-major A are read in
// place (APanels); B blocks are 512 columns wide for a 1 MiB L2; and two or more threads split
// the columns, each packing its own B, instead of sharing one packed B block. The numerics are
// the tiles': subnormal inputs read as zero, subnormal results flushed, round to nearest even
// whatever MXCSR says (tests/cpp/test_gemm_bf16_pairs.cpp checks the flushing for each engine);
// each lane adds the pair's odd product first, then the even one (seen on Zen 4).
//
// Note [Narrow stores]
// ~~~~~~~~~~~~~~~~~~~~~
// matmul with a bfloat16 output used to take the float32 sums from c and narrow them in a pass
// of its own (2% of 512^2 on Zen 4, perf). Given `out`, the vector engine rounds each block's
// final sums in registers after the last depth block (narrow16: bfloat16_from_float's rule,
// round to nearest even, NaN to 0x7fc0 with its sign) and stores them there; c holds only
// the earlier depth blocks' sums. Edge blocks and strided outputs round their scratch block.
//
// Tile state is per thread: every task loads the configuration and releases it when done
// (TILERELEASE, so the OS need not save 8 KiB of tile data for an idle thread). Linux also wants
// the process's permission to use tile data (arch_prctl), asked once by amx_bf16_usable().
//
// Nothing here calls an inline function of a shared header (mg/half.hpp's conversions and the
// like): compiled with these flags, an out-of-line copy could replace the baseline one at link
// time (Note [One symbol per ISA]). BFloat16 is read as its bits.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include "mg/gemm/gemm.hpp"
#include "mg/half.hpp"
#include "mg/parallel.hpp"
#include "mg/simd/intrinsics.hpp"  // <immintrin.h> without GCC 12's false warnings

#if !defined(__AMX_TILE__) || !defined(__AMX_BF16__) || !defined(__AVX512BF16__) || \
    !defined(__AVX512BW__)
#error \
    "bf16_pairs.cpp needs -mamx-tile -mamx-bf16 -mavx512bf16 and the avx512 flags (CMakeLists.txt)"
#endif

namespace mg::gemm {
namespace {

// Elements of one tile: 16 rows x 32 bfloat16 (A) or 16 pairs x 16 columns x 2 (B).
constexpr std::int64_t kTile = 512;
constexpr std::int64_t kDepthTile = 32;  // depths per tile
constexpr std::int64_t kSide = 16;       // rows of an A tile, columns of a B tile
constexpr std::int64_t kBlock = 32;      // the kernel's C block is kBlock x kBlock
// Cache blocks (Note [AMX tiles]): an A block of kMc x kKc bfloat16 = 32 KiB, for a 48 KiB L1;
// a packed B block kKc x kNc = 1 MiB, for a 2 MiB L2. Measured (process time, one thread, 512^3
// and 1024^3): kMc 128 (A from L2, B tile pairs in L1) took 350 and 2980 us, kMc 32 310-320 and
// 2580-2660 us; kKc 384 or 1024 lost to 512 on one size or the other.
constexpr std::int64_t kMc = 32;
constexpr std::int64_t kKc = 512;
constexpr std::int64_t kNc = 1024;  // the tiles'; DpEngine::kNc for vectors
// Below this many multiply-adds a product runs on one thread: the same time per task (a few
// microseconds) as the float32 driver's 2^18 (driver.cpp) at the tiles' four to five times its
// speed. On the shared 2-core test machine 2 threads did not pay below 384^3 at all (128^3:
// 11-15 us on one thread, 11-21 on two; 256^3: 45-60 against 59-150), the second core being
// mostly taken by other processes; so this is the driver's reasoning, not a measured optimum.
constexpr std::int64_t kMinThreadedMacs = std::int64_t{1} << 21;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
std::int64_t min64(std::int64_t a, std::int64_t b) { return a < b ? a : b; }

// m * n * k >= limit, in floating point: k may be huge behind a zero stride, and gemm.hpp's
// macs_of is an inline function of a shared header (see the top of the file).
bool macs_at_least(Dims d, std::int64_t limit) {
  const double macs =
      static_cast<double>(d.m) * static_cast<double>(d.n) * static_cast<double>(d.k);
  return macs >= static_cast<double>(limit);
}

// The palette-1 configuration of LDTILECFG: 64 bytes, rows and bytes per row of each tile.
struct alignas(64) TileConfig {
  std::uint8_t palette = 1;
  std::uint8_t start_row = 0;
  std::uint8_t reserved[14] = {};
  std::uint16_t bytes_per_row[16] = {};
  std::uint8_t rows[16] = {};
};
static_assert(sizeof(TileConfig) == 64);

// Loads the configuration on construction and releases the tiles on destruction: one per task.
class TileScope {
 public:
  TileScope() {
    TileConfig config;
    for (int t = 0; t < 8; ++t) {
      config.bytes_per_row[t] = 64;
      config.rows[t] = 16;
    }
    _tile_loadconfig(&config);
  }
  TileScope(const TileScope&) = delete;
  TileScope& operator=(const TileScope&) = delete;
  ~TileScope() { _tile_release(); }
};

// A per-thread buffer that only grows, 64-byte aligned (tile loads want no alignment, but whole
// cache lines are quicker).
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { ::operator delete(data_, std::align_val_t{64}); }
  std::uint16_t* get(std::int64_t count) {
    const auto bytes = static_cast<std::size_t>(count) * sizeof(std::uint16_t);
    if (bytes > bytes_) {
      ::operator delete(data_, std::align_val_t{64});
      data_ = nullptr;
      data_ = ::operator new(bytes, std::align_val_t{64});
      bytes_ = bytes;
    }
    return static_cast<std::uint16_t*>(data_);
  }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

Scratch& a_scratch() {
  thread_local Scratch s;
  return s;
}
Scratch& b_scratch() {
  thread_local Scratch s;
  return s;
}

const std::uint16_t* bits_of(const BFloat16* p) {
  return reinterpret_cast<const std::uint16_t*>(p);
}

// The low `count` (<= 32) bits set.
__mmask32 low_bits(std::int64_t count) {
  return count >= 32 ? ~__mmask32{0} : static_cast<__mmask32>((1u << count) - 1u);
}

// rows x depth of A (rows <= kSide) into `tiles` row tiles, zero-padded. Row-major A moves each
// tile row with one masked 64-byte load (nothing past the row's end is read); any other layout
// goes element by element.
void pack_a_panel(MatrixRef<BFloat16> a, std::int64_t rows, std::int64_t depth, std::int64_t tiles,
                  std::uint16_t* dst) {
  if (a.cs != 1)
    std::memset(dst, 0, static_cast<std::size_t>(tiles * kTile) * sizeof(std::uint16_t));
  for (std::int64_t t = 0; t < tiles; ++t) {
    const std::int64_t p0 = t * kDepthTile;
    const std::int64_t len = min64(kDepthTile, depth - p0);
    std::uint16_t* tile = dst + t * kTile;
    if (a.cs == 1) {
      const __mmask32 mask = low_bits(len);
      for (std::int64_t i = 0; i < kSide; ++i) {
        const __m512i row = i < rows ? _mm512_maskz_loadu_epi16(mask, a.data + i * a.rs + p0)
                                     : _mm512_setzero_si512();
        _mm512_store_si512(tile + i * kDepthTile, row);
      }
      continue;
    }
    for (std::int64_t i = 0; i < rows; ++i) {
      const std::uint16_t* src = bits_of(a.data + i * a.rs + p0 * a.cs);
      std::uint16_t* row = tile + i * kDepthTile;
      for (std::int64_t p = 0; p < len; ++p) row[p] = src[p * a.cs];
    }
  }
}

// depth x cols of row-major B into ceil(cols / 32) pairs of VNNI panels (`tiles` tiles each,
// panel q at dst + q * tiles * kTile), zero-padded: element (p, j) goes to row p / 2, position
// 2 * (j % 16) + p % 2 of tile p / 32 of panel j / 16. For each pair of panels, two rows at a
// time, 32 columns each (one cache line; masked at the edge, so nothing past the end is read),
// become a row of pairs of each panel through a word permutation: word 2j of the result is word
// j of the even row, word 2j + 1 word j of the odd one (words 32 and up of the second operand).
// Half-lines of 16 columns, one panel at a time, took 310-320 us of 512^3 where this takes
// 290-300; walking the rows outermost instead gained nothing more.
void pack_b_rows(MatrixRef<BFloat16> b, std::int64_t depth, std::int64_t cols, std::int64_t tiles,
                 std::uint16_t* dst) {
  const std::uint16_t* base = bits_of(b.data);
  const std::int64_t panel = tiles * kTile;
  const __m512i low = _mm512_set_epi16(47, 15, 46, 14, 45, 13, 44, 12, 43, 11, 42, 10, 41, 9, 40, 8,
                                       39, 7, 38, 6, 37, 5, 36, 4, 35, 3, 34, 2, 33, 1, 32, 0);
  const __m512i high = _mm512_add_epi16(low, _mm512_set1_epi16(16));
  for (std::int64_t j = 0; j < cols; j += kBlock) {
    const __mmask32 mask = low_bits(cols - j);
    std::uint16_t* out = dst + j / kSide * panel;
    for (std::int64_t p = 0; p < tiles * kDepthTile; p += 2) {
      const __m512i even =
          p < depth ? _mm512_maskz_loadu_epi16(mask, base + p * b.rs + j) : _mm512_setzero_si512();
      const __m512i odd = p + 1 < depth ? _mm512_maskz_loadu_epi16(mask, base + (p + 1) * b.rs + j)
                                        : _mm512_setzero_si512();
      _mm512_store_si512(out + p / 2 * kDepthTile, _mm512_permutex2var_epi16(even, low, odd));
      _mm512_store_si512(out + panel + p / 2 * kDepthTile,
                         _mm512_permutex2var_epi16(even, high, odd));
    }
  }
}

// depth x cols of B (cols <= kSide, B not row-major) into `tiles` VNNI tiles, zero-padded, as
// pack_b_rows lays them out.
void pack_b_panel(MatrixRef<BFloat16> b, std::int64_t depth, std::int64_t cols, std::int64_t tiles,
                  std::uint16_t* dst) {
  const std::uint16_t* base = bits_of(b.data);
  std::memset(dst, 0, static_cast<std::size_t>(tiles * kTile) * sizeof(std::uint16_t));
  const std::int64_t pairs = depth / 2;
  if (b.rs == 1 && b.cs < (std::int64_t{1} << 26) && b.cs > -(std::int64_t{1} << 26)) {
    // Column-major B (x @ W.T): depths 2r and 2r + 1 of a column are one 32-bit pair, so a row of
    // pairs is a gather of one pair from each of the 16 columns (indices in bfloat16 units).
    const __m512i columns =
        _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                           _mm512_set1_epi32(static_cast<int>(b.cs)));
    const auto mask = static_cast<__mmask16>(low_bits(cols));
    for (std::int64_t r = 0; r < pairs; ++r) {
      const __m512i row =
          _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), mask, columns, base + 2 * r, 2);
      _mm512_store_si512(dst + r * kDepthTile, row);
    }
  } else {
    for (std::int64_t p = 0; p < 2 * pairs; ++p) {
      std::uint16_t* row = dst + p / 2 * kDepthTile + p % 2;
      for (std::int64_t j = 0; j < cols; ++j) row[2 * j] = base[p * b.rs + j * b.cs];
    }
  }
  // An odd depth's last row pairs with zeros.
  for (std::int64_t p = 2 * pairs; p < depth; ++p) {
    std::uint16_t* row = dst + p / 2 * kDepthTile;
    for (std::int64_t j = 0; j < cols; ++j) row[2 * j] = base[p * b.rs + j * b.cs];
  }
}

// C[32 x 32] (+)= the A tile pair times the B tile pair over `tiles` depth tiles. c: float32
// rows ldc bytes apart. Tiles 0 1 / 2 3 are C's four 16 x 16 quarters.
void kernel_2x2(const std::uint16_t* a0, const std::uint16_t* a1, const std::uint16_t* b0,
                const std::uint16_t* b1, std::int64_t tiles, float* c, std::int64_t ldc,
                bool accumulate) {
  float* c_lower = c + kSide * (ldc / static_cast<std::int64_t>(sizeof(float)));
  if (accumulate) {
    _tile_loadd(0, c, ldc);
    _tile_loadd(1, c + kSide, ldc);
    _tile_loadd(2, c_lower, ldc);
    _tile_loadd(3, c_lower + kSide, ldc);
  } else {
    _tile_zero(0);
    _tile_zero(1);
    _tile_zero(2);
    _tile_zero(3);
  }
  for (std::int64_t t = 0; t < tiles; ++t) {
    _tile_loadd(4, a0 + t * kTile, 64);
    _tile_loadd(6, b0 + t * kTile, 64);
    _tile_loadd(5, a1 + t * kTile, 64);
    _tile_loadd(7, b1 + t * kTile, 64);
    _tile_dpbf16ps(0, 4, 6);
    _tile_dpbf16ps(1, 4, 7);
    _tile_dpbf16ps(2, 5, 6);
    _tile_dpbf16ps(3, 5, 7);
  }
  _tile_stored(0, c, ldc);
  _tile_stored(1, c + kSide, ldc);
  _tile_stored(2, c_lower, ldc);
  _tile_stored(3, c_lower + kSide, ldc);
}

// The bfloat16 bits of 16 float32 lanes: round to nearest even, every NaN to 0x7fc0 with its
// sign; bfloat16_from_float's rule (mg/half.hpp, not called here: see the top of the file).
__m256i narrow16(__m512 v) {
  const __m512i bits = _mm512_castps_si512(v);
  const __m512i high = _mm512_srli_epi32(bits, 16);
  const __m512i bias =
      _mm512_add_epi32(_mm512_and_si512(high, _mm512_set1_epi32(1)), _mm512_set1_epi32(0x7fff));
  const __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, bias), 16);
  const __m512i quiet =
      _mm512_or_si512(_mm512_and_si512(high, _mm512_set1_epi32(0x8000)), _mm512_set1_epi32(0x7fc0));
  const __mmask16 nan = _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
  return _mm512_cvtepi32_epi16(_mm512_mask_mov_epi32(rounded, nan, quiet));
}

// Where an A tile pair's 32 rows lie: packed (a0, a1 the two row tiles: rows kDepthTile apart,
// depth tiles kTile apart) or, for the vector kernel, in place in row-major A (a1 = a0 + 16 rows,
// depth tiles kDepthTile apart).
struct APanels {
  const std::uint16_t* a0;
  const std::uint16_t* a1;
  std::int64_t row_stride, tile_stride;
};

// Rows [kFirst, kFirst + kRows) of the A tile pair times the B panel pair over `tiles` depth
// tiles into C's kRows x 32 block at c (float32 rows ldc elements apart), with VDPBF16PS (Note
// [bfloat16 pairs]): one broadcast A pair and two B rows per depth pair.
// out (the last depth block of a bfloat16 product, Note [Narrow stores]): the rows go there as
// bfloat16, ld_out elements apart, and not to c.
template <int kFirst, int kRows>
void dp_rows(const APanels& a, const std::uint16_t* b0, const std::uint16_t* b1, std::int64_t tiles,
             float* c, std::int64_t ldc, bool accumulate, std::uint16_t* out, std::int64_t ld_out) {
  c += kFirst * ldc;
  const std::uint16_t* rows[kRows];
#pragma GCC unroll 16
  for (int i = 0; i < kRows; ++i) {
    const int row = kFirst + i;
    rows[i] = row < kSide ? a.a0 + row * a.row_stride : a.a1 + (row - kSide) * a.row_stride;
  }
  // The block's sums start from zero and C is added at the end, so C's rows (from L3 or memory
  // once C outgrows L2) arrive while the loop runs instead of stalling its start.
  __m512 acc[kRows][2];
#pragma GCC unroll 16
  for (int i = 0; i < kRows; ++i) {
    acc[i][0] = _mm512_setzero_ps();
    acc[i][1] = _mm512_setzero_ps();
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + kSide), _MM_HINT_T0);
  }
  for (std::int64_t t = 0; t < tiles; ++t) {
    const std::int64_t depth = t * a.tile_stride;
    const std::uint16_t* b_rows0 = b0 + t * kTile;
    const std::uint16_t* b_rows1 = b1 + t * kTile;
    for (std::int64_t r = 0; r < kSide; ++r) {
      const auto x0 = reinterpret_cast<__m512bh>(_mm512_load_si512(b_rows0 + r * 2 * kSide));
      const auto x1 = reinterpret_cast<__m512bh>(_mm512_load_si512(b_rows1 + r * 2 * kSide));
#pragma GCC unroll 16
      for (int i = 0; i < kRows; ++i) {
        std::int32_t pair;
        std::memcpy(&pair, rows[i] + depth + 2 * r, sizeof(pair));
        const auto y = reinterpret_cast<__m512bh>(_mm512_set1_epi32(pair));
        acc[i][0] = _mm512_dpbf16_ps(acc[i][0], y, x0);
        acc[i][1] = _mm512_dpbf16_ps(acc[i][1], y, x1);
      }
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < kRows; ++i) {
    if (accumulate) {
      acc[i][0] = _mm512_add_ps(_mm512_loadu_ps(c + i * ldc), acc[i][0]);
      acc[i][1] = _mm512_add_ps(_mm512_loadu_ps(c + i * ldc + kSide), acc[i][1]);
    }
    if (out != nullptr) {
      std::uint16_t* row = out + (kFirst + i) * ld_out;
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(row), narrow16(acc[i][0]));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(row + kSide), narrow16(acc[i][1]));
    } else {
      _mm512_storeu_ps(c + i * ldc, acc[i][0]);
      _mm512_storeu_ps(c + i * ldc + kSide, acc[i][1]);
    }
  }
}

// kernel_2x2's block with VDPBF16PS, in four row groups of 8 (16 accumulators; groups of 11 or
// 12 rows, up to 24, were no quicker); groups at or past `rows` (the rows of C the caller keeps)
// are skipped.
void dp_2x2(const APanels& a, const std::uint16_t* b0, const std::uint16_t* b1, std::int64_t tiles,
            float* c, std::int64_t ldc, bool accumulate, std::int64_t rows, std::uint16_t* out,
            std::int64_t ld_out) {
  const std::int64_t ld = ldc / static_cast<std::int64_t>(sizeof(float));
  dp_rows<0, 8>(a, b0, b1, tiles, c, ld, accumulate, out, ld_out);
  if (rows > 8) dp_rows<8, 8>(a, b0, b1, tiles, c, ld, accumulate, out, ld_out);
  if (rows > 16) dp_rows<16, 8>(a, b0, b1, tiles, c, ld, accumulate, out, ld_out);
  if (rows > 24) dp_rows<24, 8>(a, b0, b1, tiles, c, ld, accumulate, out, ld_out);
}

// The two engines' block kernels and per-task setup. kSplitColumns: two or more threads take
// column chunks of the whole product, each packing its own B (run_columns).
// kReadsAInPlace: full row blocks of row-major A are read where they lie, not packed.
struct AmxEngine {
  using Scope = TileScope;
  static constexpr bool kSplitColumns = false;
  static constexpr bool kReadsAInPlace = false;  // tiles load packed A (see macro_task)
  static constexpr std::int64_t kNc = gemm::kNc;
  static constexpr bool kNarrows = false;  // stores float32 only: run_block narrows its block
  static void block(const APanels& a, const std::uint16_t* b0, const std::uint16_t* b1,
                    std::int64_t tiles, float* c, std::int64_t ldc, bool accumulate,
                    std::int64_t /*rows*/, std::uint16_t* /*out*/, std::int64_t /*ld_out*/) {
    kernel_2x2(a.a0, a.a1, b0, b1, tiles, c, ldc, accumulate);
  }
};
struct DpEngine {
  struct Scope {};
  static constexpr bool kSplitColumns = true;
  static constexpr bool kReadsAInPlace = true;
  // A B block of 512 KiB for Zen 4's 1 MiB L2: 1024 columns gave 195 against 204 GFLOP/s at
  // 2048^2, 206 against 209 at 1024^2 (one thread).
  static constexpr std::int64_t kNc = 512;
  static constexpr bool kNarrows = true;
  static void block(const APanels& a, const std::uint16_t* b0, const std::uint16_t* b1,
                    std::int64_t tiles, float* c, std::int64_t ldc, bool accumulate,
                    std::int64_t rows, std::uint16_t* out, std::int64_t ld_out) {
    dp_2x2(a, b0, b1, tiles, c, ldc, accumulate, rows, out, ld_out);
  }
};

struct Job {
  Dims dims;
  MatrixRef<BFloat16> a, b;
  MutMatrixRef<float> c;
  MutMatrixRef<BFloat16> out;  // data nullptr: the sums stay in c (Note [Narrow stores])
  // The current step: columns [jc, jc + nc), depths [pc, pc + kc) in `tiles` depth tiles, whose
  // B is packed at b_packed in b_panels column panels of 16 (an even count).
  std::int64_t jc = 0, nc = 0, pc = 0, kc = 0, tiles = 0, b_panels = 0;
  std::uint16_t* b_packed = nullptr;
  // Tasks: row blocks of kMc times column chunks of chunk_pairs B panel pairs; B packed in
  // chunks of pack_pairs panel pairs.
  std::int64_t pack_pairs = 1;
  std::int64_t row_blocks = 1, col_chunks = 1, chunk_pairs = 1;
};

// One task of packing the step's B: panel pairs [chunk * pack_pairs, ...) of the block.
void pack_b_task(void* context, std::int64_t chunk) {
  const auto& job = *static_cast<const Job*>(context);
  const std::int64_t panel = job.tiles * kTile;
  const std::int64_t first = chunk * job.pack_pairs * 2;
  const std::int64_t last = min64(first + job.pack_pairs * 2, job.b_panels);
  if (first >= last) return;
  const std::int64_t j0 = first * kSide;
  const MatrixRef<BFloat16> block{job.b.data + job.pc * job.b.rs + (job.jc + j0) * job.b.cs,
                                  job.b.rs, job.b.cs};
  if (job.b.cs == 1) {
    pack_b_rows(block, job.kc, min64((last - first) * kSide, job.nc - j0), job.tiles,
                job.b_packed + first * panel);
    return;
  }
  for (std::int64_t q = first; q < last; ++q) {
    std::uint16_t* dst = job.b_packed + q * panel;
    const std::int64_t j = q * kSide;
    if (j >= job.nc) {  // the padding panel of an odd count
      std::memset(dst, 0, static_cast<std::size_t>(panel) * sizeof(std::uint16_t));
      continue;
    }
    const MatrixRef<BFloat16> cols{job.b.data + job.pc * job.b.rs + (job.jc + j) * job.b.cs,
                                   job.b.rs, job.b.cs};
    pack_b_panel(cols, job.kc, min64(kSide, job.nc - j), job.tiles, dst);
  }
}

// One 32 x 32 block of C at (i0, j0) from packed tile pairs; through a scratch block when it
// sticks out of C or C's rows are not contiguous. The last depth block of a product with `out`
// goes there as bfloat16 instead of to C (Note [Narrow stores]).
template <class Engine>
void run_block(const Job& job, std::int64_t i0, std::int64_t j0, const APanels& a_pair,
               const std::uint16_t* b_pair) {
  const std::int64_t tiles = job.tiles;
  const std::uint16_t* b_second = b_pair + tiles * kTile;
  const bool accumulate = job.pc > 0;
  const MutMatrixRef<float> c = job.c;
  const MutMatrixRef<BFloat16> out = job.out;
  const bool narrow = out.data != nullptr && job.pc + job.kc == job.dims.k;
  const std::int64_t h = min64(kBlock, job.dims.m - i0);
  const std::int64_t w = min64(kBlock, job.dims.n - j0);
  if (h == kBlock && w == kBlock && c.cs == 1 && c.rs > 0 &&
      (!narrow || (Engine::kNarrows && out.cs == 1 && out.rs > 0))) {
    std::uint16_t* narrow_to =
        narrow ? reinterpret_cast<std::uint16_t*>(out.data + i0 * out.rs + j0) : nullptr;
    Engine::block(a_pair, b_pair, b_second, tiles, c.data + i0 * c.rs + j0,
                  c.rs * static_cast<std::int64_t>(sizeof(float)), accumulate, h, narrow_to,
                  out.rs);
    return;
  }
  alignas(64) float block[kBlock * kBlock] = {};
  if (accumulate) {
    for (std::int64_t i = 0; i < h; ++i) {
      for (std::int64_t j = 0; j < w; ++j)
        block[i * kBlock + j] = c.data[(i0 + i) * c.rs + (j0 + j) * c.cs];
    }
  }
  Engine::block(a_pair, b_pair, b_second, tiles, block,
                kBlock * static_cast<std::int64_t>(sizeof(float)), accumulate, h, nullptr, 0);
  for (std::int64_t i = 0; i < h; ++i) {
    if (narrow) {
      alignas(32) std::uint16_t bits[kBlock];
      _mm256_store_si256(reinterpret_cast<__m256i*>(bits),
                         narrow16(_mm512_load_ps(block + i * kBlock)));
      _mm256_store_si256(reinterpret_cast<__m256i*>(bits + kSide),
                         narrow16(_mm512_load_ps(block + i * kBlock + kSide)));
      auto* row = reinterpret_cast<std::uint16_t*>(out.data + (i0 + i) * out.rs + j0 * out.cs);
      for (std::int64_t j = 0; j < w; ++j) row[j * out.cs] = bits[j];
      continue;
    }
    for (std::int64_t j = 0; j < w; ++j)
      c.data[(i0 + i) * c.rs + (j0 + j) * c.cs] = block[i * kBlock + j];
  }
}

// One task: rows [ic, ic + mc) of the step's block of C times a chunk of its B panel pairs.
template <class Engine>
void macro_task(void* context, std::int64_t task) {
  const auto& job = *static_cast<const Job*>(context);
  const std::int64_t ic = task / job.col_chunks * kMc;
  const std::int64_t mc = min64(kMc, job.dims.m - ic);
  const std::int64_t pair0 = task % job.col_chunks * job.chunk_pairs;
  const std::int64_t pair1 = min64(pair0 + job.chunk_pairs, job.b_panels / 2);
  if (mc <= 0 || pair0 >= pair1) return;
  const std::int64_t panel = job.tiles * kTile;
  const std::int64_t a_panels = ceil_div(mc, kBlock) * 2;
  // A read in place: a full row block of row-major A, depths in whole tiles (else the last
  // tile's padding would read past the block).
  if (Engine::kReadsAInPlace && mc == kMc && job.a.cs == 1 && job.kc % kDepthTile == 0) {
    static_assert(kMc == kBlock);
    const std::uint16_t* a0 = bits_of(job.a.data + ic * job.a.rs + job.pc);
    const APanels a_pair{a0, a0 + kSide * job.a.rs, job.a.rs, kDepthTile};
    for (std::int64_t pair = pair0; pair < pair1; ++pair) {
      run_block<Engine>(job, ic, job.jc + pair * kBlock, a_pair, job.b_packed + 2 * pair * panel);
    }
    return;
  }
  std::uint16_t* a_packed = a_scratch().get(a_panels * panel);
  for (std::int64_t r = 0; r < a_panels; ++r) {
    const std::int64_t i0 = r * kSide;
    if (i0 >= mc) {
      std::memset(a_packed + r * panel, 0, static_cast<std::size_t>(panel) * sizeof(std::uint16_t));
      continue;
    }
    const MatrixRef<BFloat16> rows{job.a.data + (ic + i0) * job.a.rs + job.pc * job.a.cs, job.a.rs,
                                   job.a.cs};
    pack_a_panel(rows, min64(kSide, mc - i0), job.kc, job.tiles, a_packed + r * panel);
  }
  // The tiles' A is always packed: reading row-major A in place (a tile load takes any row
  // stride) was slower, 345 against 290-300 us at 512^3.
  [[maybe_unused]] const typename Engine::Scope scope{};
  for (std::int64_t pair = pair0; pair < pair1; ++pair) {
    const std::uint16_t* b_pair = job.b_packed + 2 * pair * panel;
    for (std::int64_t r = 0; r < a_panels; r += 2) {
      const APanels a_pair{a_packed + r * panel, a_packed + (r + 1) * panel, kDepthTile, kTile};
      run_block<Engine>(job, ic + r * kSide, job.jc + pair * kBlock, a_pair, b_pair);
    }
  }
}

// Columns [c0, c1) of the product (c0 on a panel pair) on the calling thread: for each column
// and depth block, B packed into this thread's scratch, then every row block.
template <class Engine>
void run_columns(Job job, std::int64_t c0, std::int64_t c1) {
  for (std::int64_t jc = c0; jc < c1; jc += Engine::kNc) {
    job.jc = jc;
    job.nc = min64(Engine::kNc, c1 - jc);
    job.b_panels = ceil_div(job.nc, kBlock) * 2;
    job.col_chunks = 1;
    job.chunk_pairs = job.pack_pairs = job.b_panels / 2;
    for (std::int64_t pc = 0; pc < job.dims.k; pc += kKc) {
      job.pc = pc;
      job.kc = min64(kKc, job.dims.k - pc);
      job.tiles = ceil_div(job.kc, kDepthTile);
      job.b_packed = b_scratch().get(job.b_panels * job.tiles * kTile);
      pack_b_task(&job, 0);
      for (std::int64_t t = 0; t < job.row_blocks; ++t) macro_task<Engine>(&job, t);
    }
  }
}

// One task of a product split by columns (Engine::kSplitColumns): chunk_pairs panel pairs of
// columns for all rows, with B packed by the thread that reads it.
template <class Engine>
void column_task(void* context, std::int64_t task) {
  const auto& job = *static_cast<const Job*>(context);
  const std::int64_t c0 = task * job.chunk_pairs * kBlock;
  if (c0 < job.dims.n)
    run_columns<Engine>(job, c0, min64(job.dims.n, c0 + job.chunk_pairs * kBlock));
}

template <class Engine>
void gemm_bf16(Dims dims, MatrixRef<BFloat16> a, MatrixRef<BFloat16> b, MutMatrixRef<float> c,
               MutMatrixRef<BFloat16> out, int threads) noexcept {
  const auto [m, n, k] = dims;
  if (m == 0 || n == 0) return;
  if (!macs_at_least(dims, kMinThreadedMacs)) threads = 1;
  if (k == 0) {
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) {
        if (out.data != nullptr) {
          out.data[i * out.rs + j * out.cs] = BFloat16{0};
        } else {
          c.data[i * c.rs + j * c.cs] = 0.0f;
        }
      }
    }
    return;
  }
  Job job;
  job.dims = dims;
  job.a = a;
  job.b = b;
  job.c = c;
  job.out = out;
  job.row_blocks = ceil_div(m, kMc);
  if (threads == 1) {
    run_columns<Engine>(job, 0, n);
    return;
  }
  if (Engine::kSplitColumns && ceil_div(n, kBlock) >= threads) {
    job.chunk_pairs = ceil_div(ceil_div(n, kBlock), threads);
    parallel_for(ceil_div(ceil_div(n, kBlock), job.chunk_pairs), &column_task<Engine>, &job);
    return;
  }
  for (std::int64_t jc = 0; jc < n; jc += Engine::kNc) {
    job.jc = jc;
    job.nc = min64(Engine::kNc, n - jc);
    job.b_panels = ceil_div(job.nc, kBlock) * 2;
    // Fewer row blocks than threads: split the columns too, in whole panel pairs.
    const std::int64_t pairs = job.b_panels / 2;
    job.col_chunks = threads > job.row_blocks ? min64(pairs, ceil_div(threads, job.row_blocks)) : 1;
    job.chunk_pairs = ceil_div(pairs, job.col_chunks);
    job.col_chunks = ceil_div(pairs, job.chunk_pairs);
    for (std::int64_t pc = 0; pc < k; pc += kKc) {
      job.pc = pc;
      job.kc = min64(kKc, k - pc);
      job.tiles = ceil_div(job.kc, kDepthTile);
      job.b_packed = b_scratch().get(job.b_panels * job.tiles * kTile);
      job.pack_pairs = ceil_div(pairs, threads);
      parallel_for(ceil_div(pairs, job.pack_pairs), &pack_b_task, &job);
      parallel_for(job.row_blocks * job.col_chunks, &macro_task<Engine>, &job);
    }
  }
}

}  // namespace

void gemm_bf16_amx(Dims dims, MatrixRef<BFloat16> a, MatrixRef<BFloat16> b, MutMatrixRef<float> c,
                   int threads) noexcept {
  gemm_bf16<AmxEngine>(dims, a, b, c, {}, threads);
}

void gemm_bf16_avx512(Dims dims, MatrixRef<BFloat16> a, MatrixRef<BFloat16> b,
                      MutMatrixRef<float> c, int threads, MutMatrixRef<BFloat16> out) noexcept {
  gemm_bf16<DpEngine>(dims, a, b, c, out, threads);
}

}  // namespace mg::gemm
