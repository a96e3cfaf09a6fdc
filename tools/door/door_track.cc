#include "tools/door/door_track.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace fg::door {
namespace {

// A prediction with less of its area inside the frame is "left the frame": the landmark net
// would see a clipped, floored crop unlike the ones it was run on at detection.
constexpr double kMinInside = 0.75;
// A detection overlapping the prediction less than this is not the tracked face.
constexpr double kSameFaceIou = 0.3;

Point2 centre(const std::vector<Point2>& pts) {
  const FaceBox b = landmarks_bounds(pts);
  return {b.x + b.width / 2, b.y + b.height / 2};
}

}  // namespace

bool door_track_options_valid(const DoorTrackOptions& o, std::string* error) {
  if (o.redetect_every < 0 || o.redetect_every > 1000) *error = "--redetect-every must be in 0..1000 (0: tracking off)";
  else if (!(o.max_step > 0.f && o.max_step <= 4.f)) *error = "--track-max-step must be in (0, 4]";
  else if (!(o.min_fit_iou >= 0.f && o.min_fit_iou <= 1.f)) *error = "track min fit IoU must be in [0, 1]";
  else return true;
  return false;
}

const char* track_loss_name(TrackLoss l) {
  switch (l) {
    case TrackLoss::kNone: return "none";
    case TrackLoss::kEdge: return "edge";
    case TrackLoss::kFit: return "fit";
    case TrackLoss::kAppearance: return "appearance";
    case TrackLoss::kIdentity: return "identity";
    case TrackLoss::kMoved: return "moved";
  }
  return "?";
}

FaceBox landmarks_bounds(const std::vector<Point2>& pts) {
  FaceBox b;
  if (pts.empty()) return b;
  double x0 = pts[0].x, x1 = x0, y0 = pts[0].y, y1 = y0;
  for (const Point2& q : pts) x0 = std::min(x0, q.x), x1 = std::max(x1, q.x), y0 = std::min(y0, q.y), y1 = std::max(y1, q.y);
  b.x = x0, b.y = y0, b.width = x1 - x0, b.height = y1 - y0;
  return b;
}

FaceBox door_track_box_for(const DoorTrack& t, const std::vector<Point2>& pts) {
  const FaceBox l = landmarks_bounds(pts);
  FaceBox b;
  b.x = l.x + t.rel_x * l.width;
  b.y = l.y + t.rel_y * l.height;
  b.width = t.rel_w * l.width;
  b.height = t.rel_h * l.height;
  b.score = t.score;
  return b;
}

bool door_track_predict(DoorTrack& t, int frame_w, int frame_h, FaceBox* box) {
  if (!t.active || t.options.redetect_every <= 0 || t.liveness_next || t.since_detect + 1 >= t.options.redetect_every)
    return false;
  FaceBox b = door_track_box_for(t, t.landmarks);
  b.x += t.step_x, b.y += t.step_y;
  const double ix = std::max(0.0, std::min(b.right(), (double)frame_w) - std::max(b.x, 0.0));
  const double iy = std::max(0.0, std::min(b.bottom(), (double)frame_h) - std::max(b.y, 0.0));
  if (!(b.width > 1 && b.height > 1) || ix * iy < kMinInside * b.width * b.height) {
    door_track_drop(t, TrackLoss::kEdge);
    return false;
  }
  *box = b;
  return true;
}

void door_track_detected(DoorTrack& t, const FaceBox& box, const std::vector<Point2>& pts, int frame_w,
                         int frame_h) {
  if (t.active) {
    FaceBox predicted = door_track_box_for(t, t.landmarks);
    predicted.x += t.step_x, predicted.y += t.step_y;
    if (box_iou(predicted, box) < kSameFaceIou) door_track_drop(t, TrackLoss::kMoved);
  }
  (void)frame_w, (void)frame_h;
  const FaceBox l = landmarks_bounds(pts);
  if (!(l.width > 0 && l.height > 0)) {
    door_track_drop(t, TrackLoss::kNone);
    return;
  }
  if (!t.active) {
    t.has_embedding = false;
    t.person.clear();
    t.step_x = t.step_y = 0;
    t.landmarks.clear();
  }
  t.rel_x = (box.x - l.x) / l.width;
  t.rel_y = (box.y - l.y) / l.height;
  t.rel_w = box.width / l.width;
  t.rel_h = box.height / l.height;
  t.score = box.score;
  t.since_detect = 0;
  t.active = true;
}

TrackLoss door_track_check_fit(const DoorTrack& t, const FaceBox& predicted, const std::vector<Point2>& pts) {
  if (pts.size() != (size_t)kLandmarkCount) return TrackLoss::kFit;
  return box_iou(door_track_box_for(t, pts), predicted) >= t.options.min_fit_iou ? TrackLoss::kNone : TrackLoss::kFit;
}

TrackLoss door_track_check_face(const DoorTrack& t, const float* embedding, const std::string& person) {
  if (!t.active || !t.has_embedding) return TrackLoss::kNone;
  double d = 0;
  for (int i = 0; i < kEmbeddingDim; ++i) d += (double)(embedding[i] - t.embedding[i]) * (embedding[i] - t.embedding[i]);
  if (!(d <= t.options.max_step)) return TrackLoss::kAppearance;
  // Both within tau of someone, not the same one. A known face turning "unknown" (d > tau
  // for a frame) is not a swap by itself: the embedding step above judges that.
  if (!t.person.empty() && !person.empty() && person != t.person) return TrackLoss::kIdentity;
  return TrackLoss::kNone;
}

void door_track_update(DoorTrack& t, const std::vector<Point2>& pts, const float* embedding,
                       const std::string& person, bool liveness_next) {
  if (!t.landmarks.empty() && pts.size() == t.landmarks.size()) {
    const Point2 a = centre(t.landmarks), b = centre(pts);
    t.step_x = b.x - a.x, t.step_y = b.y - a.y;
  }
  t.landmarks = pts;
  std::copy(embedding, embedding + kEmbeddingDim, t.embedding);
  t.has_embedding = true;
  if (!person.empty()) t.person = person;
  t.liveness_next = liveness_next;
}

void door_track_drop(DoorTrack& t, TrackLoss why) {
  if (!t.active) return;
  if (why != TrackLoss::kNone) ++t.lost[(int)why];
  t.active = false;
  t.has_embedding = false;
  t.person.clear();
  t.landmarks.clear();
  t.step_x = t.step_y = 0;
  t.liveness_next = false;
  t.since_detect = 0;
}

std::string door_track_describe(const DoorTrack& t) {
  char s[256];
  std::snprintf(s, sizeof s,
                "tracked %lld of %lld frames with a face (detector on %lld); lost: edge %lld, fit %lld, "
                "appearance %lld, identity %lld, moved %lld",
                (long long)t.tracked_frames, (long long)(t.tracked_frames + t.detector_frames),
                (long long)t.detector_frames, (long long)t.lost[1], (long long)t.lost[2], (long long)t.lost[3],
                (long long)t.lost[4], (long long)t.lost[5]);
  return s;
}

}  // namespace fg::door
