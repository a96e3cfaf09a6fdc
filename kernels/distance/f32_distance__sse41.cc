// SSE4.1 f32 distances: 4 lanes x 2 accumulators, no FMA (SSE has none); scalar tail.
#include <smmintrin.h>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

float hsum(__m128 v) {
  v = _mm_add_ps(v, _mm_movehl_ps(v, v));
  v = _mm_add_ss(v, _mm_shuffle_ps(v, v, 1));
  return _mm_cvtss_f32(v);
}

template <bool kL2>
void f32_scan(size_t n, size_t dim, const float* query, const void* rows, size_t row_stride,
              float* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const float* r = reinterpret_cast<const float*>(base + i * row_stride);
    __m128 acc0 = _mm_setzero_ps(), acc1 = _mm_setzero_ps();
    size_t d = 0;
    for (; d + 8 <= dim; d += 8) {
      __m128 q0 = _mm_loadu_ps(query + d), q1 = _mm_loadu_ps(query + d + 4);
      __m128 r0 = _mm_loadu_ps(r + d), r1 = _mm_loadu_ps(r + d + 4);
      if (kL2) {
        r0 = _mm_sub_ps(q0, r0);
        r1 = _mm_sub_ps(q1, r1);
        acc0 = _mm_add_ps(acc0, _mm_mul_ps(r0, r0));
        acc1 = _mm_add_ps(acc1, _mm_mul_ps(r1, r1));
      } else {
        acc0 = _mm_add_ps(acc0, _mm_mul_ps(q0, r0));
        acc1 = _mm_add_ps(acc1, _mm_mul_ps(q1, r1));
      }
    }
    for (; d + 4 <= dim; d += 4) {
      __m128 q0 = _mm_loadu_ps(query + d), r0 = _mm_loadu_ps(r + d);
      if (kL2) {
        r0 = _mm_sub_ps(q0, r0);
        acc0 = _mm_add_ps(acc0, _mm_mul_ps(r0, r0));
      } else {
        acc0 = _mm_add_ps(acc0, _mm_mul_ps(q0, r0));
      }
    }
    float sum = hsum(_mm_add_ps(acc0, acc1));
    for (; d < dim; ++d) sum += kL2 ? (query[d] - r[d]) * (query[d] - r[d]) : query[d] * r[d];
    out[i] = sum;
  }
}

}  // namespace

void f32_l2sq__sse41(size_t n, size_t dim, const float* query, const void* rows,
                     size_t row_stride, float* out) {
  f32_scan<true>(n, dim, query, rows, row_stride, out);
}
void f32_dot__sse41(size_t n, size_t dim, const float* query, const void* rows,
                    size_t row_stride, float* out) {
  f32_scan<false>(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
