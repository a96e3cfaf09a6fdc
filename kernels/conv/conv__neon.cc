// NEON dense conv (aarch64 and armv7). f32: 8x8 on aarch64 (16 of its 32 q registers
// accumulate for the whole tap loop, 4 k per row loaded at once and used by lane: see
// f32_conv_8x8__neon), 4x8 on armv7 (16 q registers in all). qs8 without dot product: 4x8c4, the
// four k of a c4 group de-interleaved with vld4, widened to int16 and multiply-accumulated
// with vmlal (signed activations, so the packed bias_s applies).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include <cstring>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

inline float32x4_t fma4(float32x4_t acc, float32x4_t a, float x) {
#if defined(__aarch64__)
  return vfmaq_n_f32(acc, a, x);
#else
  return vmlaq_n_f32(acc, a, x);
#endif
}

template <int kMr>
void f32_conv_neon(int mr, int nc, int taps, int kc, const float* const* a, const float* w,
                   float* c, size_t c_stride, const float* res, const F32ConvParams& p) {
  constexpr int kNr = 8;
  float32x4_t acc[kMr][2];
  const float32x4_t b0 = vld1q_f32(w), b1 = vld1q_f32(w + 4);
  for (int m = 0; m < kMr; ++m) acc[m][0] = b0, acc[m][1] = b1;
  const float* wp = w + kNr;
  for (int t = 0; t < taps; ++t) {
    const float* const* rows = a + t * kMr;
    const float* r[kMr];
    for (int m = 0; m < kMr; ++m) r[m] = rows[m];
    for (int k = 0; k < kc; ++k, wp += kNr) {
      const float32x4_t w0 = vld1q_f32(wp), w1 = vld1q_f32(wp + 4);
      for (int m = 0; m < kMr; ++m) {
        const float x = r[m][k];
        acc[m][0] = fma4(acc[m][0], w0, x);
        acc[m][1] = fma4(acc[m][1], w1, x);
      }
    }
  }
  const float32x4_t zero = vdupq_n_f32(0.f);
  for (int m = 0; m < mr; ++m) {
    float out[8];
    for (int h = 0; h < 2; ++h) {
      float32x4_t v = acc[m][h];
      if (p.activation == Activation::kRelu) v = vmaxq_f32(v, zero);
      vst1q_f32(out + 4 * h, v);
    }
    for (int j = 0; j < nc; ++j) {
      float v = out[j];
      if (res) {  // residual goes before the activation: redo it in scalar
        v = acc[m][j / 4][j % 4] + res[m * c_stride + j];
        v = apply_activation(v, p.activation, p.leaky_alpha);
      } else if (p.activation == Activation::kLeakyRelu) {
        v = apply_activation(v, p.activation, p.leaky_alpha);
      }
      c[m * c_stride + j] = v;
    }
  }
}

}  // namespace

#if defined(__aarch64__)
// The 8x8 tile written so that GCC keeps it in registers (bench/arm_cost: the generic
// template above stored all 16 accumulators to the stack on every k step, 2 MAC/cycle in the
// cycle model where the core does 4): 16 accumulators + 8 activation vectors (4 k of each
// row, one 128-bit load) + 2 weight vectors = 26 of the 32 q registers; loops over m fully
// unrolled so every index is constant; FMLA by lane; the epilogue works on whole vectors.
// The summation order per output is the template's (bias, then k = 0, 1, ... in order, one
// fused multiply-add each), so results are unchanged.
namespace {

template <int kLane>
inline void f32_8x8_step(float32x4_t (&acc)[8][2], const float* wp, const float32x4_t (&x)[8]) {
  const float32x4_t w0 = vld1q_f32(wp), w1 = vld1q_f32(wp + 4);
#pragma GCC unroll 8
  for (int m = 0; m < 8; ++m) {
    acc[m][0] = vfmaq_laneq_f32(acc[m][0], w0, x[m], kLane);
    acc[m][1] = vfmaq_laneq_f32(acc[m][1], w1, x[m], kLane);
  }
}

// apply_activation on 4 lanes, bit for bit (same comparisons, same single multiply).
inline float32x4_t f32_activate4(float32x4_t v, const F32ConvParams& p) {
  if (p.activation == Activation::kRelu) return vmaxq_f32(v, vdupq_n_f32(0.f));
  if (p.activation == Activation::kLeakyRelu) {
    const float32x4_t s = vmulq_n_f32(v, p.leaky_alpha);
    return vbslq_f32(vcgtq_f32(v, s), v, s);
  }
  return v;
}

}  // namespace

