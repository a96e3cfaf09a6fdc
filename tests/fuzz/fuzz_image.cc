// Image decoding (runtime/vision/image.h): JPEG (libjpeg-turbo), PNG (libpng), PGM/PPM (ours).
// The first byte picks the requested channels so every conversion path is reached. The
// pixel limit is 1 Mpx here so each input decodes in milliseconds; the budget logic itself
// is the same code path (image_check_size) at any limit.
#include <cstddef>
#include <cstdint>

#include "runtime/vision/image.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static const int kWant[4] = {0, 1, 3, 4};
  fg::Image img;
  const fg::Status s = fg::image_load_from_memory(data + 1, size - 1, "fuzz", kWant[data[0] & 3], &img, 1 << 20);
  if (s.is_ok() && img.pixels.size() != (size_t)img.width * img.height * img.channels) __builtin_trap();
  return 0;
}
