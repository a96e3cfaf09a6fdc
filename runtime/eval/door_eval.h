// The door-conditions evaluation (`facegate eval door`, docs/door-conditions.md): LFW pairs
// through the door's own path, the probe side degraded the way a door camera degrades it.
//
// For each pair (a, b): a is the gallery side, untransformed, embedded the way the door
// enrols a photo (face_embed_photo: largest face, padding retry); b is the probe, transformed
// (door_conditions.h, seeded by the pair) and embedded the way the door takes a frame
// (face_embed_largest: largest face, no retry). The pipeline options are the caller's (the
// CLI takes the door's defaults and option parser). A pair with no face on either side is a
// reject: its distance is kDoorMissDistance, above any real one (descriptors lie within ~4),
// so the 10-fold accuracy counts it as "different" and no TAR ever includes it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/eval/door_conditions.h"
#include "runtime/eval/lfw_eval.h"

namespace fg {

constexpr double kDoorMissDistance = 100.0;

struct DoorEvalFace {
  bool found = false;
  float embedding[kEmbeddingDim] = {};
};

struct DoorEvalRun {
  std::string model_dir;
  FacePipelineOptions pipeline;
  int threads = 2;  // one pipeline per thread
  // After each image: (done, total), one call at a time (under the runner's lock).
  std::function<void(size_t done, size_t total)> on_image_done;
};

// Embeds every path: as the gallery side (no transform, padding retry) when gallery_side,
// else as a probe transformed by `t` with seed seeds[i]. out[i] belongs to paths[i].
[[nodiscard]] Status door_eval_embed(const DoorEvalRun& run, const std::vector<std::string>& paths,
                                     const std::vector<uint32_t>& seeds, DoorTransform t, bool gallery_side,
                                     std::vector<DoorEvalFace>* out);

struct DoorConditionReport {
  int pairs = 0, probes_found = 0, gallery_found = 0;
  double detection_rate = 0;       // probes with a face / pairs
  VerificationReport verification; // misses as rejects (kDoorMissDistance)
  double door_tau = 0;             // the door's 1:1 threshold (K = 1 at its FPIR)
  int impostor_pairs = 0, impostor_accepts = 0;  // different-person pairs, and those <= door_tau
  double fmr_at_door_tau = 0;      // impostor_accepts / impostor_pairs (misses are rejects)
  int genuine_pairs = 0, genuine_accepts = 0;
  double tar_at_door_tau = 0;
  // The largest tau with at most floor(1e-3 * impostor_pairs) impostor accepts (the ROC's
  // tau at FAR 1e-3): what would hold the 1:1 FMR at 1e-3 on this condition.
  double tau_at_fmr_1e3 = 0;
};

// gallery[i], probe[i]: pair i's sides; same/fold per pair. door_tau: squared L2.
[[nodiscard]] Status door_eval_score(const std::vector<DoorEvalFace>& gallery, const std::vector<DoorEvalFace>& probe,
                                     const std::vector<bool>& same, const std::vector<int>& fold, double door_tau,
                                     DoorConditionReport* out);

}  // namespace fg
