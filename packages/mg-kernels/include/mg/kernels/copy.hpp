// Strided copy with a cast between any two dtypes (see Note [One symbol per ISA] in binary.hpp).
// The per-element conversion rules are kernels::cast in elementwise.hpp.
#pragma once

#include <string.h>  // ::memmove, a plain C symbol (Note [One symbol per ISA])

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "mg/kernels/elementwise.hpp"
#include "mg/kernels/loop.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

// Same dtype, both contiguous: the bytes themselves (never a round trip through registers, which
// would quiet signalling NaNs). memmove: `out` may be the very same view as `src`.
template <class Family, class T>
void copy_row_same(T* out, const T* src, std::int64_t n) {
  ::memmove(out, src, static_cast<std::size_t>(n) * sizeof(T));
}

// True when a load of From and a store of To share one register type, so that
// `VTo::store(VFrom::load(p))` is the cast: float32, float16 and bfloat16 (all float32 lanes).
// (bfloat16 -> float16 is left out: its NaNs follow ml_dtypes' rule, see kernels::cast.)
template <class Family, class To, class From>
concept VecCast = !std::is_same_v<To, From> && std::is_same_v<Compute<To>, float> &&
                  std::is_same_v<Compute<From>, float> &&
                  !(std::is_same_v<From, BFloat16> && std::is_same_v<To, Half>) &&
                  requires(const From* p, To* q) {
                    Family::template Vec<To>::store(q, Family::template Vec<From>::load(p));
                  };

// A family's own whole-row conversion, tried first by copy_row_cast where kHas: run converts a
// leading part of the row and returns its length (0 when the CPU lacks what it needs).
template <class Family, class To, class From>
struct NativeRowCast {
  static constexpr bool kHas = false;
};

}  // namespace mg::kernels

#if defined(__AVX512F__) && defined(__GNUC__)
#include "mg/simd/avx512_bf16.hpp"  // NativeRowCast<avx512, bfloat16, float> (AVX512-BF16)
#elif defined(__AVX2__) && !defined(__AVX512F__) && defined(MG_ISA)
#include "mg/simd/avx2_int64_cast.hpp"  // NativeRowCast<avx2, int64 <-> float64>
#endif

