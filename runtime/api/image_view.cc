// A caller's RGB view -> an internal fg::Image (api_internal.h).
#include <cstring>

#include "runtime/api/api_internal.h"

namespace fg::api {

facegate::Status image_from_view(const facegate::ImageView& v, fg::Image* out) {
  if (!v.rgb) return invalid("image: rgb pointer is null");
  if (v.width <= 0 || v.height <= 0) return invalid("image: width and height must be positive");
  // The same cap image_load applies to files: a frame beyond it is a caller's bug, not a photo.
  if (int64_t(v.width) * v.height > fg::kDefaultMaxImagePixels)
    return invalid("image: " + std::to_string(v.width) + "x" + std::to_string(v.height) + " is above the " +
                   std::to_string(fg::kDefaultMaxImagePixels) + "-pixel limit");
  const size_t row = size_t(v.width) * 3;
  const size_t stride = v.stride == 0 ? row : v.stride;
  if (stride < row) return invalid("image: stride " + std::to_string(stride) + " is below width * 3 = " + std::to_string(row));
  out->width = v.width;
  out->height = v.height;
  out->channels = 3;
  out->pixels.resize(row * size_t(v.height));
  for (int y = 0; y < v.height; ++y) std::memcpy(out->row(y), v.rgb + size_t(y) * stride, row);
  return facegate::Status::ok();
}

}  // namespace fg::api
