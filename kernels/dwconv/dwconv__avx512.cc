// AVX-512 depthwise micro-kernels: 16 channels per step, masked tail (no over-read).
// The row entry walks channel blocks outside and pixels inside, so for 3x3 the nine weight
// vectors of a block stay in registers along the run; per channel it does the same
// operations in the same order as the pixel kernel (results identical).
// qs8 products are formed in int16 (|x*w| <= 128*128 = 16384 fits) and widened to int32.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12 false positive in its headers
#include <immintrin.h>

#include "kernels/common/qs8_rounding.h"
#include "kernels/dwconv/dwconv.h"

namespace fg {

void f32_dwconv_c16__avx512(int c, int c_pad, int taps, const float* const* a,
                            const float* packed, float* out, const float* res,
                            const F32ConvParams& p) {
  const __m512 zero = _mm512_setzero_ps(), alpha = _mm512_set1_ps(p.leaky_alpha);
  for (int ch = 0; ch < c; ch += 16) {
    const __mmask16 m = c - ch >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << (c - ch)) - 1);
    __m512 acc = _mm512_loadu_ps(packed + ch);
    for (int t = 0; t < taps; ++t)
      acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a[t] + ch),
                            _mm512_loadu_ps(packed + (1 + t) * c_pad + ch), acc);
    if (res) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(m, res + ch));
    if (p.activation == Activation::kRelu) acc = _mm512_max_ps(acc, zero);
    if (p.activation == Activation::kLeakyRelu) acc = _mm512_max_ps(acc, _mm512_mul_ps(acc, alpha));
    _mm512_mask_storeu_ps(out + ch, m, acc);
  }
}

void qs8_dwconv_c16__avx512(int c, int c_pad, int taps, const int8_t* const* a,
                            const void* packed, int8_t* out, const int8_t* res,
                            const Qs8ConvParams& p) {
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(p.output_min - p.output_zero_point));
  const __m512 hi = _mm512_set1_ps(static_cast<float>(p.output_max - p.output_zero_point));
  for (int ch = 0; ch < c; ch += 16) {
    const __mmask16 m = c - ch >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << (c - ch)) - 1);
    __m512i acc = _mm512_loadu_si512(bias + ch);
    for (int t = 0; t < taps; ++t) {
      const __m256i x = _mm256_cvtepi8_epi16(_mm_maskz_loadu_epi8(m, a[t] + ch));
      const __m256i wv = _mm256_cvtepi8_epi16(
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(w + t * c_pad + ch)));
      acc = _mm512_add_epi32(acc, _mm512_cvtepi16_epi32(_mm256_mullo_epi16(x, wv)));
    }
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(scale + ch));
    if (res) {
      const __m512i r = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, res + ch)),
                                         _mm512_set1_epi32(p.residual_zero_point));
      v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_cvtepi32_ps(r), _mm512_set1_ps(p.residual_scale)));
    }
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), _mm512_set1_epi32(p.output_zero_point));
    _mm_mask_storeu_epi8(out + ch, m, _mm512_cvtepi32_epi8(q));
  }
}

namespace {

inline __mmask16 tail16(int left) {
  return left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
}

// kTaps = 9 keeps the weights in registers; 0 = any tap count (weights reloaded).
template <int kTaps>
void f32_row(int n, size_t step, int c, int c_pad, int taps_rt, const float* const* a,
             const float* packed, float* out, const float* res, const F32ConvParams& p) {
  const int taps = kTaps ? kTaps : taps_rt;
  const size_t xs = step / sizeof(float);
  const __m512 zero = _mm512_setzero_ps(), alpha = _mm512_set1_ps(p.leaky_alpha);
  for (int ch = 0; ch < c; ch += 16) {
    const __mmask16 m = tail16(c - ch);
    const __m512 bias = _mm512_loadu_ps(packed + ch);
    __m512 w[kTaps ? kTaps : 1];
    const float* x[kTaps ? kTaps : 1];
    if constexpr (kTaps > 0)
      for (int t = 0; t < kTaps; ++t) w[t] = _mm512_loadu_ps(packed + (1 + t) * c_pad + ch), x[t] = a[t] + ch;
    for (int i = 0; i < n; ++i) {
      const size_t xo = static_cast<size_t>(i) * xs, oo = static_cast<size_t>(i) * c + ch;
      __m512 acc = bias;
      if constexpr (kTaps > 0) {
        for (int t = 0; t < kTaps; ++t) acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x[t] + xo), w[t], acc);
      } else {
        for (int t = 0; t < taps; ++t)
          acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a[t] + ch + xo),
                                _mm512_loadu_ps(packed + (1 + t) * c_pad + ch), acc);
      }
      if (res) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(m, res + oo));
      if (p.activation == Activation::kRelu) acc = _mm512_max_ps(acc, zero);
      if (p.activation == Activation::kLeakyRelu) acc = _mm512_max_ps(acc, _mm512_mul_ps(acc, alpha));
      _mm512_mask_storeu_ps(out + oo, m, acc);
    }
  }
}

