// Image: an 8-bit interleaved raster (RGB, gray, or as stored), and its file I/O.
//
// Decoded formats: JPEG (libjpeg-turbo: baseline/progressive, gray or YCbCr/RGB), PNG
// (libpng: every colour type, 1..16 bits, 16-bit samples keep their high byte, palette and
// tRNS expanded as stb_image did) and binary PGM/PPM (P5/P6, our own parser, 16-bit scaled to
// 8). Nothing else: BMP, GIF, TGA, ASCII PNM... are refused by name. stb_image is not used
// for decoding any more (Debian's 2.27 has memory-safety bugs reachable from a file).
// Files are untrusted input. Memory budget (one rule for every binary, so that no single
// image can push a process past 256 MB): the file is read whole only up to
// kMaxImageFileBytes, and a decode is refused from the header alone, before any pixel buffer
// is allocated, when it is above `max_pixels` or when its buffers (output pixels + decoder
// buffers) would exceed kMaxImageDecodeBytes; a header that promises more pixel data than
// the file can hold is refused the same way. Corrupt or truncated files give an error naming
// the file and the decoder's reason.
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
// 128 MiB of decode buffers + a 64 MiB file + the binary's models and arenas (< 64 MB for
// facegate and facegate-door) stays under 256 MB peak RSS; tests/test_image_hostile.cc
// measures it. An 8-bit RGB image up to ~44 Mpixel (e.g. 8192x5461) fits.
constexpr int64_t kMaxImageDecodeBytes = 128 * 1024 * 1024;
constexpr int64_t kMaxImageFileBytes = 64 * 1024 * 1024;

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
