// Scalar twins of the per-channel ops (channelwise.h).
#include "kernels/eltwise/channelwise.h"

namespace fg {

void f32_prelu__scalar(size_t pixels, size_t c, const float* x, const float* alpha, float* y) {
  for (size_t p = 0; p < pixels; ++p, x += c, y += c)
    for (size_t i = 0; i < c; ++i) y[i] = x[i] > 0.f ? x[i] : alpha[i] * x[i];
}

void f32_mul_channel__scalar(size_t pixels, size_t c, const float* x, const float* s, float* y) {
  for (size_t p = 0; p < pixels; ++p, x += c, y += c)
    for (size_t i = 0; i < c; ++i) y[i] = x[i] * s[i];
}

}  // namespace fg
