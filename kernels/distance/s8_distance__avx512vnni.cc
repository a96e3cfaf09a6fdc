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

#include "kernels/distance/s8_scan_avx512.h"

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
