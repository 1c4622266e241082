// The kernel table: one per compiled ISA, chosen once per call by the plan (mg/plan.hpp).
//
// Each family (binary, reduce, copy, ...) has its own sub-table, built in its own translation
// unit per ISA (src/kernels/<family>.cpp, compiled once per ISA by CMakeLists.txt), so families
// compile in parallel and a change to one recompiles only its own units.
#pragma once

#include <cstddef>

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

struct KernelTable {
  Isa isa = Isa::kScalar;
  const BinaryKernels* binary = nullptr;
  const ReduceKernels* reduce = nullptr;
  const CopyKernels* copy = nullptr;
  const TernaryKernels* ternary = nullptr;
  const UnaryKernels* unary = nullptr;  // unary family
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
