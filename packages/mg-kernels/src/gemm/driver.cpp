// GEMM macro loop: blocking, packing and threads around the active ISA's micro-kernel.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include "mg/dtype.hpp"
#include "mg/gemm/gemm.hpp"
#include "mg/half.hpp"
#include "mg/parallel.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

// Note [GEMM loops]
// ~~~~~~~~~~~~~~~~~
// The loops of Goto's algorithm (as in BLIS). For each column block of nc columns (jc) and each
// depth block of kc (pc), the kc x nc block of B is packed into micro-panels of nr columns, each
// stored row by row, so the micro-kernel reads it with unit stride; the block stays in L3/L2.
// Then for each row block of mc rows (ic) the mc x kc block of A is packed into micro-panels of
// mr rows, stored column by column, small enough for L2. The two inner loops walk nr-wide B
// micro-panels (jr, kept in L1) and mr-tall A micro-panels (ir) and call the micro-kernel, which
// keeps an mr x nr tile of C in registers for the whole depth kc. The first depth block writes C,
// the later ones add to it. Packing pads the last micro-panels with zeros, so the micro-kernel
// always computes a full tile; a tile that sticks out of C goes to a scratch tile first and only
// its valid part is stored (edge handling). Packing reads any strides, which is how transposed
// and strided operands cost nothing extra, and converts float16/bfloat16 to float32 on the way.
//
// Threads split the work of a column block into tasks, one per row block (a multiple of the
// thread count, handed out one at a time, so a thread that runs faster takes more). The threads
// pack the B of several depth blocks together (up to kSharedB bytes: all of k for 1024^2), then
// each task runs those depth blocks in order, packing its own A block for each and reading the
// shared packed B. So threads meet twice per column block and kSharedB of B, where packing one
// depth block at a time made them meet twice per 256-deep block: on a VM whose second vCPU is
// slowed by its neighbours, every meeting waited for it. When there are fewer row blocks than
// threads (m below about mc times the thread count, as in (64, 1024) x (1024, 1024)), the tasks are
// row blocks times chunks of whole micro-panels of columns instead, each running every (jc, pc)
// step of its part of C and packing its own B chunk: one hand-off to the pool per product, where
// sharing B took two per depth block and left a thread waiting at each whenever the other was
// descheduled. No two tasks write the same C element, and each element's sum runs in the same order
// (the same kc blocks, each summed by the micro-kernel) whatever the split, so results do not
// depend on the thread count.

namespace mg::gemm {

namespace {

// float16 -> float32 by table lookup: packing converts every element it reads, and the exact
// bit-level conversion (mg/half.hpp) costs several times the multiply-adds the element then
// feeds at 512 x 512. Built from half_to_float, so the results are the same bits.
const float* half_table() noexcept {
  static const auto* table = [] {
    auto* t = new float[65536];
    for (std::uint32_t bits = 0; bits < 65536; ++bits) {
      t[bits] = half_to_float(Half{static_cast<std::uint16_t>(bits)});
    }
    return t;
  }();
  return table;
}

}  // namespace

template <class Src, class Acc>
Acc widen(Src x) noexcept {
  if constexpr (std::is_same_v<Src, Half>) {
    static const float* const table = half_table();
    return table[x.bits];
  } else if constexpr (std::is_same_v<Src, BFloat16>) {
    return bfloat16_to_float(x);
  } else if constexpr (std::is_same_v<Src, Bool>) {
    return static_cast<Acc>(x.bits != 0 ? 1 : 0);
  } else {
    return static_cast<Acc>(x);  // integers: modular, as C++20 defines it
  }
}

namespace {

// The most packed B the threads share in one step (Note [GEMM loops]).
constexpr std::int64_t kSharedB = std::int64_t{16} << 20;
// Below this many multiply-adds a product runs on one thread (the pool's hand-off costs more).
constexpr std::int64_t kMinThreadedMacs = std::int64_t{1} << 18;
// Products up to this many multiply-adds, and matrix-vector products, skip packing.
constexpr std::int64_t kMaxUnpackedMacs = 8 * 8 * 8;
// Note [Small products]
// ~~~~~~~~~~~~~~~~~~~~~
// Packing A pays when the micro-kernel reads each packed A panel many times, once per B
// micro-panel. An A block whose columns hold at most kInPlacePanels B micro-panels (n up to 128
// for float32 on AVX2, 256 on AVX-512: the MLP's products) is read in place instead, by the unit's
// rows kernel (row-major float32 A; only a last partial micro-panel is packed, zero-padded).
// Packing took a quarter of (64, 128) x (128, 10); the rows kernel makes the same sums in the same
// order.
constexpr std::int64_t kInPlacePanels = 8;
// Note [Thin products]
// ~~~~~~~~~~~~~~~~~~~~
// Packing B pays when each packed B micro-panel is read by many A micro-panels, that is for many
// rows of A. A product with at most kInPlaceBRows rows (a training batch times a weight matrix:
// (64, 1024) x (1024, 1024)) spent a quarter of its time packing B (perf), so with row-major B
// the unit's bcols kernel reads B's micro-panels in place instead, and only a last partial one
// is packed. The sums are the packed kernel's, in the same order.
constexpr std::int64_t kInPlaceBRows = 256;

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// A per-thread buffer that only grows, aligned for the widest vector loads. One of 2 MiB or
// more is backed by huge pages where Linux gives them on request (transparent huge pages in
// "madvise" mode): a packed B block of several MiB then needs a few TLB entries instead of
// hundreds (2048^2 float32 on AVX-512: 137-141 -> 140-153 GFLOP/s, process time).
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { release(); }
  template <class T>
  T* get(std::int64_t count) {
    const auto bytes = static_cast<std::size_t>(count) * sizeof(T);
    if (bytes > bytes_) {
      release();
      align_ = bytes >= kHugePage ? kHugePage : 64;
      data_ = ::operator new(bytes, std::align_val_t{align_});
      bytes_ = bytes;
#if defined(__linux__)
      if (align_ == kHugePage) madvise(data_, bytes / kHugePage * kHugePage, MADV_HUGEPAGE);
#endif
    }
    return static_cast<T*>(data_);
  }

