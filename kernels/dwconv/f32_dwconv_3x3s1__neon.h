// The f32 NEON depthwise row entry for 3x3 windows at stride 1 (f32_dwconv_3x3s1__neon.cc).
#pragma once
#include <cstddef>

#include "kernels/common/op_shapes.h"

namespace fg {

// Does the row micro-kernel's job (dwconv.h, F32DwconvRowUkernel with taps = 9) and returns
// true when the taps are a 3x3 window at stride 1 (a[3*ky + kx] = a[3*ky] + kx*c, step one
// pixel) and c % 4 == 0; otherwise returns false and writes nothing.
bool f32_dwconv_row_3x3s1__neon(int n, size_t step, int c, int c_pad, const float* const* a,
                                const float* packed, float* out, const float* res,
                                const F32ConvParams& p);

}  // namespace fg
