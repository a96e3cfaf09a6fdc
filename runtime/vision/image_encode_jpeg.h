// JPEG encoding with libjpeg-turbo (the library that already decodes our JPEGs): the door's
// snapshots (tools/door/snapshot.h). 8-bit gray (1 channel) or RGB (3 channels) in, baseline
// JFIF out, in memory. libjpeg's error_exit is redirected to a longjmp, so a failure is a
// Status, never an exit().
#pragma once
#include <cstdint>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/vision/image.h"

namespace fg {

// quality 1..100 (libjpeg's scale; 85: faces stay recognisable at ~15 KB for 200x200).
Status image_encode_jpeg(const Image& img, int quality, std::vector<uint8_t>* out);

}  // namespace fg
