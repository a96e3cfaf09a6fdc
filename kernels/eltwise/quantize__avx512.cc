// AVX-512 f32 -> qs8 quantize, 16 values per step (masked tail, no over-read): the scalar
// steps lane by lane (a true division, compares that keep NaN until the NaN -> 0 select).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "kernels/eltwise/eltwise.h"

namespace fg {

void qs8_quantize_c16__avx512(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  const __m512 s = _mm512_set1_ps(scale);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(-128 - zero_point));
  const __m512 hi = _mm512_set1_ps(static_cast<float>(127 - zero_point));
  const __m512 magic = _mm512_set1_ps(12582912.f);
  const __m512i zp = _mm512_set1_epi32(zero_point);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 m = n - i >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << (n - i)) - 1);
    __m512 v = _mm512_div_ps(_mm512_maskz_loadu_ps(m, x + i), s);
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, lo, _CMP_LT_OQ), v, lo);
    v = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, hi, _CMP_GT_OQ), v, hi);
    v = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v);
    v = _mm512_sub_ps(_mm512_add_ps(v, magic), magic);
    const __m512i q = _mm512_add_epi32(_mm512_cvttps_epi32(v), zp);
    _mm_mask_storeu_epi8(y + i, m, _mm512_cvtepi32_epi8(q));
  }
}

}  // namespace fg
