#include "tools/door/snapshot_door.h"

#include <cstdio>

#include "tools/door/audit_log.h"
#include "tools/door/door_loop.h"

namespace fg::door {
namespace {

const char* kFrameSuffix = "_frame.jpg";

std::string relative_to_dir(const SnapshotStore& s, const std::string& path) {
  const std::string& dir = s.options.dir;
  return path.compare(0, dir.size() + 1, dir + "/") == 0 ? path.substr(dir.size() + 1) : path;
}

}  // namespace

void snapshot_keep_evidence(const Door& d, const Image& frame, const FaceBox& box, VisitEvidence* e) {
  if (!snapshot_enabled(d.snapshots)) return;
  snapshot_face_crop(frame, box, &e->crop);
  if (d.snapshots.options.whole_frame) e->whole = frame;  // vector assignment reuses e's buffer
}

std::string snapshot_line_fields(const Door& d, const VisitVerdict& v, const VisitEvidence& e, std::string* base) {
  base->clear();
  if (!snapshot_enabled(d.snapshots) || e.crop.empty()) return "";
  const bool known = v.verdict != Verdict::kUnknown;
  *base = snapshot_base(d.snapshots, v.visit, verdict_name(v.verdict), known ? v.person : "unknown");
  std::string f = ",\"snapshot\":" + json_string(relative_to_dir(d.snapshots, *base + ".jpg"));
  if (d.snapshots.options.whole_frame && !e.whole.empty())
    f += ",\"snapshot_frame\":" + json_string(relative_to_dir(d.snapshots, *base + kFrameSuffix));
  return f;
}

void snapshot_after_verdict(Door& d, const std::string& base, const VisitVerdict& v, const VisitEvidence& e) {
  if (base.empty()) return;
  static const Image kNone;
  const Image& whole = d.snapshots.options.whole_frame ? e.whole : kNone;
  const Status s = snapshot_write(d.snapshots, base, e.crop, whole);
  if (s) return;
  ++d.snapshots.failures;
  std::fprintf(stderr, "facegate-door: visit %lld: snapshot not written: %s (the decision stands)\n",
               (long long)v.visit, s.message().c_str());
  door_write_line(d, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"snapshot_error\",\"visit\":" +
                         std::to_string(v.visit) + ",\"detail\":" + json_string(s.message()) + "}");
}

std::string snapshot_summary(const Door& d) {
  if (!snapshot_enabled(d.snapshots)) return "";
  const SnapshotStore& s = d.snapshots;
  char buf[96];
  std::snprintf(buf, sizeof buf, "snapshots: %lld written, %lld failed, %lld removed (", (long long)s.written,
                (long long)s.failures, (long long)s.removed);
  return buf + s.options.dir + ")";
}

}  // namespace fg::door
