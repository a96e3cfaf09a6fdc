// Helpers of the conv family only: its driver, packer and micro-kernels (not public API).
// What other families share lives in kernels/common/.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/op_shapes.h"
#include "kernels/common/qs8_rounding.h"

namespace fg {

constexpr int kMaxConvMr = 16;     // largest micro-kernel tile height

inline int round_up4(int v) { return (v + 3) & ~3; }
inline int round_up8(int v) { return (v + 7) & ~7; }

// Packed k per tap of a qs8 layout with k-group kr (conv.h): c4 rounds in_c up to 4, c16 up
// to 8 (groups of 16, the last one 8 wide when in_c % 16 is in (0, 8]).
inline int qs8_conv_packed_kc(int in_c, int kr) { return kr == 16 ? round_up8(in_c) : round_up4(in_c); }

// The shape the packer and driver actually work with. When a layer has few input channels
// and needs no horizontal padding (the stems: 7x7 s2 VALID on RGB, 3x3 VALID on RGB), the
// kernel_w taps of one kernel row are kernel_w*in_c contiguous input values, so the row is
// one tap of kernel_w*in_c channels: 7 taps of K=21 instead of 49 taps of K=3 (for qs8,
// K=24 instead of 49 x 4 after rounding up to c4). HWIO weights are the same bytes either
// way. Row pointers still step by the real pixel size (in_c of the original shape).
inline Conv2dShape conv_packing_shape(const Conv2dShape& s) {
  const bool no_x_padding =
      s.pad_left == 0 && (s.out_w - 1) * s.stride_w + s.kernel_w <= s.in_w;
  if (s.kernel_w == 1 || s.in_c >= 16 || !no_x_padding) return s;
  Conv2dShape e = s;
  e.in_c = s.kernel_w * s.in_c;
  e.kernel_w = 1;
  return e;
}

// One block of NR output channels in the packed buffer.
inline size_t f32_conv_block_floats(const Conv2dShape& s, int nr) {
  return static_cast<size_t>(nr) * (1 + static_cast<size_t>(s.kernel_h) * s.kernel_w * s.in_c);
}
inline size_t qs8_conv_block_bytes(const Conv2dShape& s, int nr, int kr = 4) {
  return static_cast<size_t>(nr) *
         (12 + static_cast<size_t>(s.kernel_h) * s.kernel_w * qs8_conv_packed_kc(s.in_c, kr));
}

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

}  // namespace fg
