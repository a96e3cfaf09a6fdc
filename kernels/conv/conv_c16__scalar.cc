// Scalar twin of the c16 (8-bit multiply pair) qs8 dense conv: same packing (conv.h, kr = 16)
// and tile (2 pixels x 8 channels) as qs8_conv_2x8c16__neon, so the layout is tested on
// every ISA. The int32 sum is exact in any order, so it is bit-identical to the NEON kernel.
#include "kernels/common/strict_fp.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_2x8c16__scalar) {
  constexpr int kMr = 2, kNr = 8;
  int32_t acc[kMr][kNr];
  const int32_t* bias = qs8_block_bias_signed(w, kNr);
  for (int m = 0; m < kMr; ++m)
    for (int j = 0; j < kNr; ++j) acc[m][j] = bias[j];
  const int8_t* wp = qs8_block_weights(w, kNr);
  const int kcp = qs8_conv_packed_kc(kc, 16);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    for (int k = 0; k < kcp; k += 16) {
      const int g = kcp - k < 16 ? kcp - k : 16;  // the last group may be 8 wide
      const int kn = kc - k < g ? kc - k : g;     // exact: never reads past the pixel
      for (int m = 0; m < kMr; ++m)
        for (int j = 0; j < kNr; ++j)
          for (int i = 0; i < kn; ++i) acc[m][j] += int32_t{rows[m][k + i]} * wp[j * g + i];
      wp += kNr * g;
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  for (int m = 0; m < mr; ++m)
    for (int j = 0; j < nc; ++j)
      c[m * c_stride + j] =
          qs8_conv_output(acc[m][j], scale[j], res ? res + m * c_stride + j : nullptr, p);
}

}  // namespace fg
