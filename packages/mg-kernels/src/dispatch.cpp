// Run-time ISA selection. Compiled at the baseline target only: nothing here may use an
// instruction the oldest supported CPU lacks, because this code decides what is safe to run.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "mg/isa.hpp"
#include "mg/kernels/table.hpp"

#if defined(__x86_64__) || defined(_M_X64)
#define MG_KERNELS_X86_64 1
#if defined(_MSC_VER)
#include <intrin.h>
#else
#include <cpuid.h>
#endif
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif
#endif

namespace mg {
namespace {

#if defined(MG_KERNELS_X86_64)
struct CpuidRegs {
  std::uint32_t eax = 0, ebx = 0, ecx = 0, edx = 0;
};

CpuidRegs cpuid(std::uint32_t leaf, std::uint32_t subleaf) {
  CpuidRegs r;
#if defined(_MSC_VER)
  int regs[4];
  __cpuidex(regs, static_cast<int>(leaf), static_cast<int>(subleaf));
  r = {static_cast<std::uint32_t>(regs[0]), static_cast<std::uint32_t>(regs[1]),
       static_cast<std::uint32_t>(regs[2]), static_cast<std::uint32_t>(regs[3])};
#else
  if (__get_cpuid_max(0, nullptr) < leaf) return r;
  __cpuid_count(leaf, subleaf, r.eax, r.ebx, r.ecx, r.edx);
#endif
  return r;
}

// XCR0: which register states the OS saves on context switch.
std::uint64_t xgetbv0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  std::uint32_t lo = 0;
  std::uint32_t hi = 0;
  // Raw encoding of xgetbv so this file needs no -mxsave.
  __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
  return (std::uint64_t{hi} << 32) | lo;
#endif
}

bool bit(std::uint32_t reg, int index) { return ((reg >> index) & 1u) != 0; }

// AVX2 tables need AVX2, FMA and F16C (float16 conversions) in the CPU, and the OS must save
// XMM and YMM state (OSXSAVE set, XCR0 bits 1 and 2), or the first YMM instruction faults.
// Every AVX2 CPU so far has F16C (CPUID leaf 1 ECX bit 29), but it is a separate flag.
bool detect_avx2() {
  const CpuidRegs leaf1 = cpuid(1, 0);
  const bool fma = bit(leaf1.ecx, 12);
  const bool osxsave = bit(leaf1.ecx, 27);
  const bool avx = bit(leaf1.ecx, 28);
  const bool f16c = bit(leaf1.ecx, 29);
  if (!(fma && osxsave && avx && f16c)) return false;
  if ((xgetbv0() & 0x6) != 0x6) return false;
  return bit(cpuid(7, 0).ebx, 5);
}

// SSE4.1 tables are compiled with -msse4.1, which also allows SSE3 and SSSE3 instructions:
// leaf 1 ECX bits 0 (SSE3), 9 (SSSE3) and 19 (SSE4.1). x86-64 OSes always save XMM state.
bool detect_sse41() {
  const CpuidRegs leaf1 = cpuid(1, 0);
  return bit(leaf1.ecx, 0) && bit(leaf1.ecx, 9) && bit(leaf1.ecx, 19);
}

// AVX-512 tables use F, BW, DQ and VL (leaf 7 EBX bits 16, 30, 17, 31) and, being compiled with
// -mavx2 -mfma -mf16c too, everything the AVX2 table needs. The OS must save the opmask,
// ZMM_Hi256 and Hi16_ZMM states (XCR0 bits 5, 6, 7) as well as XMM and YMM (bits 1, 2), or the
// first ZMM instruction faults even on a CPU that has them (some OSes disable AVX-512).
bool detect_avx512() {
  if (!detect_avx2()) return false;  // also checks OSXSAVE, so xgetbv is safe below
  const std::uint32_t ebx = cpuid(7, 0).ebx;
  if (!(bit(ebx, 16) && bit(ebx, 17) && bit(ebx, 30) && bit(ebx, 31))) return false;
  return (xgetbv0() & 0xe6) == 0xe6;
}

// AVX512-BF16 (VCVTNEPS2BF16): CPUID leaf 7 subleaf 1 EAX bit 5, on top of the avx512 table's
// needs. Subleaf 1 exists when leaf 7 subleaf 0 reports a maximum subleaf of at least 1.
bool detect_avx512_bf16() {
  if (!detect_avx512()) return false;
  if (cpuid(7, 0).eax < 1) return false;
  return bit(cpuid(7, 1).eax, 5);
}

#if defined(MG_KERNELS_HAVE_AMX_BF16)
// AMX-BF16 (Note [AMX tiles] in src/gemm/bf16_pairs.cpp), whose unit is also compiled with the
// avx512 flags: CPUID leaf 7 EDX bits 22 (AMX-BF16) and 24 (AMX-TILE), and XCR0 bits 17 and 18
// (tile configuration and tile data states). Linux (5.16+) also wants each process to ask for
// tile data (arch_prctl ARCH_REQ_XCOMP_PERM), or the first tile instruction raises SIGILL; the
// grant is per process, so every thread of the pool may then use tiles. Other OSes: no AMX
// (untested there).
bool detect_amx_bf16() {
  if (!detect_avx512()) return false;
  const std::uint32_t edx = cpuid(7, 0).edx;
  if (!(bit(edx, 22) && bit(edx, 24))) return false;
  constexpr std::uint64_t kTileStates = std::uint64_t{3} << 17;
  if ((xgetbv0() & kTileStates) != kTileStates) return false;
#if defined(__linux__)
  constexpr int kArchGetXcompPerm = 0x1022;
  constexpr int kArchReqXcompPerm = 0x1023;
  constexpr unsigned long kXfeatureXtiledata = 18;
  if (syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureXtiledata) != 0) return false;
  unsigned long granted = 0;
  if (syscall(SYS_arch_prctl, kArchGetXcompPerm, &granted) != 0) return false;
  return ((granted >> kXfeatureXtiledata) & 1u) != 0;
#else
  return false;
#endif
}
#endif
#endif

