// AVX-512 VNNI int8 distances: as the avx512 variant, but vpdpwssd fuses the int16 pair
// multiply-add and the int32 accumulate (exact: pair sums <= 2 * 255^2, no saturation).
// The query is widened once per block of kBlock elements (zero-padded to a multiple of 32)
// and the row tail is a masked load, so no byte past a row is read and there is no scalar
// tail: the zero lanes of both operands add nothing.
#include <immintrin.h>

// GCC 12 flags the deliberately undefined vector inside its own _mm512_reduce_add_* helpers
// (-Wmaybe-uninitialized false positive); nothing of ours is uninitialised.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <algorithm>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

constexpr size_t kBlock = 256;

template <bool kL2>
__m512i step(__m512i acc, const int16_t* q16, const int8_t* r, __mmask32 mask) {
  const __m512i q = _mm512_load_si512(q16);
  const __m512i v = _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask, r));
  if (kL2) {
    const __m512i e = _mm512_sub_epi16(q, v);
    return _mm512_dpwssd_epi32(acc, e, e);
  }
  return _mm512_dpwssd_epi32(acc, q, v);
}

template <bool kL2>
void s8_scan(size_t n, size_t dim, const int8_t* query, const void* rows, size_t row_stride,
             int32_t* out) {
  alignas(64) int16_t q16[kBlock];
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t d0 = 0; d0 < dim; d0 += kBlock) {
    const size_t len = std::min(kBlock, dim - d0);
    const size_t full = len & ~size_t(31), tail = len - full;
    const __mmask32 all = ~__mmask32(0);
    const __mmask32 tail_mask = static_cast<__mmask32>((uint64_t(1) << tail) - 1u);
    for (size_t d = 0; d < kBlock; ++d) q16[d] = d < len ? query[d0 + d] : 0;
    for (size_t i = 0; i < n; ++i) {
      const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride) + d0;
      __m512i a0 = _mm512_setzero_si512(), a1 = _mm512_setzero_si512();
      size_t d = 0;
      for (; d + 64 <= full; d += 64) {
        a0 = step<kL2>(a0, q16 + d, r + d, all);
        a1 = step<kL2>(a1, q16 + d + 32, r + d + 32, all);
      }
      if (d < full) a0 = step<kL2>(a0, q16 + d, r + d, all);
      if (tail) a1 = step<kL2>(a1, q16 + full, r + full, tail_mask);
      const int32_t sum = _mm512_reduce_add_epi32(_mm512_add_epi32(a0, a1));
      out[i] = d0 == 0 ? sum : out[i] + sum;
    }
  }
}

}  // namespace

void s8_l2sq__avx512vnni(size_t n, size_t dim, const int8_t* query, const void* rows,
                 size_t row_stride, int32_t* out) {
  s8_scan<true>(n, dim, query, rows, row_stride, out);
}
void s8_dot__avx512vnni(size_t n, size_t dim, const int8_t* query, const void* rows,
                size_t row_stride, int32_t* out) {
  s8_scan<false>(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
