// Portable micro-kernels of the dense conv family (also the fallback on every CPU).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <cstring>

#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {

FG_DECLARE_F32_CONV_UKERNEL(f32_conv_4x8__scalar) {
  constexpr int kMr = 4, kNr = 8;
  float acc[kMr][kNr];
  for (int m = 0; m < kMr; ++m)
    for (int j = 0; j < kNr; ++j) acc[m][j] = w[j];
  const float* wp = w + kNr;
  for (int t = 0; t < taps; ++t) {
    const float* const* rows = a + t * kMr;
    for (int k = 0; k < kc; ++k, wp += kNr) {
      for (int m = 0; m < kMr; ++m) {
        const float x = rows[m][k];
        for (int j = 0; j < kNr; ++j) acc[m][j] += x * wp[j];
      }
    }
  }
  for (int m = 0; m < mr; ++m) {
    for (int j = 0; j < nc; ++j) {
      float v = acc[m][j];
      if (res) v += res[m * c_stride + j];
      c[m * c_stride + j] = apply_activation(v, p.activation, p.leaky_alpha);
    }
  }
}

FG_DECLARE_QS8_CONV_UKERNEL(qs8_conv_4x8c4__scalar) {
  constexpr int kMr = 4, kNr = 8;
  int32_t acc[kMr][kNr];
  const int32_t* bias = qs8_block_bias_signed(w, kNr);
  for (int m = 0; m < kMr; ++m)
    for (int j = 0; j < kNr; ++j) acc[m][j] = bias[j];
  const int8_t* wp = qs8_block_weights(w, kNr);
  for (int t = 0; t < taps; ++t) {
    const int8_t* const* rows = a + t * kMr;
    for (int k = 0; k < kc; k += 4, wp += 4 * kNr) {
      const int kn = kc - k < 4 ? kc - k : 4;  // exact: never reads past the pixel
      for (int m = 0; m < kMr; ++m) {
        for (int i = 0; i < kn; ++i) {
          const int32_t x = rows[m][k + i];
          for (int j = 0; j < kNr; ++j) acc[m][j] += x * wp[j * 4 + i];
        }
      }
    }
  }
  const float* scale = qs8_block_scale(w, kNr);
  for (int m = 0; m < mr; ++m)
    for (int j = 0; j < nc; ++j)
      c[m * c_stride + j] =
          qs8_conv_output(acc[m][j], scale[j], res ? res + m * c_stride + j : nullptr, p);
}

}  // namespace fg
