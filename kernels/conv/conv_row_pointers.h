// The f32 conv driver's fast row pointers for tiles whose windows all lie inside the input
// (bench/arm_cost: the general fill_row_pointers cost ~19 AArch64 instructions per pixel and
// tap, 14% of the detector's native count, most of it in the 414x414 stem). Inside one output
// row, pixel m of a tile reads from base + m * stride_w * pixel_bytes, so a tap's pointers are
// one add apart; the tap offsets are computed once per run.
#pragma once
#include <cstddef>

#include "kernels/common/op_shapes.h"

namespace fg {

struct ConvRowPlan {
  const Conv2dShape* s = nullptr;  // the packing shape (conv_packing_shape)
  size_t pixel_bytes = 0, row_bytes = 0, step = 0;
  int taps = 0;
  size_t tap_offset[kMaxConvTaps];  // bytes from the window's top-left pixel
};

void conv_row_plan_init(const Conv2dShape& s, size_t pixel_bytes, ConvRowPlan* plan);

// Fills a[t*mr_max + m] for pixels p0 .. p0+mr_max-1 as fill_row_pointers would, and returns
// true, when they are real pixels of one output row whose windows lie inside the input;
// otherwise returns false and writes nothing.
bool conv_fill_row_pointers_inside(const ConvRowPlan& plan, const char* input, int p0, int mr_max,
                                   const char** a);

}  // namespace fg
