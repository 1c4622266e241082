// The kernel table: one per compiled ISA, chosen once per call by the plan (mg/plan.hpp).
//
// Each family (binary, reduce, copy, ...) has its own sub-table, built in its own translation
// unit per ISA (src/kernels/<family>.cpp, compiled once per ISA by CMakeLists.txt), so families
// compile in parallel and a change to one recompiles only its own units.
#pragma once

#include <cstddef>
#include <cstdint>

#include "mg/binary_op.hpp"
#include "mg/dtype.hpp"
#include "mg/isa.hpp"
#include "mg/reduce_op.hpp"
#include "mg/strided.hpp"
#include "mg/unary_op.hpp"  // unary family

namespace mg::kernels {

// base[k] points at operand k's first element (its storage data plus offset).
using Kernel3 = void (*)(const StridedLoop<3>& loop, void* const* base);
using Kernel2 = void (*)(const StridedLoop<2>& loop, void* const* base);
using Kernel4 = void (*)(const StridedLoop<4>& loop, void* const* base);  // ternary family

// nullptr where an op is not defined for a dtype; the plan refuses those with a DTypeError.
struct BinaryKernels {
  Kernel3 ops[kNumBinaryOps][kNumDTypes] = {};  // [op][dtype]
};
struct ReduceKernels {
  Kernel2 sum[kNumDTypes] = {};  // [dtype]
  // reduce family (kernels/reduce_ops.hpp, argreduce.hpp, scan.hpp, stats.hpp)
  Kernel2 ops[kNumReduceOps][kNumDTypes] = {};     // [op][src dtype]; ALL/ANY write bool
  Kernel2 arg[kNumArgReduceOps][kNumDTypes] = {};  // [op][src dtype]; out int64
  Kernel2 scan[kNumScanOps][kNumDTypes] = {};      // [op][dtype]
  Kernel3 mean_var[2][kNumDTypes] = {};            // [ddof][dtype], floats only
  Kernel2 logsumexp[kNumDTypes] = {};              // [dtype], floats only
};
struct CopyKernels {
  Kernel2 casts[kNumDTypes][kNumDTypes] = {};  // [out dtype][src dtype]
};
// Ternary family: where(cond, a, b) and clip(x, lo, hi), indexed by the dtype of a / x.
struct TernaryKernels {
  Kernel4 where[kNumDTypes] = {};
  Kernel4 clip[kNumDTypes] = {};
};

// unary family: [op][src dtype]; out is bool for the predicates, src's dtype otherwise.
struct UnaryKernels {
  Kernel2 ops[kNumUnaryOps][kNumDTypes] = {};
};

// gemm family (src/kernels/gemm.cpp, driven by src/gemm/): one register-blocked micro-kernel per
// accumulator type with the cache blocking that suits it. The micro-kernel multiplies an mr x kc
// packed panel of A (column by column, mr values each) by a kc x nr packed panel of B (row by
// row, nr values each) and writes the full mr x nr tile to c (row stride rs_c, column stride
// cs_c), adding to what c holds when `accumulate`. Unsigned accumulators serve the integer dtypes
// (their sums wrap, with no undefined behaviour).
template <class T>
struct GemmMicroKernel {
  using Fn = void (*)(std::int64_t kc, const T* a, const T* b, T* c, std::int64_t rs_c,
                      std::int64_t cs_c, bool accumulate);
  Fn fn = nullptr;
  // The same product with A read in place instead of packed: element (i, p) of the mr x kc panel
  // is a[i * rs_a + p] (row-major A, all mr rows present). Same sums in the same order as fn, so
  // the same bits. nullptr where the unit has none (the driver packs A then).
  using RowsFn = void (*)(std::int64_t kc, const T* a, std::int64_t rs_a, const T* b, T* c,
                          std::int64_t rs_c, std::int64_t cs_c, bool accumulate);
  RowsFn fn_rows = nullptr;
  // The same product with B read in place: row p of the kc x nr panel at b + p * rs_b (unit
  // column stride, all nr columns present); A packed. Same sums as fn, so the same bits.
  using BColsFn = void (*)(std::int64_t kc, const T* a, const T* b, std::int64_t rs_b, T* c,
                           std::int64_t rs_c, std::int64_t cs_c, bool accumulate);
  BColsFn fn_bcols = nullptr;
  // float16 -> T for `count` contiguous elements, used while packing (set for float only: F16C
  // where the unit has it); nullptr: convert one element at a time.
  void (*widen_half)(const Half* src, std::int64_t count, T* dst) = nullptr;
  std::int64_t mr = 1, nr = 1;          // register tile
  std::int64_t mc = 1, kc = 1, nc = 1;  // cache blocks: A block mc x kc, B block kc x nc
};
// The largest register tile (mr * nr) of any table: the driver's scratch tile for edges.
inline constexpr std::int64_t kGemmMaxTile = 12 * 32;
struct GemmKernels {
  GemmMicroKernel<float> f32;
  GemmMicroKernel<double> f64;
  GemmMicroKernel<std::uint32_t> u32;
  GemmMicroKernel<std::uint64_t> u64;
};

struct KernelTable {
  Isa isa = Isa::kScalar;
  const BinaryKernels* binary = nullptr;
  const ReduceKernels* reduce = nullptr;
  const CopyKernels* copy = nullptr;
  const TernaryKernels* ternary = nullptr;
  const UnaryKernels* unary = nullptr;  // unary family
  const GemmKernels* gemm = nullptr;    // gemm family
};

// The table of `isa` if this build contains it, else nullptr.
const KernelTable* compiled_table(Isa isa) noexcept;

// The table of active_isa().
const KernelTable& active_table() noexcept;

// Defined by src/kernels/table.cpp compiled for each ISA. Call only when cpu_supports(isa).
namespace scalar {
const KernelTable& table() noexcept;
}
namespace sse41 {
const KernelTable& table() noexcept;
}
namespace avx2 {
const KernelTable& table() noexcept;
}
namespace avx512 {
const KernelTable& table() noexcept;
}
namespace neon {
const KernelTable& table() noexcept;
}

}  // namespace mg::kernels
