// AVX2 per-channel ops: 8 channels per step along each row, the scalar twin for the tail
// (c is 13..512 in the liveness nets, often not a multiple of 8).
#include <immintrin.h>

#include "kernels/eltwise/channelwise.h"

namespace fg {

void f32_prelu_c8__avx2(size_t pixels, size_t c, const float* x, const float* alpha, float* y) {
  const __m256 zero = _mm256_setzero_ps();
  for (size_t p = 0; p < pixels; ++p, x += c, y += c) {
    size_t i = 0;
    for (; i + 8 <= c; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      const __m256 neg = _mm256_mul_ps(v, _mm256_loadu_ps(alpha + i));
      _mm256_storeu_ps(y + i, _mm256_blendv_ps(neg, v, _mm256_cmp_ps(v, zero, _CMP_GT_OQ)));
    }
    f32_prelu__scalar(1, c - i, x + i, alpha + i, y + i);
  }
}

void f32_mul_channel_c8__avx2(size_t pixels, size_t c, const float* x, const float* s, float* y) {
  for (size_t p = 0; p < pixels; ++p, x += c, y += c) {
    size_t i = 0;
    for (; i + 8 <= c; i += 8) _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(s + i)));
    f32_mul_channel__scalar(1, c - i, x + i, s + i, y + i);
  }
}

}  // namespace fg
