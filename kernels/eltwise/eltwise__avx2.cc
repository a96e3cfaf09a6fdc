// AVX2 element-wise add: 8 values per step, scalar tail.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include "kernels/eltwise/eltwise.h"

namespace fg {

void f32_add_c8__avx2(int n, const float* a, const float* b, float* out, Activation act, float alpha) {
  const __m256 zero = _mm256_setzero_ps(), va = _mm256_set1_ps(alpha);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256 v = _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    if (act == Activation::kRelu) v = _mm256_max_ps(v, zero);
    if (act == Activation::kLeakyRelu) v = _mm256_max_ps(v, _mm256_mul_ps(v, va));
    _mm256_storeu_ps(out + i, v);
  }
  f32_add__scalar(n - i, a + i, b + i, out + i, act, alpha);
}

void qs8_add_c8__avx2(int n, const int8_t* a, const int8_t* b, int8_t* out, const Qs8AddQuant& q) {
  const __m256i za = _mm256_set1_epi32(q.a_zero_point), zb = _mm256_set1_epi32(q.b_zero_point);
  const __m256 sa = _mm256_set1_ps(q.a_scale), sb = _mm256_set1_ps(q.b_scale);
  const __m256 lo = _mm256_set1_ps(static_cast<float>(q.output_min - q.output_zero_point));
  const __m256 hi = _mm256_set1_ps(static_cast<float>(q.output_max - q.output_zero_point));
  const __m256i zy = _mm256_set1_epi32(q.output_zero_point);
  int i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i xa = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i)));
    const __m256i xb = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i)));
    const __m256 ta = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(xa, za)), sa);
    const __m256 tb = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(xb, zb)), sb);
    const __m256 v = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(ta, tb), lo), hi);
    const __m256i r = _mm256_add_epi32(_mm256_cvtps_epi32(v), zy);
    const __m128i r16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + i), _mm_packs_epi16(r16, r16));
  }
  qs8_add__scalar(n - i, a + i, b + i, out + i, q);
}

}  // namespace fg
