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

}  // namespace fg
