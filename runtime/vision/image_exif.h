// EXIF orientation for the JPEG decoder (runtime/vision/image_decode_jpeg.cc): cameras and
// phones store the sensor's pixels and a tag saying how to turn them upright (MiniVision's
// samples: orientation 6, i.e. rotate 90 degrees clockwise). Internal to the image loader.
#pragma once
#include <cstddef>
#include <cstdint>

#include "runtime/vision/image.h"

namespace fg {

// The orientation tag (0x0112) of IFD0 in an APP1 payload ("Exif\0\0" + TIFF), 1..8, or 1
// when absent or malformed. Untrusted input: every offset and count is checked against `size`
// before it is read, the IFD's entry count is bounded by the bytes left, no recursion.
int exif_orientation(const uint8_t* app1, size_t size);

// The image turned upright for an EXIF orientation 1..8 (2 mirror, 3 rotate 180, 4 flip,
// 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise); 5-8 swap
// width and height. Other values: the image unchanged.
Image image_apply_orientation(const Image& in, int orientation);

}  // namespace fg
