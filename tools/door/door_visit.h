// Visits: the door decides once per person standing in front of it, not once per frame.
//
//   idle --face--> pending --N of M votes--> decided (grant, or deny "cooldown")   -> line now
//                     |                          |
//                     +--gone >= gap_s, or max_s, or stream end / track lost--> ended
//                         a visit still pending then gets deny (a known face, too few votes)
//                         or unknown (no face within tau)                       -> line then
//
// One verdict per visit: grant / deny / unknown / spoof. A grant is decided
// at the frame that reaches the votes, so the door opens without waiting for the visit to end.
// Time is the source's frame time (seconds; Y4M frame rate, --frame-interval for image lists,
// the monotonic clock for a camera) so tests replaying files are deterministic. Votes start
// afresh with every visit; the cooldown (per person) spans visits: a person granted less than
// `cooldown_s` ago is denied ("cooldown"), so a visit split by a missed detection cannot open
// twice. All faces of a frame (--all-faces) feed the one visit: the first to reach the votes
// decides it (one opening per visit). Pure logic, no models: tests drive it with numbers.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/vision/detector_decode.h"
#include "runtime/vision/image.h"
#include "tools/door/decision.h"

namespace fg::door {

struct VisitOptions {
  // 1.5 s: a detector missing a face for a few frames (a turned head, motion blur) must not
  // end the visit; a person leaving and the next one arriving are rarely closer than that.
  double gap_s = 1.5;
  // A visit never lasts longer (someone waiting at the door): it ends (with its verdict if
  // still pending) and, if the face stays, a new one starts.
  double max_s = 60.0;
};

// Liveness (door_liveness.h) of one face. A face that is not `live` casts no vote; a grant
// waits while `may_grant` is false. A visit that ends undecided is `spoof` when at least half
// of its faces failed a frame check, or when a grant was held back (blink, N of M).
// The defaults (liveness off) let every face vote.
struct FaceLiveness {
  bool checked = false;
  bool live = true;
  bool may_grant = true;
  // The failed check: "passive", "identical", "planar" (frame), "blink", "passive_n_of_m"
  // (visit), or "quality:<gate>" (face_quality.h; no vote, not evidence of an attack).
  std::string check;
  float score = -1.f;  // passive live score
  int blinks = 0;      // blinks in the visit so far
  float similarity_residual = -1.f, homography_residual = -1.f;  // last judged planarity step
  float thumb_diff = -1.f;  // grey-level difference to the previous frame's face
};

// A visit's liveness summary (the audit line's "liveness" object).
struct VisitLiveness {
  bool checked = false;
  int live_frames = 0, spoof_frames = 0;
  int passive_fails = 0, identical_fails = 0, planar_fails = 0;
  int quality_fails = 0;  // faces refused by a quality gate: no vote, not counted as spoof
  std::string quality_gate;  // the last failed gate
  bool held = false;     // a grant was held back by the visit's checks
  std::string check;     // the last failed check
  float score_min = -1.f, score_max = -1.f, score_last = -1.f;
  int blinks = 0;
  float similarity_residual = -1.f, homography_residual = -1.f;
};

// One decided face of a frame: its nearest enrolled person (empty: gallery empty).
struct VisitFace {
  std::string person;
  float distance = -1.f;
  FaceLiveness liveness;
};

struct VisitVerdict {
  int64_t visit = 0;  // 1, 2, ... since the door started
  Verdict verdict = Verdict::kUnknown;
  std::string person;     // granted / denied person; for unknown the nearest (may be empty)
  float distance = -1.f;  // the deciding face's distance (mid-visit) or the visit's best (at end)
  int votes = 0;
  std::string reason;
  int64_t frames = 0;       // frames with a face in the visit so far
  int64_t first_frame = 0;  // frame numbers
  int64_t frame = 0;        // the deciding frame (mid-visit) or the visit's best frame (at end)
  double start_s = 0, end_s = 0;  // frame times: first face, and decision (mid-visit) or last face
  float best_distance = -1.f;     // smallest distance in the visit (any person)
  std::string best_person;
  bool at_end = false;  // decided when the visit ended (its best face is the evidence)
  int face = -1;        // mid-visit: index of the deciding face in this frame's faces
  std::string end_reason;  // at_end: "gone", "max_length", "stream_end", "track_lost"
  VisitLiveness liveness;
};

struct VisitStep {
  // Lines to write, in order: the end of the previous visit (if this frame ended it), then a
  // mid-visit decision of this frame.
  std::vector<VisitVerdict> verdicts;
  std::vector<Decision> faces;  // the policy's view of each face of this frame (--log-frames)
  int64_t visit = 0;            // the visit this frame belongs to (0: none, no face)
  bool pending = false;         // that visit is still undecided after this frame
  int best_face = -1;           // this frame's face that became the visit's best (save evidence)
  // A decided visit that ended in this step (its line was written when it was decided).
  std::vector<VisitVerdict> ended_decided;
};

// What the door keeps of a visit's best face until its verdict is written: the audit line's
// frame fields and the snapshot pictures (snapshot.h). Buffers are reused across visits.
struct VisitEvidence {
  bool valid = false;
  int64_t frame = 0;
  std::string label;
  int face = 0;
  FaceBox box;
  std::string latency_json;  // the frame's "latency_ms" object
  Image crop;                // the face with a margin (only with --snapshots)
  Image whole;               // the whole frame (only with --snapshot-frame)
};

struct VisitTracker {
  VisitOptions options;
  DecisionPolicy policy;
  bool active = false;
  int64_t next_id = 1;
  VisitVerdict cur;      // the current visit's running summary
  bool decided = false;  // cur's verdict has been issued
  // Pending visit: the known person with the most votes so far (the deny at the end).
  std::string deny_person;
  int deny_votes = 0;
  float deny_distance = -1.f;
  std::string deny_reason;
  double last_seen_s = 0;
};

// Checks gap (0..3600 s) and max length (> gap, <= 86400 s).
bool visit_options_valid(const VisitOptions& o, std::string* error);

// True when a face at time `t` would start a new visit (none open, gone too long, too long):
// the door resets its per-visit liveness state (door_liveness.h) before the frame's checks.
bool visit_would_start(const VisitTracker& v, double t);

// One frame at time `t` with `faces` (possibly none). Frames must come in order.
void visit_step(VisitTracker& v, int64_t frame, double t, const std::vector<VisitFace>& faces, VisitStep* out);

// Ends the current visit now (source ended, track lost). Returns true when that visit was
// still pending (*out is its verdict, to be logged); *ended_decided: a decided visit ended
// instead (*out is its summary). False and both unset: no visit was open.
bool visit_end(VisitTracker& v, const char* why, VisitVerdict* out, bool* ended_decided = nullptr);

}  // namespace fg::door