 private:
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  void release() {
    if (data_ != nullptr) ::operator delete(data_, std::align_val_t{align_});
    data_ = nullptr;
    bytes_ = 0;
  }
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t align_ = 64;
};

// The shared packed B block lives on the calling thread, the A blocks on each worker: two
// buffers, since the caller is also a worker. (chunk_task packs its own B chunk into the
// b_scratch of the thread running it; no shared B exists then.)
Scratch& b_scratch() {
  thread_local Scratch s;
  return s;
}
Scratch& a_scratch() {
  thread_local Scratch s;
  return s;
}

// rows x depth of A (starting at a) into micro-panels of mr rows, column by column, zero-padded.
// A run of `count` contiguous source elements into dst, through the table's vector conversion
// when there is one (float16 -> float32).
template <class Src, class Acc>
void widen_run(const Src* src, std::int64_t count, Acc* dst,
               const kernels::GemmMicroKernel<Acc>& uk) {
  if constexpr (std::is_same_v<Src, Half>) {
    if (uk.widen_half != nullptr) {
      uk.widen_half(src, count, dst);
      return;
    }
  }
  for (std::int64_t j = 0; j < count; ++j) dst[j] = widen<Src, Acc>(src[j]);
}

// dst[p * lines + i] = src[i * ls + p] for i < lines, p < depth: a transpose of `lines` unit-stride
// runs into a packed panel (column-major B into an nr-wide one). float32 on x86-64 moves 4 x 4
// blocks through SSE registers (B transposed, as x @ W.T gives it: 17.0 -> 14.9 us at
// (64, 64) x (64, 128)); the rest goes element by element. Row-major A's 6-tall panels gained
// nothing from it over pack_a_rows.
template <class Src, class Acc>
void pack_lines(const Src* src, std::int64_t ls, std::int64_t lines, std::int64_t depth, Acc* dst) {
  std::int64_t p = 0;
#if defined(__SSE2__)
  if constexpr (std::is_same_v<Src, float> && std::is_same_v<Acc, float>) {
    for (; p + 4 <= depth; p += 4) {
      std::int64_t i = 0;
      for (; i + 4 <= lines; i += 4) {
        const float* s = src + i * ls + p;
        __m128 r0 = _mm_loadu_ps(s);
        __m128 r1 = _mm_loadu_ps(s + ls);
        __m128 r2 = _mm_loadu_ps(s + 2 * ls);
        __m128 r3 = _mm_loadu_ps(s + 3 * ls);
        _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
        float* d = dst + p * lines + i;
        _mm_storeu_ps(d, r0);
        _mm_storeu_ps(d + lines, r1);
        _mm_storeu_ps(d + 2 * lines, r2);
        _mm_storeu_ps(d + 3 * lines, r3);
      }
      for (; i < lines; ++i) {
        for (std::int64_t q = 0; q < 4; ++q) dst[(p + q) * lines + i] = src[i * ls + p + q];
      }
    }
  }
#endif
  for (; p < depth; ++p) {
    for (std::int64_t i = 0; i < lines; ++i) dst[p * lines + i] = widen<Src, Acc>(src[i * ls + p]);
  }
}

// A full micro-panel of row-major A (unit column stride): mr rows read side by side, one column
// of the panel written per step, so the stores are contiguous. MR > 0 fixes the panel height at
// compile time (the loop over rows unrolls); MR == 0 reads it from `mr`. Writing each row's
// elements mr apart instead (row by row) made the stores collide and cost twice the
// micro-kernel's time for small products.
template <int MR, class Src, class Acc>
void pack_a_rows(const Src* panel, std::int64_t rs, std::int64_t depth, Acc* dst,
                 std::int64_t mr = MR) {
  for (std::int64_t p = 0; p < depth; ++p) {
    const Src* col = panel + p;
    if constexpr (MR > 0) {
      for (int i = 0; i < MR; ++i) dst[i] = widen<Src, Acc>(col[i * rs]);
    } else {
      for (std::int64_t i = 0; i < mr; ++i) dst[i] = widen<Src, Acc>(col[i * rs]);
    }
    dst += mr;
  }
}

// The tallest A micro-panel the float16 packing widens through its stack buffer.
constexpr std::int64_t kMaxHalfRows = 12;

template <class Src, class Acc>
void pack_a(MatrixRef<Src> a, std::int64_t rows, std::int64_t depth, std::int64_t mr, Acc* dst,
            const kernels::GemmMicroKernel<Acc>& uk) {
  for (std::int64_t ir = 0; ir < rows; ir += mr) {
    const std::int64_t h = std::min(mr, rows - ir);
    const Src* panel = a.data + ir * a.rs;
    if constexpr (std::is_same_v<Src, Half>) {
      if (a.cs == 1 && h == mr && mr <= kMaxHalfRows) {
        // Row-major float16 A: widen a run of each row (vector conversion), then write the
        // panel column by column from the widened runs (contiguous stores; scattering each
        // row's run mr elements apart made the stores collide).
        constexpr std::int64_t kRun = 128;
        alignas(64) Acc runs[kMaxHalfRows][kRun];
        for (std::int64_t p0 = 0; p0 < depth; p0 += kRun) {
          const std::int64_t len = std::min(kRun, depth - p0);
          for (std::int64_t i = 0; i < mr; ++i) {
            widen_run<Src, Acc>(panel + i * a.rs + p0, len, runs[i], uk);
          }
          Acc* out = dst + p0 * mr;
          for (std::int64_t p = 0; p < len; ++p) {
            for (std::int64_t i = 0; i < mr; ++i) out[p * mr + i] = runs[i][p];
          }
        }
        dst += mr * depth;
        continue;
      }
    }
    if (a.cs == 1 && h == mr) {
      if (mr == 12) {
        pack_a_rows<12, Src, Acc>(panel, a.rs, depth, dst);
      } else if (mr == 6) {
        pack_a_rows<6, Src, Acc>(panel, a.rs, depth, dst);
      } else if (mr == 4) {
        pack_a_rows<4, Src, Acc>(panel, a.rs, depth, dst);
      } else {
        pack_a_rows<0, Src, Acc>(panel, a.rs, depth, dst, mr);
      }
      dst += mr * depth;
      continue;
    }
    for (std::int64_t p = 0; p < depth; ++p) {
      const Src* col = panel + p * a.cs;
      std::int64_t i = 0;
      for (; i < h; ++i) dst[i] = widen<Src, Acc>(col[i * a.rs]);
      for (; i < mr; ++i) dst[i] = Acc{};
      dst += mr;
    }
  }
}

// depth x cols of B into micro-panels of nr columns, row by row, zero-padded.
template <class Src, class Acc>
void pack_b(MatrixRef<Src> b, std::int64_t depth, std::int64_t cols, std::int64_t nr, Acc* dst,
            const kernels::GemmMicroKernel<Acc>& uk) {
  for (std::int64_t jr = 0; jr < cols; jr += nr) {
    const std::int64_t w = std::min(nr, cols - jr);
    const Src* panel = b.data + jr * b.cs;
    if constexpr (std::is_same_v<Src, float> && std::is_same_v<Acc, float>) {
      if (b.rs == 1 && b.cs != 1 && w == nr) {  // column-major B (a transposed view)
        pack_lines<Src, Acc>(panel, b.cs, nr, depth, dst);
        dst += nr * depth;
        continue;
      }
    }
    for (std::int64_t p = 0; p < depth; ++p) {
      const Src* row = panel + p * b.rs;
      std::int64_t j = 0;
      if (b.cs == 1) {
        widen_run<Src, Acc>(row, w, dst, uk);
        j = w;
      } else {
        for (; j < w; ++j) dst[j] = widen<Src, Acc>(row[j * b.cs]);
      }
      for (; j < nr; ++j) dst[j] = Acc{};
      dst += nr;
    }
  }
}

template <class Src, class Acc>
struct Job {
  Dims dims;
  MatrixRef<Src> a, b;
  MutMatrixRef<Acc> c;
  const kernels::GemmMicroKernel<Acc>* uk = nullptr;
  // The current step: column block jc of nc columns, depths [p0, p0 + depth), whose B is packed
  // at b_packed, one kc-deep block after another (each panels * nr * kc elements).
  std::int64_t jc = 0, nc = 0, p0 = 0, depth = 0, panels = 0;
  Acc* b_packed = nullptr;
  // The split into tasks: row blocks times column chunks of chunk_panels panels. Row block b
  // holds A's micro-panels [b * row_panels / row_blocks, (b + 1) * row_panels / row_blocks).
  std::int64_t row_panels = 1, row_blocks = 1, col_chunks = 1, chunk_panels = 1;
  // B packing split: each depth block's panels in pack_chunks tasks.
  std::int64_t pack_chunks = 1;
};

// One task of packing the step's B: a chunk of the panels of one kc-deep block.
template <class Src, class Acc>
void pack_b_task(void* context, std::int64_t task) {
  auto& job = *static_cast<Job<Src, Acc>*>(context);
  const std::int64_t nr = job.uk->nr;
  const std::int64_t q = task / job.pack_chunks;  // depth block
  const std::int64_t chunk_panels = ceil_div(job.panels, job.pack_chunks);
  const std::int64_t j0 = (task % job.pack_chunks) * chunk_panels * nr;
  if (j0 >= job.nc) return;
  const std::int64_t cols = std::min(chunk_panels * nr, job.nc - j0);
  const std::int64_t pc = job.p0 + q * job.uk->kc;
  const std::int64_t kc = std::min(job.uk->kc, job.p0 + job.depth - pc);
  const MatrixRef<Src> block{job.b.data + pc * job.b.rs + (job.jc + j0) * job.b.cs, job.b.rs,
                             job.b.cs};
  Acc* dst = job.b_packed + q * job.panels * nr * job.uk->kc + j0 * kc;
  pack_b<Src, Acc>(block, kc, cols, nr, dst, *job.uk);
}

// Rows [ic, ic + mc) of C, columns [j0, j0 + cols): the packed A block (mc rows) times the
// packed B block (starting at its column j0), for the depth block at pc of kc.
// a_in_place (see a_in_place()): the block's full micro-panels are read from A there, and only
// a last partial one is packed, at its place in a_packed.
template <class Src, class Acc>
void macro_kernel(const Job<Src, Acc>& job, std::int64_t ic, std::int64_t mc, std::int64_t j0,
                  std::int64_t cols, const Acc* a_packed, const Src* a_in_place,
                  const Acc* b_packed, const Src* b_in_place, std::int64_t kc, bool accumulate) {
  const auto& uk = *job.uk;
  const std::int64_t mr = uk.mr;
  const std::int64_t nr = uk.nr;
  const MutMatrixRef<Acc> c = job.c;
  alignas(64) Acc tile[kernels::kGemmMaxTile];
  const auto micro = [&](std::int64_t ir, std::int64_t h, std::int64_t jr, std::int64_t w, Acc* out,
                         std::int64_t rs, std::int64_t cs, bool add) {
    if constexpr (std::is_same_v<Src, Acc>) {
      if (a_in_place != nullptr && h == mr) {
        uk.fn_rows(kc, a_in_place + ir * job.a.rs, job.a.rs, b_packed + jr * kc, out, rs, cs, add);
        return;
      }
      if (b_in_place != nullptr && w == nr) {
        uk.fn_bcols(kc, a_packed + ir * kc, b_in_place + jr, job.b.rs, out, rs, cs, add);
        return;
      }
    }
    uk.fn(kc, a_packed + ir * kc, b_packed + jr * kc, out, rs, cs, add);
  };
  for (std::int64_t jr = 0; jr < cols; jr += nr) {
    const std::int64_t w = std::min(nr, cols - jr);
    for (std::int64_t ir = 0; ir < mc; ir += mr) {
      const std::int64_t h = std::min(mr, mc - ir);
      Acc* cc = c.data + (ic + ir) * c.rs + (j0 + jr) * c.cs;
      if (h == mr && w == nr) {
        micro(ir, h, jr, w, cc, c.rs, c.cs, accumulate);
        continue;
      }
      micro(ir, h, jr, w, tile, nr, 1, false);
      for (std::int64_t i = 0; i < h; ++i) {
        for (std::int64_t j = 0; j < w; ++j) {
          Acc& dst = cc[i * c.rs + j * c.cs];
          dst = accumulate ? static_cast<Acc>(dst + tile[i * nr + j]) : tile[i * nr + j];
        }
      }
    }
  }
}

// Row block `block`'s first row and row count (Job: the blocks share A's micro-panels evenly).
template <class Src, class Acc>
std::int64_t block_begin(const Job<Src, Acc>& job, std::int64_t block) {
  return std::min(block * job.row_panels / job.row_blocks * job.uk->mr, job.dims.m);
}

// Where the A block at (ic, pc) can be read in place instead of packed, or nullptr: float32
// row-major A, a unit with a rows kernel, and few enough B micro-panels in the block's columns
// that A is read only a few times (Note [Small products]).
template <class Src, class Acc>
const Src* a_in_place(const Job<Src, Acc>& job, std::int64_t ic, std::int64_t pc,
                      std::int64_t cols) {
  if constexpr (std::is_same_v<Src, Acc>) {
    if (job.uk->fn_rows != nullptr && job.a.cs == 1 &&
        ceil_div(cols, job.uk->nr) <= kInPlacePanels) {
      return job.a.data + ic * job.a.rs + pc;
    }
  }
  return nullptr;
}

// Packs the mc x kc A block at (ic, pc) into a_packed, or only its last partial micro-panel
// when the rest is read in place.
template <class Src, class Acc>
void pack_a_block(const Job<Src, Acc>& job, std::int64_t ic, std::int64_t mc, std::int64_t pc,
                  std::int64_t kc, bool in_place, Acc* a_packed) {
  const std::int64_t mr = job.uk->mr;
  const std::int64_t skip = in_place ? mc / mr * mr : 0;
  if (skip == mc) return;
  const MatrixRef<Src> block{job.a.data + (ic + skip) * job.a.rs + pc * job.a.cs, job.a.rs,
                             job.a.cs};
  pack_a<Src, Acc>(block, mc - skip, kc, mr, a_packed + skip * kc, *job.uk);
}

// Whether a row block of mc rows whose A is packed reads B's full micro-panels in place instead
// of packing them (Note [Thin products]).
template <class Src, class Acc>
bool reads_b_in_place(const Job<Src, Acc>& job, std::int64_t mc) {
  if constexpr (std::is_same_v<Src, Acc>) {
    return job.uk->fn_bcols != nullptr && job.b.cs == 1 && mc <= kInPlaceBRows;
  }
  return false;
}

// One task of a step: a row block times the shared packed B, every kc-deep block of the step's
// depths in order.
template <class Src, class Acc>
void macro_task(void* context, std::int64_t task) {
  auto& job = *static_cast<Job<Src, Acc>*>(context);
  const std::int64_t ic = block_begin(job, task);
  const std::int64_t mc = block_begin(job, task + 1) - ic;
  if (mc <= 0) return;
  const auto& uk = *job.uk;
  const Acc* b_packed = job.b_packed;
  for (std::int64_t pc = job.p0; pc < job.p0 + job.depth; pc += uk.kc) {
    const std::int64_t kc = std::min(uk.kc, job.p0 + job.depth - pc);
    Acc* a_packed = a_scratch().get<Acc>(ceil_div(mc, uk.mr) * uk.mr * kc);
    const Src* in_place = a_in_place(job, ic, pc, job.nc);
    pack_a_block(job, ic, mc, pc, kc, in_place != nullptr, a_packed);
    macro_kernel<Src, Acc>(job, ic, mc, job.jc, job.nc, a_packed, in_place, b_packed, nullptr, kc,
                           pc > 0);
    b_packed += job.panels * uk.nr * uk.kc;
  }
}

// One task of the whole product when there are fewer row blocks than threads (Note [GEMM
// loops]): a row block times a chunk of columns of all of B, every loop over depth and column
// blocks inside, packing its own B chunk (no barrier between depth blocks).
template <class Src, class Acc>
void chunk_task(void* context, std::int64_t task) {
  auto& job = *static_cast<Job<Src, Acc>*>(context);
  const auto& uk = *job.uk;
  const std::int64_t block = task / job.col_chunks;
  const std::int64_t ic = block_begin(job, block);
  const std::int64_t mc = block_begin(job, block + 1) - ic;
  const std::int64_t c_begin = (task % job.col_chunks) * job.chunk_panels * uk.nr;
  if (mc <= 0 || c_begin >= job.dims.n) return;
  const std::int64_t c_end = std::min(job.dims.n, c_begin + job.chunk_panels * uk.nr);
  const std::int64_t k = job.dims.k;
  for (std::int64_t jc = c_begin; jc < c_end; jc += uk.nc) {
    const std::int64_t nc = std::min(uk.nc, c_end - jc);
    for (std::int64_t pc = 0; pc < k; pc += uk.kc) {
      const std::int64_t kc = std::min(uk.kc, k - pc);
      const Src* a_direct = a_in_place(job, ic, pc, nc);
      const Src* b_direct = a_direct == nullptr && reads_b_in_place(job, mc)
                                ? job.b.data + pc * job.b.rs + jc
                                : nullptr;
      // With B in place only a last partial micro-panel is packed, at its place.
      const std::int64_t skip = b_direct != nullptr ? nc / uk.nr * uk.nr : 0;
      Acc* b_packed = b_scratch().get<Acc>(ceil_div(nc, uk.nr) * uk.nr * kc);
      const MatrixRef<Src> b_block{job.b.data + pc * job.b.rs + (jc + skip) * job.b.cs, job.b.rs,
                                   job.b.cs};
      pack_b<Src, Acc>(b_block, kc, nc - skip, uk.nr, b_packed + skip * kc, uk);
      Acc* a_packed = a_scratch().get<Acc>(ceil_div(mc, uk.mr) * uk.mr * kc);
      pack_a_block(job, ic, mc, pc, kc, a_direct != nullptr, a_packed);
      macro_kernel(job, ic, mc, jc, nc, a_packed, a_direct, b_packed, b_direct, kc, pc > 0);
    }
  }
}

}  // namespace

