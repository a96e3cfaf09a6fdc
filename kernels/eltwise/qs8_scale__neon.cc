// qs8 per-channel rescale, NEON (contract and the 16-bit split in qs8_scale.h): 16 values per
// step; (d*lo + 2^15) >> 16 is one rounding narrow (vrshrn #16) of the widening product, then
// one 16-bit multiply-add of d*hi, a saturating add of zy and a saturating narrow (the clamp).
// ARMv7 intrinsics only, so the armhf build runs the same code.
#include <arm_neon.h>

#include "kernels/eltwise/qs8_scale.h"

namespace fg {
namespace {

inline int8x8_t scale8(int16x8_t d, int16x8_t hi, int16x8_t lo, int16x8_t zy) {
  const int16x4_t r0 = vrshrn_n_s32(vmull_s16(vget_low_s16(d), vget_low_s16(lo)), 16);
  const int16x4_t r1 = vrshrn_n_s32(vmull_s16(vget_high_s16(d), vget_high_s16(lo)), 16);
  const int16x8_t r = vmlaq_s16(vcombine_s16(r0, r1), d, hi);
  return vqmovn_s16(vqaddq_s16(r, zy));
}

}  // namespace

void qs8_scale_c16__neon(size_t n, const int8_t* x, const Qs8ScaleParams& p, int8_t* y) {
  const int8x8_t zx = vdup_n_s8(static_cast<int8_t>(p.zx));
  const int16x8_t zy = vdupq_n_s16(static_cast<int16_t>(p.zy));
  const int16x8_t zero = vdupq_n_s16(0);
  size_t i = 0;
  if (p.pos_hi == p.neg_hi && p.pos_lo == p.neg_lo) {  // channel multiply: no select
    for (; i + 16 <= n; i += 16) {
      const int8x16_t xb = vld1q_s8(x + i);
      const int16x8_t d0 = vsubl_s8(vget_low_s8(xb), zx), d1 = vsubl_s8(vget_high_s8(xb), zx);
      const int8x8_t y0 = scale8(d0, vld1q_s16(p.pos_hi + i), vld1q_s16(p.pos_lo + i), zy);
      const int8x8_t y1 = scale8(d1, vld1q_s16(p.pos_hi + i + 8), vld1q_s16(p.pos_lo + i + 8), zy);
      vst1q_s8(y + i, vcombine_s8(y0, y1));
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      const int8x16_t xb = vld1q_s8(x + i);
      const int16x8_t d0 = vsubl_s8(vget_low_s8(xb), zx), d1 = vsubl_s8(vget_high_s8(xb), zx);
      const uint16x8_t g0 = vcgtq_s16(d0, zero), g1 = vcgtq_s16(d1, zero);
      const int16x8_t h0 = vbslq_s16(g0, vld1q_s16(p.pos_hi + i), vld1q_s16(p.neg_hi + i));
      const int16x8_t l0 = vbslq_s16(g0, vld1q_s16(p.pos_lo + i), vld1q_s16(p.neg_lo + i));
      const int16x8_t h1 = vbslq_s16(g1, vld1q_s16(p.pos_hi + i + 8), vld1q_s16(p.neg_hi + i + 8));
      const int16x8_t l1 = vbslq_s16(g1, vld1q_s16(p.pos_lo + i + 8), vld1q_s16(p.neg_lo + i + 8));
      vst1q_s8(y + i, vcombine_s8(scale8(d0, h0, l0, zy), scale8(d1, h1, l1, zy)));
    }
  }
  if (i < n) {
    const Qs8ScaleParams t{p.pos_hi + i, p.pos_lo + i, p.neg_hi + i, p.neg_lo + i, p.zx, p.zy};
    qs8_scale__scalar(n - i, x + i, t, y + i);
  }
}

}  // namespace fg
