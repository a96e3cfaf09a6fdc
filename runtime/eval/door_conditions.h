// Door-camera degradations applied to an LFW photo (`facegate eval door`, docs/door-conditions.md).
//
// Input: a deep-funneled 250x250 LFW image, whose face box is about kLfwFallbackBox (x 0.23,
// y 0.31, w 0.53, h 0.52 of the side: ~132 px). Every transform is deterministic for a seed
// (std::mt19937's raw output only, never a <random> distribution, whose algorithm the
// standard leaves to the library), so a run can be repeated anywhere.
//
//   frame300/126/50  the photo scaled so the face box is ~300/126/50 px wide, pasted at a
//                    seeded position (face box inside the frame) into a 640x480 frame of
//                    gray 110 +- 12 uniform noise; bilinear, edges clipped
//   gray             ITU-R 601 luma in all three channels (an IR-like camera)
//   dark             255 * 0.6 * (v/255)^2.2, then noise +-6 (low light: mean ~110 -> ~25)
//   blur             horizontal motion blur, an 11-tap box (8% of the face width)
//   jpeg15           JPEG quality 15 (libjpeg-turbo) and decoded back
//   rotate25         rotated 25 degrees about the image centre (counter-clockwise), gray fill
//   occlude          lower half of the face (rows from 0.57 of the side down, the box's
//                    width + 5% each side) painted a mask's light blue-gray
//   overexposed      min(255, 1.8 v + 60)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/vision/image.h"

namespace fg {

enum class DoorTransform {
  kNone, kFrame300, kFrame126, kFrame50, kGray, kDark, kBlur, kJpeg15, kRotate25, kOcclude, kOverexposed
};

// Every transform, in report order (kNone first).
const std::vector<DoorTransform>& door_transforms();
const char* door_transform_name(DoorTransform t);
// false when the name is none of door_transform_name's.
bool door_transform_from_name(const std::string& name, DoorTransform* out);

constexpr int kDoorFrameWidth = 640, kDoorFrameHeight = 480;

// in: RGB (3 channels). out: RGB, the input size except the frame* transforms (640x480).
[[nodiscard]] Status door_transform_apply(const Image& in, DoorTransform t, uint32_t seed, Image* out);

}  // namespace fg
