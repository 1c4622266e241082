// <immintrin.h>, included the one way every kernel unit may include it.
//
// GCC 12's AVX-512 intrinsics build their "undefined" pass-through operand as `__m512i __Y = __Y`,
// which -W(maybe-)uninitialized reports wherever they are inlined (GCC bug 105593, fixed in 13).
// The warning is located in the intrinsic header, so silencing it around the header's first
// inclusion suffices; every later inclusion is a no-op.
#pragma once

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif
