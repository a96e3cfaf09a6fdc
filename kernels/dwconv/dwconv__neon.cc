// NEON depthwise micro-kernels (aarch64 and armv7): 16 channels per step, then a short
// step (f32: 4, qs8: 8), then the scalar twin's loop for the last few channels, so nothing
// is read or written past channel c. f32 accumulates with fused multiply-add (vfmaq is in
// armv7's VFPv4 NEON too); qs8 forms each tap's products with vmull_s8 (|x*w| <= 16384 fits
// int16) and widens them into int32 with vaddw (two products could overflow int16).
// The row entry walks channel blocks outside and pixels inside, keeping a 3x3 block's
// weights in registers along the run (f32 in blocks of 4 channels, qs8 of 16), and runs
// the pixel code for the channels left over; per channel it does the same operations in
// the same order as the pixel entry.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/dwconv/dwconv.h"
#include "kernels/dwconv/f32_dwconv_3x3s1__neon.h"

namespace fg {
namespace {

// The scalar twin's activation lane by lane (same compares, so -0 and ties agree).
inline float32x4_t activate4(float32x4_t v, const F32ConvParams& p) {
  if (p.activation == Activation::kRelu)
    return vbslq_f32(vcgtq_f32(v, vdupq_n_f32(0.f)), v, vdupq_n_f32(0.f));
  if (p.activation == Activation::kLeakyRelu) {
    const float32x4_t av = vmulq_f32(v, vdupq_n_f32(p.leaky_alpha));
    return vbslq_f32(vcgtq_f32(v, av), v, av);
  }
  return v;
}

// The rule of qs8_ops.h on 4 int32 accumulators; res4 = 4 residual values or null.
inline int32x4_t requant4(int32x4_t acc, const float* scale, const int16_t* res4,
                          const Qs8ConvParams& p) {
  float32x4_t v = vmulq_f32(vcvtq_f32_s32(acc), vld1q_f32(scale));
  if (res4) {
    const int32x4_t r = vsubq_s32(vmovl_s16(vld1_s16(res4)), vdupq_n_s32(p.residual_zero_point));
    v = vaddq_f32(v, vmulq_f32(vcvtq_f32_s32(r), vdupq_n_f32(p.residual_scale)));
  }
  v = vmaxq_f32(v, vdupq_n_f32(static_cast<float>(p.output_min - p.output_zero_point)));
  v = vminq_f32(v, vdupq_n_f32(static_cast<float>(p.output_max - p.output_zero_point)));
  return vaddq_s32(qs8_neon_round(v), vdupq_n_s32(p.output_zero_point));
}

inline int8x8_t narrow8(int32x4_t lo, int32x4_t hi) {  // values already in [-128, 127]
  return vqmovn_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi)));
}

// Channels [ch0, c) of one output pixel whose taps are a[t] + xo.
inline void f32_pixel(int c, int ch0, int c_pad, int taps, const float* const* a, size_t xo,
                      const float* packed, float* out, const float* res,
                      const F32ConvParams& p) {
  int ch = ch0;
  for (; ch + 16 <= c; ch += 16) {
    float32x4_t acc[4];
    for (int j = 0; j < 4; ++j) acc[j] = vld1q_f32(packed + ch + 4 * j);
    for (int t = 0; t < taps; ++t) {
      const float* x = a[t] + xo + ch;
      const float* w = packed + (1 + t) * c_pad + ch;
      for (int j = 0; j < 4; ++j) acc[j] = vfmaq_f32(acc[j], vld1q_f32(x + 4 * j), vld1q_f32(w + 4 * j));
    }
    for (int j = 0; j < 4; ++j) {
      if (res) acc[j] = vaddq_f32(acc[j], vld1q_f32(res + ch + 4 * j));
      vst1q_f32(out + ch + 4 * j, activate4(acc[j], p));
    }
  }
  for (; ch + 4 <= c; ch += 4) {
    float32x4_t acc = vld1q_f32(packed + ch);
    for (int t = 0; t < taps; ++t)
      acc = vfmaq_f32(acc, vld1q_f32(a[t] + xo + ch), vld1q_f32(packed + (1 + t) * c_pad + ch));
    if (res) acc = vaddq_f32(acc, vld1q_f32(res + ch));
    vst1q_f32(out + ch, activate4(acc, p));
  }
  for (; ch < c; ++ch) {
    float acc = packed[ch];
    for (int t = 0; t < taps; ++t) acc += a[t][xo + ch] * packed[(1 + t) * c_pad + ch];
    if (res) acc += res[ch];
    out[ch] = apply_activation(acc, p.activation, p.leaky_alpha);
  }
}

