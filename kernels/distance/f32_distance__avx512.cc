// AVX-512 f32 distances: 16 lanes x 2 accumulators; the tail is one masked load (masked-off
// lanes are not read, so no byte past the row is touched and no fault is possible).
#include <immintrin.h>

// GCC 12 flags the deliberately undefined vector inside its own _mm512_reduce_add_* helpers
// (-Wmaybe-uninitialized false positive); nothing of ours is uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/distance/distance.h"

namespace fg {
namespace {

template <bool kL2>
__m512 step(__m512 acc, __m512 q, __m512 r) {
  if (kL2) {
    const __m512 e = _mm512_sub_ps(q, r);
    return _mm512_fmadd_ps(e, e, acc);
  }
  return _mm512_fmadd_ps(q, r, acc);
}

template <bool kL2>
void f32_scan(size_t n, size_t dim, const float* query, const void* rows, size_t row_stride,
              float* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  const size_t tail = dim % 16, full = dim - tail;
  const __mmask16 tail_mask = static_cast<__mmask16>((1u << tail) - 1u);
  const __m512 q_tail = _mm512_maskz_loadu_ps(tail_mask, query + full);
  for (size_t i = 0; i < n; ++i) {
    const float* r = reinterpret_cast<const float*>(base + i * row_stride);
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    size_t d = 0;
    for (; d + 32 <= full; d += 32) {
      a0 = step<kL2>(a0, _mm512_loadu_ps(query + d), _mm512_loadu_ps(r + d));
      a1 = step<kL2>(a1, _mm512_loadu_ps(query + d + 16), _mm512_loadu_ps(r + d + 16));
    }
    if (d < full) a0 = step<kL2>(a0, _mm512_loadu_ps(query + d), _mm512_loadu_ps(r + d));
    if (tail) a1 = step<kL2>(a1, q_tail, _mm512_maskz_loadu_ps(tail_mask, r + full));
    out[i] = _mm512_reduce_add_ps(_mm512_add_ps(a0, a1));
  }
}

}  // namespace

void f32_l2sq__avx512(size_t n, size_t dim, const float* query, const void* rows,
                      size_t row_stride, float* out) {
  f32_scan<true>(n, dim, query, rows, row_stride, out);
}
void f32_dot__avx512(size_t n, size_t dim, const float* query, const void* rows,
                     size_t row_stride, float* out) {
  f32_scan<false>(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
