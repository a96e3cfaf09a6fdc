#include "kernels/reference/f32_channel_ops.h"

#include <cmath>

namespace fg {

void f32_prelu__reference(size_t pixels, size_t c, const float* x, const float* alpha, float* y) {
  for (size_t p = 0; p < pixels; ++p)
    for (size_t i = 0; i < c; ++i) {
      const float v = x[p * c + i];
      y[p * c + i] = v > 0.f ? v : alpha[i] * v;
    }
}

void f32_mul_channel__reference(size_t pixels, size_t c, const float* x, const float* s, float* y) {
  for (size_t p = 0; p < pixels; ++p)
    for (size_t i = 0; i < c; ++i) y[p * c + i] = x[p * c + i] * s[i];
}

void f32_sigmoid__reference(size_t n, const float* x, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = 1.f / (1.f + std::exp(-x[i]));
}

void f32_softmax__reference(size_t n, const float* x, float* y) {
  if (n == 0) return;
  float m = x[0];
  for (size_t i = 1; i < n; ++i) m = x[i] > m ? x[i] : m;
  double sum = 0.0;
  for (size_t i = 0; i < n; ++i) {
    y[i] = std::exp(x[i] - m);
    sum += y[i];
  }
  for (size_t i = 0; i < n; ++i) y[i] = static_cast<float>(y[i] / sum);
}

}  // namespace fg
