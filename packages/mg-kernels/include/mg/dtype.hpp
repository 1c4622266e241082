// Element types: the one dtype table (MG_DTYPES), the DType enum, traits and a type switch.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "mg/half.hpp"

namespace mg {

// Note [The dtype table]
// ~~~~~~~~~~~~~~~~~~~~~~
// MG_DTYPES is the only list of dtypes. Each row is X(enumerator, C++ type, name, kind, buffer
// format). The DType enum, the type switch (visit_dtype), the Storage variant, every kernel table
// and what Python sees (mg_kernels.dtypes(), Storage's formats) are generated from it. The order
// is the order users see (NumPy's: bool, signed, unsigned, floats); enum values index the
// kernel tables inside one build only, so rows may be inserted. Itemsize and alignment come from
// the C++ type. Kinds are NumPy's dtype.kind characters. bfloat16 has no PEP 3118 format ("").
// Adding a dtype: one row here (and its conversions in kernels/elementwise.hpp).
#define MG_DTYPES(X)                                \
  X(kBool, ::mg::Bool, "bool", 'b', "?")            \
  X(kInt8, std::int8_t, "int8", 'i', "b")           \
  X(kInt16, std::int16_t, "int16", 'i', "h")        \
  X(kInt32, std::int32_t, "int32", 'i', "i")        \
  X(kInt64, std::int64_t, "int64", 'i', "q")        \
  X(kUInt8, std::uint8_t, "uint8", 'u', "B")        \
  X(kUInt16, std::uint16_t, "uint16", 'u', "H")     \
  X(kUInt32, std::uint32_t, "uint32", 'u', "I")     \
  X(kUInt64, std::uint64_t, "uint64", 'u', "Q")     \
  X(kFloat16, ::mg::Half, "float16", 'f', "e")      \
  X(kBFloat16, ::mg::BFloat16, "bfloat16", 'f', "") \
  X(kFloat32, float, "float32", 'f', "f")           \
  X(kFloat64, double, "float64", 'f', "d")

#define MG_DTYPE_ENUMERATOR(e, T, name, kind, format) e,
enum class DType : std::uint8_t { MG_DTYPES(MG_DTYPE_ENUMERATOR) };
#undef MG_DTYPE_ENUMERATOR

#define MG_DTYPE_COUNT(e, T, name, kind, format) +1
inline constexpr std::size_t kNumDTypes = 0 MG_DTYPES(MG_DTYPE_COUNT);
#undef MG_DTYPE_COUNT

// One row of the table, as C++ and Python see it.
struct DTypeInfo {
  DType dtype;
  std::string_view name;
  std::size_t itemsize;
  char kind;  // 'b' bool, 'i' signed int, 'u' unsigned int, 'f' floating (NumPy's dtype.kind)
  std::size_t alignment;
  std::string_view format;  // buffer-protocol format, "" when there is none (bfloat16)
};

#define MG_DTYPE_INFO(e, T, name, kind, format) \
  DTypeInfo{DType::e, name, sizeof(T), kind, alignof(T), format},
inline constexpr DTypeInfo kDTypeInfos[kNumDTypes] = {MG_DTYPES(MG_DTYPE_INFO)};
#undef MG_DTYPE_INFO

#define MG_DTYPE_VALUE(e, T, name, kind, format) DType::e,
inline constexpr DType kAllDTypes[kNumDTypes] = {MG_DTYPES(MG_DTYPE_VALUE)};
#undef MG_DTYPE_VALUE

// Applies `Apply` to the element types in DType order.
#define MG_DTYPE_TYPE(e, T, name, kind, format) , T
template <template <class...> class Apply>
struct ForEachElementTypeImpl {
  template <class, class... Ts>
  using Drop = Apply<Ts...>;
  using type = Drop<void MG_DTYPES(MG_DTYPE_TYPE)>;
};
#undef MG_DTYPE_TYPE
template <template <class...> class Apply>
using ForEachElementType = typename ForEachElementTypeImpl<Apply>::type;

// Raised for a dtype that is unknown or does not fit the operation; bindings map it to TypeError.
class DTypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

template <class T>
struct DTypeOf;
#define MG_DTYPE_OF(e, T, name, kind, format) \
  template <>                                 \
  struct DTypeOf<T> {                         \
    static constexpr DType kValue = DType::e; \
  };
MG_DTYPES(MG_DTYPE_OF)
#undef MG_DTYPE_OF

template <class T>
inline constexpr DType kDTypeOf = DTypeOf<T>::kValue;

constexpr std::size_t dtype_index(DType d) { return static_cast<std::size_t>(d); }

constexpr const DTypeInfo& dtype_info(DType d) { return kDTypeInfos[dtype_index(d)]; }

constexpr std::string_view dtype_name(DType d) { return dtype_info(d).name; }

constexpr std::size_t itemsize(DType d) { return dtype_info(d).itemsize; }

constexpr bool is_floating(DType d) { return dtype_info(d).kind == 'f'; }

constexpr std::optional<DType> parse_dtype(std::string_view name) {
  for (const DTypeInfo& info : kDTypeInfos) {
    if (info.name == name) return info.dtype;
  }
  return std::nullopt;
}

// "bool, int8, ..., float64", for error messages.
inline std::string supported_dtype_names() {
  std::string out;
  for (const DTypeInfo& info : kDTypeInfos) {
    if (!out.empty()) out += ", ";
    out += info.name;
  }
  return out;
}

// Throws DTypeError naming `name` and the supported dtypes.
inline DType dtype_from_name(std::string_view name) {
  if (auto d = parse_dtype(name)) return *d;
  throw DTypeError("unsupported dtype '" + std::string(name) +
                   "'; supported dtypes: " + supported_dtype_names());
}

// The buffer-protocol (struct module) format character of each dtype; '\0' for bfloat16.
constexpr char format_char(DType d) {
  const std::string_view f = dtype_info(d).format;
  return f.empty() ? '\0' : f[0];
}

// The dtype of a buffer-protocol format such as "f", "<d" or "=q", or nullopt when unsupported.
// Accepts the native prefixes '@', '=' and (on little-endian hosts) '<'. The integer codes are
// decided by itemsize and signedness ('l' is 4 bytes on Windows and 8 on Linux), so 'l', 'q',
// 'n' and 'i' of the same size mean the same dtype.
constexpr std::optional<DType> dtype_from_format(std::string_view format, std::size_t item) {
  if (!format.empty() && (format[0] == '@' || format[0] == '=' ||
                          (format[0] == '<' && std::endian::native == std::endian::little))) {
    format.remove_prefix(1);
  }
  if (format.size() != 1) return std::nullopt;
  char kind = 0;
  switch (format[0]) {
    case '?':
      kind = 'b';
      break;
    case 'b':
    case 'h':
    case 'i':
    case 'l':
    case 'q':
    case 'n':
      kind = 'i';
      break;
    case 'B':
    case 'H':
    case 'I':
    case 'L':
    case 'Q':
    case 'N':
      kind = 'u';
      break;
    case 'e':
    case 'f':
    case 'd':
      kind = 'f';
      break;
    default:
      return std::nullopt;
  }
  for (const DTypeInfo& info : kDTypeInfos) {
    if (info.kind != kind || info.itemsize != item || info.format.empty()) continue;
    // Floats: the format letter itself must match ('e', 'f', 'd'); ints only by size.
    if (kind == 'f' && info.format[0] != format[0]) continue;
    return info.dtype;
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
#define MG_DTYPE_CASE(e, T, name, kind, format) \
  case DType::e:                                \
    return f(TypeTag<T>{});
  switch (d) { MG_DTYPES(MG_DTYPE_CASE) }
#undef MG_DTYPE_CASE
  return f(TypeTag<double>{});  // unreachable for a valid DType
}

}  // namespace mg
