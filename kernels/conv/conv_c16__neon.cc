// qs8 dense conv for aarch64 cores without dot product (Cortex-A72, the Pi 4): 2 pixels x 8
// channels, k in groups of 16 (packing kr = 16, conv.h). Per pixel and channel one int32x4
// accumulates: smull of the low 8 bytes (activations x weights, both int8) + smlal2 of the
// high 8 into int16x8, then sadalp adds the pairs into int32. 3 instructions per 16 MACs
// where widening to int16 first (qs8_conv_4x8c4__neon) needs 1 per 4. The int16 pair sum
// cannot overflow because weights are in [-127, 127] (|x*w| <= 16256, two <= 32512): the
// quantizer guarantees it and qs8_conv_pack refuses -128 for this layout.
// Channel sums are reduced with addp once per tile. Integer sums are exact, so the result is
// bit-identical to qs8_conv_2x8c16__scalar and the reference (same epilogue).
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

#if defined(__aarch64__)
namespace fg {
namespace {

// acc += pairwise(lo(w)*lo(x) + hi(w)*hi(x)): 16 k of one pixel and one channel.
inline int32x4_t mac16(int32x4_t acc, int8x16_t w, int8x16_t x) {
  const int16x8_t p = vmlal_high_s8(vmull_s8(vget_low_s8(w), vget_low_s8(x)), w, x);
  return vpadalq_s16(acc, p);
}

// 8 channel sums of one pixel: lane j of s0/s1 = all lanes of acc[j] / acc[4 + j].
inline void reduce8(const int32x4_t (&acc)[8], int32x4_t* s0, int32x4_t* s1) {
  *s0 = vpaddq_s32(vpaddq_s32(acc[0], acc[1]), vpaddq_s32(acc[2], acc[3]));
  *s1 = vpaddq_s32(vpaddq_s32(acc[4], acc[5]), vpaddq_s32(acc[6], acc[7]));
}

}  // namespace

// Built with -fno-schedule-insns (kernels/CMakeLists.txt): GCC's pre-allocation scheduler
// hoists all 8 weight loads and 16 products of a k group ahead of the sadalps, and 16
// accumulators + 8 weights + 16 int16 products + 2 rows do not fit 32 registers: it spilled
// 4 accumulators per group (8 ldr/str q per 256 MACs). Out-of-order cores overlap the
// chains by renaming anyway. (An optimize attribute instead stops the intrinsics inlining.)
FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_2x8c16__neon) {
  constexpr int kMr = 2, kNr = 8;
  int32x4_t acc0[kNr], acc1[kNr];
#pragma GCC unroll 8
  for (int j = 0; j < kNr; ++j) acc0[j] = acc1[j] = vdupq_n_s32(0);
  const int8_t* wp = qs8_block_weights(w, kNr);
  const int kcp = qs8_conv_packed_kc(kc, 16);
  for (int t = 0; t < taps; ++t) {
    const int8_t* r0 = a[t * kMr];
    const int8_t* r1 = a[t * kMr + 1];
    int k = 0;
    for (; k + 16 <= kcp; k += 16, wp += 16 * kNr) {
      const int8x16_t x0 = vld1q_s8(r0 + k), x1 = vld1q_s8(r1 + k);
#pragma GCC unroll 8
      for (int j = 0; j < kNr; ++j) {
        const int8x16_t wj = vld1q_s8(wp + 16 * j);
        acc0[j] = mac16(acc0[j], wj, x0);
        acc1[j] = mac16(acc1[j], wj, x1);
      }
    }
    if (k < kcp) {  // the last 8 k (in_c % 16 in (0, 8]): w[8][8], two channels per load
      const int8x8_t x0 = vld1_s8(r0 + k), x1 = vld1_s8(r1 + k);
      const int8x16_t x0q = vcombine_s8(x0, x0), x1q = vcombine_s8(x1, x1);
#pragma GCC unroll 4
      for (int j = 0; j < kNr; j += 2) {
        const int8x16_t wj = vld1q_s8(wp + 8 * j);
        acc0[j] = vpadalq_s16(acc0[j], vmull_s8(vget_low_s8(wj), x0));
        acc0[j + 1] = vpadalq_s16(acc0[j + 1], vmull_high_s8(wj, x0q));
        acc1[j] = vpadalq_s16(acc1[j], vmull_s8(vget_low_s8(wj), x1));
        acc1[j + 1] = vpadalq_s16(acc1[j + 1], vmull_high_s8(wj, x1q));
      }
      wp += 8 * kNr;
    }
  }
  const int32_t* bias = qs8_block_bias_signed(w, kNr);
  const int32x4_t b0 = vld1q_s32(bias), b1 = vld1q_s32(bias + 4);
  const float* scale = qs8_block_scale(w, kNr);
  int32x4_t s0, s1;
  reduce8(acc0, &s0, &s1);
  s0 = vaddq_s32(s0, b0), s1 = vaddq_s32(s1, b1);
  Qs8NeonOut o;
  if (nc == kNr && qs8_neon_out_init(scale, p, res != nullptr, &o)) {  // both rows in one narrowing
    int32x4_t t0, t1;
    reduce8(acc1, &t0, &t1);
    t0 = vaddq_s32(t0, b0), t1 = vaddq_s32(t1, b1);
    int8x16_t q;
    if (res) q = qs8_neon_out_2x8_res(s0, s1, t0, t1, vld1_s8(res), mr > 1 ? vld1_s8(res + c_stride) : vdup_n_s8(0), o);
    else q = qs8_neon_out_2x8(s0, s1, t0, t1, o);
    vst1_s8(c, vget_low_s8(q));
    if (mr > 1) vst1_s8(c + c_stride, vget_high_s8(q));
    return;
  }
  qs8_neon_store8(s0, s1, scale, res, c, nc, p);
  if (mr > 1) {
    reduce8(acc1, &s0, &s1);
    qs8_neon_store8(vaddq_s32(s0, b0), vaddq_s32(s1, b1), scale, res ? res + c_stride : nullptr,
                    c + c_stride, nc, p);
  }
}

}  // namespace fg
#endif  // __aarch64__
