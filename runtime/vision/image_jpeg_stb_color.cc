// See runtime/image_jpeg_stb_color.h. Written from the formulas, not copied.
#include "runtime/vision/image_jpeg_stb_color.h"

#include <cstring>

namespace fg {

void jpeg_stb_upsample_row(const uint8_t* near, const uint8_t* far, int w, int hs, int vs,
                           uint8_t* out) {
  if (hs == 1 && vs == 1) {
    std::memcpy(out, near, (size_t)w);
  } else if (hs == 1) {  // v only
    for (int i = 0; i < w; ++i) out[i] = (uint8_t)((3 * near[i] + far[i] + 2) >> 2);
  } else if (vs == 1) {  // h only
    if (w == 1) {
      out[0] = out[1] = near[0];
      return;
    }
    out[0] = near[0];
    out[1] = (uint8_t)((near[0] * 3 + near[1] + 2) >> 2);
    int i = 1;
    for (; i < w - 1; ++i) {
      const int n = 3 * near[i] + 2;
      out[2 * i] = (uint8_t)((n + near[i - 1]) >> 2);
      out[2 * i + 1] = (uint8_t)((n + near[i + 1]) >> 2);
    }
    out[2 * i] = (uint8_t)((near[w - 2] * 3 + near[w - 1] + 2) >> 2);
    out[2 * i + 1] = near[w - 1];
  } else {  // both
    if (w == 1) {
      out[0] = out[1] = (uint8_t)((3 * near[0] + far[0] + 2) >> 2);
      return;
    }
    int t1 = 3 * near[0] + far[0];
    out[0] = (uint8_t)((t1 + 2) >> 2);
    for (int i = 1; i < w; ++i) {
      const int t0 = t1;
      t1 = 3 * near[i] + far[i];
      out[2 * i - 1] = (uint8_t)((3 * t0 + t1 + 8) >> 4);
      out[2 * i] = (uint8_t)((3 * t1 + t0 + 8) >> 4);
    }
    out[2 * w - 1] = (uint8_t)((t1 + 2) >> 2);
  }
}

namespace {
constexpr int fixed(float x) { return ((int)(x * 4096.0f + 0.5f)) << 8; }
inline uint8_t clamp255(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }
}  // namespace

void jpeg_stb_ycbcr_to_rgb_row(const uint8_t* y, const uint8_t* pcb, const uint8_t* pcr, int count,
                               uint8_t* rgb) {
  for (int i = 0; i < count; ++i, rgb += 3) {
    const int yf = (y[i] << 20) + (1 << 19);
    const int cr = pcr[i] - 128, cb = pcb[i] - 128;
    // Unsigned arithmetic for the masked term: same bits as stb's int expression, no UB.
    const int cb_g = (int)((unsigned)(cb * -fixed(0.34414f)) & 0xffff0000u);
    rgb[0] = clamp255((yf + cr * fixed(1.40200f)) >> 20);
    rgb[1] = clamp255((yf + cr * -fixed(0.71414f) + cb_g) >> 20);
    rgb[2] = clamp255((yf + cb * fixed(1.77200f)) >> 20);
  }
}

}  // namespace fg
