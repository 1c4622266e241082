// The scalar kernel table: the specification every other table is tested against. Compiled at
// the baseline target only.
#include "mg/kernels/make_table.hpp"
#include "mg/simd/vec_scalar.hpp"

namespace mg::kernels::scalar {

const KernelTable& table() noexcept {
  static constexpr KernelTable kTable = make_table<simd::scalar::Family>(Isa::kScalar);
  return kTable;
}

}  // namespace mg::kernels::scalar
