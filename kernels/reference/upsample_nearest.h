// Nearest-neighbour upsampling by an integer factor (ONNX Resize mode=nearest,
// nearest_mode=floor, coordinate_transformation_mode=asymmetric, integer scales):
//   y[h][w][c] = x[h / scale][w / scale][c]    NHWC, dense.
// It only copies elements, so one loop serves f32 and int8 (an int8 output keeps its input's
// scale and zero point) and every backend runs this same code: results are bit-identical
// everywhere. XNNPACK's operator API has no nearest resize, and a copy gains nothing from
// SIMD beyond what memcpy of a channel row already does.
#pragma once
#include <cstddef>

namespace fg {

// x: [in_h][in_w][channels] elements of elem_bytes each; y: [in_h*scale][in_w*scale][channels].
void upsample_nearest__reference(int in_h, int in_w, int channels, int scale, size_t elem_bytes, const void* x,
                                 void* y);

}  // namespace fg
