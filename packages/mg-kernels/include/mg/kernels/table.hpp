// The kernel table: one per compiled ISA, chosen once per call by the plan (mg/plan.hpp).
#pragma once

#include <cstddef>

#include "mg/binary_op.hpp"
#include "mg/dtype.hpp"
#include "mg/isa.hpp"
#include "mg/strided.hpp"

namespace mg::kernels {

// base[k] points at operand k's first element (its storage data plus offset).
using Kernel3 = void (*)(const StridedLoop<3>& loop, void* const* base);
using Kernel2 = void (*)(const StridedLoop<2>& loop, void* const* base);

struct KernelTable {
  Isa isa = Isa::kScalar;
  Kernel3 binary[kNumBinaryOps][kNumDTypes] = {};  // [op][dtype]
  Kernel2 reduce_sum[kNumDTypes] = {};             // [dtype]
  Kernel2 copy[kNumDTypes][kNumDTypes] = {};       // [out dtype][src dtype]
};

// The table of `isa` if this build contains it, else nullptr.
const KernelTable* compiled_table(Isa isa) noexcept;

// The table of active_isa().
const KernelTable& active_table() noexcept;

// Defined by src/table_<isa>.cpp. Call only when cpu_supports(isa).
namespace scalar {
const KernelTable& table() noexcept;
}
namespace avx2 {
const KernelTable& table() noexcept;
}

}  // namespace mg::kernels