// One tap of a 16-channel qs8 block: acc[0..3] += x * w, widened through int16 (exact).
inline void qs8_mac16(int8x16_t x, int8x16_t wv, int32x4_t acc[4]) {
  const int16x8_t lo = vmull_s8(vget_low_s8(x), vget_low_s8(wv));
  const int16x8_t hi = vmull_s8(vget_high_s8(x), vget_high_s8(wv));
  acc[0] = vaddw_s16(acc[0], vget_low_s16(lo));
  acc[1] = vaddw_s16(acc[1], vget_high_s16(lo));
  acc[2] = vaddw_s16(acc[2], vget_low_s16(hi));
  acc[3] = vaddw_s16(acc[3], vget_high_s16(hi));
}

// Requantizes a 16-channel block (+ residual) and stores its 16 int8 outputs.
inline void qs8_store16(const int32x4_t acc[4], const float* scale, const int8_t* res, int8_t* out,
                        const Qs8ConvParams& p) {
  int16_t r16[16];
  if (res) {
    const int8x16_t r = vld1q_s8(res);
    vst1q_s16(r16, vmovl_s8(vget_low_s8(r)));
    vst1q_s16(r16 + 8, vmovl_s8(vget_high_s8(r)));
  }
  int32x4_t q[4];
  for (int j = 0; j < 4; ++j) q[j] = requant4(acc[j], scale + 4 * j, res ? r16 + 4 * j : nullptr, p);
  vst1q_s8(out, vcombine_s8(narrow8(q[0], q[1]), narrow8(q[2], q[3])));
}

inline void qs8_pixel(int c, int ch0, int c_pad, int taps, const int8_t* const* a, size_t xo,
                      const void* packed, int8_t* out, const int8_t* res,
                      const Qs8ConvParams& p) {
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  int16_t r16[16];
  int ch = ch0;
  for (; ch + 16 <= c; ch += 16) {
    int32x4_t acc[4];
    for (int j = 0; j < 4; ++j) acc[j] = vld1q_s32(bias + ch + 4 * j);
    for (int t = 0; t < taps; ++t) qs8_mac16(vld1q_s8(a[t] + xo + ch), vld1q_s8(w + t * c_pad + ch), acc);
    qs8_store16(acc, scale + ch, res ? res + ch : nullptr, out + ch, p);
  }
  for (; ch + 8 <= c; ch += 8) {
    int32x4_t acc0 = vld1q_s32(bias + ch), acc1 = vld1q_s32(bias + ch + 4);
    for (int t = 0; t < taps; ++t) {
      const int16x8_t prod = vmull_s8(vld1_s8(a[t] + xo + ch), vld1_s8(w + t * c_pad + ch));
      acc0 = vaddw_s16(acc0, vget_low_s16(prod));
      acc1 = vaddw_s16(acc1, vget_high_s16(prod));
    }
    if (res) vst1q_s16(r16, vmovl_s8(vld1_s8(res + ch)));
    vst1_s8(out + ch, narrow8(requant4(acc0, scale + ch, res ? r16 : nullptr, p),
                              requant4(acc1, scale + ch + 4, res ? r16 + 4 : nullptr, p)));
  }
  for (; ch < c; ++ch) {
    int32_t acc = bias[ch];
    for (int t = 0; t < taps; ++t) acc += a[t][xo + ch] * w[t * c_pad + ch];
    out[ch] = qs8_conv_output(acc, scale[ch], res ? res + ch : nullptr, p);
  }
}

