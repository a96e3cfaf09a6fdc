// AVX-512 VNNI qs8 dense conv: 8 pixels x 32 channels, 16 zmm int32 accumulators.
// vpdpbusd multiplies u8 x s8, so activations are fed as x ^ 0x80 = x + 128 (as u8) and the
// packed bias_u already subtracts (zx + 128) * sum(w) (conv.h).
// GCC 12 warns falsely about its own AVX-512 intrinsic headers (-W[maybe-]uninitialized).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include <cstring>

#include "kernels/conv/conv_avx512_epilogue.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

inline int32_t load_i32(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The 8x32 tile body for kHalves 16-channel halves; a block with at most 16 real channels
// (the detector's 16-channel stem) skips its zero-padded second half (as the f32 avx512
// kernel does). The packed stride stays 32 channels per k4 group.
template <int kHalves>
inline void qs8_conv_8x32c4_body(int mr, int nc, int taps, int kc, const int8_t* const* a, const void* w,
                                 int8_t* c, size_t c_stride, const int8_t* res, const Qs8ConvParams& p) {
  constexpr int kMr = 8, kNr = 32;
  const int32_t* bias = qs8_block_bias_unsigned(w, kNr);
  __m512i acc[kMr][2];
  const __m512i b0 = _mm512_loadu_si512(bias);
  const __m512i b1 = kHalves == 2 ? _mm512_loadu_si512(bias + 16) : _mm512_setzero_si512();
#pragma GCC unroll 8
  for (int m = 0; m < kMr; ++m) {
    acc[m][0] = b0;
    acc[m][1] = b1;
  }
  const __m512i flip = _mm512_set1_epi32(static_cast<int32_t>(0x80808080u));
  const int8_t* wp = qs8_block_weights(w, kNr);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    const int8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3];
    const int8_t *r4 = rows[4], *r5 = rows[5], *r6 = rows[6], *r7 = rows[7];
    for (int k = 0; k < kc; k += 4, wp += 4 * kNr) {
      const __m512i w0 = _mm512_loadu_si512(wp), w1 = kHalves == 2 ? _mm512_loadu_si512(wp + 64) : w0;
      const int8_t* r[kMr] = {r0, r1, r2, r3, r4, r5, r6, r7};
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) {
        const __m512i x = _mm512_xor_si512(_mm512_set1_epi32(load_i32(r[m] + k)), flip);
        acc[m][0] = _mm512_dpbusd_epi32(acc[m][0], x, w0);
        if (kHalves == 2) acc[m][1] = _mm512_dpbusd_epi32(acc[m][1], x, w1);
      }
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  const __m512 sc[2] = {_mm512_loadu_ps(scale), _mm512_loadu_ps(scale + 16)};
  __mmask16 mask[2];
  avx512_half_masks(nc, mask);
  const Qs8Avx512Store store(p);
  for (int m = 0; m < mr; ++m) {
    for (int h = 0; h < kHalves; ++h) {
      const size_t off = m * c_stride + 16 * h;
      store(acc[m][h], sc[h], mask[h], res ? res + off : nullptr, c + off);
    }
  }
}

}  // namespace

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_8x32c4__avx512vnni) {
  if (nc <= 16)
    qs8_conv_8x32c4_body<1>(mr, nc, taps, kc, a, w, c, c_stride, res, p);
  else
    qs8_conv_8x32c4_body<2>(mr, nc, taps, kc, a, w, c, c_stride, res, p);
}

// One pixel x 32 channels for single-pixel tiles (see f32_conv_1x32__avx512): four
// k4-phases with their own int32 accumulators (exact, so the sum order is free).
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_1x32c4__avx512vnni) {
  constexpr int kNr = 32;
  (void)mr;
  (void)c_stride;
  const int32_t* bias = qs8_block_bias_unsigned(w, kNr);
  __m512i acc[4][2];
  acc[0][0] = _mm512_loadu_si512(bias), acc[0][1] = _mm512_loadu_si512(bias + 16);
#pragma GCC unroll 3
  for (int j = 1; j < 4; ++j) acc[j][0] = acc[j][1] = _mm512_setzero_si512();
  const __m512i flip = _mm512_set1_epi32(static_cast<int32_t>(0x80808080u));
  const int8_t* wp = qs8_block_weights(w, kNr);
  for (int t = 0; t < taps; ++t) {
    const int8_t* r = a[t];
    int k = 0;
    for (; k + 16 <= kc; k += 16, wp += 16 * kNr) {
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        const __m512i x = _mm512_xor_si512(_mm512_set1_epi32(load_i32(r + k + 4 * j)), flip);
        acc[j][0] = _mm512_dpbusd_epi32(acc[j][0], x, _mm512_loadu_si512(wp + j * 4 * kNr));
        acc[j][1] = _mm512_dpbusd_epi32(acc[j][1], x, _mm512_loadu_si512(wp + j * 4 * kNr + 64));
      }
    }
    for (; k < kc; k += 4, wp += 4 * kNr) {
      const __m512i x = _mm512_xor_si512(_mm512_set1_epi32(load_i32(r + k)), flip);
      acc[0][0] = _mm512_dpbusd_epi32(acc[0][0], x, _mm512_loadu_si512(wp));
      acc[0][1] = _mm512_dpbusd_epi32(acc[0][1], x, _mm512_loadu_si512(wp + 64));
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  __mmask16 mask[2];
  avx512_half_masks(nc, mask);
  const Qs8Avx512Store store(p);
  for (int h = 0; h < 2; ++h) {
    const __m512i sum = _mm512_add_epi32(_mm512_add_epi32(acc[0][h], acc[1][h]),
                                         _mm512_add_epi32(acc[2][h], acc[3][h]));
    store(sum, _mm512_loadu_ps(scale + 16 * h), mask[h], res ? res + 16 * h : nullptr, c + 16 * h);
  }
}

}  // namespace fg