// The available ISAs (lowest first) and the active one; built on first use.
struct Registry {
  Registry() {
    for (Isa isa : kAllIsas) {
      if (isa_compiled(isa) && cpu_supports(isa)) available[count++] = isa;
    }
    active.store(available[count - 1]);
  }

  Isa available[std::size(kAllIsas)] = {};
  std::size_t count = 0;
  std::atomic<Isa> active{Isa::kScalar};
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

namespace kernels {

const KernelTable* compiled_table(Isa isa) noexcept {
  switch (isa) {
    case Isa::kScalar:
      return &scalar::table();
    case Isa::kSse41:
#if defined(MG_KERNELS_HAVE_SSE41)
      return &sse41::table();
#else
      return nullptr;
#endif
    case Isa::kAvx2:
#if defined(MG_KERNELS_HAVE_AVX2)
      return &avx2::table();
#else
      return nullptr;
#endif
    case Isa::kAvx512:
#if defined(MG_KERNELS_HAVE_AVX512)
      return &avx512::table();
#else
      return nullptr;
#endif
    case Isa::kNeon:
#if defined(MG_KERNELS_HAVE_NEON)
      return &neon::table();
#else
      return nullptr;
#endif
  }
  return nullptr;
}

const KernelTable& active_table() noexcept { return *compiled_table(active_isa()); }

}  // namespace kernels

// Declared in mg/simd/avx512_bf16.hpp (Note [AVX512-BF16 casts]): the avx512 table's float32 ->
// bfloat16 casts ask before each row.
bool cpu_supports_avx512_bf16() noexcept {
#if defined(MG_KERNELS_X86_64)
  static const bool kBf16 = detect_avx512_bf16();
  return kBf16;
#else
  return false;
#endif
}

bool amx_bf16_usable() noexcept {
#if defined(MG_KERNELS_X86_64) && defined(MG_KERNELS_HAVE_AMX_BF16)
  static const bool kAmx = detect_amx_bf16();  // asks Linux for tile data once
  return kAmx;
#else
  return false;
#endif
}

bool isa_compiled(Isa isa) noexcept { return kernels::compiled_table(isa) != nullptr; }

bool cpu_supports(Isa isa) noexcept {
  switch (isa) {
    case Isa::kScalar:
      return true;
    case Isa::kSse41: {
#if defined(MG_KERNELS_X86_64)
      static const bool kSse41 = detect_sse41();
      return kSse41;
#else
      return false;
#endif
    }
    case Isa::kAvx2: {
#if defined(MG_KERNELS_X86_64)
      static const bool kAvx2 = detect_avx2();
      return kAvx2;
#else
      return false;
#endif
    }
    case Isa::kAvx512: {
#if defined(MG_KERNELS_X86_64)
      static const bool kAvx512 = detect_avx512();
      return kAvx512;
#else
      return false;
#endif
    }
    case Isa::kNeon:
      // Advanced SIMD is mandatory in AArch64.
#if defined(__aarch64__) || defined(_M_ARM64)
      return true;
#else
      return false;
#endif
  }
  return false;
}

std::span<const Isa> available_isas() noexcept {
  const Registry& r = registry();
  return {r.available, r.count};
}

std::string available_isa_names() {
  std::string out;
  for (Isa isa : available_isas()) {
    if (!out.empty()) out += ", ";
    out += isa_name(isa);
  }
  return out;
}

Isa active_isa() noexcept { return registry().active.load(std::memory_order_relaxed); }

void set_isa(std::string_view name) {
  const auto isa = parse_isa(name);
  if (!isa) {
    throw std::invalid_argument("unknown ISA '" + std::string(name) +
                                "'; available ISAs: " + available_isa_names());
  }
  for (Isa candidate : available_isas()) {
    if (candidate == *isa) {
      registry().active.store(candidate, std::memory_order_relaxed);
      return;
    }
  }
  throw std::invalid_argument(
      "ISA '" + std::string(name) +
      "' is not available on this CPU or in this build; available ISAs: " + available_isa_names());
}

void init_isa_from_env() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* value = std::getenv("MG_KERNELS_ISA");
    if (value == nullptr || *value == '\0') return;
    try {
      set_isa(value);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string("environment variable MG_KERNELS_ISA: ") + e.what());
    }
  });
}

}  // namespace mg
