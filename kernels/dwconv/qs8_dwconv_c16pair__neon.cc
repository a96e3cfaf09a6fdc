// qs8 depthwise on aarch64 NEON with taps taken in pairs: smull + smlal of two taps into one
// int16x8 before widening into int32 (saddw), where qs8_dwconv_c16__neon widens every tap.
// The pair sum fits int16 only if no weight is -128 (|x*w| <= 128*127, two <= 32512): the
// quantizer guarantees [-127, 127] and qs8_dwconv_pick_for (dwconv.h) skips this variant
// for weights holding -128. 9 taps: 4 pairs + 1 = 18 multiplies + 20 widening adds per 16
// channels instead of 18 + 36. The epilogue clamps after rounding (qs8_requant_neon.h says
// why that is the reference rule) with its constants built once per call. Integer sums are
// exact, so results are bit-identical to qs8_dwconv_c16__scalar. Same packing, same split
// into row and pixel calls, no bytes read or written past channel c (dwconv.h).
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/dwconv/dwconv.h"

#if defined(__aarch64__)
namespace fg {
namespace {

struct DwOut {
  int16x8_t zy, zr;
  int8x16_t lo, hi;
  float32x4_t rs;
};

inline DwOut dw_out_of(const Qs8ConvParams& p) {
  DwOut o;
  o.zy = vdupq_n_s16(static_cast<int16_t>(p.output_zero_point));
  o.zr = vdupq_n_s16(static_cast<int16_t>(p.residual_zero_point));
  o.lo = vdupq_n_s8(p.output_min);
  o.hi = vdupq_n_s8(p.output_max);
  o.rs = vdupq_n_f32(p.residual_scale);
  return o;
}

// The int8 range the integer-saturating epilogue relies on (else: the pixel-by-pixel
// scalar rule; never the case for files our quantizer writes).
inline bool dw_out_ok(const Qs8ConvParams& p) {
  return p.output_zero_point >= -128 && p.output_zero_point <= 127 &&
         p.residual_zero_point >= -128 && p.residual_zero_point <= 127;
}

inline void mac_pair(int8x16_t x0, int8x16_t w0, int8x16_t x1, int8x16_t w1, int32x4_t (&acc)[4]) {
  const int16x8_t lo = vmlal_s8(vmull_s8(vget_low_s8(x0), vget_low_s8(w0)), vget_low_s8(x1), vget_low_s8(w1));
  const int16x8_t hi = vmlal_high_s8(vmull_high_s8(x0, w0), x1, w1);
  acc[0] = vaddw_s16(acc[0], vget_low_s16(lo));
  acc[1] = vaddw_high_s16(acc[1], lo);
  acc[2] = vaddw_s16(acc[2], vget_low_s16(hi));
  acc[3] = vaddw_high_s16(acc[3], hi);
}

inline void mac_one(int8x16_t x, int8x16_t w, int32x4_t (&acc)[4]) {
  const int16x8_t lo = vmull_s8(vget_low_s8(x), vget_low_s8(w));
  const int16x8_t hi = vmull_high_s8(x, w);
  acc[0] = vaddw_s16(acc[0], vget_low_s16(lo));
  acc[1] = vaddw_high_s16(acc[1], lo);
  acc[2] = vaddw_s16(acc[2], vget_low_s16(hi));
  acc[3] = vaddw_high_s16(acc[3], hi);
}

// 4 lanes: round(acc * scale [+ (r - zr) * rs]) in int32, the float steps in the reference order.
inline int32x4_t dw_round4(int32x4_t acc, float32x4_t scale, const int16x8_t* d, bool high, const DwOut& o) {
  float32x4_t v = vmulq_f32(vcvtq_f32_s32(acc), scale);
  if (d) {
    const int32x4_t r = high ? vmovl_high_s16(*d) : vmovl_s16(vget_low_s16(*d));
    v = vaddq_f32(v, vmulq_f32(vcvtq_f32_s32(r), o.rs));
  }
  return vcvtnq_s32_f32(v);
}

inline void dw_store16(const int32x4_t (&acc)[4], const float32x4_t (&sc)[4], const int8_t* res,
                       int8_t* out, const DwOut& o) {
  int16x8_t d[2];
  if (res) {
    const int8x16_t r = vld1q_s8(res);
    d[0] = vsubq_s16(vmovl_s8(vget_low_s8(r)), o.zr);  // |r - zr| <= 255
    d[1] = vsubq_s16(vmovl_high_s8(r), o.zr);
  }
  const int16x8_t h0 = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(dw_round4(acc[0], sc[0], res ? &d[0] : nullptr, false, o)),
                                                  dw_round4(acc[1], sc[1], res ? &d[0] : nullptr, true, o)), o.zy);
  const int16x8_t h1 = vqaddq_s16(vqmovn_high_s32(vqmovn_s32(dw_round4(acc[2], sc[2], res ? &d[1] : nullptr, false, o)),
                                                  dw_round4(acc[3], sc[3], res ? &d[1] : nullptr, true, o)), o.zy);
  vst1q_s8(out, vminq_s8(vmaxq_s8(vqmovn_high_s16(vqmovn_s16(h0), h1), o.lo), o.hi));
}

