// AVX-VNNI qs8 dense conv (vpdpbusd on ymm, VEX encoded): 6 pixels x 16 channels,
// 12 ymm accumulators. Activations fed as u8 = x + 128 (bias_u folds the correction).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include <cstring>

#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {

void qs8_store8_avx2(__m256i acc, const float* scale, const int8_t* res, int8_t* c, int nc,
                     const Qs8ConvParams& p);

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_6x16c4__avxvnni) {
  constexpr int kMr = 6, kNr = 16;
  const int32_t* bias = qs8_block_bias_unsigned(w, kNr);
  __m256i acc[kMr][2];
  const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias));
  const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + 8));
#pragma GCC unroll 6
  for (int m = 0; m < kMr; ++m) {
    acc[m][0] = b0;
    acc[m][1] = b1;
  }
  const __m256i flip = _mm256_set1_epi32(static_cast<int32_t>(0x80808080u));
  const int8_t* wp = qs8_block_weights(w, kNr);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    const int8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    const int8_t *r3 = rows[3], *r4 = rows[4], *r5 = rows[5];
    for (int k = 0; k < kc; k += 4, wp += 4 * kNr) {
      const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp));
      const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp + 32));
      const int8_t* r[kMr] = {r0, r1, r2, r3, r4, r5};
#pragma GCC unroll 6
      for (int m = 0; m < kMr; ++m) {
        int32_t x4;
        std::memcpy(&x4, r[m] + k, 4);
        const __m256i x = _mm256_xor_si256(_mm256_set1_epi32(x4), flip);
        acc[m][0] = _mm256_dpbusd_avx_epi32(acc[m][0], x, w0);
        acc[m][1] = _mm256_dpbusd_avx_epi32(acc[m][1], x, w1);
      }
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  for (int m = 0; m < mr; ++m) {
    int8_t* cm = c + m * c_stride;
    const int8_t* rm = res ? res + m * c_stride : nullptr;
    qs8_store8_avx2(acc[m][0], scale, rm, cm, nc < 8 ? nc : 8, p);
    if (nc > 8) qs8_store8_avx2(acc[m][1], scale + 8, rm ? rm + 8 : nullptr, cm + 8, nc - 8, p);
  }
}

}  // namespace fg
