// Batched matrix product with NumPy's broadcasting over the batch dimensions: validation with
// plan_matmul (may throw), the work with MatmulPlan::run (never throws, touches no Python object),
// the same two steps as mg/plan.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "mg/dtype.hpp"
#include "mg/kernels/table.hpp"
#include "mg/storage.hpp"
#include "mg/strided.hpp"

namespace mg {

// One operand of matmul: a storage, an offset and strides in elements, and its own shape (the
// operands' shapes differ, unlike the elementwise plans).
struct MatmulOperand {
  Storage& storage;
  std::int64_t offset = 0;
  Extents strides;
  Extents shape;
};

// The instructions that multiply a bfloat16 product's pairs (src/gemm/bf16_pairs.cpp): none
// (the float32 kernels on widened values), AMX tiles, or AVX512-BF16 vectors.
enum class PairEngine { kNone, kAmx, kAvx512Bf16 };

// The engine large products of `dtype` take under `isa`'s table here: in builds with the unit,
// bfloat16 under avx512 on a CPU with AMX (and the OS's leave) or AVX512-BF16; else kNone.
PairEngine bf16_engine(DType dtype, Isa isa) noexcept;

class MatmulPlan {
 public:
  void run() const noexcept;

  // Filled in by plan_matmul.
  DType dtype = DType::kFloat32;
  const kernels::GemmKernels* kernels = nullptr;
  const kernels::CopyKernels* copy = nullptr;  // rounds float16/bfloat16/narrow-int outputs
  // bfloat16 with the avx512 table: large enough products run on AMX tiles where the CPU and
  // OS allow them (Note [AMX tiles]), else on AVX512-BF16 vectors where the CPU has them (Note
  // [bfloat16 pairs]); other products widen to float32.
  PairEngine bf16_engine = PairEngine::kNone;
  std::int64_t m = 0, n = 0, k = 0;
  std::vector<std::int64_t> batch_shape;
  std::vector<std::int64_t> batch_strides[3];  // out, a, b; 0 where broadcast
  std::int64_t rs[3] = {}, cs[3] = {};         // out, a, b: row and column strides
  void* base[3] = {};                          // out, a, b: first element
};

// out[..., i, j] = sum_p a[..., i, p] * b[..., p, j]. a is (..., m, k), b (..., k, n), both with at
// least 2 dimensions; their batch dimensions broadcast (NumPy rules) to out's (..., m, n). All
// three share one dtype (DTypeError otherwise; every dtype is accepted): float32/float64
// accumulate in their own type, float16/bfloat16 in float32 rounded once at the end, integers
// wrap, bool is "any a and b". Throws std::invalid_argument naming both shapes and the dimension
// that disagrees, for a bad layout, or when out shares its storage with a or b.
MatmulPlan plan_matmul(const MatmulOperand& out, const MatmulOperand& a, const MatmulOperand& b,
                       const kernels::KernelTable& table = kernels::active_table());

inline void matmul(const MatmulOperand& out, const MatmulOperand& a, const MatmulOperand& b) {
  plan_matmul(out, a, b).run();
}

}  // namespace mg