// 16 channels [ch, ch + 16) of one pixel, taps at a[t] + xo + ch, weights reloaded.
inline void pixel16(int ch, int c_pad, int taps, const int8_t* const* a, size_t xo, const int32_t* bias,
                    const float* scale, const int8_t* w, int8_t* out, const int8_t* res, const DwOut& o) {
  int32x4_t acc[4];
  float32x4_t sc[4];
  for (int j = 0; j < 4; ++j) acc[j] = vld1q_s32(bias + ch + 4 * j), sc[j] = vld1q_f32(scale + ch + 4 * j);
  int t = 0;
  for (; t + 2 <= taps; t += 2)
    mac_pair(vld1q_s8(a[t] + xo + ch), vld1q_s8(w + t * c_pad + ch), vld1q_s8(a[t + 1] + xo + ch),
             vld1q_s8(w + (t + 1) * c_pad + ch), acc);
  if (t < taps) mac_one(vld1q_s8(a[t] + xo + ch), vld1q_s8(w + t * c_pad + ch), acc);
  dw_store16(acc, sc, res ? res + ch : nullptr, out + ch, o);
}

// Channels [ch0, c) of one pixel: 16 at a time, the rest by the scalar rule.
void pixel(int c, int ch0, int c_pad, int taps, const int8_t* const* a, size_t xo, const void* packed,
           int8_t* out, const int8_t* res, const Qs8ConvParams& p, const DwOut& o) {
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  int ch = ch0;
  for (; ch + 16 <= c; ch += 16) pixel16(ch, c_pad, taps, a, xo, bias, scale, w, out, res, o);
  for (; ch < c; ++ch) {
    int32_t acc = bias[ch];
    for (int t = 0; t < taps; ++t) acc += a[t][xo + ch] * w[t * c_pad + ch];
    out[ch] = qs8_conv_output(acc, scale[ch], res ? res + ch : nullptr, p);
  }
}

// Row: per 16-channel block the 9 weights and 4 scales stay in registers along the run.
template <bool kRes>
void row9(int n, size_t step, int c, int c_pad, const int8_t* const* a, const void* packed, int8_t* out,
          const int8_t* res, const DwOut& o) {
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  for (int ch = 0; ch + 16 <= c; ch += 16) {
    int8x16_t wk[9];
    for (int t = 0; t < 9; ++t) wk[t] = vld1q_s8(w + t * c_pad + ch);
    float32x4_t sc[4];
    int32x4_t b[4];
    for (int j = 0; j < 4; ++j) sc[j] = vld1q_f32(scale + ch + 4 * j), b[j] = vld1q_s32(bias + ch + 4 * j);
    for (int i = 0; i < n; ++i) {
      const size_t xo = i * step + ch, oo = static_cast<size_t>(i) * c + ch;
      int32x4_t acc[4] = {b[0], b[1], b[2], b[3]};
      mac_pair(vld1q_s8(a[0] + xo), wk[0], vld1q_s8(a[1] + xo), wk[1], acc);
      mac_pair(vld1q_s8(a[2] + xo), wk[2], vld1q_s8(a[3] + xo), wk[3], acc);
      mac_pair(vld1q_s8(a[4] + xo), wk[4], vld1q_s8(a[5] + xo), wk[5], acc);
      mac_pair(vld1q_s8(a[6] + xo), wk[6], vld1q_s8(a[7] + xo), wk[7], acc);
      mac_one(vld1q_s8(a[8] + xo), wk[8], acc);
      dw_store16(acc, sc, kRes ? res + oo : nullptr, out + oo, o);
    }
  }
}

}  // namespace

void qs8_dwconv_c16pair__neon(int c, int c_pad, int taps, const int8_t* const* a, const void* packed,
                              int8_t* out, const int8_t* res, const Qs8ConvParams& p) {
  if (!dw_out_ok(p)) return qs8_dwconv_c16__scalar(c, c_pad, taps, a, packed, out, res, p);
  pixel(c, 0, c_pad, taps, a, 0, packed, out, res, p, dw_out_of(p));
}

void qs8_dwconv_row_c16pair__neon(int n, size_t step, int c, int c_pad, int taps, const int8_t* const* a,
                                  const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p) {
  if (!dw_out_ok(p)) return qs8_dwconv_row_c16__scalar(n, step, c, c_pad, taps, a, packed, out, res, p);
  const DwOut o = dw_out_of(p);
  int ch = 0;
  if (taps == 9) {
    if (res) row9<true>(n, step, c, c_pad, a, packed, out, res, o);
    else row9<false>(n, step, c, c_pad, a, packed, out, res, o);
    ch = c / 16 * 16;
  }
  if (ch < c)
    for (int i = 0; i < n; ++i) {
      const size_t oo = static_cast<size_t>(i) * c;
      pixel(c, ch, c_pad, taps, a, i * step, packed, out + oo, res ? res + oo : nullptr, p, o);
    }
}

}  // namespace fg
#endif  // __aarch64__
