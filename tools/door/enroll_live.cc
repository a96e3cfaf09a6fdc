#include "tools/door/enroll_live.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace fg::door {
namespace {

using Clock = std::chrono::steady_clock;

// A camera delivers 30 frames a second, most of them rejected while someone steps up:
// a progress line at most this often (and on every kept frame).
constexpr double kProgressEveryS = 0.5;

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

int gate_index(const char* name) {
  for (int g = 0; g < kGateCount; ++g)
    if (std::strcmp(name, enroll_gate_name(g)) == 0) return g;
  return kGateOther;
}

bool has_live_name(const Gallery& g, const std::string& name) {
  for (const GalleryRecord& r : gallery_list(g))
    if (r.name == name) return true;
  return false;
}

Status already_enrolled(const EnrollLiveOptions& o) {
  return Status::error(o.gallery + ": '" + o.name +
                       "' is already enrolled; give --add to add these frames to that person (nothing enrolled)");
}

// Before any frame: the gallery (if it exists) must open with this key and encoder, and NAME
// must be new unless --add.
Status check_gallery(const EnrollLiveOptions& o, EnrollLiveResult* r) {
  if (!file_exists(o.gallery)) return Status::ok();
  GalleryOpenOptions ro = o.access;
  ro.expected_model_id = o.model_id;
  GalleryPtr g;
  FG_RETURN_IF_ERROR(gallery_open(o.gallery, ro, &g));
  if (!o.add && has_live_name(*g, o.name)) {
    r->exit_code = kExitAlreadyEnrolled;
    return already_enrolled(o);
  }
  return Status::ok();
}

// One frame: the gate that refused it, or -1 with *embedding filled.
int judge_frame(FacePipeline& p, const Image& frame, const EnrollLiveOptions& o, const std::vector<float>& first,
                float* embedding, Status* error) {
  std::vector<FaceBox>& boxes = p.boxes;  // the pipeline's own scratch: no allocation per frame
  *error = face_pipeline_detect(p, frame, &boxes);
  if (!*error) return kGateOther;
  if (boxes.size() != 1) return kGateFaces;
  const FaceBox box = boxes[0];
  PipelineFace face;
  *error = face_pipeline_landmarks(p, frame, box, &face);
  if (!*error) return kGateOther;
  const FaceQuality q = measure_face_quality(frame, box, face.landmarks, 1);
  if (const char* gate = check_face_quality(q, o.limits)) return gate_index(gate);
  *error = face_pipeline_embed(p, frame, &face);
  if (!*error) return kGateOther;
  if (!first.empty() && embedding_distance(first.data(), face.embedding, DistanceMetric::kSquaredL2) > o.tau)
    return kGateOther;
  std::copy(face.embedding, face.embedding + kEmbeddingDim, embedding);
  return -1;
}

Status write_records(const EnrollLiveOptions& o, const std::vector<float>& embeddings, EnrollLiveResult* r) {
  GalleryPtr g;
  Status s;
  if (!file_exists(o.gallery)) {
    GalleryCreateOptions c;
    c.dim = kEmbeddingDim;
    c.model_id = o.model_id;
    c.key = o.access.key;  // loaded: format v2; else v1 (--insecure-gallery)
    s = gallery_create(o.gallery, c, &g);
    r->created = (bool)s;
  } else {
    GalleryOpenOptions w = o.access;
    w.writer = true;
    w.expected_model_id = o.model_id;
    s = gallery_open(o.gallery, w, &g);
  }
  if (!s) {
    if (s.message().find("locked by another writer") != std::string::npos) r->exit_code = 4;
    return s;
  }
  // Someone may have enrolled NAME while we were collecting frames: checked again under the lock.
  if (!o.add && has_live_name(*g, o.name)) {
    r->exit_code = kExitAlreadyEnrolled;
    return already_enrolled(o);
  }
  return gallery_enroll_batch(g.get(), o.name, embeddings.data(), (size_t)o.frames, kEmbeddingDim, &r->record_ids);
}

}  // namespace

const char* enroll_gate_name(int gate) {
  static const char* kNames[kGateCount] = {"faces", "clipped", "small", "pose", "blurry", "other"};
  return gate >= 0 && gate < kGateCount ? kNames[gate] : "?";
}

std::string enroll_live_progress(const EnrollLiveOptions& o, const EnrollLiveResult& r) {
  std::string line = "enroll " + o.name + ": " + std::to_string(r.kept) + "/" + std::to_string(o.frames) + " frames";
  std::vector<int> order;
  for (int g = 0; g < kGateCount; ++g)
    if (r.rejected[g] > 0) order.push_back(g);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return r.rejected[a] > r.rejected[b]; });
  for (size_t i = 0; i < order.size(); ++i)
    line += (i ? ", " : " (rejected: ") + std::to_string(r.rejected[order[i]]) + " " + enroll_gate_name(order[i]);
  if (!order.empty()) line += ")";
  if (r.bad_frames > 0) line += ", " + std::to_string(r.bad_frames) + " damaged";
  return line;
}

Status enroll_live_run(FacePipeline& p, FrameSource& src, const volatile std::sig_atomic_t* stop,
                       const EnrollLiveOptions& o, EnrollLiveResult* r) {
  *r = EnrollLiveResult{};
  r->exit_code = 3;
  if (o.frames < 1) return Status::error("--enroll-frames must be at least 1");
  FG_RETURN_IF_ERROR(check_gallery(o, r));
  std::vector<float> embeddings((size_t)o.frames * kEmbeddingDim), first;
  Image frame;
  std::string label, error;
  Clock::time_point last_print = Clock::now() - std::chrono::seconds(1);
  auto progress = [&](bool force) {
    if (!o.progress) return;
    const Clock::time_point now = Clock::now();
    if (!force && std::chrono::duration<double>(now - last_print).count() < kProgressEveryS) return;
    last_print = now;
    std::fprintf(stderr, "%s\n", enroll_live_progress(o, *r).c_str());
  };
  while (r->kept < o.frames) {
    if (stop && *stop) break;
    error.clear();
    const FrameResult fr = src.next(&frame, &label, &error);
    if (fr == FrameResult::kEnd) break;
    ++r->frames_seen;
    if (fr == FrameResult::kBadFrame) {
      ++r->bad_frames;
      continue;
    }
    Status s;
    const int gate = judge_frame(p, frame, o, first, &embeddings[(size_t)r->kept * kEmbeddingDim], &s);
    if (!s) return s.with_context(label);
    if (gate >= 0) {
      ++r->rejected[gate];
      progress(false);
      continue;
    }
    if (r->kept == 0) first.assign(embeddings.begin(), embeddings.begin() + kEmbeddingDim);
    ++r->kept;
    progress(true);
  }
  if (r->kept < o.frames) {
    progress(true);
    std::string why = stop && *stop ? "stopped" : "the source ended";
    if (!error.empty()) why += " (" + error + ")";
    return Status::error(why + " after " + std::to_string(r->frames_seen) + " frames with " +
                         std::to_string(r->kept) + " of " + std::to_string(o.frames) + " good ones: nothing enrolled");
  }
  FG_RETURN_IF_ERROR(write_records(o, embeddings, r));
  r->exit_code = 0;
  return Status::ok();
}

}  // namespace fg::door
