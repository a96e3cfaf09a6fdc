#include "tools/door/door_liveness.h"

namespace fg::door {

const char* liveness_mode_name(LivenessMode m) {
  switch (m) {
    case LivenessMode::kOff: return "off";
    case LivenessMode::kPassive: return "passive";
    case LivenessMode::kPassiveBlink: return "passive+blink";
  }
  return "?";
}

bool liveness_mode_from_name(const std::string& name, LivenessMode* out) {
  for (LivenessMode m : {LivenessMode::kOff, LivenessMode::kPassive, LivenessMode::kPassiveBlink})
    if (name == liveness_mode_name(m)) {
      *out = m;
      return true;
    }
  return false;
}

bool door_liveness_options_valid(const DoorLivenessOptions& o, std::string* error) {
  if (!(o.threshold >= 0.f && o.threshold <= 1.f)) *error = "--liveness-threshold must be in [0, 1]";
  else if (o.window < 1 || o.window > 1000) *error = "--liveness-window (M) must be in 1..1000";
  else if (o.votes < 1 || o.votes > o.window) *error = "--liveness-votes (N) must be in 1..--liveness-window (M)";
  else return true;
  return false;
}

Status door_liveness_open(const DoorLivenessOptions& o, const std::string& model_dir, Backend backend,
                          DoorLiveness* out, bool int8) {
  out->options = o;
  door_liveness_reset(*out);
  if (o.mode == LivenessMode::kOff) return Status::ok();
  return liveness_open(model_dir, backend, &out->nets, int8).with_context("liveness nets (--liveness off to run without)");
}

void door_liveness_reset(DoorLiveness& l) {
  l.recent.clear();
  l.blink = BlinkState{};
  l.prev_landmarks.clear();
  l.prev_thumb.clear();
  l.judged_steps = l.flat_steps = 0;
}

FaceLiveness door_liveness_face(DoorLiveness& l, const Image& frame, const FaceBox& box,
                                const std::vector<Point2>& landmarks68, double t, bool temporal) {
  FaceLiveness f;
  const DoorLivenessOptions& o = l.options;
  if (o.mode == LivenessMode::kOff) return f;
  f.checked = true;
  // Quality before liveness: the nets and the landmark checks are not meant to judge a face
  // that is cut off, tiny, turned away or blurred.
  const FaceQuality q = measure_face_quality(frame, box, landmarks68, 1);
  if (const char* gate = check_face_quality(q, o.quality)) {
    f.live = false;
    f.may_grant = false;
    f.check = std::string("quality:") + gate;
    return f;
  }
  // A frame whose score cannot be computed is not live (fail closed).
  if (!liveness_score(l.nets, frame, box, &f.score)) f.score = -1.f;
  const bool passive = f.score >= o.threshold;
  bool identical = false, planar = false;
  if (temporal) {
    face_thumbnail(frame, box, &l.thumb);
    f.thumb_diff = l.prev_thumb.empty() ? -1.f : thumbnail_difference(l.thumb, l.prev_thumb);
    identical = f.thumb_diff >= 0 && f.thumb_diff <= o.identical_max_diff;
    l.prev_thumb.swap(l.thumb);
    if (!l.prev_landmarks.empty()) {
      const PlanarityResult p = planarity_measure(l.prev_landmarks, landmarks68);
      if (p.valid && p.similarity_residual >= o.planar.min_out_of_plane) {
        ++l.judged_steps;
        l.flat_steps += planarity_is_flat(p, o.planar) ? 1 : 0;
        f.similarity_residual = p.similarity_residual;
        f.homography_residual = p.homography_residual;
      }
    }
    if (l.prev_landmarks.empty()) l.prev_landmarks = landmarks68;  // the visit's first face: motion accumulates
    planar = l.judged_steps >= o.planar_min_steps && l.flat_steps >= o.planar_min_fraction * l.judged_steps;
    blink_step(l.blink, o.blink, t, eyes_aspect_ratio(landmarks68));
  }
  f.blinks = l.blink.blinks;
  f.live = passive && !identical && !planar;
  f.check = !passive ? "passive" : identical ? "identical" : planar ? "planar" : "";
  if (temporal) {
    l.recent.push_back(f.live);
    while ((int)l.recent.size() > o.window) l.recent.pop_front();
  }
  int live = 0;
  for (bool b : l.recent) live += b ? 1 : 0;
  if (live < o.votes) {
    f.may_grant = false;
    if (f.check.empty()) f.check = "passive_n_of_m";
  } else if (o.mode == LivenessMode::kPassiveBlink && l.blink.blinks == 0) {
    f.may_grant = false;
    if (f.check.empty()) f.check = "blink";
  }
  return f;
}

}  // namespace fg::door
