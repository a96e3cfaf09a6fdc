// Face quality gates: is this detected face good enough to enrol (or to decide on)?
//
//   gate      measure                                              fails when
//   faces     detected faces in the frame                          != 1 ("exactly one face")
//   clipped   how far the box (or a landmark) leaves the frame     > max_clip of the box side
//   small     the box's shorter side, frame pixels                 < min_face_px
//   pose      |yaw|, |pitch| from the 68 landmarks (below)         > max_yaw_deg / max_pitch_deg
//   blurry    variance of the Laplacian of the grey face crop      < min_sharpness
//
// check_face_quality returns the first failed gate in that order (the cheap, unambiguous ones
// first), by a stable name tests and logs can match, or nullptr when all pass.
//
// Sharpness: the box (clipped to the frame) is converted to grey (ITU-R 601 luma) and
// area-resampled to kSharpnessSide x kSharpnessSide, so one threshold fits every face size;
// then the variance of the 4-neighbour Laplacian (4c - n - s - e - w) over its interior, in
// grey levels squared. Blur removes high frequencies and so Laplacian energy: on the bundled
// door frames a sharp face measures 220-2160 and the same face after a 7x7 box blur 30-90
// (tests/test_face_quality.cc). It also falls with contrast: a dim face reads as blurrier.
//
// Pose (a coarse geometric estimate, good to ~10 degrees, enough for a gate; no 3-D model):
// the points are first de-rotated by the roll (the line through the two eye centres, means
// of points 36-41 and 42-47). With E the eye midpoint, M the mouth midpoint (corners 48, 54),
// N the nose tip (30) and D the eye-centre distance:
//   yaw   = atan(((N.x - axis_x) / D) / kNoseDepth),  axis_x = E.x + (M.x - E.x) * t
//   pitch = atan((t - kNoseHeight) * (M.y - E.y) / (kNoseDepth * D)),  t = (N.y - E.y) / (M.y - E.y)
// i.e. the nose tip stands kNoseDepth * D in front of the eye/mouth plane (anthropometry:
// ~30 mm for a ~63 mm pupil distance), so turning the head by theta moves it sideways by
// depth * sin(theta) while the eye distance shrinks by cos(theta); frontal, it sits at
// kNoseHeight of the way from the eye line to the mouth line. Positive yaw: the nose points
// to the image's right; positive pitch: the face looks down.
#pragma once
#include <vector>

#include "runtime/vision/detector_decode.h"
#include "runtime/vision/image.h"
#include "runtime/vision/landmarks_decode.h"

namespace fg {

constexpr int kSharpnessSide = 96;    // the grey crop the Laplacian is measured on
constexpr double kNoseDepth = 0.5;    // nose tip depth / eye-centre distance
constexpr double kNoseHeight = 0.62;  // frontal nose tip: fraction of eye line -> mouth line

struct FaceQualityLimits {
  // The encoder sees a 150 px chip; below ~80 px it is upsampled from too little detail.
  double min_face_px = 80;
  double min_sharpness = 120;  // between the blurred (<= 90) and sharp (>= 220) bundled faces
  double max_yaw_deg = 25, max_pitch_deg = 25;
  // Detector boxes overshoot a face by a few pixels; a face cut by the border loses more.
  double max_clip = 0.08;
};

struct FaceQuality {
  int faces = 0;           // faces detected in the frame
  double face_px = 0;      // min(box width, box height)
  double clip = 0;         // largest overshoot of the box past a frame edge / box side (0: inside)
  bool landmark_outside = false;  // a landmark lies outside the frame
  double sharpness = 0;    // variance of the Laplacian (see above)
  bool pose_known = false; // false: no 68 landmarks, or degenerate ones (pose gate fails)
  double yaw_deg = 0, pitch_deg = 0, roll_deg = 0;
};

// Measures one face of `frame` (1 or 3 channels). `landmarks`: the 68 points in frame pixels
// (empty: pose unknown). `faces_in_frame`: how many faces the detector found.
FaceQuality measure_face_quality(const Image& frame, const FaceBox& box, const std::vector<Point2>& landmarks,
                                 int faces_in_frame);

// The yaw/pitch/roll estimate above; false for fewer than 68 points or degenerate geometry.
bool estimate_face_pose(const std::vector<Point2>& landmarks, double* yaw_deg, double* pitch_deg, double* roll_deg);

// Variance of the Laplacian of the box's grey crop resampled to kSharpnessSide (0 if empty).
double face_sharpness(const Image& frame, const FaceBox& box);

// The first failed gate: "faces", "clipped", "small", "pose", "blurry"; nullptr if none.
const char* check_face_quality(const FaceQuality& q, const FaceQualityLimits& limits);

}  // namespace fg
