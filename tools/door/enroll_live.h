// Enrolment at the door: N good frames of one person from a live source into the gallery.
// Shared by `facegate-door --enroll-live NAME` and `facegate enroll --live SOURCE NAME`.
//
//   frame -> detect -> exactly one face? -> landmarks -> quality gates (face_quality.h: clipped,
//   small, pose, blurry) -> embed -> same person as the first good frame (d <= tau, else
//   "other") -> kept; progress on stderr:  enroll amy: 3/5 frames (rejected: 2 blurry, 1 faces)
//
// Only when N frames are kept is the gallery written, all N records at once
// (gallery_enroll_batch: temp file + rename, so a crash leaves all or none). A NAME already
// in the gallery is refused before any frame is read unless `add` (and checked again under
// the write lock). The source ending (or a stop) before N good frames enrols nothing.
#pragma once
#include <csignal>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/face_quality.h"
#include "tools/door/frame_source.h"

namespace fg::door {

// Exit codes of both commands beyond the usual 0 / 2 usage / 3 bad input (a source ending
// early is 3) / 4 gallery busy: 6 = NAME is already enrolled and --add was not given.
constexpr int kExitAlreadyEnrolled = 6;

struct EnrollLiveOptions {
  std::string gallery;        // created if missing (v2 with access.key, v1 with insecure)
  GalleryOpenOptions access;  // key / insecure
  std::string model_id;       // the encoder's id (door_encoder_model_id)
  std::string name;           // validated by the caller (gallery_validate_name)
  int frames = 5;             // good frames to keep (1..100)
  bool add = false;           // NAME may exist: the frames become more records of that person
  FaceQualityLimits limits;
  // A kept frame must be within tau (squared L2) of the first kept one: a second person
  // stepping in must not end up under NAME. 0.30: the door's default grant threshold.
  float tau = 0.30f;
  bool progress = true;       // progress lines on stderr
};

// Rejection reasons, in the order the progress line breaks ties.
enum EnrollGate { kGateFaces, kGateClipped, kGateSmall, kGatePose, kGateBlurry, kGateOther, kGateCount };
const char* enroll_gate_name(int gate);

struct EnrollLiveResult {
  int64_t frames_seen = 0, bad_frames = 0;
  int kept = 0;
  int64_t rejected[kGateCount] = {};
  bool created = false;            // the gallery file was created
  std::vector<uint64_t> record_ids;  // on success
  int exit_code = 0;               // 0, 3, 4 or kExitAlreadyEnrolled (message in the Status)
};

// "enroll amy: 3/5 frames (rejected: 2 blurry, 1 faces)" (most frequent first).
std::string enroll_live_progress(const EnrollLiveOptions& o, const EnrollLiveResult& r);

struct DoorConfig;
// facegate-door --enroll-live (enroll_live_door.cc): opens the door's pipeline (same models
// and precision as the door, so the gallery's encoder id matches), the gallery access and
// --source, runs the enrolment, prints the result; returns the process exit code.
int enroll_live_door(const DoorConfig& cfg, const volatile std::sig_atomic_t* stop);

// Runs the whole enrolment. `stop` (may be null) ends it early, like the source ending.
Status enroll_live_run(FacePipeline& p, FrameSource& src, const volatile std::sig_atomic_t* stop,
                       const EnrollLiveOptions& o, EnrollLiveResult* r);

}  // namespace fg::door
