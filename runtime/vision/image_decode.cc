// The decoders' shared size check and channel conversion (runtime/vision/image_decode.h).
#include "runtime/vision/image_decode.h"

#include <algorithm>

namespace fg {

Status image_check_size(const std::string& what, const char* format, int64_t width, int64_t height,
                        int out_channels, int64_t extra_bytes, int64_t max_pixels) {
  const std::string dims = std::to_string(width) + "x" + std::to_string(height);
  if (width <= 0 || height <= 0)
    return Status::error(what + ": " + format + " header gives a size of " + dims +
                         " (zero width or height)");
  // Each side is at most 2^31 here (formats store 32 bits or less), so width * height fits;
  // every pixel costs at least one output byte, so above kMaxImageDecodeBytes pixels the
  // image is refused whatever max_pixels says, which keeps pixels * out_channels in range.
  const int64_t pixels = width * height;
  if (pixels > max_pixels || pixels > kMaxImageDecodeBytes)
    return Status::error(what + ": image is " + dims + " = " + std::to_string(pixels) +
                         " pixels, above the limit of " +
                         std::to_string(std::min<int64_t>(max_pixels, kMaxImageDecodeBytes)) +
                         " (refused before decoding)");
  const int64_t bytes = pixels * out_channels + extra_bytes;
  if (bytes > kMaxImageDecodeBytes)
    return Status::error(what + ": decoding this " + dims + " " + format + " needs " +
                         std::to_string(bytes >> 20) + " MiB of buffers, above the limit of " +
                         std::to_string(kMaxImageDecodeBytes >> 20) +
                         " MiB (refused before decoding)");
  return Status::ok();
}

void image_convert_row(const uint8_t* s, int sc, uint8_t* d, int dc, int width) {
  for (int x = 0; x < width; ++x, s += sc, d += dc) {
    const uint8_t y = sc >= 3 ? (uint8_t)((s[0] * 77 + s[1] * 150 + s[2] * 29) >> 8) : s[0];
    const uint8_t a = sc == 2 ? s[1] : sc == 4 ? s[3] : 255;
    switch (dc) {
      case 1: d[0] = y; break;
      case 2: d[0] = y, d[1] = a; break;
      case 3:
      case 4:
        if (sc >= 3) {
          d[0] = s[0], d[1] = s[1], d[2] = s[2];
        } else {
          d[0] = d[1] = d[2] = s[0];
        }
        if (dc == 4) d[3] = a;
        break;
    }
  }
}

}  // namespace fg
