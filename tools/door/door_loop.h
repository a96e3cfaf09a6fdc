// One door: the opened pipeline, gallery, policy, actuator and log, and what one frame does:
//
//   detect (or the tracked face's predicted box, door_track.h) -> for the largest face (or every face, largest first): landmarks -> embed ->
//   nearest enrolled person -> liveness (door_liveness.h; within tau, visit undecided) -> visit (door_visit.h) -> one audit line per visit verdict ->
//   (grant) actuator; per-frame lines only with --log-frames
//
// Frames without a face produce no audit line (a door camera sees nobody most of the day);
// damaged frames and source errors produce an "event" line. Per-frame work reuses the
// state's buffers, so memory stays flat over any number of frames.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/gallery/gallery.h"
#include "tools/door/actuator.h"
#include "tools/door/audit_log.h"
#include "tools/door/decision.h"
#include "tools/door/door_config.h"
#include "tools/door/door_liveness.h"
#include "tools/door/door_track.h"
#include "tools/door/door_visit.h"
#include "tools/door/latency_stats.h"
#include "tools/door/snapshot.h"

namespace fg::door {

struct DoorCounters {
  int64_t frames = 0, bad_frames = 0, no_face = 0, faces = 0;
  int64_t grants = 0, denies = 0, unknowns = 0, spoofs = 0, errors = 0;  // verdicts: one per visit
  int64_t visits = 0;
};

struct Door {
  DoorConfig cfg;
  FacePipeline pipe;
  std::string model_id;
  GalleryPtr gallery;
  VisitTracker visits;  // visits and the decision policy (visits.policy), door_visit.h
  DoorLiveness liveness;  // nets + per-visit temporal state (door_liveness.h)
  VisitEvidence evidence;  // the current visit's best face
  VisitStep visit_step;    // scratch: this frame's visit outcome
  DoorTrack track;         // --redetect-every: the face followed between frames (door_track.h)
  std::vector<VisitFace> visit_faces;
  std::vector<FaceBox> visit_boxes;
  // Seconds between frames of the source (Y4M rate, --frame-interval for image lists);
  // <= 0: a live source, frame time = the monotonic clock (main.cc sets it).
  double frame_period_s = 0;
  Actuator actuator;
  AuditLog log;
  LatencyStats stats;
  DoorCounters counters;
  std::chrono::steady_clock::time_point start;
  // Gallery access (key / insecure) and change detection (door_gallery_watch.h).
  GalleryOpenOptions gallery_access;
  double next_gallery_check_s = 0;
  GalleryFileStamp gallery_seen;
  // The gallery tau was last chosen for (door_tau.h): --fpir re-chooses it on a change.
  const Gallery* tau_chosen_for = nullptr;
  GalleryFileStamp tau_chosen_stamp;
  size_t tau_people = 0;
  bool tau_beyond_table = false;
  // Set by --gallery-mqtt (door_gallery_mqtt.h): > 0 while a snapshot installed on its thread
  // (renamed over the file) waits to be swapped in; the watcher must not re-read the file then.
  std::shared_ptr<const std::atomic<int>> gallery_install_busy;
  // Per-frame scratch, reused.
  std::vector<FaceBox> boxes;
  std::vector<int> order;
  PipelineFace face;
  std::vector<IdentifyMatch> matches;
  std::string line;
  // Set when a line could not be recorded under --on-log-failure deny: the door opens
  // nothing more and the caller stops with kExitLogFailure.
  bool log_failed = false;
  std::shared_ptr<DoorMqtt> mqtt;  // null without --mqtt (door_mqtt.h)
  SnapshotStore snapshots;         // --snapshots (snapshot.h): counters for the exit statistics
};

// Monotonic seconds since the door opened.
double door_now_s(const Door& d);
// The visit clock of frame `frame_no` (1-based): frame_no * period, or door_now_s.
double door_frame_time_s(const Door& d, int64_t frame_no);

// The audit line / MQTT event format, in the "start" event's "format" (docs/json.md):
// 2 = the CLI's names (image, name, distance_sq); lines without it are format 1.
constexpr int kAuditFormat = 2;

// Opens models, gallery (reader), actuator and log; writes the "start" event.
Status door_open(const DoorConfig& cfg, const std::string& model_dir, Door* d);
// `source_ms`: time spent getting the frame (the "source" stage; < 0: not measured).
void door_process_frame(Door& d, const Image& frame, const std::string& label, double source_ms);
// A frame the source could not deliver (damaged file, short read).
void door_bad_frame(Door& d, const std::string& label, const std::string& error);
// An event line ("start", "stop", "source_error", ...): detail is a message or empty.
void door_event(Door& d, const char* event, const std::string& detail);
// Writes one audit line (a JSON object) and publishes it; false when it was not recorded.
bool door_write_line(Door& d, const std::string& json);
// Ends the open visit (its verdict if still pending), releases the relay, writes the "stop"
// event, closes the log.
void door_close(Door& d);

}  // namespace fg::door