template <int kTaps>
void qs8_row(int n, size_t step, int c, int c_pad, int taps_rt, const int8_t* const* a,
             const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p) {
  const int taps = kTaps ? kTaps : taps_rt;
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(p.output_min - p.output_zero_point));
  const __m512 hi = _mm512_set1_ps(static_cast<float>(p.output_max - p.output_zero_point));
  auto wvec = [&](int t, int ch) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + t * c_pad + ch)));
  };
  for (int ch = 0; ch < c; ch += 16) {
    const __mmask16 m = tail16(c - ch);
    const __m512i b = _mm512_loadu_si512(bias + ch);
    const __m512 sc = _mm512_loadu_ps(scale + ch);
    __m256i wk[kTaps ? kTaps : 1];
    const int8_t* x[kTaps ? kTaps : 1];
    if constexpr (kTaps > 0)
      for (int t = 0; t < kTaps; ++t) wk[t] = wvec(t, ch), x[t] = a[t] + ch;
    for (int i = 0; i < n; ++i) {
      const size_t xo = static_cast<size_t>(i) * step, oo = static_cast<size_t>(i) * c + ch;
      __m512i acc = b;
      for (int t = 0; t < taps; ++t) {
        __m256i xv, wv;
        if constexpr (kTaps > 0) {
          xv = _mm256_cvtepi8_epi16(_mm_maskz_loadu_epi8(m, x[t] + xo)), wv = wk[t];
        } else {
          xv = _mm256_cvtepi8_epi16(_mm_maskz_loadu_epi8(m, a[t] + ch + xo)), wv = wvec(t, ch);
        }
        acc = _mm512_add_epi32(acc, _mm512_cvtepi16_epi32(_mm256_mullo_epi16(xv, wv)));
      }
      __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), sc);
      if (res) {
        const __m512i r = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, res + oo)),
                                           _mm512_set1_epi32(p.residual_zero_point));
        v = _mm512_add_ps(v, _mm512_mul_ps(_mm512_cvtepi32_ps(r), _mm512_set1_ps(p.residual_scale)));
      }
      v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
      const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), _mm512_set1_epi32(p.output_zero_point));
      _mm_mask_storeu_epi8(out + oo, m, _mm512_cvtepi32_epi8(q));
    }
  }
}

}  // namespace

void f32_dwconv_row_c16__avx512(int n, size_t step, int c, int c_pad, int taps,
                                const float* const* a, const float* packed, float* out,
                                const float* res, const F32ConvParams& p) {
  if (taps == 9) f32_row<9>(n, step, c, c_pad, taps, a, packed, out, res, p);
  else f32_row<0>(n, step, c, c_pad, taps, a, packed, out, res, p);
}

void qs8_dwconv_row_c16__avx512(int n, size_t step, int c, int c_pad, int taps,
                                const int8_t* const* a, const void* packed, int8_t* out,
                                const int8_t* res, const Qs8ConvParams& p) {
  if (taps == 9) qs8_row<9>(n, step, c, c_pad, taps, a, packed, out, res, p);
  else qs8_row<0>(n, step, c, c_pad, taps, a, packed, out, res, p);
}

}  // namespace fg
