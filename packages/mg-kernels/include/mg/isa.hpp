// Instruction-set targets: names, CPU detection and the process-wide choice (src/dispatch.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace mg {

// Ordered lowest first; a higher value is preferred when the CPU supports it.
// Adding an ISA: one enumerator here, one name below, one detection branch in dispatch.cpp.
// The names are what MG_KERNELS_ISA, set_isa and available_isas() use. They are also the CMake
// names and C++ namespaces, so they are identifiers: "sse41", not "sse4.1".
// kNeon (AArch64) never shares a build with the x86 ones, so its place among them is moot.
enum class Isa : std::uint8_t { kScalar, kSse41, kAvx2, kAvx512, kNeon };

inline constexpr Isa kAllIsas[] = {Isa::kScalar, Isa::kSse41, Isa::kAvx2, Isa::kAvx512, Isa::kNeon};

constexpr std::string_view isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar:
      return "scalar";
    case Isa::kSse41:
      return "sse41";
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
    case Isa::kNeon:
      return "neon";
  }
  return "?";
}

constexpr std::optional<Isa> parse_isa(std::string_view name) {
  for (Isa isa : kAllIsas) {
    if (isa_name(isa) == name) return isa;
  }
  return std::nullopt;
}

// True when this build contains a kernel table for `isa` (MG_ISAS in CMakeLists.txt).
bool isa_compiled(Isa isa) noexcept;

// True when the running CPU and OS can execute `isa` (CPUID + XGETBV on x86-64).
bool cpu_supports(Isa isa) noexcept;

// True when this build has the bfloat16 GEMM on AMX tiles (Note [AMX tiles]) and the CPU and OS
// let it run: CPUID AMX-BF16 and AMX-TILE, XCR0's tile state, and on Linux the process's
// permission to use tile data, asked for on the first call. False elsewhere, and when any of
// these fails. Thread-safe; the answer is cached.
bool amx_bf16_usable() noexcept;

// True when the CPU has AVX512-BF16 (CPUID leaf 7 subleaf 1 EAX bit 5) and the OS keeps AVX-512
// state: VCVTNEPS2BF16 casts (Note [AVX512-BF16 casts]) and VDPBF16PS products (Note [bfloat16
// pairs]) under the avx512 table. Thread-safe; the answer is cached.
bool cpu_supports_avx512_bf16() noexcept;

// Compiled and supported ISAs, lowest first. Never empty: scalar is always there.
std::span<const Isa> available_isas() noexcept;

// "scalar, sse41, avx2", for error messages.
std::string available_isa_names();

// The ISA whose kernels new plans use. Defaults to the best available one.
Isa active_isa() noexcept;

// Throws std::invalid_argument naming the available ISAs if `name` is unknown or unavailable.
void set_isa(std::string_view name);

// Applies MG_KERNELS_ISA if set. Reads the environment once per process; later calls return
// without looking again. Throws like set_isa, mentioning the variable.
void init_isa_from_env();

}  // namespace mg
