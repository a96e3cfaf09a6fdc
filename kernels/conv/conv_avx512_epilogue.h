// The output side shared by the AVX-512 dense-conv micro-kernels (f32 in conv__avx512.cc,
// qs8 in conv__avx512vnni.cc): lane masks of a 32-channel block's two 16-channel halves,
// and the store of one half (f32: + residual, activation; qs8: the requantization rule of
// kernels/common/qs8_rounding.h). Include only from files built with the avx512 flags.
#pragma once
// The qs8 rule is separate multiplies and adds: never contracted into FMAs.
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include "kernels/conv/conv_variants.h"

namespace fg {

// mask[h]: the real channels among lanes 16h .. 16h + 15 of a block with nc channels.
inline void avx512_half_masks(int nc, __mmask16 mask[2]) {
  mask[0] = nc >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << nc) - 1);
  mask[1] = nc >= 32 ? 0xFFFF : nc > 16 ? static_cast<__mmask16>((1u << (nc - 16)) - 1) : 0;
}

// f32: out = act(v + residual) on the masked lanes.
struct F32Avx512Store {
  explicit F32Avx512Store(const F32ConvParams& params)
      : p(params), zero(_mm512_setzero_ps()), alpha(_mm512_set1_ps(params.leaky_alpha)) {}
  void operator()(__m512 v, __mmask16 mask, const float* res, float* out) const {
    if (res) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, res));
    if (p.activation == Activation::kRelu) v = _mm512_max_ps(v, zero);
    if (p.activation == Activation::kLeakyRelu) v = _mm512_max_ps(v, _mm512_mul_ps(v, alpha));
    _mm512_mask_storeu_ps(out, mask, v);
  }
  const F32ConvParams& p;
  __m512 zero, alpha;
};

// qs8: out = clamp(acc * scale + (res - zr) * rs) rounded, + zy, on the masked lanes.
struct Qs8Avx512Store {
  explicit Qs8Avx512Store(const Qs8ConvParams& p)
      : lo(_mm512_set1_ps(static_cast<float>(p.output_min - p.output_zero_point))),
        hi(_mm512_set1_ps(static_cast<float>(p.output_max - p.output_zero_point))),
        rs(_mm512_set1_ps(p.residual_scale)),
        zy(_mm512_set1_epi32(p.output_zero_point)),
        zr(_mm512_set1_epi32(p.residual_zero_point)) {}
  void operator()(__m512i acc, __m512 scale, __mmask16 mask, const int8_t* res, int8_t* out) const {
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), scale);
    if (res) {
      const __m512i r = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(mask, res));
      v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(r, zr)), rs));
    }
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), zy);
    _mm_mask_storeu_epi8(out, mask, _mm512_cvtepi32_epi8(q));
  }
  __m512 lo, hi, rs;
  __m512i zy, zr;
};

}  // namespace fg
