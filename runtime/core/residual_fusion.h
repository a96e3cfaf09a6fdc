// Residual fusion, a graph pass on the op list: a conv (dense or depthwise, no activation)
// whose output is read only by an Add of the same shape, whose other input has that shape
// too, becomes one conv with a 4th input `residual` and the add's activation:
//   y = conv(x); z = act(y + r)   ->   z = act(conv(x) + r)      (kernels' F32/Qs8ConvParams)
// The fused op takes the add's place in the sequence (its inputs are all written by then),
// and the conv's own output tensor is never written. Used by the executor for f32 models on
// the native backend (unless every activation must stay readable) and by the quantizer,
// which writes int8 models already fused (one rounding instead of two).
#pragma once
#include <vector>

#include "runtime/core/model.h"

namespace fg {

// Rewrites `ops` (a copy of model.ops); returns how many adds were fused away.
int fuse_conv_residual_adds(const Model& model, std::vector<OpInfo>* ops);

}  // namespace fg
