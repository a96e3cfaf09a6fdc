// NEON per-channel ops: 4 channels per step along each row, the scalar twin for the tail.
#include <arm_neon.h>

#include "kernels/eltwise/channelwise.h"

namespace fg {

void f32_prelu_c4__neon(size_t pixels, size_t c, const float* x, const float* alpha, float* y) {
  const float32x4_t zero = vdupq_n_f32(0.f);
  for (size_t p = 0; p < pixels; ++p, x += c, y += c) {
    size_t i = 0;
    for (; i + 4 <= c; i += 4) {
      const float32x4_t v = vld1q_f32(x + i);
      const float32x4_t neg = vmulq_f32(v, vld1q_f32(alpha + i));
      vst1q_f32(y + i, vbslq_f32(vcgtq_f32(v, zero), v, neg));
    }
    f32_prelu__scalar(1, c - i, x + i, alpha + i, y + i);
  }
}

void f32_mul_channel_c4__neon(size_t pixels, size_t c, const float* x, const float* s, float* y) {
  for (size_t p = 0; p < pixels; ++p, x += c, y += c) {
    size_t i = 0;
    for (; i + 4 <= c; i += 4) vst1q_f32(y + i, vmulq_f32(vld1q_f32(x + i), vld1q_f32(s + i)));
    f32_mul_channel__scalar(1, c - i, x + i, s + i, y + i);
  }
}

}  // namespace fg
