// Per-channel element-wise f32 ops of the passive anti-spoof nets (docs/liveness.md), NHWC
// batch 1: `pixels` rows of `c` channels, dense, one value per channel broadcast over rows.
//   prelu:       y = x > 0 ? x : alpha[ch] * x
//   mul_channel: y = x * s[ch]          (squeeze-excite: s = sigmoid(fc(fc(avgpool(x)))))
// One multiply per value and a select, no FMA: every variant is bit-identical to the scalar
// twin (and to kernels/reference/f32_channel_ops.h). Reads and writes exactly pixels*c
// values and c per-channel values; x == y (in place) is allowed. No allocation.
#pragma once
#include <cstddef>

#include "kernels/common/variant_list.h"

namespace fg {

using F32ChannelUkernel = void (*)(size_t pixels, size_t c, const float* x, const float* per_channel, float* y);
struct F32ChannelVariant { const char* name; Isa isa; F32ChannelUkernel ukernel; };

VariantList<F32ChannelVariant> f32_prelu_variants();
VariantList<F32ChannelVariant> f32_mul_channel_variants();
const F32ChannelVariant& f32_prelu_pick();
const F32ChannelVariant& f32_mul_channel_pick();

void f32_prelu__scalar(size_t pixels, size_t c, const float* x, const float* alpha, float* y);
void f32_prelu_c8__avx2(size_t pixels, size_t c, const float* x, const float* alpha, float* y);
void f32_prelu_c4__neon(size_t pixels, size_t c, const float* x, const float* alpha, float* y);
void f32_mul_channel__scalar(size_t pixels, size_t c, const float* x, const float* s, float* y);
void f32_mul_channel_c8__avx2(size_t pixels, size_t c, const float* x, const float* s, float* y);
void f32_mul_channel_c4__neon(size_t pixels, size_t c, const float* x, const float* s, float* y);

}  // namespace fg
