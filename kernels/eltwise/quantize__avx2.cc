// AVX2 f32 -> qs8 quantize, 16 values per step (two ymm), scalar twin for the tail (no
// over-read or over-write): the scalar steps lane by lane (a true division, ordered
// compares that keep NaN until the NaN -> 0 mask, the +-1.5*2^23 rounding).
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include "kernels/eltwise/eltwise.h"

namespace fg {

void qs8_quantize_c16__avx2(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  const __m256 s = _mm256_set1_ps(scale);
  const __m256 lo = _mm256_set1_ps(static_cast<float>(-128 - zero_point));
  const __m256 hi = _mm256_set1_ps(static_cast<float>(127 - zero_point));
  const __m256 magic = _mm256_set1_ps(12582912.f);
  const __m256i zp = _mm256_set1_epi32(zero_point);
  auto step8 = [&](const float* src) {
    __m256 v = _mm256_div_ps(_mm256_loadu_ps(src), s);
    v = _mm256_blendv_ps(v, lo, _mm256_cmp_ps(v, lo, _CMP_LT_OQ));
    v = _mm256_blendv_ps(v, hi, _mm256_cmp_ps(v, hi, _CMP_GT_OQ));
    v = _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q));  // NaN -> +0
    v = _mm256_sub_ps(_mm256_add_ps(v, magic), magic);
    const __m256i q = _mm256_add_epi32(_mm256_cvttps_epi32(v), zp);
    return _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
  };
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm_packs_epi16(step8(x + i), step8(x + i + 8)));
  qs8_quantize__scalar(n - i, x + i, scale, zero_point, y + i);
}

}  // namespace fg