FG_DECLARE_F32_CONV_UKERNEL(f32_conv_8x8__neon) {
  constexpr int kMr = 8, kNr = 8;
  float32x4_t acc[kMr][2];
  const float32x4_t b0 = vld1q_f32(w), b1 = vld1q_f32(w + 4);
#pragma GCC unroll 8
  for (int m = 0; m < kMr; ++m) acc[m][0] = b0, acc[m][1] = b1;
  const float* wp = w + kNr;
  for (int t = 0; t < taps; ++t) {
    const float* const* rows = a + t * kMr;
    const float* r[kMr];
#pragma GCC unroll 8
    for (int m = 0; m < kMr; ++m) r[m] = rows[m];
    int k = 0;
    for (; k + 4 <= kc; k += 4, wp += 4 * kNr) {
      float32x4_t x[kMr];
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) x[m] = vld1q_f32(r[m] + k);
      f32_8x8_step<0>(acc, wp, x);
      f32_8x8_step<1>(acc, wp + kNr, x);
      f32_8x8_step<2>(acc, wp + 2 * kNr, x);
      f32_8x8_step<3>(acc, wp + 3 * kNr, x);
    }
    for (; k < kc; ++k, wp += kNr) {  // K % 4 leftovers (the stems' K = 21, 9)
      const float32x4_t w0 = vld1q_f32(wp), w1 = vld1q_f32(wp + 4);
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) {
        acc[m][0] = vfmaq_n_f32(acc[m][0], w0, r[m][k]);
        acc[m][1] = vfmaq_n_f32(acc[m][1], w1, r[m][k]);
      }
    }
  }
  // One store of the tile after the loops; partial tiles and rows read it back.
  float out[kMr][kNr];
#pragma GCC unroll 8
  for (int m = 0; m < kMr; ++m) {
    vst1q_f32(out[m], acc[m][0]);
    vst1q_f32(out[m] + 4, acc[m][1]);
  }
  for (int m = 0; m < mr; ++m) {
    float* cm = c + m * c_stride;
    const float* rm = res ? res + m * c_stride : nullptr;
    if (nc == kNr) {
      float32x4_t v0 = vld1q_f32(out[m]), v1 = vld1q_f32(out[m] + 4);
      if (rm) v0 = vaddq_f32(v0, vld1q_f32(rm)), v1 = vaddq_f32(v1, vld1q_f32(rm + 4));
      vst1q_f32(cm, f32_activate4(v0, p));
      vst1q_f32(cm + 4, f32_activate4(v1, p));
      continue;
    }
    for (int j = 0; j < nc; ++j) {
      float v = out[m][j];
      if (rm) v = v + rm[j];
      cm[j] = apply_activation(v, p.activation, p.leaky_alpha);
    }
  }
}
#else
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_4x8__neon) {
  f32_conv_neon<4>(mr, nc, taps, kc, a, w, c, c_stride, res, p);
}
#endif

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_4x8c4__neon) {
  constexpr int kMr = 4, kNr = 8;
  const int32_t* bias = qs8_block_bias_signed(w, kNr);
  int32x4_t acc[kMr][2];
  for (int m = 0; m < kMr; ++m) acc[m][0] = vld1q_s32(bias), acc[m][1] = vld1q_s32(bias + 4);
  const int8_t* wp = qs8_block_weights(w, kNr);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    for (int k = 0; k < kc; k += 4, wp += 4 * kNr) {
      const int8x8x4_t wv = vld4_s8(wp);  // wv.val[i][j] = weight of channel j, k + i
      for (int i = 0; i < 4; ++i) {
        const int16x8_t w16 = vmovl_s8(wv.val[i]);
        for (int m = 0; m < kMr; ++m) {
          const int16_t x = rows[m][k + i];
          acc[m][0] = vmlal_n_s16(acc[m][0], vget_low_s16(w16), x);
          acc[m][1] = vmlal_n_s16(acc[m][1], vget_high_s16(w16), x);
        }
      }
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  for (int m = 0; m < mr; ++m)
    qs8_neon_store8(acc[m][0], acc[m][1], scale, res ? res + m * c_stride : nullptr,
                    c + m * c_stride, nc, p);
}

}  // namespace fg
