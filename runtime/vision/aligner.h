// dlib-style face chips: a similarity transform (rotation, uniform scale, translation) fitted
// by least squares from the landmarks to dlib's mean-face template, then bilinear sampling
// into a size x size chip (default 150, padding 0.25: the dlib ResNet's training chips).
//
// Geometry follows dlib's get_face_chip_details + extract_image_chip: template point t in
// [0,1]^2 sits at ((padding + t) / (2 * padding + 1)) * size in the chip; the fitted transform
// gives the chip centre, scale and angle; chip pixel centres 0 and size-1 map to the edges
// of the rotated rectangle (size * scale wide) around that centre. Pixels whose 2x2
// neighbourhood leaves the image are 0 (black). No anti-alias pyramid: for faces much
// larger than the chip (scale > 2) this aliases more than dlib does.
#pragma once
#include <vector>

#include "runtime/vision/image.h"
#include "runtime/vision/landmarks_decode.h"
#include "runtime/base/status.h"

namespace fg {

enum class FaceChipTemplate {
  kFivePoint,       // dlib's 5-point template (eye corners + nose base = pts 36,39,42,45,33)
  kSixtyEightPoint  // dlib's 68-point template on pts 27-54 and 60-64 (no brows, no lower lip)
};

struct FaceChipOptions {
  int size = 150;
  double padding = 0.25;
  FaceChipTemplate tmpl = FaceChipTemplate::kFivePoint;
};

// image point = [a -b; b a] * chip point + (tx, ty), chip point in pixel-centre coordinates.
struct ChipTransform {
  double a = 1, b = 0, tx = 0, ty = 0;
  double scale() const;  // image pixels per chip pixel
  double angle() const;  // radians
  Point2 apply(double cx, double cy) const { return {a * cx - b * cy + tx, b * cx + a * cy + ty}; }
};

// Least-squares similarity transform mapping `from` onto `to` (no reflection).
Status fit_similarity(const std::vector<Point2>& from, const std::vector<Point2>& to,
                      ChipTransform* out);

// The template points (chip pixel coordinates for the options) and the matching landmark
// indices into the 68 points.
void face_chip_template(const FaceChipOptions& options, std::vector<Point2>* chip_points,
                        std::vector<int>* landmark_index);

// Chip-pixel -> image transform for a face with 68 frame-coordinate landmarks.
Status face_chip_transform(const std::vector<Point2>& landmarks68, const FaceChipOptions& options,
                           ChipTransform* out);

// Samples the chip (same channel count as img) bilinearly through `t`.
Status extract_face_chip(const Image& img, const ChipTransform& t, int size, Image* chip);

// The transform of a chip shifted by (dx, dy) chip pixels and zoomed by `scale` about the chip
// centre (scale > 1: the chip covers more of the face), for test-time jitter averaging.
ChipTransform jitter_chip_transform(const ChipTransform& t, int size, double dx, double dy, double scale);

// face_chip_transform + extract_face_chip.
Status align_face_chip(const Image& img, const std::vector<Point2>& landmarks68,
                       const FaceChipOptions& options, Image* chip);

}  // namespace fg
