// AVX2+FMA f32 distances: 8 lanes x 4 accumulators (hides the 4-cycle FMA latency at
// dim 128); an 8-wide loop and then a scalar loop take the tail, so nothing is over-read.
#include <immintrin.h>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

template <bool kL2>
__m256 step(__m256 acc, __m256 q, __m256 r) {
  if (kL2) {
    const __m256 e = _mm256_sub_ps(q, r);
    return _mm256_fmadd_ps(e, e, acc);
  }
  return _mm256_fmadd_ps(q, r, acc);
}

template <bool kL2>
void f32_scan(size_t n, size_t dim, const float* query, const void* rows, size_t row_stride,
              float* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const float* r = reinterpret_cast<const float*>(base + i * row_stride);
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();
    __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();
    size_t d = 0;
    for (; d + 32 <= dim; d += 32) {
      a0 = step<kL2>(a0, _mm256_loadu_ps(query + d), _mm256_loadu_ps(r + d));
      a1 = step<kL2>(a1, _mm256_loadu_ps(query + d + 8), _mm256_loadu_ps(r + d + 8));
      a2 = step<kL2>(a2, _mm256_loadu_ps(query + d + 16), _mm256_loadu_ps(r + d + 16));
      a3 = step<kL2>(a3, _mm256_loadu_ps(query + d + 24), _mm256_loadu_ps(r + d + 24));
    }
    for (; d + 8 <= dim; d += 8)
      a0 = step<kL2>(a0, _mm256_loadu_ps(query + d), _mm256_loadu_ps(r + d));
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; d < dim; ++d) sum += kL2 ? (query[d] - r[d]) * (query[d] - r[d]) : query[d] * r[d];
    out[i] = sum;
  }
}

}  // namespace

void f32_l2sq__avx2(size_t n, size_t dim, const float* query, const void* rows,
                    size_t row_stride, float* out) {
  f32_scan<true>(n, dim, query, rows, row_stride, out);
}
void f32_dot__avx2(size_t n, size_t dim, const float* query, const void* rows,
                   size_t row_stride, float* out) {
  f32_scan<false>(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
