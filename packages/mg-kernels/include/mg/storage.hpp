// Storage: a flat block of elements of one dtype behind one type, so the rest of the code
// (bindings, kernel plans) can hold buffers without knowing their element type. The block is
// either owned (64-byte aligned, allocated here) or foreign: memory that another library (NumPy,
// a DLPack producer) owns, kept alive by a type-erased owner released with the last Storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "mg/dtype.hpp"
#include "mg/vec_buffer.hpp"

namespace mg {

class Storage {
 public:
  // Owned, zero-filled unless init says otherwise. Throws std::bad_alloc (size too large or no
  // memory).
  Storage(DType dtype, std::size_t size, Init init = Init::kZeroed) : dtype_(dtype), size_(size) {
    auto block = std::make_shared<AlignedBlock>(checked_bytes(dtype, size), init);
    data_ = block->get();
    keeper_ = std::move(block);
  }
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
  Storage(Storage&&) noexcept = default;
  Storage& operator=(Storage&&) noexcept = default;
  ~Storage() = default;

  // Views `size` elements of `dtype` at `data`, which another owner manages: `owner` is kept
  // until this Storage (and every alias made by alias()) is gone, and its deleter releases the
  // memory. `data` must be aligned for the dtype (std::invalid_argument otherwise) and valid for
  // size * itemsize bytes as long as `owner` lives.
  static Storage foreign_view(DType dtype, void* data, std::size_t size, bool readonly,
                              std::shared_ptr<void> owner) {
    const auto address = reinterpret_cast<std::uintptr_t>(data);
    if (address % dtype_info(dtype).alignment != 0) {
      throw std::invalid_argument("foreign storage: address " + std::to_string(address) +
                                  " is not aligned for " + std::string(dtype_name(dtype)));
    }
    checked_bytes(dtype, size);
    return Storage(dtype, size, data, readonly, true, std::move(owner));
  }

  // A second Storage over the same memory (shares the owner; never copies).
  Storage alias() const { return Storage(dtype_, size_, data_, readonly_, true, keeper_); }

  DType dtype() const noexcept { return dtype_; }
  std::size_t size() const noexcept { return size_; }
  std::size_t itemsize() const noexcept { return mg::itemsize(dtype_); }
  std::size_t nbytes() const noexcept { return size_ * itemsize(); }
  // A plain pointer read: kernels' hot path.
  void* data() noexcept { return data_; }
  const void* data() const noexcept { return data_; }
  // Foreign (or alias) storages may share memory with other Storage objects; owned ones never do.
  bool foreign() const noexcept { return foreign_; }
  bool readonly() const noexcept { return readonly_; }
  // The owner keeping the memory alive (for exports that must extend its life).
  const std::shared_ptr<void>& keeper() const noexcept { return keeper_; }

  // Typed element pointer; T must be the element type of dtype() (unchecked).
  template <class T>
  T* typed() noexcept {
    return static_cast<T*>(data_);
  }
  template <class T>
  const T* typed() const noexcept {
    return static_cast<const T*>(data_);
  }

 private:
  Storage(DType dtype, std::size_t size, void* data, bool readonly, bool foreign,
          std::shared_ptr<void> keeper)
      : dtype_(dtype),
        size_(size),
        data_(data),
        readonly_(readonly),
        foreign_(foreign),
        keeper_(std::move(keeper)) {}

  static std::size_t checked_bytes(DType dtype, std::size_t size) {
    const std::size_t item = mg::itemsize(dtype);
    if (size > std::numeric_limits<std::size_t>::max() / item) throw std::bad_alloc();
    return size * item;
  }

  DType dtype_;
  std::size_t size_;
  void* data_ = nullptr;
  bool readonly_ = false;
  bool foreign_ = false;
  std::shared_ptr<void> keeper_;
};

// True when x and y may hold the same bytes: the same object, or (foreign storages may alias)
// overlapping memory spans. Owned storages never share memory with another storage.
inline bool may_share_memory(const Storage& x, const Storage& y) noexcept {
  if (&x == &y) return true;
  if (!x.foreign() && !y.foreign()) return false;
  const auto* xb = static_cast<const char*>(x.data());
  const auto* yb = static_cast<const char*>(y.data());
  return x.nbytes() > 0 && y.nbytes() > 0 && xb < yb + y.nbytes() && yb < xb + x.nbytes();
}

// std::invalid_argument (ValueError in Python) when `storage` must not be written, in NumPy's
// words: "<what>: output storage is read-only".
inline void require_writable(const Storage& storage, std::string_view what) {
  if (storage.readonly()) {
    throw std::invalid_argument(std::string(what) + ": output storage is read-only");
  }
}

}  // namespace mg
