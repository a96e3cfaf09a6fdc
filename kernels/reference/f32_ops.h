// Reference f32 kernels: naive loops, the oracle every other backend is tested against.
// Never optimise these. Layout: NHWC with batch 1 (so [h][w][c]), dense, no row padding.
// Conv weights stay in TensorFlow's HWIO layout: dense [kh][kw][cin][cout], depthwise
// (multiplier 1) [kh][kw][c]. Padding is explicit: pad_top/pad_left cells of zeros before
// the input; whatever the output size needs past the bottom/right edge is zero too.
#pragma once
#include <cstddef>

namespace fg {

enum class Activation : int { kNone = 0, kRelu = 1, kLeakyRelu = 2 };

struct Conv2dShape {
  int in_h, in_w, in_c;
  int out_h, out_w, out_c;
  int kernel_h, kernel_w;
  int stride_h, stride_w;
  int pad_top, pad_left;
  bool depthwise;  // out_c == in_c, one 2-D filter per channel
};

// y = act(conv(x, w) + bias); bias may be null.
void f32_conv2d__reference(const Conv2dShape& s, const float* input, const float* weights,
                           const float* bias, Activation act, float leaky_alpha, float* output);

enum class PoolKind : int { kMax = 0, kAverage = 1 };
struct Pool2dShape {
  int in_h, in_w, channels;
  int out_h, out_w;
  int kernel_h, kernel_w, stride_h, stride_w;
  int pad_top, pad_left;
};
// Padded cells never take part: max ignores them, average divides by the count of real
// cells (TensorFlow's SAME semantics).
void f32_pool2d__reference(PoolKind kind, const Pool2dShape& s, const float* input,
                           float* output);

// out[h][w][c] = act(a[h][w][c] + b[h][w][c]), where an input smaller than the output (in
// h, w or c) reads as zero outside its extent: the "zero-pad then add" of the recognition
// net's down blocks (3x3 conv branch + 4x4 shortcut; 64 channels + 32 shortcut channels).
struct AddShape {
  int out_h, out_w, out_c;
  int a_h, a_w, a_c;
  int b_h, b_w, b_c;
};
void f32_add_zero_extend__reference(const AddShape& s, const float* a, const float* b,
                                    Activation act, float leaky_alpha, float* output);

// Mean over h and w: [h][w][c] -> [c].
void f32_global_avg_pool__reference(int h, int w, int c, const float* input, float* output);

// y[o] = sum_i x[i] * w[i][o] (+ bias[o]); weights [in][out] as TF stores them.
void f32_fully_connected__reference(int in, int out, const float* input, const float* weights,
                                    const float* bias, float* output);

inline float apply_activation(float v, Activation act, float leaky_alpha) {
  if (act == Activation::kRelu) return v > 0.f ? v : 0.f;
  if (act == Activation::kLeakyRelu) return v > leaky_alpha * v ? v : leaky_alpha * v;
  return v;
}

}  // namespace fg
