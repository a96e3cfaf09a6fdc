// What the door does with a visit verdict (door_visit.h): the audit line (and so the MQTT
// event), then the actuator on a grant, then the console line, then the snapshot.
//
// The line goes first and fails closed: a grant whose line was not recorded opens nothing.
// A visit line has the per-frame line's fields (frame, image, face, decision, name, box,
// score, distance_sq, tau, votes, n, m, latency_ms, granted, reason: those of the deciding frame,
// or of the visit's best frame for a verdict given at its end) plus "visit", "frames",
// "first_frame", "start_s", "end_s" (frame times), "best_distance_sq", "ended" (at-end verdicts:
// gone / max_length / stop) and "snapshot" (with --snapshots).
#pragma once
#include <string>
#include <vector>

#include "runtime/vision/detector_decode.h"
#include "tools/door/door_visit.h"

namespace fg::door {

struct Door;

// Writes the verdict's line, acts on a grant, prints, snapshots. False when the line was
// not recorded (under --on-log-failure deny the door then stops).
bool door_visit_verdict(Door& d, const VisitVerdict& v, const VisitEvidence& e);

// After visit_step (d.visit_step): writes what the frame `frame` (`label`) produced: the end of
// the previous visit, the evidence of the current one, --log-frames lines, a mid-visit verdict.
// `boxes` / `latency`: the frame's decided faces (null for a frame without a face).
void door_visit_apply(Door& d, const Image& frame, const std::string& label, const std::vector<FaceBox>* boxes,
                      const std::vector<std::string>* latency);

// --log-frames: one "frame" event per decided face (visit, pending/decided, distance, votes)
// and a "visit_end" event when a visit whose verdict was given mid-visit ends.
void door_visit_frame_line(Door& d, int64_t frame, const std::string& label, int face, const FaceBox& box,
                           const Decision& dec, int64_t visit, bool pending);
void door_visit_end_line(Door& d, const VisitVerdict& v);

// The audit line's "liveness" object (door_liveness.h): mode, threshold, N/M, the visit's
// scores (last, min, max), frame counts, failures per check, blinks, the last planarity
// residuals, whether a grant was held back, and the last failed check ("" when none).
std::string door_liveness_json(const Door& d, const VisitLiveness& lv);

// A squared distance as the audit line writes it: 4 decimals, null for none (< 0: empty gallery).
std::string json_distance_sq(float distance);

// The "latency_ms" object of a frame.
std::string door_latency_json(double source_ms, double detect_ms, double landmarks_ms, double embed_ms, double match_ms,
                              double frame_ms);

}  // namespace fg::door
