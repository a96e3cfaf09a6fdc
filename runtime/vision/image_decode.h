// Internal to the image loader (runtime/image*.cc): one decoder per format, the shared size
// check and the stb-compatible channel conversion. Callers use runtime/image.h.
//
// Contract of every decoder: `data` is untrusted. The header is parsed first and
// image_check_size() is called with everything the decode will allocate before any pixel
// buffer exists; a decoder never writes `out` on failure and never aborts.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/vision/image.h"

namespace fg {

// What a decode of `width` x `height` costs: the output image (out_channels bytes a pixel)
// plus `extra_bytes` of decoder-side buffers (row buffers, a progressive JPEG's
// coefficients, an interlaced PNG's whole native raster). Refused above max_pixels or above
// kMaxImageDecodeBytes, with the numbers in the message.
Status image_check_size(const std::string& what, const char* format, int64_t width, int64_t height,
                        int out_channels, int64_t extra_bytes, int64_t max_pixels);

// One row from src_channels (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) to dst_channels with
// stb_image's rules (luma = (77 R + 150 G + 29 B) >> 8, alpha dropped or set to 255), so a
// caller sees the pixels it saw when stb decoded these formats.
void image_convert_row(const uint8_t* src, int src_channels, uint8_t* dst, int dst_channels,
                       int width);

Status image_decode_jpeg(const uint8_t* data, size_t size, const std::string& what,
                         int want_channels, int64_t max_pixels, Image* out);
Status image_decode_png(const uint8_t* data, size_t size, const std::string& what,
                        int want_channels, int64_t max_pixels, Image* out);
// Binary PGM (P5) and PPM (P6), maxval 1..65535; 16-bit samples are scaled to 8 bits.
Status image_decode_pnm(const uint8_t* data, size_t size, const std::string& what,
                        int want_channels, int64_t max_pixels, Image* out);

}  // namespace fg
