// The qs8 requantisation epilogue for NEON kernels of every family (conv, dwconv, pool,
// eltwise; included by *__neon*.cc files only).
// Rounding: aarch64 fcvtns (round half to even); armv7 has no such instruction, so it adds
// 1.5 * 2^23, which makes the FPU round half-to-even to an integer (exact for |v| < 2^22,
// guaranteed by the clamp to [-255, 255]).
#pragma once
#include <arm_neon.h>

#include <cstring>

#include "kernels/common/qs8_rounding.h"

namespace fg {

inline int32x4_t qs8_neon_round(float32x4_t v) {
#if defined(__aarch64__)
  return vcvtnq_s32_f32(v);
#else
  const float32x4_t magic = vdupq_n_f32(12582912.f);
  return vsubq_s32(vreinterpretq_s32_f32(vaddq_f32(v, magic)), vreinterpretq_s32_f32(magic));
#endif
}

inline float32x4_t qs8_neon_requant4(int32x4_t acc, const float* scale, const int8_t* res,
                                     const Qs8ConvParams& p) {
  float32x4_t v = vmulq_f32(vcvtq_f32_s32(acc), vld1q_f32(scale));
  if (res) {
    int32_t rv[4];
    for (int i = 0; i < 4; ++i) rv[i] = res[i] - p.residual_zero_point;
    v = vaddq_f32(v, vmulq_f32(vcvtq_f32_s32(vld1q_s32(rv)), vdupq_n_f32(p.residual_scale)));
  }
  v = vmaxq_f32(v, vdupq_n_f32(static_cast<float>(p.output_min - p.output_zero_point)));
  v = vminq_f32(v, vdupq_n_f32(static_cast<float>(p.output_max - p.output_zero_point)));
  return v;
}

// Requantises 8 channels (two int32x4) of one pixel and stores nc <= 8 of them.
inline void qs8_neon_store8(int32x4_t lo, int32x4_t hi, const float* scale, const int8_t* res,
                            int8_t* c, int nc, const Qs8ConvParams& p) {
  int8_t rb[8] = {0};
  if (res) std::memcpy(rb, res, nc);
  const int32x4_t zy = vdupq_n_s32(p.output_zero_point);
  const int32x4_t q0 = vaddq_s32(qs8_neon_round(qs8_neon_requant4(lo, scale, res ? rb : nullptr, p)), zy);
  const int32x4_t q1 = vaddq_s32(qs8_neon_round(qs8_neon_requant4(hi, scale + 4, res ? rb + 4 : nullptr, p)), zy);
  const int16x8_t q16 = vcombine_s16(vmovn_s32(q0), vmovn_s32(q1));
  const int8x8_t q8 = vmovn_s16(q16);  // values already in [-128, 127]
  if (nc == 8) {
    vst1_s8(c, q8);
  } else {
    int8_t out[8];
    vst1_s8(out, q8);
    std::memcpy(c, out, nc);
  }
}

#if defined(__aarch64__)
// The same rule with the float clamp moved after the rounding:
// round half-even is monotone and fixes integers, so clamp(round(v)) == round(clamp(v)) for
// integer bounds; fcvtns saturates to int32, sqxtn to int16, the zero point is added with
// saturation (|zy| <= 128) and the result narrowed with saturation before the int8 clamp,
// each step monotone and exact inside [output_min, output_max]. Bit-identical to
// qs8_neon_store8 and the reference, about a third of its instructions; the constants are
// built once per tile (Qs8NeonOut).
struct Qs8NeonOut {
  float32x4_t s0, s1;  // scale of channels 0-3, 4-7
  int16x8_t zy;
  int8x16_t lo, hi;
  int16x8_t zr;        // residual zero point and scale (used by the *_res forms only)
  float32x4_t rs;
};

// False when a zero point is outside int8 (then use qs8_neon_store8). The residual fields
// are set only with has_res.
inline bool qs8_neon_out_init(const float* scale, const Qs8ConvParams& p, bool has_res, Qs8NeonOut* o) {
  if (p.output_zero_point < -128 || p.output_zero_point > 127) return false;
  o->s0 = vld1q_f32(scale);
  o->s1 = vld1q_f32(scale + 4);
  o->zy = vdupq_n_s16(static_cast<int16_t>(p.output_zero_point));
  o->lo = vdupq_n_s8(p.output_min);
  o->hi = vdupq_n_s8(p.output_max);
  if (!has_res) return true;
  if (p.residual_zero_point < -128 || p.residual_zero_point > 127) return false;
  o->zr = vdupq_n_s16(static_cast<int16_t>(p.residual_zero_point));
  o->rs = vdupq_n_f32(p.residual_scale);
  return true;
}

inline int16x8_t qs8_neon_out_s16(int32x4_t a0, int32x4_t a1, const Qs8NeonOut& o) {
  const int32x4_t q0 = vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(a0), o.s0));
  const int32x4_t q1 = vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(a1), o.s1));
  return vqaddq_s16(vqmovn_high_s32(vqmovn_s32(q0), q1), o.zy);
}

// With a residual r (8 int8 of the same pixel): v = acc * scale + float(r - zr) * rs, the
// two float steps of qs8_neon_requant4 in its order.
inline int16x8_t qs8_neon_out_s16_res(int32x4_t a0, int32x4_t a1, int8x8_t r, const Qs8NeonOut& o) {
  const int16x8_t d = vsubq_s16(vmovl_s8(r), o.zr);  // |r - zr| <= 255
  const float32x4_t r0 = vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(d))), o.rs);
  const float32x4_t r1 = vmulq_f32(vcvtq_f32_s32(vmovl_high_s16(d)), o.rs);
  const int32x4_t q0 = vcvtnq_s32_f32(vaddq_f32(vmulq_f32(vcvtq_f32_s32(a0), o.s0), r0));
  const int32x4_t q1 = vcvtnq_s32_f32(vaddq_f32(vmulq_f32(vcvtq_f32_s32(a1), o.s1), r1));
  return vqaddq_s16(vqmovn_high_s32(vqmovn_s32(q0), q1), o.zy);
}

inline int8x16_t qs8_neon_out_2x8_res(int32x4_t a0, int32x4_t a1, int32x4_t b0, int32x4_t b1,
                                      int8x8_t ra, int8x8_t rb, const Qs8NeonOut& o) {
  const int8x16_t q = vqmovn_high_s16(vqmovn_s16(qs8_neon_out_s16_res(a0, a1, ra, o)),
                                      qs8_neon_out_s16_res(b0, b1, rb, o));
  return vminq_s8(vmaxq_s8(q, o.lo), o.hi);
}

// Two pixels x 8 channels (a: channels 0-7 of pixel 0, b: of pixel 1), all 8 stored.
inline int8x16_t qs8_neon_out_2x8(int32x4_t a0, int32x4_t a1, int32x4_t b0, int32x4_t b1,
                                  const Qs8NeonOut& o) {
  const int8x16_t q = vqmovn_high_s16(vqmovn_s16(qs8_neon_out_s16(a0, a1, o)), qs8_neon_out_s16(b0, b1, o));
  return vminq_s8(vmaxq_s8(q, o.lo), o.hi);
}
#endif  // __aarch64__

}  // namespace fg
