// AVX2 int8 distances. The query is widened to int16 once per block of kBlock elements
// (512 B on the stack) so each row costs one vpmovsxbw + vpsubw + vpmaddwd + vpaddd per 16
// bytes; pair sums are exact in int32 (<= 2 * 255^2). Tail (< 16 elements) is scalar.
#include <immintrin.h>

#include <algorithm>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

constexpr size_t kBlock = 256;

int32_t hsum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm_cvtsi128_si32(s);
}

template <bool kL2>
__m256i step(__m256i acc, const int16_t* q16, const int8_t* r) {
  const __m256i q = _mm256_load_si256(reinterpret_cast<const __m256i*>(q16));
  const __m256i v = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(r)));
  if (kL2) {
    const __m256i e = _mm256_sub_epi16(q, v);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(e, e));
  }
  return _mm256_add_epi32(acc, _mm256_madd_epi16(q, v));
}

template <bool kL2>
void s8_scan(size_t n, size_t dim, const int8_t* query, const void* rows, size_t row_stride,
             int32_t* out) {
  alignas(32) int16_t q16[kBlock];
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t d0 = 0; d0 < dim; d0 += kBlock) {
    const size_t len = std::min(kBlock, dim - d0), vec_len = len & ~size_t(15);
    for (size_t d = 0; d < vec_len; ++d) q16[d] = query[d0 + d];
    for (size_t i = 0; i < n; ++i) {
      const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride) + d0;
      __m256i a0 = _mm256_setzero_si256(), a1 = _mm256_setzero_si256();
      size_t d = 0;
      for (; d + 32 <= vec_len; d += 32) {
        a0 = step<kL2>(a0, q16 + d, r + d);
        a1 = step<kL2>(a1, q16 + d + 16, r + d + 16);
      }
      if (d < vec_len) a0 = step<kL2>(a0, q16 + d, r + d);
      int32_t sum = hsum(_mm256_add_epi32(a0, a1));
      for (d = vec_len; d < len; ++d) {
        const int32_t q = query[d0 + d], v = r[d];
        sum += kL2 ? (q - v) * (q - v) : q * v;
      }
      out[i] = d0 == 0 ? sum : out[i] + sum;
    }
  }
}

}  // namespace

void s8_l2sq__avx2(size_t n, size_t dim, const int8_t* query, const void* rows,
                   size_t row_stride, int32_t* out) {
  s8_scan<true>(n, dim, query, rows, row_stride, out);
}
void s8_dot__avx2(size_t n, size_t dim, const int8_t* query, const void* rows,
                  size_t row_stride, int32_t* out) {
  s8_scan<false>(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
