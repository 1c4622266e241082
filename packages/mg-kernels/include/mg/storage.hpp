// Storage: a VecBuffer of any supported dtype behind one type, so the rest of the code
// (bindings, kernel plans) can hold buffers without knowing their element type.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <variant>

#include "mg/dtype.hpp"
#include "mg/vec_buffer.hpp"

namespace mg {

template <class... Ts>
using VariantOfBuffers = std::variant<VecBuffer<Ts>...>;

// Alternative i holds the element type of DType i (see ForEachElementType).
using AnyVecBuffer = ForEachElementType<VariantOfBuffers>;
static_assert(std::variant_size_v<AnyVecBuffer> == kNumDTypes);

class Storage {
 public:
  // Zero-filled unless init says otherwise. Throws std::bad_alloc (size too large or no memory).
  Storage(DType dtype, std::size_t size, Init init = Init::kZeroed)
      : buffer_(make(dtype, size, init)) {}

  DType dtype() const noexcept { return static_cast<DType>(buffer_.index()); }
  std::size_t size() const noexcept {
    return std::visit([](const auto& b) { return b.size(); }, buffer_);
  }
  std::size_t itemsize() const noexcept { return mg::itemsize(dtype()); }
  std::size_t nbytes() const noexcept { return size() * itemsize(); }
  void* data() noexcept {
    return std::visit([](auto& b) -> void* { return b.data(); }, buffer_);
  }
  const void* data() const noexcept {
    return std::visit([](const auto& b) -> const void* { return b.data(); }, buffer_);
  }

  // Calls f(VecBuffer<T>&) with the concrete buffer.
  template <class F>
  decltype(auto) visit(F&& f) {
    return std::visit(std::forward<F>(f), buffer_);
  }
  template <class F>
  decltype(auto) visit(F&& f) const {
    return std::visit(std::forward<F>(f), buffer_);
  }

 private:
  static AnyVecBuffer make(DType dtype, std::size_t size, Init init) {
    return visit_dtype(dtype, [size, init](auto tag) -> AnyVecBuffer {
      using T = typename decltype(tag)::type;
      return AnyVecBuffer(std::in_place_type<VecBuffer<T>>, size, init);
    });
  }

  AnyVecBuffer buffer_;
};

}  // namespace mg