template <class Src, class Acc>
void gemm_unpacked(Dims dims, MatrixRef<Src> a, MatrixRef<Src> b, MutMatrixRef<Acc> c) noexcept {
  for (std::int64_t i = 0; i < dims.m; ++i) {
    for (std::int64_t j = 0; j < dims.n; ++j) {
      Acc sum{};
      for (std::int64_t p = 0; p < dims.k; ++p) {
        sum = static_cast<Acc>(sum + widen<Src, Acc>(a.data[i * a.rs + p * a.cs]) *
                                         widen<Src, Acc>(b.data[p * b.rs + j * b.cs]));
      }
      c.data[i * c.rs + j * c.cs] = sum;
    }
  }
}

namespace {

// Note [Vector products]
// ~~~~~~~~~~~~~~~~~~~~~~
// A product with one row or one column (matrix-vector, vector-matrix, dot) does one multiply-add
// per element of the matrix, so packing it would double the memory traffic for nothing. It runs
// one of two unpacked loops instead, chosen by which way the matrix is contiguous: a dot product
// along a contiguous row, or a sum of scaled rows (axpy) along a contiguous output dimension.
// Both are written so the compiler vectorises them without reassociating floating-point sums:
// the dot keeps kLanes independent partial sums, the axpy's lanes are independent outputs.
//
// The dot product's partial sums must outnumber the adder's latency times its vector width, or
// the loop waits on its own additions. For float32 and float64 on x86-64 (SSE2 is baseline, and
// this file is compiled once for every ISA) it keeps eight vector sums by hand, since GCC spills
// a 32-element array of sums to memory: 32 (float32) or 16 (float64) lanes over blocks of that
// many elements, then single vectors into the first sum, then a fixed tree of vector additions,
// the lanes of the result in order, and the scalar tail last. The axpy adds four scaled rows per
// pass over the outputs (the same additions in the same order, with a quarter of the loads and
// stores of the sums).
constexpr std::int64_t kLanes = 8;

template <class Src, class Acc>
Acc dot_contiguous(const Src* x, const Src* y, std::int64_t k) {
  Acc lanes[kLanes] = {};
  std::int64_t p = 0;
  for (; p + kLanes <= k; p += kLanes) {
    for (std::int64_t l = 0; l < kLanes; ++l) {
      lanes[l] = static_cast<Acc>(lanes[l] + widen<Src, Acc>(x[p + l]) * widen<Src, Acc>(y[p + l]));
    }
  }
  Acc sum{};
  for (std::int64_t l = 0; l < kLanes; ++l) sum = static_cast<Acc>(sum + lanes[l]);
  for (; p < k; ++p) sum = static_cast<Acc>(sum + widen<Src, Acc>(x[p]) * widen<Src, Acc>(y[p]));
  return sum;
}

#if defined(__SSE2__)
// Eight SSE2 sums of W lanes each; V/T: __m128/float (W 4) or __m128d/double (W 2).
template <class T, class V, int W, class Ops>
T dot_sse2(const T* x, const T* y, std::int64_t k) {
  V s[8];
  for (V& v : s) v = Ops::zero();
  std::int64_t p = 0;
  for (; p + 8 * W <= k; p += 8 * W) {
    for (int v = 0; v < 8; ++v) {
      s[v] = Ops::add(s[v], Ops::mul(Ops::load(x + p + v * W), Ops::load(y + p + v * W)));
    }
  }
  for (; p + W <= k; p += W) s[0] = Ops::add(s[0], Ops::mul(Ops::load(x + p), Ops::load(y + p)));
  // A fixed tree over the eight sums, then the W lanes in order: a chain of 8 * W scalar
  // additions here would cost as much as the main loop for k in the hundreds.
  const V total = Ops::add(Ops::add(Ops::add(s[0], s[1]), Ops::add(s[2], s[3])),
                           Ops::add(Ops::add(s[4], s[5]), Ops::add(s[6], s[7])));
  alignas(16) T lanes[W];
  Ops::store(lanes, total);
  T sum{};
  for (T lane : lanes) sum += lane;
  for (; p < k; ++p) sum += x[p] * y[p];
  return sum;
}

struct SseF32 {
  static __m128 zero() { return _mm_setzero_ps(); }
  static __m128 load(const float* p) { return _mm_loadu_ps(p); }
  static __m128 mul(__m128 a, __m128 b) { return _mm_mul_ps(a, b); }
  static __m128 add(__m128 a, __m128 b) { return _mm_add_ps(a, b); }
  static void store(float* p, __m128 v) { _mm_store_ps(p, v); }
};
struct SseF64 {
  static __m128d zero() { return _mm_setzero_pd(); }
  static __m128d load(const double* p) { return _mm_loadu_pd(p); }
  static __m128d mul(__m128d a, __m128d b) { return _mm_mul_pd(a, b); }
  static __m128d add(__m128d a, __m128d b) { return _mm_add_pd(a, b); }
  static void store(double* p, __m128d v) { _mm_store_pd(p, v); }
};

template <>
float dot_contiguous<float, float>(const float* x, const float* y, std::int64_t k) {
  return dot_sse2<float, __m128, 4, SseF32>(x, y, k);
}
template <>
double dot_contiguous<double, double>(const double* x, const double* y, std::int64_t k) {
  return dot_sse2<double, __m128d, 2, SseF64>(x, y, k);
}
#endif

// out[j * out_stride] = sum_p s[p * s_stride] * rows[p * rs + j] for j < n: rows contiguous.
template <class Src, class Acc>
void axpy_rows(const Src* s, std::int64_t s_stride, const Src* rows, std::int64_t rs,
               std::int64_t k, std::int64_t n, Acc* out, std::int64_t out_stride) {
  constexpr std::int64_t kChunk = 512;  // outputs summed in a stack buffer at a time
  Acc sums[kChunk];
  for (std::int64_t j0 = 0; j0 < n; j0 += kChunk) {
    const std::int64_t w = std::min(kChunk, n - j0);
    for (std::int64_t j = 0; j < w; ++j) sums[j] = Acc{};
    std::int64_t p = 0;
    for (; p + 4 <= k; p += 4) {
      const Acc s0 = widen<Src, Acc>(s[p * s_stride]);
      const Acc s1 = widen<Src, Acc>(s[(p + 1) * s_stride]);
      const Acc s2 = widen<Src, Acc>(s[(p + 2) * s_stride]);
      const Acc s3 = widen<Src, Acc>(s[(p + 3) * s_stride]);
      const Src* r0 = rows + p * rs + j0;
      const Src* r1 = r0 + rs;
      const Src* r2 = r1 + rs;
      const Src* r3 = r2 + rs;
      for (std::int64_t j = 0; j < w; ++j) {
        Acc acc = static_cast<Acc>(sums[j] + s0 * widen<Src, Acc>(r0[j]));
        acc = static_cast<Acc>(acc + s1 * widen<Src, Acc>(r1[j]));
        acc = static_cast<Acc>(acc + s2 * widen<Src, Acc>(r2[j]));
        sums[j] = static_cast<Acc>(acc + s3 * widen<Src, Acc>(r3[j]));
      }
    }
    for (; p < k; ++p) {
      const Acc sp = widen<Src, Acc>(s[p * s_stride]);
      const Src* row = rows + p * rs + j0;
      for (std::int64_t j = 0; j < w; ++j) {
        sums[j] = static_cast<Acc>(sums[j] + sp * widen<Src, Acc>(row[j]));
      }
    }
    for (std::int64_t j = 0; j < w; ++j) out[(j0 + j) * out_stride] = sums[j];
  }
}

// m == 1 or n == 1 (Note [Vector products]).
template <class Src, class Acc>
void gemm_vector(Dims dims, MatrixRef<Src> a, MatrixRef<Src> b, MutMatrixRef<Acc> c) {
  const auto [m, n, k] = dims;
  if (n == 1 && a.cs == 1 && (b.rs == 1 || k == 1)) {
    for (std::int64_t i = 0; i < m; ++i)
      c.data[i * c.rs] = dot_contiguous<Src, Acc>(a.data + i * a.rs, b.data, k);
  } else if (m == 1 && b.rs == 1 && (a.cs == 1 || k == 1)) {
    for (std::int64_t j = 0; j < n; ++j)
      c.data[j * c.cs] = dot_contiguous<Src, Acc>(a.data, b.data + j * b.cs, k);
  } else if (n == 1 && a.rs == 1) {
    axpy_rows<Src, Acc>(b.data, b.rs, a.data, a.cs, k, m, c.data, c.rs);
  } else if (m == 1 && b.cs == 1) {
    axpy_rows<Src, Acc>(a.data, a.cs, b.data, b.rs, k, n, c.data, c.cs);
  } else {
    gemm_unpacked<Src, Acc>(dims, a, b, c);
  }
}

}  // namespace

