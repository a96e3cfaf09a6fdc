// Include FIRST in every file whose floating-point results must match another file's bit
// for bit (the qs8 requantization rounding rule shared by all variants, the bilinear resize,
// the int8 op parameters): separately written multiplies and adds are never contracted into
// FMAs in the rest of the including file (an FMA rounds once, mul + add twice; GCC contracts
// intrinsics too, by default, even in ISO C++ mode). fg_kernels is also built with
// -ffp-contract=off (kernels/CMakeLists.txt); this keeps the rule wherever a file is built.
// Explicit FMA intrinsics in f32 kernels are unaffected.
#pragma once
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
