// Reference qs8 kernels: the int8 twins of f32_ops.h, naive loops, never optimised.
// Every SIMD int8 kernel must match these bit for bit. The quantisation parameters and the
// rounding rule they all share are in kernels/common/qs8_rounding.h.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/op_shapes.h"
#include "kernels/common/qs8_rounding.h"

namespace fg {

// y = requant(bias + sum (x - zx) * w [+ residual]); weights HWIO int8 (depthwise: [kh][kw][c]).
void qs8_conv2d__reference(const Conv2dShape& s, const int8_t* input, const int8_t* weights,
                           const int32_t* bias, const Qs8ConvQuant& q, const Qs8ConvParams& p,
                           int8_t* output);

// Max: output uses the input's quantisation (no requant). Average: v = float(sum over real
// cells of (x - zx)) * (scale_ratio / float(count)), scale_ratio = sx / sy; then the rule.
void qs8_pool2d__reference(PoolKind kind, const Pool2dShape& s, const int8_t* input,
                           const Qs8PoolQuant& q, int8_t* output);

// out = requant(float(a - za) * a_scale + float(b - zb) * b_scale), a_scale = sa / sy,
// b_scale = sb / sy; cells outside an input's extent read as its zero point (add zero).
void qs8_add_zero_extend__reference(const AddShape& s, const int8_t* a, const int8_t* b,
                                    const Qs8AddQuant& q, int8_t* output);

}  // namespace fg
