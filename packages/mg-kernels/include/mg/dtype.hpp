// Element types: the DType enum, its C++ types, names and a type switch.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace mg {

// The order is the ABI: it indexes kernel tables and the Storage variant. Append only.
enum class DType : std::uint8_t { kFloat32, kFloat64, kInt32, kInt64 };

inline constexpr std::size_t kNumDTypes = 4;

// Applies `Apply` to the element types in DType order. Adding a dtype means one entry here,
// one in DType and one in dtype_traits below.
template <template <class...> class Apply>
using ForEachElementType = Apply<float, double, std::int32_t, std::int64_t>;

// Raised for a dtype that is unknown or does not fit the operation; bindings map it to TypeError.
class DTypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

template <class T>
struct DTypeOf;
template <>
struct DTypeOf<float> {
  static constexpr DType kValue = DType::kFloat32;
};
template <>
struct DTypeOf<double> {
  static constexpr DType kValue = DType::kFloat64;
};
template <>
struct DTypeOf<std::int32_t> {
  static constexpr DType kValue = DType::kInt32;
};
template <>
struct DTypeOf<std::int64_t> {
  static constexpr DType kValue = DType::kInt64;
};

template <class T>
inline constexpr DType kDTypeOf = DTypeOf<T>::kValue;

constexpr std::size_t dtype_index(DType d) { return static_cast<std::size_t>(d); }

constexpr std::string_view dtype_name(DType d) {
  switch (d) {
    case DType::kFloat32:
      return "float32";
    case DType::kFloat64:
      return "float64";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
  }
  return "?";
}

constexpr std::size_t itemsize(DType d) {
  switch (d) {
    case DType::kFloat32:
    case DType::kInt32:
      return 4;
    case DType::kFloat64:
    case DType::kInt64:
      return 8;
  }
  return 0;
}

constexpr bool is_floating(DType d) { return d == DType::kFloat32 || d == DType::kFloat64; }

inline constexpr DType kAllDTypes[kNumDTypes] = {DType::kFloat32, DType::kFloat64, DType::kInt32,
                                                 DType::kInt64};

constexpr std::optional<DType> parse_dtype(std::string_view name) {
  for (DType d : kAllDTypes) {
    if (dtype_name(d) == name) return d;
  }
  return std::nullopt;
}

// "float32, float64, int32, int64", for error messages.
inline std::string supported_dtype_names() {
  std::string out;
  for (DType d : kAllDTypes) {
    if (!out.empty()) out += ", ";
    out += dtype_name(d);
  }
  return out;
}

// Throws DTypeError naming `name` and the supported dtypes.
inline DType dtype_from_name(std::string_view name) {
  if (auto d = parse_dtype(name)) return *d;
  throw DTypeError("unsupported dtype '" + std::string(name) +
                   "'; supported dtypes: " + supported_dtype_names());
}

// The buffer-protocol (struct module) format character of each dtype.
constexpr char format_char(DType d) {
  switch (d) {
    case DType::kFloat32:
      return 'f';
    case DType::kFloat64:
      return 'd';
    case DType::kInt32:
      return 'i';
    case DType::kInt64:
      return 'q';
  }
  return '?';
}

// The dtype of a buffer-protocol format such as "f", "<d" or "=q", or nullopt when unsupported.
// Accepts the native prefixes '@', '=' and (on little-endian hosts) '<'. 'l', 'q' and 'n' are
// decided by itemsize, because C long is 4 bytes on Windows and 8 on Linux.
constexpr std::optional<DType> dtype_from_format(std::string_view format, std::size_t item) {
  if (!format.empty() && (format[0] == '@' || format[0] == '=' ||
                          (format[0] == '<' && std::endian::native == std::endian::little))) {
    format.remove_prefix(1);
  }
  if (format.size() != 1) return std::nullopt;
  switch (format[0]) {
    case 'f':
      if (item == 4) return DType::kFloat32;
      break;
    case 'd':
      if (item == 8) return DType::kFloat64;
      break;
    case 'i':
    case 'l':
    case 'q':
    case 'n':
      if (item == 4) return DType::kInt32;
      if (item == 8) return DType::kInt64;
      break;
    default:
      break;
  }
  return std::nullopt;
}

template <class T>
struct TypeTag {
  using type = T;
};

// Calls f(TypeTag<T>{}) with the C++ element type of `d`.
template <class F>
decltype(auto) visit_dtype(DType d, F&& f) {
  switch (d) {
    case DType::kFloat32:
      return f(TypeTag<float>{});
    case DType::kFloat64:
      return f(TypeTag<double>{});
    case DType::kInt32:
      return f(TypeTag<std::int32_t>{});
    case DType::kInt64:
      break;
  }
  return f(TypeTag<std::int64_t>{});
}

}  // namespace mg
