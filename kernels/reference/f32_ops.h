// Reference f32 kernels: naive loops, the oracle every other backend is tested against.
// Never optimise these. Layout: NHWC with batch 1 (so [h][w][c]), dense, no row padding.
// Conv weights stay in TensorFlow's HWIO layout: dense [kh][kw][cin][cout], depthwise
// (multiplier 1) [kh][kw][c]. Padding is explicit: pad_top/pad_left cells of zeros before
// the input; whatever the output size needs past the bottom/right edge is zero too.
#pragma once
#include <cstddef>

#include "kernels/common/op_shapes.h"

namespace fg {

// y = act(conv(x, w) + bias); bias may be null.
void f32_conv2d__reference(const Conv2dShape& s, const float* input, const float* weights,
                           const float* bias, Activation act, float leaky_alpha, float* output);

// Padded cells never take part: max ignores them, average divides by the count of real
// cells (TensorFlow's SAME semantics).
void f32_pool2d__reference(PoolKind kind, const Pool2dShape& s, const float* input,
                           float* output);

// out = act(a + b), zero-extended inputs: AddShape (kernels/common/op_shapes.h).
void f32_add_zero_extend__reference(const AddShape& s, const float* a, const float* b,
                                    Activation act, float leaky_alpha, float* output);

// Mean over h and w: [h][w][c] -> [c].
void f32_global_avg_pool__reference(int h, int w, int c, const float* input, float* output);

// y[o] = sum_i x[i] * w[i][o] (+ bias[o]); weights [in][out] as TF stores them.
void f32_fully_connected__reference(int in, int out, const float* input, const float* weights,
                                    const float* bias, float* output);

}  // namespace fg
