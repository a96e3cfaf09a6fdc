// SSE4.1 int8 distances: sign-extend 8 bytes to int16 (pmovsxbw), then pmaddwd gives exact
// int32 pair sums ((q-r)^2 pairs <= 2 * 255^2, q*r pairs <= 2 * 128^2); scalar tail.
#include <smmintrin.h>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

int32_t hsum(__m128i v) {
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(1, 0, 3, 2)));
  v = _mm_add_epi32(v, _mm_shuffle_epi32(v, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(v);
}

template <bool kL2>
__m128i step(__m128i acc, const int8_t* q, const int8_t* r) {
  const __m128i q16 = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(q)));
  const __m128i r16 = _mm_cvtepi8_epi16(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(r)));
  if (kL2) {
    const __m128i e = _mm_sub_epi16(q16, r16);
    return _mm_add_epi32(acc, _mm_madd_epi16(e, e));
  }
  return _mm_add_epi32(acc, _mm_madd_epi16(q16, r16));
}

template <bool kL2>
void s8_scan(size_t n, size_t dim, const int8_t* query, const void* rows, size_t row_stride,
             int32_t* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride);
    __m128i a0 = _mm_setzero_si128(), a1 = _mm_setzero_si128();
    size_t d = 0;
    for (; d + 16 <= dim; d += 16) {
      a0 = step<kL2>(a0, query + d, r + d);
      a1 = step<kL2>(a1, query + d + 8, r + d + 8);
    }
    if (d + 8 <= dim) {
      a0 = step<kL2>(a0, query + d, r + d);
      d += 8;
    }
    int32_t sum = hsum(_mm_add_epi32(a0, a1));
    for (; d < dim; ++d) {
      const int32_t q = query[d], v = r[d];
      sum += kL2 ? (q - v) * (q - v) : q * v;
    }
    out[i] = sum;
  }
}

}  // namespace

void s8_l2sq__sse41(size_t n, size_t dim, const int8_t* query, const void* rows,
                    size_t row_stride, int32_t* out) {
  s8_scan<true>(n, dim, query, rows, row_stride, out);
}
void s8_dot__sse41(size_t n, size_t dim, const int8_t* query, const void* rows,
                   size_t row_stride, int32_t* out) {
  s8_scan<false>(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
