// NEON dot-product qs8 dense conv (aarch64 sdot): 8 pixels x 8 channels, 16 int32x4
// accumulators; one c4 group = 2 x 16 weight bytes (4 channels x 4 k each), the 4
// activation bytes broadcast. Signed x signed, so the packed bias_s applies.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include <cstring>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_8x8c4__neondot) {
  constexpr int kMr = 8, kNr = 8;
  const int32_t* bias = qs8_block_bias_signed(w, kNr);
  int32x4_t acc[kMr][2];
  for (int m = 0; m < kMr; ++m) acc[m][0] = vld1q_s32(bias), acc[m][1] = vld1q_s32(bias + 4);
  const int8_t* wp = qs8_block_weights(w, kNr);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    const int8_t* r[kMr];
    for (int m = 0; m < kMr; ++m) r[m] = rows[m];
    for (int k = 0; k < kc; k += 4, wp += 4 * kNr) {
      const int8x16_t w0 = vld1q_s8(wp), w1 = vld1q_s8(wp + 16);
      for (int m = 0; m < kMr; ++m) {
        int32_t x4;
        std::memcpy(&x4, r[m] + k, 4);
        const int8x16_t x = vreinterpretq_s8_s32(vdupq_n_s32(x4));
        acc[m][0] = vdotq_s32(acc[m][0], w0, x);
        acc[m][1] = vdotq_s32(acc[m][1], w1, x);
      }
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  for (int m = 0; m < mr; ++m)
    qs8_neon_store8(acc[m][0], acc[m][1], scale, res ? res + m * c_stride : nullptr,
                    c + m * c_stride, nc, p);
}

}  // namespace fg
