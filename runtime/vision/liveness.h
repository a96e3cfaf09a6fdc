// Passive anti-spoofing (docs/liveness.md): MiniVision's MiniFASNetV2 on the face box scaled
// x2.7 and MiniFASNetV1SE on it scaled x4.0 (both around the box centre, shifted to stay
// inside the frame: upstream src/generate_patches.py), each crop resized to 80x80, BGR,
// 0..255 (no normalisation); the two softmax outputs are summed, class 1 = live. The score
// is that sum's class-1 value / 2, in [0, 1]. f32 nets, or their int8 twins (<name>_int8.fgm,
// made at build time by fg_quantize: models/CMakeLists.txt) for int8 pipelines.
// The door policy on top: tools/door/door_liveness.h; temporal checks: liveness_temporal.h.
#pragma once
#include <string>

#include "runtime/core/executor.h"
#include "runtime/core/model.h"
#include "runtime/vision/detector_decode.h"
#include "runtime/vision/image.h"

namespace fg {

// The shipped live-score threshold (a frame is live when score >= it): chosen on NUAA people
// 1-5, reported on people 6-9 (docs/liveness.md, `facegate eval pad`).
constexpr float kLivenessThreshold = 0.30f;

struct LivenessCrop {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // inclusive corners, as upstream's _get_new_box
};

// Upstream's crop rule: scale = min(scale, (h-1)/box_h, (w-1)/box_w); a box of that size
// around the box centre, shifted (not shrunk) back inside [0, w-1] x [0, h-1]; truncated to int.
LivenessCrop liveness_crop_box(int frame_w, int frame_h, const FaceBox& box, double scale);

struct LivenessNets {
  Model model[2];
  Net net[2];
};

// Loads minifasnet_v2_2.7.fgm and minifasnet_v1se_4.0.fgm from `model_dir` (int8: the
// *_int8.fgm twins).
[[nodiscard]] Status liveness_open(const std::string& model_dir, Backend backend, LivenessNets* out,
                                   bool int8 = false);
// The two file names, for int8 or f32 (tests, benchmarks).
std::string liveness_model_file(int net, bool int8);

// The summed-softmax live score of one face in an RGB frame: [0, 1], higher = live.
[[nodiscard]] Status liveness_score(LivenessNets& nets, const Image& rgb_frame, const FaceBox& box, float* score);

}  // namespace fg
