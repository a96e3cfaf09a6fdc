// NEON dot-product qs8 dense conv (aarch64 sdot): 8 pixels x 8 channels, 16 int32x4
// accumulators; one c4 group = 2 x 16 weight bytes (4 channels x 4 k each). Activations are
// loaded 16 bytes (4 groups) per row at a time and fed to sdot by lane: a `dup` broadcast
// per row and group competes with the sdots for the same vector pipes, a lane operand is
// free. Per 16 k: 8 row loads + 8 weight loads for 64 sdot (1024 MACs).
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
    // 16-byte row loads only while they stay inside the pixel's packed k (kc4): the
    // contract allows 3 bytes past a pixel, not 15.
    for (; k + 16 <= kc4; k += 16, wp += 16 * kNr) {
      int8x16_t x[kMr];
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) x[m] = vld1q_s8(rows[m] + k);
      dot_group<0>(acc, x, wp);
      dot_group<1>(acc, x, wp + 32);
      dot_group<2>(acc, x, wp + 64);
      dot_group<3>(acc, x, wp + 96);
    }
    for (; k < kc4; k += 4, wp += 4 * kNr) {  // the last 1-3 groups: 4 bytes per row
      int8x16_t x[kMr];
#pragma GCC unroll 8
      for (int m = 0; m < kMr; ++m) {
        int32_t x4;
        std::memcpy(&x4, rows[m] + k, 4);
        x[m] = vreinterpretq_s8_s32(vdupq_n_s32(x4));  // ld1r; lane 0 is used
      }
      dot_group<0>(acc, x, wp);
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  for (int m = 0; m < mr; ++m)
    qs8_neon_store8(acc[m][0], acc[m][1], scale, res ? res + m * c_stride : nullptr,
                    c + m * c_stride, nc, p);
}

}  // namespace fg
