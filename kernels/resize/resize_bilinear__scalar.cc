// Reference bilinear resize: naive loops, the oracle the SIMD variants are tested against.
// Arithmetic is float32 step by step, the way XNNPACK's resize (TENSORFLOW_LEGACY_MODE) does
// it inside tfjs' wasm backend, which made the golden tensors: scale = float(in)/float(out),
// src = float(dst) * scale, weights and lerps in float32. (tfjs' cpu backend uses double;
// the two differ by up to ~3e-3 pixel levels.)
#include <algorithm>

#include "kernels/resize/resize.h"

namespace fg {

namespace {
// Canvas pixel (x, y), source channel ch: 0 outside the source rectangle (the padding).
inline float canvas_at(const ResizeBilinearParams& p, int x, int y, int ch) {
  const int sx = x - p.src_left, sy = y - p.src_top;
  if (sx < 0 || sy < 0 || sx >= p.src_w || sy >= p.src_h) return 0.f;
  return p.src[(size_t)sy * p.src_stride + (size_t)sx * p.src_channels + ch];
}
}  // namespace

void u8f32_resize_bilinear__scalar(const ResizeBilinearParams& p, float* scratch, float* out) {
  (void)scratch;
  const float scale_y = (float)p.canvas_h / (float)p.out_h;
  const float scale_x = (float)p.canvas_w / (float)p.out_w;
  for (int oy = 0; oy < p.out_h; ++oy) {
    const float sy = (float)oy * scale_y;
    const int y0 = std::min(p.canvas_h - 1, (int)sy);  // sy >= 0: truncation is floor
    const int y1 = std::min(p.canvas_h - 1, y0 + 1);    // == min(in-1, ceil) whenever fy > 0
    const float fy = sy - (float)y0;
    for (int ox = 0; ox < p.out_w; ++ox) {
      const float sx = (float)ox * scale_x;
      const int x0 = std::min(p.canvas_w - 1, (int)sx);
      const int x1 = std::min(p.canvas_w - 1, x0 + 1);
      const float fx = sx - (float)x0;
      for (int c = 0; c < p.out_channels; ++c) {
        const int ch = p.channel_map[c];
        const float tl = canvas_at(p, x0, y0, ch), tr = canvas_at(p, x1, y0, ch);
        const float bl = canvas_at(p, x0, y1, ch), br = canvas_at(p, x1, y1, ch);
        const float top = tl + (tr - tl) * fx;
        const float bot = bl + (br - bl) * fx;
        const float v = top + (bot - top) * fy;
        // float32 ops, as face-api's tf.sub / tf.div on float32 tensors.
        out[((size_t)oy * p.out_w + ox) * p.out_channels + c] = (v - p.mean[c]) / p.divisor[c];
      }
    }
  }
}

}  // namespace fg