template <class Src, class Acc>
void gemm(Dims dims, MatrixRef<Src> a, MatrixRef<Src> b, MutMatrixRef<Acc> c,
          const kernels::GemmMicroKernel<Acc>& uk, int threads) noexcept {
  const auto [m, n, k] = dims;
  if (m == 0 || n == 0) return;
  const std::int64_t macs = macs_of(dims);
  if (k == 0 || macs <= kMaxUnpackedMacs) {
    gemm_unpacked<Src, Acc>(dims, a, b, c);
    return;
  }
  if (m == 1 || n == 1) {
    gemm_vector<Src, Acc>(dims, a, b, c);
    return;
  }
  if (macs < kMinThreadedMacs) threads = 1;

  Job<Src, Acc> job;
  job.dims = dims;
  job.a = a;
  job.b = b;
  job.c = c;
  job.uk = &uk;
  const std::int64_t mr = uk.mr;
  const std::int64_t nr = uk.nr;

  // Row blocks: a multiple of the thread count when there are enough of them, so each thread
  // gets the same number of blocks; otherwise column chunks make up the difference. The blocks
  // share A's micro-panels out evenly (their sizes differ by at most one panel). Rounding each
  // block up to whole panels instead left the last one short: 1024 rows in 8 blocks were seven
  // of 132 and one of 100, 528 rows for one of 2 threads and 496 for the other.
  job.row_panels = ceil_div(m, mr);
  std::int64_t row_blocks = ceil_div(m, uk.mc);
  if (threads > 1 && row_blocks >= threads) row_blocks = ceil_div(row_blocks, threads) * threads;
  job.row_blocks = std::min(row_blocks, job.row_panels);

  if (threads == 1 && job.row_blocks == 1 && reads_b_in_place(job, m)) {
    // A thin product on one thread: one task of the whole product, B read in place.
    job.col_chunks = 1;
    job.chunk_panels = ceil_div(n, nr);
    chunk_task<Src, Acc>(&job, 0);
    return;
  }
  if (threads > 1 && job.row_blocks < threads) {
    // Too few row blocks to go round: each task takes a row block and a chunk of whole
    // micro-panels of columns for the whole product, and packs its own B (chunk_task).
    const std::int64_t panels = ceil_div(n, nr);
    job.col_chunks = std::min(panels, ceil_div(threads, job.row_blocks));
    job.chunk_panels = ceil_div(panels, job.col_chunks);
    job.col_chunks = ceil_div(panels, job.chunk_panels);
    parallel_for(job.row_blocks * job.col_chunks, &chunk_task<Src, Acc>, &job);
    return;
  }
  // One thread takes B one kc-deep block at a time (just packed, it is still in cache). Threads
  // pack several depth blocks at once (up to kSharedB bytes), so they meet twice per step, not
  // twice per depth block (Note [GEMM loops]).
  const std::int64_t block_elems = ceil_div(std::min(uk.nc, n), nr) * nr * uk.kc;
  const std::int64_t step_blocks =
      threads > 1 ? std::max<std::int64_t>(1, kSharedB / (block_elems * sizeof(Acc))) : 1;
  for (std::int64_t jc = 0; jc < n; jc += uk.nc) {
    job.jc = jc;
    job.nc = std::min(uk.nc, n - jc);
    job.panels = ceil_div(job.nc, nr);
    for (std::int64_t p0 = 0; p0 < k; p0 += step_blocks * uk.kc) {
      job.p0 = p0;
      job.depth = std::min(step_blocks * uk.kc, k - p0);
      const std::int64_t blocks = ceil_div(job.depth, uk.kc);
      job.b_packed = b_scratch().get<Acc>(blocks * job.panels * nr * uk.kc);
      if (threads > 1) {
        job.pack_chunks = std::min<std::int64_t>(threads, job.panels);
        parallel_for(blocks * job.pack_chunks, &pack_b_task<Src, Acc>, &job);
        parallel_for(job.row_blocks, &macro_task<Src, Acc>, &job);
      } else {
        job.pack_chunks = 1;
        for (std::int64_t q = 0; q < blocks; ++q) pack_b_task<Src, Acc>(&job, q);
        for (std::int64_t t = 0; t < job.row_blocks; ++t) macro_task<Src, Acc>(&job, t);
      }
    }
  }
}