namespace mg::kernels {

// Both contiguous, different dtypes: whole vectors where the family converts in registers (the
// F16C and bfloat16 paths), else unit strides written out so the compiler can vectorise.
template <class Family, class To, class From>
void copy_row_cast(To* out, const From* src, std::int64_t n) {
  std::int64_t i = 0;
  if constexpr (NativeRowCast<Family, To, From>::kHas) {
    i = NativeRowCast<Family, To, From>::run(out, src, n);
  }
  if constexpr (VecCast<Family, To, From>) {
    using VFrom = typename Family::template Vec<From>;
    using VTo = typename Family::template Vec<To>;
    constexpr std::int64_t kL = VFrom::kLanes;
    for (; i + 4 * kL <= n; i += 4 * kL) {
      const auto x0 = VFrom::load(src + i);
      const auto x1 = VFrom::load(src + i + kL);
      const auto x2 = VFrom::load(src + i + 2 * kL);
      const auto x3 = VFrom::load(src + i + 3 * kL);
      VTo::store(out + i, x0);
      VTo::store(out + i + kL, x1);
      VTo::store(out + i + 2 * kL, x2);
      VTo::store(out + i + 3 * kL, x3);
    }
    for (; i + kL <= n; i += kL) VTo::store(out + i, VFrom::load(src + i));
  }
  for (; i < n; ++i) out[i] = cast<Family, To>(src[i]);
}

// One source element broadcast over a contiguous row.
template <class Family, class To, class From>
void copy_row_fill(To* out, const From* src, std::int64_t n) {
  const To value = cast<Family, To>(src[0]);
  for (std::int64_t i = 0; i < n; ++i) out[i] = value;
}

// Note [Strided casts through a buffer]
// ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
// A cast whose contiguous row has a vector body (kBufferedCast) is worth running on strided
// operands too: blocks of kCastBlock source elements are gathered into a stack buffer (plain
// element copies, which keep every bit), converted there by copy_row_cast, and scattered (or
// converted straight into `out` when its stride is 1). The values are those of copy_row_cast,
// which gives the scalar twin's bits, so strided and contiguous casts agree bit for bit. The
// tiled transpose (Note [Blocked transposed copy]) does the same for each tile row.
template <class Family, class To, class From>
inline constexpr bool kBufferedCast = Family::template Vec<float>::kLanes > 1 &&
                                      (VecCast<Family, To, From> ||
                                       NativeRowCast<Family, To, From>::kHas);

inline constexpr std::int64_t kCastBlock = 256;
// Strided rows shorter than this run the scalar loop (the buffer costs more than it saves).
inline constexpr std::int64_t kMinBufferedRow = 16;

template <class Family, class To, class From>
void copy_row_buffered(To* out, std::int64_t so, const From* src, std::int64_t ss, std::int64_t n) {
  alignas(64) From gathered[kCastBlock];
  alignas(64) To converted[kCastBlock];
  for (std::int64_t i0 = 0; i0 < n; i0 += kCastBlock) {
    const std::int64_t m = n - i0 < kCastBlock ? n - i0 : kCastBlock;
    const From* s = src + i0 * ss;
    To* o = out + i0 * so;
    const From* block = s;
    if (ss != 1) {
      for (std::int64_t j = 0; j < m; ++j) gathered[j] = s[j * ss];
      block = gathered;
    }
    if (so == 1) {
      copy_row_cast<Family, To, From>(o, block, m);
    } else {
      copy_row_cast<Family, To, From>(converted, block, m);
      for (std::int64_t j = 0; j < m; ++j) o[j * so] = converted[j];
    }
  }
}

template <class Family, class To, class From>
void copy_row_strided(To* out, std::int64_t so, const From* src, std::int64_t ss, std::int64_t n) {
  if constexpr (kBufferedCast<Family, To, From>) {
    if (n >= kMinBufferedRow && ss != 0) {
      copy_row_buffered<Family, To, From>(out, so, src, ss, n);
      return;
    }
  }
  for (std::int64_t i = 0; i < n; ++i) out[i * so] = cast<Family, To>(src[i * ss]);
}

// Note [Blocked transposed copy]
// When out and src walk memory in different orders (say out row-major, src column-major), an
// element-by-element copy along out's rows reads src a whole cache line per element, and on a
// large matrix every line is evicted before its neighbours are used. So the two innermost
// dimensions are copied in square tiles small enough that the tile's lines of both operands stay
// in L1 (kTile x kTile elements, a tile row at least 64 bytes).
// Same-dtype 32-bit transposes go through the family's 8x8 register transpose when it has one
// (whole cache lines read and written, no per-element loads at power-of-two strides).
template <class Family, class To, class From>
concept Transpose8 = std::is_same_v<To, From> && sizeof(To) == 4 &&
                     requires(float* o, const float* s, std::int64_t n) {
                       Family::template Vec<float>::transpose8(o, n, s, n);
                     };

template <class Family, class To, class From>
void copy_tiles(To* out, std::int64_t so_r, std::int64_t so_c, const From* src, std::int64_t ss_r,
                std::int64_t ss_c, std::int64_t rows, std::int64_t cols) {
  constexpr std::int64_t kTile = sizeof(From) == 1 || sizeof(To) == 1 ? 64 : 32;
  if constexpr (Transpose8<Family, To, From>) {
    if (so_c == 1 && ss_r == 1) {  // out[r][c] = src[r + c * ss_c]: a plain transpose
      const std::int64_t rows8 = rows - rows % 8;
      const std::int64_t cols8 = cols - cols % 8;
      auto* o = reinterpret_cast<float*>(out);  // bits moved by shuffles, never converted
      const auto* s = reinterpret_cast<const float*>(src);
      for (std::int64_t r0 = 0; r0 < rows8; r0 += kTile) {
        const std::int64_t r1 = r0 + kTile < rows8 ? r0 + kTile : rows8;
        for (std::int64_t c0 = 0; c0 < cols8; c0 += kTile) {
          const std::int64_t c1 = c0 + kTile < cols8 ? c0 + kTile : cols8;
          for (std::int64_t r = r0; r < r1; r += 8) {
            for (std::int64_t c = c0; c < c1; c += 8) {
              Family::template Vec<float>::transpose8(o + r * so_r + c, so_r, s + r + c * ss_c,
                                                      ss_c);
            }
          }
        }
      }
      // The edges: the last rows % 8 rows whole, then the last cols % 8 columns of the rest.
      for (std::int64_t r = rows8; r < rows; ++r) {
        for (std::int64_t c = 0; c < cols; ++c) out[r * so_r + c] = src[r + c * ss_c];
      }
      for (std::int64_t r = 0; r < rows8; ++r) {
        for (std::int64_t c = cols8; c < cols; ++c) out[r * so_r + c] = src[r + c * ss_c];
      }
      return;
    }
  }
  for (std::int64_t r0 = 0; r0 < rows; r0 += kTile) {
    const std::int64_t r1 = r0 + kTile < rows ? r0 + kTile : rows;
    for (std::int64_t c0 = 0; c0 < cols; c0 += kTile) {
      const std::int64_t c1 = c0 + kTile < cols ? c0 + kTile : cols;
      if (so_c == 1) {  // the usual case: written out so the compiler sees a unit-stride store
        if constexpr (kBufferedCast<Family, To, From>) {  // Note [Strided casts through a buffer]
          alignas(64) From gathered[kTile];
          for (std::int64_t r = r0; r < r1; ++r) {
            const From* s = src + r * ss_r;
            for (std::int64_t c = c0; c < c1; ++c) gathered[c - c0] = s[c * ss_c];
            copy_row_cast<Family, To, From>(out + r * so_r + c0, gathered, c1 - c0);
          }
          continue;
        }
        for (std::int64_t r = r0; r < r1; ++r) {
          To* o = out + r * so_r;
          const From* s = src + r * ss_r;
          for (std::int64_t c = c0; c < c1; ++c) o[c] = cast<Family, To>(s[c * ss_c]);
        }
      } else {
        for (std::int64_t r = r0; r < r1; ++r) {
          for (std::int64_t c = c0; c < c1; ++c) {
            out[r * so_r + c * so_c] = cast<Family, To>(src[r * ss_r + c * ss_c]);
          }
        }
      }
    }
  }
}

// copy_kernel tiles the inner two dimensions (Note [Blocked transposed copy]) when the inner
// strides differ, the src one is not a broadcast, and both dimensions are at least this long.
inline constexpr std::int64_t kMinTiledExtent = 64;

// Table entry: base = {out, src}.
template <class Family, class To, class From>
void copy_kernel(const StridedLoop<2>& loop, void* const* base) {
  To* out = static_cast<To*>(base[0]);
  const From* src = static_cast<const From*>(base[1]);
  const std::size_t inner = loop.ndim - 1;
  const std::int64_t n = loop.shape[inner];
  const std::int64_t so = loop.strides[0][inner];
  const std::int64_t ss = loop.strides[1][inner];
  auto rows = [&](auto row) {
    for_each_row<Family>(loop, [&](const std::int64_t* off) { row(out + off[0], src + off[1]); });
  };
  if (loop.ndim >= 2 && so != ss && ss != 0 && n >= kMinTiledExtent &&
      loop.shape[inner - 1] >= kMinTiledExtent) {
    // The odometer walks the dimensions outside the two tiled ones.
    StridedLoop<2> outer = loop;
    outer.ndim = loop.ndim - 1;
    const std::int64_t rows = loop.shape[inner - 1];
    const std::int64_t so_r = loop.strides[0][inner - 1];
    const std::int64_t ss_r = loop.strides[1][inner - 1];
    for_each_row<Family>(outer, [&](const std::int64_t* off) {
      copy_tiles<Family, To, From>(out + off[0], so_r, so, src + off[1], ss_r, ss, rows, n);
    });
    return;
  }
  if (so == 1 && ss == 1) {
    if constexpr (std::is_same_v<To, From>) {
      rows([n](To* o, const From* s) { copy_row_same<Family, To>(o, s, n); });
    } else {
      rows([n](To* o, const From* s) { copy_row_cast<Family, To, From>(o, s, n); });
    }
  } else if (so == 1 && ss == 0) {
    rows([n](To* o, const From* s) { copy_row_fill<Family, To, From>(o, s, n); });
  } else {
    rows([=](To* o, const From* s) { copy_row_strided<Family, To, From>(o, so, s, ss, n); });
  }
}

}  // namespace mg::kernels
