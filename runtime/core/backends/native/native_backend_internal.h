// Shared by the native backend's files: native_backend.cc (dispatch, f32 ops) and
// native_backend_qs8.cc (int8 ops).
#pragma once
#include <cstddef>
#include <vector>

#include "kernels/conv/conv.h"
#include "runtime/core/backend.h"

namespace fg {

// int8 ops (and the f32<->int8 converts) on the qs8 kernels.
[[nodiscard]] Status native_prepare_qs8_op(const Model& model, PreparedOp* op);
// int8 PReLU and squeeze-excite multiply on kernels/eltwise/qs8_scale.h (native_backend_qs8_scale.cc).
[[nodiscard]] Status native_prepare_qs8_scale_op(const Model& model, PreparedOp* op);
// PReLU and the squeeze-excite multiply on kernels/eltwise/channelwise.h; sigmoid and
// softmax (<= 512 values per run) on the reference loops (native_backend_channelwise.cc).
[[nodiscard]] Status native_prepare_f32_channel_op(const Model& model, PreparedOp* op);

// The pool kernels' drivers take windows of at most this many cells; a larger global
// average pool falls back to the reference loop.
constexpr int kNativeMaxPoolCells = 256;

// Kernel rows/columns that read padding for EVERY output pixel add exactly zero (f32: x = 0;
// int8: x - zx = 0), so a dense conv may drop them: the 3x3 SAME conv on a 1x1 map keeps
// only its centre tap (1/9 of the weights to stream). Returns false when nothing is dead.
// On true, *cropped is the shape to pack and run, and *weights holds its HWIO weights.
template <typename T>
bool conv_crop_dead_taps(const Conv2dShape& s, const T* hwio, Conv2dShape* cropped,
                         std::vector<T>* weights) {
  auto live_range = [](int k, int out, int stride, int pad, int in, int* lo, int* hi) {
    *lo = k, *hi = -1;
    for (int t = 0; t < k; ++t)
      for (int o = 0; o < out; ++o) {
        const int i = o * stride - pad + t;
        if (i >= 0 && i < in) {
          *lo = t < *lo ? t : *lo;
          *hi = t;
          break;
        }
      }
  };
  int y0, y1, x0, x1;
  live_range(s.kernel_h, s.out_h, s.stride_h, s.pad_top, s.in_h, &y0, &y1);
  live_range(s.kernel_w, s.out_w, s.stride_w, s.pad_left, s.in_w, &x0, &x1);
  if (y1 < y0 || x1 < x0 || (y1 - y0 + 1 == s.kernel_h && x1 - x0 + 1 == s.kernel_w)) return false;
  Conv2dShape c = s;
  c.kernel_h = y1 - y0 + 1, c.kernel_w = x1 - x0 + 1;
  c.pad_top = s.pad_top - y0, c.pad_left = s.pad_left - x0;
  if (c.pad_top < 0 || c.pad_left < 0 || !conv_check(c).is_ok()) return false;
  const size_t per_tap = static_cast<size_t>(s.in_c) * s.out_c;
  weights->clear();
  weights->reserve(per_tap * c.kernel_h * c.kernel_w);
  for (int ky = y0; ky <= y1; ++ky)
    for (int kx = x0; kx <= x1; ++kx) {
      const T* w = hwio + (static_cast<size_t>(ky) * s.kernel_w + kx) * per_tap;
      weights->insert(weights->end(), w, w + per_tap);
    }
  *cropped = c;
  return true;
}

}  // namespace fg
