#include "kernels/reference/upsample_nearest.h"

#include <cstdint>
#include <cstring>

namespace fg {

void upsample_nearest__reference(int in_h, int in_w, int channels, int scale, size_t elem_bytes, const void* x,
                                 void* y) {
  const size_t pixel = static_cast<size_t>(channels) * elem_bytes;
  const auto* src = static_cast<const uint8_t*>(x);
  auto* dst = static_cast<uint8_t*>(y);
  const size_t out_row = pixel * static_cast<size_t>(in_w) * static_cast<size_t>(scale);
  for (int h = 0; h < in_h; ++h) {
    uint8_t* row = dst + static_cast<size_t>(h) * scale * out_row;
    for (int w = 0; w < in_w; ++w)
      for (int s = 0; s < scale; ++s)
        std::memcpy(row + (static_cast<size_t>(w) * scale + s) * pixel, src + (static_cast<size_t>(h) * in_w + w) * pixel,
                    pixel);
    for (int s = 1; s < scale; ++s) std::memcpy(row + s * out_row, row, out_row);
  }
}

}  // namespace fg
