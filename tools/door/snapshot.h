// Snapshots: a JPEG of the face (and with --snapshot-frame the whole frame) for every visit
// verdict, so an audit line has its evidence.
//
//   DIR/<UTC time>_v<visit>_<verdict>_<name>.jpg        the face crop (box + 25% margin)
//   DIR/<UTC time>_v<visit>_<verdict>_<name>_frame.jpg  the frame (--snapshot-frame)
// e.g. 20261207T101233.123Z_v000012_grant_amy.jpg: names sort by time, then visit.
// DIR is created 0700 (faces are personal data). Each file is written to a dot-tmp name,
// fsync'd, renamed, and the directory fsync'd: a reader never sees half a JPEG. Retention:
// after each write the oldest files (names sort by time) are removed until at most `keep`
// files and `max_bytes` bytes remain. The door writes the audit line first (it names the
// file) and the file after; a failed write is counted and logged, it never blocks the door.
#pragma once
#include <cstdint>
#include <string>

#include "runtime/base/status.h"
#include "runtime/vision/detector_decode.h"
#include "runtime/vision/image.h"

namespace fg::door {

struct SnapshotOptions {
  std::string dir;           // empty: no snapshots
  bool whole_frame = false;  // --snapshot-frame
  int keep = 1000;           // --snapshot-keep: files kept (0 = no limit)
  uint64_t max_bytes = 256ull << 20;  // --snapshot-max-bytes (0 = no limit)
  int quality = 85;
};

struct SnapshotStore {
  SnapshotOptions options;
  int64_t written = 0, failures = 0, removed = 0;
};

// Creates options.dir (0700) if missing; refuses a path that is not a directory.
Status snapshot_open(const SnapshotOptions& o, SnapshotStore* s);
bool snapshot_enabled(const SnapshotStore& s);
// "<dir>/20261207T101233.123Z_v000012_grant_amy" (no extension); the name keeps [A-Za-z0-9.-],
// anything else becomes '_'.
std::string snapshot_base(const SnapshotStore& s, int64_t visit, const char* verdict, const std::string& person);
// The face with a margin, clipped to the frame.
void snapshot_face_crop(const Image& frame, const FaceBox& box, Image* out);
// Writes base + ".jpg" (crop) and, when whole is non-empty, base + "_frame.jpg"; then prunes.
Status snapshot_write(SnapshotStore& s, const std::string& base, const Image& crop, const Image& whole);
// Removes the oldest snapshots beyond the limits.
Status snapshot_prune(SnapshotStore& s);

}  // namespace fg::door