// Source element type, accumulator: the pairs src/gemm/matmul.cpp uses.
#define MG_GEMM_INSTANTIATE(Src, Acc)                                                   \
  template Acc widen<Src, Acc>(Src) noexcept;                                           \
  template void gemm<Src, Acc>(Dims, MatrixRef<Src>, MatrixRef<Src>, MutMatrixRef<Acc>, \
                               const kernels::GemmMicroKernel<Acc>&, int) noexcept;     \
  template void gemm_unpacked<Src, Acc>(Dims, MatrixRef<Src>, MatrixRef<Src>,           \
                                        MutMatrixRef<Acc>) noexcept;

MG_GEMM_INSTANTIATE(float, float)
MG_GEMM_INSTANTIATE(double, double)
MG_GEMM_INSTANTIATE(Half, float)
MG_GEMM_INSTANTIATE(BFloat16, float)
MG_GEMM_INSTANTIATE(Bool, std::uint64_t)
MG_GEMM_INSTANTIATE(std::int8_t, std::uint32_t)
MG_GEMM_INSTANTIATE(std::int16_t, std::uint32_t)
MG_GEMM_INSTANTIATE(std::int32_t, std::uint32_t)
MG_GEMM_INSTANTIATE(std::uint8_t, std::uint32_t)
MG_GEMM_INSTANTIATE(std::uint16_t, std::uint32_t)
MG_GEMM_INSTANTIATE(std::uint32_t, std::uint32_t)
MG_GEMM_INSTANTIATE(std::int64_t, std::uint64_t)
MG_GEMM_INSTANTIATE(std::uint64_t, std::uint64_t)
#undef MG_GEMM_INSTANTIATE

}  // namespace mg::gemm
