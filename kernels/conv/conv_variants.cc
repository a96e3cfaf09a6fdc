// The dense-conv variant list (best first) and dispatch. A variant is listed only on the
// architecture whose build compiles its file (cmake/isa.cmake).
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

const F32ConvVariant kF32Variants[] = {
#if defined(__x86_64__)
    {"f32_conv_8x32__avx512", Isa::kAvx512, 8, 32, f32_conv_8x32__avx512, f32_conv_1x32__avx512},
    {"f32_conv_6x16__avx2", Isa::kAvx2, 6, 16, f32_conv_6x16__avx2},
#elif defined(__aarch64__)
    {"f32_conv_5x16__neon", Isa::kNeon, 5, 16, f32_conv_5x16__neon, f32_conv_1x16__neon},
    {"f32_conv_8x8__neon", Isa::kNeon, 8, 8, f32_conv_8x8__neon},
#elif defined(__arm__)
    {"f32_conv_4x8__neon", Isa::kNeon, 4, 8, f32_conv_4x8__neon},
#endif
    {"f32_conv_4x8__scalar", Isa::kScalar, 4, 8, f32_conv_4x8__scalar},
};

const Qs8ConvVariant kQs8Variants[] = {
#if defined(__x86_64__)
    {"qs8_conv_8x32c4__avx512vnni", Isa::kAvx512Vnni, 8, 32, qs8_conv_8x32c4__avx512vnni,
     qs8_conv_1x32c4__avx512vnni},
    {"qs8_conv_6x16c4__avxvnni", Isa::kAvxVnni, 6, 16, qs8_conv_6x16c4__avxvnni},
    {"qs8_conv_4x8c4__avx2", Isa::kAvx2, 4, 8, qs8_conv_4x8c4__avx2},
#elif defined(__aarch64__)
    {"qs8_conv_8x8c4__neondot", Isa::kNeonDot, 8, 8, qs8_conv_8x8c4__neondot},
    {"qs8_conv_2x8c16__neon", Isa::kNeon, 2, 8, qs8_conv_2x8c16__neon, nullptr, 16},
    {"qs8_conv_4x8c4__neon", Isa::kNeon, 4, 8, qs8_conv_4x8c4__neon},
#elif defined(__arm__)
    {"qs8_conv_4x8c4__neon", Isa::kNeon, 4, 8, qs8_conv_4x8c4__neon},
#endif
    {"qs8_conv_4x8c4__scalar", Isa::kScalar, 4, 8, qs8_conv_4x8c4__scalar},
    // The c16 layout's twin (never picked: the c4 scalar comes first), tested everywhere.
    {"qs8_conv_2x8c16__scalar", Isa::kScalar, 2, 8, qs8_conv_2x8c16__scalar, nullptr, 16},
};


}  // namespace

VariantList<F32ConvVariant> f32_conv_variants() { return kF32Variants; }
VariantList<Qs8ConvVariant> qs8_conv_variants() { return kQs8Variants; }
const F32ConvVariant& f32_conv_pick() { return pick_variant(kF32Variants); }
const Qs8ConvVariant& qs8_conv_pick() { return pick_variant(kQs8Variants); }

const Qs8ConvVariant& qs8_conv_pick_for(const int8_t* weights, size_t n) {
  const Qs8ConvVariant& best = qs8_conv_pick();
  if (best.kr != 16 || qs8_conv_weights_fit_pairs(weights, n)) return best;
  for (const Qs8ConvVariant& v : kQs8Variants)
    if (v.kr != 16 && cpu_has_isa(v.isa)) return v;
  return best;  // unreachable: the c4 scalar kernel is always listed and runnable
}

}  // namespace fg
