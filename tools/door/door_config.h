// facegate-door's configuration: command-line flags and an optional config file.
//
// The config file (--config FILE) holds the same options, one per line, without the dashes:
//   source = /dev/video0        # comments after '#'
//   tau = 0.3
//   all-faces                   # a flag
// Command-line flags override the file. Every option is listed in door_print_usage().
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/base/status.h"
#include "tools/door/actuator.h"
#include "tools/door/audit_log.h"
#include "tools/door/decision.h"
#include "tools/door/door_liveness.h"
#include "tools/door/door_mqtt.h"
#include "tools/door/door_track.h"
#include "tools/door/door_visit.h"
#include "tools/door/snapshot.h"

namespace fg::door {

struct EnrollRequest {
  std::string name;
  std::vector<std::string> images;
};

struct DoorConfig {
  std::string source;              // see frame_source.h
  std::string gallery;             // the gallery file (required)
  std::string gallery_key;         // --gallery-key FILE (empty: $FG_GALLERY_KEY)
  bool insecure_gallery = false;   // accept an unauthenticated gallery (v1, or v2 without key)
  std::string models;              // model directory (empty: $FG_MODEL_DIR or next to the binary)
  // int8 models by default: 28 MB RSS instead of 74 MB and a 2x faster encoder, with the same
  // decisions on the demo frames (README); --precision f32 for the float models.
  FacePipelineOptions pipeline = [] {
    FacePipelineOptions o;
    o.int8 = true;
    return o;
  }();
  PolicyOptions policy;
  // --tau T fixes the threshold; otherwise it follows the gallery's size at the target FPIR
  // --fpir P (door_tau.h). Giving both is a usage error.
  bool tau_fixed = false;
  double fpir = 0.003;             // runtime/gallery/gallery_tau.h kDefaultFpir
  bool fpir_given = false;
  DoorLivenessOptions liveness;    // --liveness off|passive|passive+blink (door_liveness.h)
  VisitOptions visit;              // --visit-gap, --visit-max (door_visit.h)
  SnapshotOptions snapshots;       // --snapshots DIR ... (snapshot.h)
  bool log_frames = false;         // --log-frames: per-frame lines too (audit log and console)
  // Image lists have no clock: frame n is at n * frame_interval_s (10 frames a second, a
  // webcam's low end). Y4M streams use their F rate; a camera uses the monotonic clock.
  double frame_interval_s = 0.1;
  ActuatorOptions actuator;
  AuditLogOptions log;
  DoorMqttOptions mqtt;            // --mqtt ... (docs/mqtt.md)
  // --on-log-failure deny (default): a line that cannot be written (+ fsync'd with --fsync)
  // means no opening and the door stops with kExitLogFailure; continue: report and go on.
  bool log_failure_deny = true;
  bool all_faces = false;          // decide for every face, not only the largest
  DoorTrackOptions track;          // --redetect-every N / --track on|off (door_track.h)
  int stats_every = 0;             // print the latency table every N frames (0: only at the end)
  int bench = 0;                   // > 0: preload the source's frames and play them N times
  int loop = 1;                    // image sources: play the list this many times (0: forever)
  int64_t max_frames = 0;          // stop after this many frames (0: no limit)
  bool quiet = false;              // no per-decision lines on stdout
  std::vector<EnrollRequest> enroll;
  std::string enroll_live;         // --enroll-live NAME: enrol from --source (enroll_live.h)
  int enroll_frames = 5;           // --enroll-frames N (1..100)
  bool enroll_add = false;         // --add: NAME may already be enrolled
  bool help = false;
  bool version = false;            // --version: print door_version.h's line, exit 0
  bool config_unreadable = false;  // --config FILE could not be read: bad input (3), not usage
};

// Parses flags (and --config). Returns an error Status for bad usage (message for the user).
Status door_config_parse(int argc, char** argv, DoorConfig* cfg);
void door_print_usage(FILE* out);

// The model directory to use: cfg.models, $FG_MODEL_DIR, <exe>/../models,
// <exe>/../share/facegate/models (first that holds recognition.fgm).
std::string door_model_dir(const DoorConfig& cfg);

// One option with a value, checked exactly as the door checks it: tools that must run the
// door's own path (`facegate eval door`) take the door's option names and ranges from here,
// so an option the door gains (another --detector) is theirs too. knows: the door has it.
bool door_config_knows(const std::string& name);
Status door_config_apply(DoorConfig* cfg, const std::string& name, const std::string& value);

}  // namespace fg::door
