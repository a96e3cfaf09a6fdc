// f32 -> qs8 quantize: the scalar twin and the variant list (contract in eltwise.h).
#include "kernels/eltwise/eltwise.h"

namespace fg {
namespace {

const Qs8QuantizeVariant kQuantize[] = {
#if defined(__x86_64__)
    {"qs8_quantize_c16__avx512", Isa::kAvx512, qs8_quantize_c16__avx512},
    {"qs8_quantize_c16__avx2", Isa::kAvx2, qs8_quantize_c16__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"qs8_quantize_c16__neon", Isa::kNeon, qs8_quantize_c16__neon},
#endif
    {"qs8_quantize__scalar", Isa::kScalar, qs8_quantize__scalar},
};

}  // namespace

VariantList<Qs8QuantizeVariant> qs8_quantize_variants() { return kQuantize; }

const Qs8QuantizeVariant& qs8_quantize_pick() { return pick_variant(kQuantize); }

void qs8_quantize__scalar(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  const float lo = static_cast<float>(-128 - zero_point), hi = static_cast<float>(127 - zero_point);
  const float magic = 12582912.f;  // 1.5 * 2^23: adding it rounds to an integer, half to even
  for (size_t i = 0; i < n; ++i) {
    float v = x[i] / scale;
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    v = v == v ? v : 0.f;
    const float r = (v + magic) - magic;
    y[i] = static_cast<int8_t>(static_cast<int32_t>(r) + zero_point);
  }
}

}  // namespace fg
