// 68-point landmark net output -> frame coordinates (ARCHITECTURE.md §4, face-api's
// FaceLandmark68NetBase.postProcess + FaceLandmarks shift).
//
// The fc output holds 136 floats x0,y0,x1,y1,... relative to the padded 112x112 square.
// Relative-to-crop values are computed in float32 (tf ops), the shift to the frame in double
// (JS). Point order is iBUG 68: 0-16 jaw, 17-26 brows, 27-35 nose, 36-41 image-left eye,
// 42-47 image-right eye, 48-67 mouth.
#pragma once
#include <vector>

#include "runtime/base/status.h"

namespace fg {

constexpr int kLandmarkCount = 68;
constexpr int kLandmarkNetInputSize = 112;

struct Point2 {
  double x = 0, y = 0;
};

// fc_out: 136 floats. crop_w x crop_h: the (floored) landmark crop the net saw. box_x, box_y:
// top-left of the *un-floored* detection box (face-api's quirk, kept for parity).
// relative (optional): the 68 points relative to the crop (0..1 inside it).
Status landmarks68_decode(const float* fc_out, int crop_w, int crop_h, double box_x, double box_y,
                          std::vector<Point2>* points, std::vector<Point2>* relative = nullptr);

// The iBUG-68 index a point takes when the face is mirrored left-right (jaw reversed, brows,
// eyes, nostrils and mouth swapped side for side; points on the symmetry axis stay). An
// involution: landmark68_mirror_index(landmark68_mirror_index(i)) == i.
int landmark68_mirror_index(int i);

// Net output for a mirrored (left-right) input tensor -> the same points for the unmirrored
// tensor: x -> 1 - x (the 112-pixel tensor flipped edge to edge), indices swapped by
// landmark68_mirror_index. in and out are 136 floats each and must not alias.
void landmarks68_unmirror_net_output(const float* in, float* out);

}  // namespace fg
