// Image: an 8-bit interleaved raster (RGB, gray, or as stored), and its file I/O.
//
// Loading uses stb_image (JPEG baseline/progressive, PNG 8/16-bit -> 8-bit, BMP, PGM/PPM).
// Files are untrusted input: the header is read first (stbi_info) and an image larger than
// `max_pixels` is refused before any pixel is decoded, so a 60000x60000 JPEG header cannot make
// us allocate gigabytes. Corrupt or truncated files give an error carrying stb's reason.
// Pixel layout: row-major, no row padding, `channels` bytes per pixel (1 = Y, 3 = R,G,B,
// 4 = R,G,B,A); pixels.size() == width * height * channels.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace fg {

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // interleaved, 8-bit

  bool empty() const { return width <= 0 || height <= 0 || channels <= 0; }
  const uint8_t* row(int y) const { return pixels.data() + (size_t)y * width * channels; }
  uint8_t* row(int y) { return pixels.data() + (size_t)y * width * channels; }
};

// 64 Mpixel: above any camera frame we handle, below what would exhaust a 1 GB board.
constexpr int64_t kDefaultMaxImagePixels = 64 * 1024 * 1024;

// want_channels: 3 = RGB, 1 = gray (ITU-R 601 luma, stb's conversion), 0 = as stored
// (1..4). Fails with a clear message for missing, unsupported, corrupt, truncated or
// oversized files; `out` is left untouched on failure.
Status image_load(const std::string& path, int want_channels, Image* out,
                  int64_t max_pixels = kDefaultMaxImagePixels);

// Same as image_load but from a memory buffer (`what` names it in error messages).
Status image_load_from_memory(const uint8_t* data, size_t size, const std::string& what,
                              int want_channels, Image* out,
                              int64_t max_pixels = kDefaultMaxImagePixels);

// Writes an 8-bit PNG (1, 2, 3 or 4 channels).
Status image_write_png(const std::string& path, const Image& img);

// Allocates a zeroed image of the given size (no error: sizes are the caller's).
Image image_make(int width, int height, int channels);

// Converts between 1 (gray) and 3 (RGB) channels; 4 (RGBA) drops alpha. Same count = copy.
Status image_convert_channels(const Image& in, int want_channels, Image* out);

// Copies the rectangle [x, x+w) x [y, y+h); it must lie inside the image.
Status image_crop(const Image& in, int x, int y, int w, int h, Image* out);

}  // namespace fg