// Row entry, f32: blocks of 4 channels (the pixel code's 16- and 4-wide steps do the same
// per lane), then the pixel code's scalar loop for the last c % 4 channels.
template <int kTaps>
void f32_row(int n, size_t xs, int c, int c_pad, int taps_rt, const float* const* a,
             const float* packed, float* out, const float* res, const F32ConvParams& p) {
  const int taps = kTaps ? kTaps : taps_rt;
  int ch = 0;
  for (; ch + 4 <= c; ch += 4) {
    const float32x4_t bias = vld1q_f32(packed + ch);
    float32x4_t w[kTaps ? kTaps : 1];
    if constexpr (kTaps > 0)
      for (int t = 0; t < kTaps; ++t) w[t] = vld1q_f32(packed + (1 + t) * c_pad + ch);
    for (int i = 0; i < n; ++i) {
      const size_t xo = i * xs + ch, oo = static_cast<size_t>(i) * c + ch;
      float32x4_t acc = bias;
      for (int t = 0; t < taps; ++t) {
        float32x4_t wv;
        if constexpr (kTaps > 0) wv = w[t];
        else wv = vld1q_f32(packed + (1 + t) * c_pad + ch);
        acc = vfmaq_f32(acc, vld1q_f32(a[t] + xo), wv);
      }
      if (res) acc = vaddq_f32(acc, vld1q_f32(res + oo));
      vst1q_f32(out + oo, activate4(acc, p));
    }
  }
  if (ch < c)
    for (int i = 0; i < n; ++i) {
      const size_t oo = static_cast<size_t>(i) * c;
      f32_pixel(c, ch, c_pad, taps, a, i * xs, packed, out + oo, res ? res + oo : nullptr, p);
    }
}

// Row entry, qs8: blocks of 16 channels with the weights kept, then the pixel code for the
// last c % 16 channels.
template <int kTaps>
void qs8_row(int n, size_t step, int c, int c_pad, int taps_rt, const int8_t* const* a,
             const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p) {
  const int taps = kTaps ? kTaps : taps_rt;
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  int ch = 0;
  for (; ch + 16 <= c; ch += 16) {
    int8x16_t wk[kTaps ? kTaps : 1];
    if constexpr (kTaps > 0)
      for (int t = 0; t < kTaps; ++t) wk[t] = vld1q_s8(w + t * c_pad + ch);
    for (int i = 0; i < n; ++i) {
      const size_t xo = i * step + ch, oo = static_cast<size_t>(i) * c + ch;
      int32x4_t acc[4];
      for (int j = 0; j < 4; ++j) acc[j] = vld1q_s32(bias + ch + 4 * j);
      for (int t = 0; t < taps; ++t) {
        int8x16_t wv;
        if constexpr (kTaps > 0) wv = wk[t];
        else wv = vld1q_s8(w + t * c_pad + ch);
        qs8_mac16(vld1q_s8(a[t] + xo), wv, acc);
      }
      qs8_store16(acc, scale + ch, res ? res + oo : nullptr, out + oo, p);
    }
  }
  if (ch < c)
    for (int i = 0; i < n; ++i) {
      const size_t oo = static_cast<size_t>(i) * c;
      qs8_pixel(c, ch, c_pad, taps, a, i * step, packed, out + oo, res ? res + oo : nullptr, p);
    }
}

}  // namespace

void f32_dwconv_c16__neon(int c, int c_pad, int taps, const float* const* a,
                          const float* packed, float* out, const float* res,
                          const F32ConvParams& p) {
  f32_pixel(c, 0, c_pad, taps, a, 0, packed, out, res, p);
}

void qs8_dwconv_c16__neon(int c, int c_pad, int taps, const int8_t* const* a,
                          const void* packed, int8_t* out, const int8_t* res,
                          const Qs8ConvParams& p) {
  qs8_pixel(c, 0, c_pad, taps, a, 0, packed, out, res, p);
}

void f32_dwconv_row_c16__neon(int n, size_t step, int c, int c_pad, int taps,
                              const float* const* a, const float* packed, float* out,
                              const float* res, const F32ConvParams& p) {
  const size_t xs = step / sizeof(float);
  if (taps == 9 && f32_dwconv_row_3x3s1__neon(n, step, c, c_pad, a, packed, out, res, p)) return;
  if (taps == 9) f32_row<9>(n, xs, c, c_pad, taps, a, packed, out, res, p);
  else f32_row<0>(n, xs, c, c_pad, taps, a, packed, out, res, p);
}

void qs8_dwconv_row_c16__neon(int n, size_t step, int c, int c_pad, int taps,
                              const int8_t* const* a, const void* packed, int8_t* out,
                              const int8_t* res, const Qs8ConvParams& p) {
  if (taps == 9) qs8_row<9>(n, step, c, c_pad, taps, a, packed, out, res, p);
  else qs8_row<0>(n, step, c, c_pad, taps, a, packed, out, res, p);
}

}  // namespace fg
