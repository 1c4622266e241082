// VecBuffer<T>: owning, 64-byte aligned storage of `size` elements, zeroed unless asked not to be.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>
#include <utility>

namespace mg {

inline constexpr std::size_t kBufferAlignment = 64;

// Blocks of at least this many bytes ask the OS for transparent huge pages (src/vec_buffer.cpp).
inline constexpr std::size_t kHugePageMinBytes = std::size_t{4} << 20;

// Best effort, never fails: Note [Huge pages] in src/vec_buffer.cpp.
void advise_huge_pages(void* block, std::size_t bytes) noexcept;

// kUninitialized is for outputs a kernel overwrites completely: it skips the zeroing (or the
// first-touch page faults of fresh zero pages), which costs as much as a large add itself.
enum class Init { kZeroed, kUninitialized };

// Allocates bytes aligned to kBufferAlignment; throws std::bad_alloc. Zeroed blocks use `calloc`
// (aligned by hand) so large buffers get lazily zeroed pages from the OS instead of a memset.
// Never returns null, even for zero bytes, so buffer-protocol consumers always see a real address.
class AlignedBlock {
 public:
  AlignedBlock() = default;
  AlignedBlock(std::size_t bytes, Init init) {
    constexpr std::size_t kMax = std::numeric_limits<std::ptrdiff_t>::max() - kBufferAlignment;
    if (bytes > kMax) throw std::bad_alloc();
    const std::size_t padded = bytes + kBufferAlignment;
    raw_ = init == Init::kZeroed ? std::calloc(padded, 1) : std::malloc(padded);
    if (raw_ == nullptr) throw std::bad_alloc();
    if (padded >= kHugePageMinBytes) advise_huge_pages(raw_, padded);
    auto address = reinterpret_cast<std::uintptr_t>(raw_);
    address = (address + kBufferAlignment - 1) & ~(std::uintptr_t{kBufferAlignment} - 1);
    aligned_ = reinterpret_cast<void*>(address);
  }
  AlignedBlock(const AlignedBlock&) = delete;
  AlignedBlock& operator=(const AlignedBlock&) = delete;
  AlignedBlock(AlignedBlock&& other) noexcept
      : raw_(std::exchange(other.raw_, nullptr)),
        aligned_(std::exchange(other.aligned_, nullptr)) {}
  AlignedBlock& operator=(AlignedBlock&& other) noexcept {
    std::swap(raw_, other.raw_);
    std::swap(aligned_, other.aligned_);
    return *this;
  }
  ~AlignedBlock() { std::free(raw_); }

  void* get() const noexcept { return aligned_; }

 private:
  void* raw_ = nullptr;
  void* aligned_ = nullptr;
};

template <class T>
class VecBuffer {
 public:
  using value_type = T;

  // Throws std::bad_alloc when size * sizeof(T) overflows or the allocation fails.
  explicit VecBuffer(std::size_t size = 0, Init init = Init::kZeroed)
      : block_(checked_bytes(size), init), size_(size) {}
  VecBuffer(VecBuffer&& other) noexcept
      : block_(std::move(other.block_)), size_(std::exchange(other.size_, 0)) {}
  VecBuffer& operator=(VecBuffer&& other) noexcept {
    std::swap(block_, other.block_);
    std::swap(size_, other.size_);
    return *this;
  }

  std::size_t size() const noexcept { return size_; }
  std::size_t nbytes() const noexcept { return size_ * sizeof(T); }
  T* data() noexcept { return static_cast<T*>(block_.get()); }
  const T* data() const noexcept { return static_cast<const T*>(block_.get()); }
  T* begin() noexcept { return data(); }
  T* end() noexcept { return data() + size_; }
  const T* begin() const noexcept { return data(); }
  const T* end() const noexcept { return data() + size_; }
  T& operator[](std::size_t i) noexcept { return data()[i]; }
  const T& operator[](std::size_t i) const noexcept { return data()[i]; }

  void fill(T value) noexcept {
    for (T& x : *this) x = value;
  }

 private:
  static std::size_t checked_bytes(std::size_t size) {
    if (size > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_alloc();
    return size * sizeof(T);
  }

  AlignedBlock block_;
  std::size_t size_;
};

}  // namespace mg
