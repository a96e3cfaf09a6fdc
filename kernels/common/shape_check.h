// Shape checks shared by several kernel families.
#pragma once
#include "kernels/common/op_shapes.h"
#include "runtime/base/status.h"

namespace fg {

// The window geometry of a conv, dense or depthwise (the flag is not looked at): sizes and
// strides in [1, 65536], padding inside the kernel, an output that stays within the padded
// input, at most kMaxConvTaps taps, K = taps * in_c <= 65536 (the int32 accumulator bound),
// tensors below 2^31 elements.
Status conv_window_check(const Conv2dShape& s);

}  // namespace fg
