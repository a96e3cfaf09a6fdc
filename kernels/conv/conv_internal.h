// Helpers shared by the conv family's driver, packer and micro-kernels (not public API).
#pragma once
#include <cstddef>

#include "kernels/reference/f32_ops.h"

namespace fg {

constexpr int kMaxConvTaps = 121;  // up to 11x11 kernels
constexpr int kMaxConvMr = 16;     // largest micro-kernel tile height

inline int round_up4(int v) { return (v + 3) & ~3; }

// One block of NR output channels in the packed buffer.
inline size_t f32_conv_block_floats(const Conv2dShape& s, int nr) {
  return static_cast<size_t>(nr) * (1 + static_cast<size_t>(s.kernel_h) * s.kernel_w * s.in_c);
}
inline size_t qs8_conv_block_bytes(const Conv2dShape& s, int nr) {
  return static_cast<size_t>(nr) *
         (12 + static_cast<size_t>(s.kernel_h) * s.kernel_w * round_up4(s.in_c));
}

}  // namespace fg

#include <cstdint>
#include "kernels/reference/qs8_ops.h"

namespace fg {

// Offsets inside one qs8 channel block (conv.h): bias_s[nr], bias_u[nr], scale[nr], w.
inline const int32_t* qs8_block_bias_signed(const void* w, int) {
  return static_cast<const int32_t*>(w);
}
inline const int32_t* qs8_block_bias_unsigned(const void* w, int nr) {
  return static_cast<const int32_t*>(w) + nr;
}
inline const float* qs8_block_scale(const void* w, int nr) {
  return reinterpret_cast<const float*>(static_cast<const int32_t*>(w) + 2 * nr);
}
inline const int8_t* qs8_block_weights(const void* w, int nr) {
  return static_cast<const int8_t*>(w) + 12 * nr;
}

// The scalar epilogue of one output (the rule of qs8_ops.h), used by the scalar kernels
// and by SIMD kernels for their leftovers.
inline int8_t qs8_conv_output(int32_t acc, float scale, const int8_t* res,
                              const Qs8ConvParams& p) {
  float v = static_cast<float>(acc) * scale;
  if (res) v = v + static_cast<float>(*res - p.residual_zero_point) * p.residual_scale;
  return qs8_round_clamp(v, p.output_zero_point, p.output_min, p.output_max);
}

}  // namespace fg
