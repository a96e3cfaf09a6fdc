// The per-channel ops' variant lists (best first, scalar twin last).
#include "kernels/eltwise/channelwise.h"

namespace fg {
namespace {

const F32ChannelVariant kPrelu[] = {
#if defined(__x86_64__)
    {"f32_prelu_c8__avx2", Isa::kAvx2, f32_prelu_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"f32_prelu_c4__neon", Isa::kNeon, f32_prelu_c4__neon},
#endif
    {"f32_prelu__scalar", Isa::kScalar, f32_prelu__scalar},
};
const F32ChannelVariant kMul[] = {
#if defined(__x86_64__)
    {"f32_mul_channel_c8__avx2", Isa::kAvx2, f32_mul_channel_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"f32_mul_channel_c4__neon", Isa::kNeon, f32_mul_channel_c4__neon},
#endif
    {"f32_mul_channel__scalar", Isa::kScalar, f32_mul_channel__scalar},
};

}  // namespace

VariantList<F32ChannelVariant> f32_prelu_variants() { return kPrelu; }
VariantList<F32ChannelVariant> f32_mul_channel_variants() { return kMul; }
const F32ChannelVariant& f32_prelu_pick() { return pick_variant(kPrelu); }
const F32ChannelVariant& f32_mul_channel_pick() { return pick_variant(kMul); }

}  // namespace fg
