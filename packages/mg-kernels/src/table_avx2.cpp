// The AVX2 kernel table. The only translation unit compiled with -mavx2 -mfma (CMakeLists.txt);
// dispatch.cpp calls it only after checking the CPU and OS support AVX2 and FMA.
#include "mg/kernels/make_table.hpp"
#include "mg/simd/vec_avx2.hpp"

namespace mg::kernels::avx2 {

const KernelTable& table() noexcept {
  static constexpr KernelTable kTable = make_table<simd::avx2::Family>(Isa::kAvx2);
  return kTable;
}

}  // namespace mg::kernels::avx2
