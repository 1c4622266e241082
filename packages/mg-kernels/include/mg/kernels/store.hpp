// Non-temporal (streaming) stores for large contiguous outputs.
//
// Note [Streaming stores]
// ~~~~~~~~~~~~~~~~~~~~~~~
// An ordinary store to a line that is not cached first reads the line from memory (write
// allocate), then evicts it again when the output is far larger than the cache: four bytes of
// memory traffic for every three that `out = a + b` needs. A streaming store writes whole lines
// straight to memory, and leaves the cache to the inputs. It only pays when the output will not
// be read back soon, so rows use it from kStreamMinBytes on (about half the last-level cache of
// current desktop and server parts; smaller outputs stay cached for whoever reads them next).
// Streaming stores need aligned addresses, so a row runs a scalar head up to the first aligned
// vector, and they are weakly ordered, so the row ends with a store fence: the kernel's results
// are visible to every thread once it returns (the thread pool's handoff relies on that).
// A Vec family opts in with `stream(p, r)` on a Vec (p aligned to the register size) and
// `Family::stream_fence()`; without them rows use ordinary stores.
#pragma once

#include <cstdint>

namespace mg::kernels {

inline constexpr std::int64_t kStreamMinBytes = std::int64_t{16} << 20;

template <class Family, class T>
concept HasStream = requires(T* p, typename Family::template Vec<T>::Reg r) {
  Family::template Vec<T>::stream(p, r);
  Family::stream_fence();
};

// out[i] = vec(i) for whole vectors, tail(i) for single elements, for i in [0, n), with
// streaming stores: a scalar head up to alignment, four vectors per iteration, single vectors,
// a scalar tail, then the fence. vec(i) computes the vector starting at element i.
template <class Family, class T, class VecAt, class ScalarAt>
void stream_row(T* out, std::int64_t n, VecAt vec, ScalarAt tail) {
  using V = typename Family::template Vec<T>;
  constexpr std::int64_t kL = V::kLanes;
  constexpr auto kAlign = static_cast<std::uintptr_t>(kL * static_cast<std::int64_t>(sizeof(T)));
  std::int64_t i = 0;
  while (i < n && reinterpret_cast<std::uintptr_t>(out + i) % kAlign != 0) {
    out[i] = tail(i);
    ++i;
  }
  for (; i + 4 * kL <= n; i += 4 * kL) {
    const auto r0 = vec(i);
    const auto r1 = vec(i + kL);
    const auto r2 = vec(i + 2 * kL);
    const auto r3 = vec(i + 3 * kL);
    V::stream(out + i, r0);
    V::stream(out + i + kL, r1);
    V::stream(out + i + 2 * kL, r2);
    V::stream(out + i + 3 * kL, r3);
  }
  for (; i + kL <= n; i += kL) V::stream(out + i, vec(i));
  for (; i < n; ++i) out[i] = tail(i);
  Family::stream_fence();
}

}  // namespace mg::kernels
