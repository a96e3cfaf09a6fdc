// Op shapes and enums shared by every kernel family, the reference kernels and the graph
// engine (runtime/core/model.h). Layout conventions: NHWC with batch 1 ([h][w][c]), dense,
// no row padding; padding is explicit (pad_top/pad_left cells before the input, whatever
// the output size needs past the bottom/right edge). See kernels/reference/f32_ops.h for
// the semantics each shape is given by its reference kernel.
#pragma once

namespace fg {

// Largest kernel window any family accepts (11x11): sizes the row-pointer arrays on the stack.
constexpr int kMaxConvTaps = 121;

enum class Activation : int { kNone = 0, kRelu = 1, kLeakyRelu = 2 };

struct Conv2dShape {
  int in_h, in_w, in_c;
  int out_h, out_w, out_c;
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  int pad_top, pad_left;
  bool depthwise;  // out_c == in_c, one 2-D filter per channel
};

enum class PoolKind : int { kMax = 0, kAverage = 1 };
struct Pool2dShape {
  int in_h, in_w, channels;
  int out_h, out_w;
  int kernel_h, kernel_w, stride_h, stride_w;
  int pad_top, pad_left;
};

// out[h][w][c] = act(a[h][w][c] + b[h][w][c]), where an input smaller than the output (in
// h, w or c) reads as zero outside its extent: the "zero-pad then add" of the recognition
// net's down blocks (3x3 conv branch + 4x4 shortcut; 64 channels + 32 shortcut channels).
struct AddShape {
  int out_h, out_w, out_c;
  int a_h, a_w, a_c;
  int b_h, b_w, b_c;
};

// What an f32 conv run (dense or depthwise) needs besides weights.
struct F32ConvParams {
  Activation activation = Activation::kNone;
  float leaky_alpha = 0.f;
  const float* residual = nullptr;  // [out_h][out_w][out_c] or null
};

inline float apply_activation(float v, Activation act, float leaky_alpha) {
  if (act == Activation::kRelu) return v > 0.f ? v : 0.f;
  if (act == Activation::kLeakyRelu) return v > leaky_alpha * v ? v : leaky_alpha * v;
  return v;
}

}  // namespace fg
