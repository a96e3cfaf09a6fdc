// AVX2 dense conv. f32: 6 pixels x 16 channels (12 ymm accumulators + 2 weights + 1
// broadcast of the 16 registers). qs8 without VNNI: 4 pixels x 8 channels; a c4 weight
// group (8 channels x 4 k) is widened to int16 and multiplied with vpmaddwd against the
// 4 activations (as u8 = x + 128, matching bias_u), giving pairwise partial sums that
// vphaddd folds at the end. Exact: |partial| <= 2 * 255 * 128 fits int32 easily.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include <cstring>

#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

// First n of 8 int32 lanes set, for maskload/maskstore.
inline __m256i lane_mask(int n) {
  alignas(32) static const int32_t kTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                 0,  0,  0,  0,  0,  0,  0,  0};
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kTable + 8 - (n < 0 ? 0 : n > 8 ? 8 : n)));
}

}  // namespace

FG_DECLARE_F32_CONV_UKERNEL(f32_conv_6x16__avx2) {
  constexpr int kMr = 6, kNr = 16;
  __m256 acc[kMr][2];
  const __m256 b0 = _mm256_loadu_ps(w), b1 = _mm256_loadu_ps(w + 8);
#pragma GCC unroll 6
  for (int m = 0; m < kMr; ++m) {
    acc[m][0] = b0;
    acc[m][1] = b1;
  }
  const float* wp = w + kNr;
  for (int t = 0; t < taps; ++t) {
    const float* const* rows = a + t * kMr;
    const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2];
    const float *r3 = rows[3], *r4 = rows[4], *r5 = rows[5];
    for (int k = 0; k < kc; ++k, wp += kNr) {
      const __m256 w0 = _mm256_loadu_ps(wp), w1 = _mm256_loadu_ps(wp + 8);
      const float* r[kMr] = {r0, r1, r2, r3, r4, r5};
#pragma GCC unroll 6
      for (int m = 0; m < kMr; ++m) {
        const __m256 x = _mm256_broadcast_ss(r[m] + k);
        acc[m][0] = _mm256_fmadd_ps(x, w0, acc[m][0]);
        acc[m][1] = _mm256_fmadd_ps(x, w1, acc[m][1]);
      }
    }
  }
  const __m256i mask[2] = {lane_mask(nc), lane_mask(nc - 8)};
  const __m256 zero = _mm256_setzero_ps(), alpha = _mm256_set1_ps(p.leaky_alpha);
  for (int m = 0; m < mr; ++m) {
    for (int h = 0; h < 2; ++h) {
      __m256 v = acc[m][h];
      const size_t off = m * c_stride + 8 * h;
      if (res) v = _mm256_add_ps(v, _mm256_maskload_ps(res + off, mask[h]));
      if (p.activation == Activation::kRelu) v = _mm256_max_ps(v, zero);
      if (p.activation == Activation::kLeakyRelu) v = _mm256_max_ps(v, _mm256_mul_ps(v, alpha));
      _mm256_maskstore_ps(c + off, mask[h], v);
    }
  }
}

// Requantises 8 int32 accumulators (channels j..j+7 of row m) and stores nc of them.
void qs8_store8_avx2(__m256i acc, const float* scale, const int8_t* res, int8_t* c, int nc,
                     const Qs8ConvParams& p) {
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(scale));
  if (res) {
    int8_t rb[8] = {0};
    std::memcpy(rb, res, nc);
    const __m256i r = _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(rb))),
                                       _mm256_set1_epi32(p.residual_zero_point));
    v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_cvtepi32_ps(r), _mm256_set1_ps(p.residual_scale)));
  }
  v = _mm256_max_ps(v, _mm256_set1_ps(static_cast<float>(p.output_min - p.output_zero_point)));
  v = _mm256_min_ps(v, _mm256_set1_ps(static_cast<float>(p.output_max - p.output_zero_point)));
  const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(p.output_zero_point));
  // int32 -> int8 (values already in range, so saturation never changes them).
  const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
  const __m128i q8 = _mm_packs_epi16(q16, q16);
  int8_t out[16];
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), q8);
  std::memcpy(c, out, nc);
}

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_4x8c4__avx2) {
  constexpr int kMr = 4, kNr = 8;
  __m256i lo[kMr], hi[kMr];  // pairwise partial sums of channels 0-3 and 4-7
#pragma GCC unroll 4
  for (int m = 0; m < kMr; ++m) lo[m] = hi[m] = _mm256_setzero_si256();
  const int8_t* wp = qs8_block_weights(w, kNr);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    for (int k = 0; k < kc; k += 4, wp += 4 * kNr) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(wp));
      const __m256i w0 = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(wv));
      const __m256i w1 = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(wv, 1));
#pragma GCC unroll 4
      for (int m = 0; m < kMr; ++m) {
        int32_t x4;
        std::memcpy(&x4, rows[m] + k, 4);
        const __m128i xu = _mm_cvtepu8_epi16(_mm_cvtsi32_si128(x4 ^ static_cast<int32_t>(0x80808080u)));
        const __m256i x = _mm256_broadcastq_epi64(xu);
        lo[m] = _mm256_add_epi32(lo[m], _mm256_madd_epi16(w0, x));
        hi[m] = _mm256_add_epi32(hi[m], _mm256_madd_epi16(w1, x));
      }
    }
  }
  const __m256i bias = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs8_block_bias_unsigned(w, kNr)));
  const float* scale = qs8_block_scale(w, kNr);
  for (int m = 0; m < mr; ++m) {
    // hadd: [c0 c1 c4 c5 | c2 c3 c6 c7] -> permute 64-bit pairs (0,2,1,3) -> c0..c7
    const __m256i sum = _mm256_permute4x64_epi64(_mm256_hadd_epi32(lo[m], hi[m]), 0xD8);
    qs8_store8_avx2(_mm256_add_epi32(sum, bias), scale, res ? res + m * c_stride : nullptr,
                    c + m * c_stride, nc, p);
  }
}

}  // namespace fg
