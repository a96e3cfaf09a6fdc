// qs8 per-channel rescale, AVX2 (contract and the 16-bit split in qs8_scale.h): 16 values per
// vector, three 16-bit multiplies (mulhi/mullo on lo, mullo on hi) where the int32 loop needs
// two 32-bit vpmulld (2 uops each) per 16 and twice the table bytes.
#include <immintrin.h>

#include "kernels/eltwise/qs8_scale.h"

namespace fg {
namespace {

inline __m128i scale16(__m256i d, __m256i hi, __m256i lo, __m256i zy) {
  __m256i r = _mm256_mulhi_epi16(d, lo);                               // (d*lo) >> 16
  r = _mm256_add_epi16(r, _mm256_srli_epi16(_mm256_mullo_epi16(d, lo), 15));  // + round bit
  r = _mm256_add_epi16(r, _mm256_mullo_epi16(d, hi));
  r = _mm256_adds_epi16(r, zy);  // saturating, then packs: the clamp to [-128, 127]
  return _mm_packs_epi16(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
}

inline __m256i load16(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }

}  // namespace

void qs8_scale_c16__avx2(size_t n, const int8_t* x, const Qs8ScaleParams& p, int8_t* y) {
  const __m256i zx = _mm256_set1_epi16(static_cast<int16_t>(p.zx));
  const __m256i zy = _mm256_set1_epi16(static_cast<int16_t>(p.zy));
  const __m256i zero = _mm256_setzero_si256();
  size_t i = 0;
  if (p.pos_hi == p.neg_hi && p.pos_lo == p.neg_lo) {  // channel multiply: no select
    for (; i + 16 <= n; i += 16) {
      const __m128i xb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
      const __m256i d = _mm256_sub_epi16(_mm256_cvtepi8_epi16(xb), zx);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), scale16(d, load16(p.pos_hi + i), load16(p.pos_lo + i), zy));
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      const __m128i xb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i));
      const __m256i d = _mm256_sub_epi16(_mm256_cvtepi8_epi16(xb), zx);
      const __m256i gt = _mm256_cmpgt_epi16(d, zero);
      const __m256i hi = _mm256_blendv_epi8(load16(p.neg_hi + i), load16(p.pos_hi + i), gt);
      const __m256i lo = _mm256_blendv_epi8(load16(p.neg_lo + i), load16(p.pos_lo + i), gt);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), scale16(d, hi, lo, zy));
    }
  }
  if (i < n) {
    const Qs8ScaleParams t{p.pos_hi + i, p.pos_lo + i, p.neg_hi + i, p.neg_lo + i, p.zx, p.zy};
    qs8_scale__scalar(n - i, x + i, t, y + i);
  }
}

}  // namespace fg
