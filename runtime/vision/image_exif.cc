#include "runtime/vision/image_exif.h"

#include <cstring>

namespace fg {
namespace {

struct Tiff {
  const uint8_t* p;
  size_t n;
  bool little;
  bool u16(size_t at, uint32_t* v) const {
    if (at > n || n - at < 2) return false;
    *v = little ? (uint32_t)p[at] | (uint32_t)p[at + 1] << 8 : (uint32_t)p[at] << 8 | (uint32_t)p[at + 1];
    return true;
  }
  bool u32(size_t at, uint32_t* v) const {
    uint32_t a, b;
    if (!u16(at, &a) || !u16(at + 2, &b)) return false;
    *v = little ? a | b << 16 : a << 16 | b;
    return true;
  }
};

}  // namespace

int exif_orientation(const uint8_t* app1, size_t size) {
  static const uint8_t kHeader[6] = {'E', 'x', 'i', 'f', 0, 0};
  if (!app1 || size < 6 + 8 || std::memcmp(app1, kHeader, 6) != 0) return 1;
  Tiff t{app1 + 6, size - 6, false};
  if (t.p[0] == 'I' && t.p[1] == 'I') t.little = true;
  else if (!(t.p[0] == 'M' && t.p[1] == 'M')) return 1;
  uint32_t magic = 0, ifd = 0, count = 0;
  if (!t.u16(2, &magic) || magic != 42 || !t.u32(4, &ifd) || !t.u16(ifd, &count)) return 1;
  // 12 bytes an entry: a count larger than the bytes left is malformed, not a reason to read on.
  if (count > (t.n - ifd - 2) / 12) return 1;
  for (uint32_t i = 0; i < count; ++i) {
    const size_t e = ifd + 2 + (size_t)i * 12;
    uint32_t tag = 0, type = 0, n = 0, value = 0;
    if (!t.u16(e, &tag) || !t.u16(e + 2, &type) || !t.u32(e + 4, &n)) return 1;
    if (tag != 0x0112) continue;
    if (type != 3 || n != 1 || !t.u16(e + 8, &value)) return 1;  // SHORT, one value, inline
    return value >= 1 && value <= 8 ? (int)value : 1;
  }
  return 1;
}

Image image_apply_orientation(const Image& in, int o) {
  if (o < 2 || o > 8 || in.empty()) return in;
  const int W = in.width, H = in.height, c = in.channels;
  const bool swap = o >= 5;
  Image out = image_make(swap ? H : W, swap ? W : H, c);
  for (int y = 0; y < out.height; ++y) {
    uint8_t* dst = out.row(y);
    for (int x = 0; x < out.width; ++x) {
      int sx = x, sy = y;  // source pixel of output (x, y)
      switch (o) {
        case 2: sx = W - 1 - x; break;
        case 3: sx = W - 1 - x, sy = H - 1 - y; break;
        case 4: sy = H - 1 - y; break;
        case 5: sx = y, sy = x; break;
        case 6: sx = y, sy = H - 1 - x; break;
        case 7: sx = W - 1 - y, sy = H - 1 - x; break;
        case 8: sx = W - 1 - y, sy = x; break;
      }
      std::memcpy(dst + (size_t)x * c, in.row(sy) + (size_t)sx * c, (size_t)c);
    }
  }
  return out;
}

}  // namespace fg
