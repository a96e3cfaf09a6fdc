// The door's side of snapshots (snapshot.h): what a visit keeps as evidence, the audit
// line's "snapshot" fields, and the write after the line. Kept out of door_visit_log.cc so
// the visit code only calls three functions.
//
// Order for one verdict: name chosen -> audit line (naming the file) written -> actuator ->
// JPEG written. A failed write is counted (Door::snapshots.failures, printed with the exit
// statistics), reported on stderr and as a "snapshot_error" event line; the door goes on.
#pragma once
#include <string>

#include "runtime/vision/detector_decode.h"
#include "runtime/vision/image.h"
#include "tools/door/door_visit.h"

namespace fg::door {

struct Door;

// With --snapshots: copies the face crop (and with --snapshot-frame the frame) into e.
void snapshot_keep_evidence(const Door& d, const Image& frame, const FaceBox& box, VisitEvidence* e);

// With --snapshots and a kept crop: picks the files' base path (*base) and returns the
// line's fields ',"snapshot":"<name>.jpg"' (+ ',"snapshot_frame":...'); else "" and base empty.
std::string snapshot_line_fields(const Door& d, const VisitVerdict& v, const VisitEvidence& e, std::string* base);

// Writes the pictures named by snapshot_line_fields (no-op for an empty base).
void snapshot_after_verdict(Door& d, const std::string& base, const VisitVerdict& v, const VisitEvidence& e);

// "snapshots: 3 written, 1 failed, 0 removed (DIR)" or "" without --snapshots.
std::string snapshot_summary(const Door& d);

}  // namespace fg::door
