// AVX-512 f32 dense conv: 8 pixels x 32 channels, 16 zmm accumulators; per input channel
// two weight loads and eight broadcast-FMA pairs.
// GCC 12 warns falsely about its own AVX-512 intrinsic headers (-Wmaybe-uninitialized).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "kernels/conv/conv_avx512_epilogue.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {

namespace {

// The 8x32 tile body for kHalves 16-channel halves of the 32-channel block. A block with at
// most 16 real channels (the detector's 16-channel stem and the last block of 16 + 16n
// channels) runs with kHalves = 1: its second half is zero padding, and skipping it halves
// the FMAs (the packed stride stays 32 floats per input channel).
template <int kHalves>
inline void f32_conv_8x32_body(int mr, int nc, int taps, int kc, const float* const* a, const float* w,
                               float* c, size_t c_stride, const float* res, const F32ConvParams& p) {
  constexpr int kMr = 8, kNr = 32, kPrefetchFloats = 512;
  __m512 acc[kMr][2];
  const __m512 b0 = _mm512_loadu_ps(w), b1 = kHalves == 2 ? _mm512_loadu_ps(w + 16) : _mm512_setzero_ps();
#pragma GCC unroll 8
  for (int m = 0; m < kMr; ++m) {
    acc[m][0] = b0;
    acc[m][1] = b1;
  }
  const float* wp = w + kNr;
  for (int t = 0; t < taps; ++t) {
    const float* const* rows = a + t * kMr;
    const float *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3];
    const float *r4 = rows[4], *r5 = rows[5], *r6 = rows[6], *r7 = rows[7];
    for (int k = 0; k < kc; ++k, wp += kNr) {
      const __m512 w0 = _mm512_loadu_ps(wp), w1 = kHalves == 2 ? _mm512_loadu_ps(wp + 16) : w0;
      // The 256-channel layers stream 2.4 MB of weights from L3: fetch 2 KB ahead.
      _mm_prefetch(reinterpret_cast<const char*>(wp + kPrefetchFloats), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(wp + kPrefetchFloats + 16), _MM_HINT_T0);
      const float* r[kMr] = {r0, r1, r2, r3, r4, r5, r6, r7};
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) {
        const __m512 x = _mm512_set1_ps(r[m][k]);
        acc[m][0] = _mm512_fmadd_ps(x, w0, acc[m][0]);
        if (kHalves == 2) acc[m][1] = _mm512_fmadd_ps(x, w1, acc[m][1]);
      }
    }
  }
  __mmask16 mask[2];
  avx512_half_masks(nc, mask);
  const F32Avx512Store store(p);
  for (int m = 0; m < mr; ++m) {
    for (int h = 0; h < kHalves; ++h) {
      const size_t off = m * c_stride + 16 * h;
      store(acc[m][h], mask[h], res ? res + off : nullptr, c + off);
    }
  }
}

}  // namespace

FG_DECLARE_F32_CONV_UKERNEL(f32_conv_8x32__avx512) {
  if (nc <= 16)
    f32_conv_8x32_body<1>(mr, nc, taps, kc, a, w, c, c_stride, res, p);
  else
    f32_conv_8x32_body<2>(mr, nc, taps, kc, a, w, c, c_stride, res, p);
}

// One pixel x 32 channels, for single-pixel tiles (1x1 maps, the odd pixel of 9, 289,
// 1225): the 8x32 tile would do 8x the FMAs on repeated rows. Streaming weights with one
// broadcast per k, so four k-phases keep independent accumulators (FMA latency), summed at
// the end (f32 sum order differs from the 8x32 kernel; within the f32 tolerance).
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_1x32__avx512) {
  constexpr int kNr = 32;
  (void)mr;
  __m512 acc[4][2];
  acc[0][0] = _mm512_loadu_ps(w), acc[0][1] = _mm512_loadu_ps(w + 16);
#pragma GCC unroll 3
  for (int j = 1; j < 4; ++j) acc[j][0] = acc[j][1] = _mm512_setzero_ps();
  const float* wp = w + kNr;
  for (int t = 0; t < taps; ++t) {
    const float* r = a[t];
    int k = 0;
    for (; k + 4 <= kc; k += 4, wp += 4 * kNr) {
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        const __m512 x = _mm512_set1_ps(r[k + j]);
        acc[j][0] = _mm512_fmadd_ps(x, _mm512_loadu_ps(wp + j * kNr), acc[j][0]);
        acc[j][1] = _mm512_fmadd_ps(x, _mm512_loadu_ps(wp + j * kNr + 16), acc[j][1]);
      }
    }
    for (; k < kc; ++k, wp += kNr) {
      const __m512 x = _mm512_set1_ps(r[k]);
      acc[0][0] = _mm512_fmadd_ps(x, _mm512_loadu_ps(wp), acc[0][0]);
      acc[0][1] = _mm512_fmadd_ps(x, _mm512_loadu_ps(wp + 16), acc[0][1]);
    }
  }
  __mmask16 mask[2];
  avx512_half_masks(nc, mask);
  const F32Avx512Store store(p);
  (void)c_stride;
  for (int h = 0; h < 2; ++h) {
    const __m512 v = _mm512_add_ps(_mm512_add_ps(acc[0][h], acc[1][h]), _mm512_add_ps(acc[2][h], acc[3][h]));
    store(v, mask[h], res ? res + 16 * h : nullptr, c + 16 * h);
  }
}

}  // namespace fg
