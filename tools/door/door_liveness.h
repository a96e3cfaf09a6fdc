// The door's liveness policy (docs/liveness.md, issue 13): --liveness off|passive|passive+blink.
//
//   per frame, for a face within tau of an enrolled person in a visit not yet decided (the
//   door skips the nets elsewhere: a stranger's photo is "unknown" and opens nothing); the
//   largest face; with --all-faces every face gets the passive check, the temporal ones
//   follow the largest:
//     quality    first, the face quality gates (runtime/vision/face_quality.h: clipped,
//                small, pose, blurry; not "faces": the door decides per face): a face
//                failing one casts no vote but is not evidence of an attack either
//                (FaceLiveness::check "quality:<gate>", counted apart from spoof frames)
//     passive    MiniFASNet live score (runtime/vision/liveness.h) >= --liveness-threshold
//     identical  the face's thumbnail differs from the previous frame's by <= 0.05 grey
//                levels: the same still image fed again (runtime/vision/liveness_temporal.h)
//     planar     in this visit, >= 3 landmark steps had out-of-plane motion and >= 80% of
//                them fit one homography: a flat photo or screen being tilted
//     -> a frame failing any of them casts no vote (FaceLiveness::live = false)
//   per visit (FaceLiveness::may_grant):
//     passive N of M   >= --liveness-votes of the last --liveness-window frames live (2 of 3)
//     blink            passive+blink: a blink seen in the visit (eye aspect ratio dip)
//   A visit that ends undecided with mostly failed frames, or with a grant held back, is a
//   `spoof` verdict (door_visit.h).
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/vision/detector_decode.h"
#include "runtime/vision/face_quality.h"
#include "runtime/vision/image.h"
#include "runtime/vision/landmarks_decode.h"
#include "runtime/vision/liveness.h"
#include "runtime/vision/liveness_temporal.h"
#include "tools/door/door_visit.h"

namespace fg::door {

enum class LivenessMode { kOff, kPassive, kPassiveBlink };
const char* liveness_mode_name(LivenessMode m);
bool liveness_mode_from_name(const std::string& name, LivenessMode* out);

struct DoorLivenessOptions {
  LivenessMode mode = LivenessMode::kPassive;
  float threshold = kLivenessThreshold;  // chosen on NUAA (liveness.h)
  int votes = 2, window = 3;             // passive N of M frames of the visit
  float identical_max_diff = 0.05f;      // grey levels (mean absolute difference, 32x32)
  PlanarityOptions planar;
  int planar_min_steps = 3;
  float planar_min_fraction = 0.8f;
  BlinkOptions blink;
  FaceQualityLimits quality;
};

// Checks 1 <= votes <= window <= 1000 and threshold in [0, 1].
bool door_liveness_options_valid(const DoorLivenessOptions& o, std::string* error);

struct DoorLiveness {
  DoorLivenessOptions options;
  LivenessNets nets;
  // Per visit, reset by door_liveness_reset.
  std::deque<bool> recent;  // live flags of the last `window` frames
  BlinkState blink;
  std::vector<Point2> prev_landmarks;
  std::vector<uint8_t> prev_thumb, thumb;
  int judged_steps = 0, flat_steps = 0;
};

// Loads the two nets from model_dir (nothing when the mode is off).
// int8: the int8 liveness nets (the door's --precision int8), else f32.
[[nodiscard]] Status door_liveness_open(const DoorLivenessOptions& o, const std::string& model_dir, Backend backend,
                                        DoorLiveness* out, bool int8 = false);
void door_liveness_reset(DoorLiveness& l);

// One face of a frame at time t. `temporal`: the face the visit follows (the largest): it
// updates the blink / planarity / identical state and the N-of-M window.
FaceLiveness door_liveness_face(DoorLiveness& l, const Image& frame, const FaceBox& box,
                                const std::vector<Point2>& landmarks68, double t, bool temporal);

}  // namespace fg::door
