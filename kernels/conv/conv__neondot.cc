// NEON dot-product qs8 dense conv (aarch64 sdot): 8 pixels x 8 channels, 16 int32x4
// accumulators; one c4 group = 2 x 16 weight bytes (4 channels x 4 k each). Activations are
// loaded 16 bytes (4 groups) per row at a time and fed to sdot by lane: a `dup` broadcast
// per row and group competes with the sdots for the same vector pipes, a lane operand is
// free. Per 16 k: 8 row loads + 8 weight loads for 64 sdot (1024 MACs). The last 1-3 groups
// of a tap (small K: the stem's 3 taps of 9 bytes, K = 12 after c4) also load 16 bytes per
// row and use the first lanes: up to 15 bytes past a pixel's k, inside the 16 the contract
// allows (conv.h; the padding row has the same slack). The epilogue is qs8_neon_out_2x8
// (constants once per tile, 2 rows per narrowing; _res with the fused residual).
// Signed x signed, so the packed bias_s applies.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include <cstring>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

constexpr int kMr = 8, kNr = 8;

// One c4 group (w0: channels 0-3, w1: 4-7) against group L of each row's 16 bytes.
template <int L>
inline void dot_group(int32x4_t (&acc)[kMr][2], const int8x16_t (&x)[kMr], const int8_t* wp) {
  const int8x16_t w0 = vld1q_s8(wp), w1 = vld1q_s8(wp + 16);
#pragma GCC unroll 8
  for (int m = 0; m < kMr; ++m) {
    acc[m][0] = vdotq_laneq_s32(acc[m][0], w0, x[m], L);
    acc[m][1] = vdotq_laneq_s32(acc[m][1], w1, x[m], L);
  }
}

}  // namespace

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_8x8c4__neondot) {
  const int32_t* bias = qs8_block_bias_signed(w, kNr);
  int32x4_t acc[kMr][2];
  for (int m = 0; m < kMr; ++m) acc[m][0] = vld1q_s32(bias), acc[m][1] = vld1q_s32(bias + 4);
  const int8_t* wp = qs8_block_weights(w, kNr);
  const int kc4 = round_up4(kc);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    int k = 0;
    for (; k + 16 <= kc4; k += 16, wp += 16 * kNr) {
      int8x16_t x[kMr];
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) x[m] = vld1q_s8(rows[m] + k);
      dot_group<0>(acc, x, wp);
      dot_group<1>(acc, x, wp + 32);
      dot_group<2>(acc, x, wp + 64);
      dot_group<3>(acc, x, wp + 96);
    }
    if (k < kc4) {  // 1-3 groups left
      int8x16_t x[kMr];
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) x[m] = vld1q_s8(rows[m] + k);
      const int g = (kc4 - k) / 4;
      dot_group<0>(acc, x, wp);
      if (g > 1) dot_group<1>(acc, x, wp + 32);
      if (g > 2) dot_group<2>(acc, x, wp + 64);
      wp += 32 * g;
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  Qs8NeonOut o;
  if (nc != kNr || !qs8_neon_out_init(scale, p, res != nullptr, &o)) {
    for (int m = 0; m < mr; ++m)
      qs8_neon_store8(acc[m][0], acc[m][1], scale, res ? res + m * c_stride : nullptr,
                      c + m * c_stride, nc, p);
    return;
  }
  if (res) {  // separate loops: one with a select per row spills accumulators
    for (int m = 0; m < mr; m += 2) {
      // Row m + 1 past mr is computed but not stored; its residual row is not read either.
      const int8x8_t rb = m + 1 < mr ? vld1_s8(res + (m + 1) * c_stride) : vdup_n_s8(0);
      const int8x16_t q = qs8_neon_out_2x8_res(acc[m][0], acc[m][1], acc[m + 1][0], acc[m + 1][1],
                                               vld1_s8(res + m * c_stride), rb, o);
      vst1_s8(c + m * c_stride, vget_low_s8(q));
      if (m + 1 < mr) vst1_s8(c + (m + 1) * c_stride, vget_high_s8(q));
    }
    return;
  }
  for (int m = 0; m < mr; m += 2) {
    const int8x16_t q = qs8_neon_out_2x8(acc[m][0], acc[m][1], acc[m + 1][0], acc[m + 1][1], o);
    vst1_s8(c + m * c_stride, vget_low_s8(q));
    if (m + 1 < mr) vst1_s8(c + (m + 1) * c_stride, vget_high_s8(q));
  }
}

}  // namespace fg
