// Note [Huge pages]
// ~~~~~~~~~~~~~~~~~
// Large buffers are streamed through once per kernel, and with 4 KiB pages a 40 MB sum touches
// ten thousand pages: page walks and first-touch faults then cost a visible share of the time.
// Linux backs a range with 2 MiB pages when transparent huge pages are "always", or "madvise"
// and the range was marked MADV_HUGEPAGE (the common default, and what NumPy does for arrays of
// 4 MiB or more). The advice applies to the whole 4 KiB pages inside the block; the kernel uses
// huge pages for the 2 MiB-aligned parts. Failure (old kernels, other systems) changes nothing
// but speed, so it is ignored.
#include "mg/vec_buffer.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace mg {

void advise_huge_pages(void* block, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kPage = 4096;
  const auto begin = reinterpret_cast<std::uintptr_t>(block);
  const std::uintptr_t first = (begin + kPage - 1) & ~(kPage - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kPage - 1);
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)block;
  (void)bytes;
#endif
}

}  // namespace mg
