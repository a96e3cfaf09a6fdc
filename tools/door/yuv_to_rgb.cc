#include "tools/door/yuv_to_rgb.h"

namespace fg::door {
namespace {

inline uint8_t clamp8(int v) { return (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v); }

// BT.601 coefficients scaled by 65536. Video range: Y' = 255/219 (Y - 16), chroma x 255/224.
struct Coeffs {
  int y_scale, y_offset, rv, gu, gv, bu;
};
constexpr Coeffs kVideoRange = {76309, 16, 104597, 25675, 53279, 132201};
constexpr Coeffs kFullRange = {65536, 0, 91881, 22554, 46802, 116130};

inline void put_rgb(const Coeffs& c, int y, int u, int v, uint8_t* rgb) {
  const int yy = (y - c.y_offset) * c.y_scale + 32768;  // +0.5 for rounding
  u -= 128;
  v -= 128;
  rgb[0] = clamp8((yy + c.rv * v) >> 16);
  rgb[1] = clamp8((yy - c.gu * u - c.gv * v) >> 16);
  rgb[2] = clamp8((yy + c.bu * u) >> 16);
}

}  // namespace

void yuv_planar_to_rgb(const YuvPlanes& p, int width, int height, bool full_range, Image* out) {
  const Coeffs& c = full_range ? kFullRange : kVideoRange;
  const int cw = (width + (1 << p.chroma_shift_x) - 1) >> p.chroma_shift_x;
  for (int y = 0; y < height; ++y) {
    const uint8_t* yrow = p.y + (size_t)y * width;
    const size_t crow = (size_t)(y >> p.chroma_shift_y) * cw;
    uint8_t* dst = out->row(y);
    for (int x = 0; x < width; ++x) {
      const int cx = x >> p.chroma_shift_x;
      const int u = p.u ? p.u[crow + cx] : 128;
      const int v = p.v ? p.v[crow + cx] : 128;
      put_rgb(c, yrow[x], u, v, dst + 3 * x);
    }
  }
}

void yuyv_to_rgb(const uint8_t* yuyv, int width, int height, int stride_bytes, bool full_range,
                 Image* out) {
  const Coeffs& c = full_range ? kFullRange : kVideoRange;
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = yuyv + (size_t)y * stride_bytes;
    uint8_t* dst = out->row(y);
    for (int x = 0; x < width; ++x) {
      const uint8_t* pair = src + 4 * (x / 2);  // Y0 U Y1 V
      put_rgb(c, pair[(x & 1) ? 2 : 0], pair[1], pair[3], dst + 3 * x);
    }
  }
}

}  // namespace fg::door
