// Included first by every src/kernels/*.cpp: those files are compiled once per ISA, with
// MG_ISA set to the ISA's namespace name (scalar, avx2, ...), MG_ISA_ENUM to its Isa enumerator
// and MG_VEC_HEADER to its Vec family header (CMakeLists.txt). Here the family tables of the
// ISA being compiled are declared, each defined by its own unit.
#pragma once

#if !defined(MG_ISA) || !defined(MG_ISA_ENUM) || !defined(MG_VEC_HEADER)
#error "src/kernels/*.cpp are compiled once per ISA by CMakeLists.txt, which defines MG_ISA"
#endif

#include MG_VEC_HEADER

#include "mg/kernels/table.hpp"

namespace mg::kernels::MG_ISA {

using Family = simd::MG_ISA::Family;

extern const BinaryKernels kBinaryKernels;
extern const ReduceKernels kReduceKernels;
extern const CopyKernels kCopyKernels;
extern const TernaryKernels kTernaryKernels;
extern const UnaryKernels kUnaryKernels;  // unary family
extern const GemmKernels kGemmKernels;    // gemm family

}  // namespace mg::kernels::MG_ISA
