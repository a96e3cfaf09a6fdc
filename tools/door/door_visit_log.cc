#include "tools/door/door_visit_log.h"

#include <cstdio>

#include "tools/door/door_loop.h"
#include "tools/door/snapshot_door.h"

namespace fg::door {

std::string json_distance_sq(float distance) {
  if (distance < 0) return "null";  // the gallery was empty: no nearest person
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", distance);
  return buf;
}

std::string door_latency_json(double source_ms, double detect_ms, double landmarks_ms, double embed_ms, double match_ms,
                              double frame_ms) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "{\"source\":%.2f,\"detect\":%.2f,\"landmarks\":%.2f,\"embed\":%.2f,\"match\":%.3f,\"frame\":%.2f}",
                source_ms, detect_ms, landmarks_ms, embed_ms, match_ms, frame_ms);
  return buf;
}

bool door_visit_verdict(Door& d, const VisitVerdict& v, const VisitEvidence& e) {
  if (d.log_failed) return false;
  if (v.verdict == Verdict::kGrant) {
    ++d.counters.grants;
  } else if (v.verdict == Verdict::kUnknown) {
    ++d.counters.unknowns;
  } else if (v.verdict == Verdict::kSpoof) {
    ++d.counters.spoofs;
  } else {
    ++d.counters.denies;
  }
  // A spoof names no one as present: "person" is unknown, "nearest" the face it resembles.
  const bool known = v.verdict == Verdict::kGrant || v.verdict == Verdict::kDeny;
  const PolicyOptions& po = d.visits.policy.options;
  char box[160];
  std::snprintf(box, sizeof box, ",\"box\":[%.1f,%.1f,%.1f,%.1f],\"score\":%.3f,\"distance_sq\":", e.box.x, e.box.y,
                e.box.width, e.box.height, e.box.score);
  char nums[160];
  std::snprintf(nums, sizeof nums, ",\"tau\":%.4f,\"votes\":%d,\"n\":%d,\"m\":%d,\"latency_ms\":", po.tau, v.votes,
                po.votes, po.window);
  // Names and shapes as the CLI's identify (docs/json.md): "image", "name" (null: nobody
  // recognized), "distance_sq" (null: empty gallery).
  std::string line = "{\"time\":\"" + utc_timestamp() + "\",\"frame\":" + std::to_string(e.frame) +
                     ",\"image\":" + json_string(e.label) + ",\"face\":" + std::to_string(e.face) + ",\"decision\":\"" +
                     verdict_name(v.verdict) + "\",\"name\":" + (known ? json_string(v.person) : std::string("null"));
  if (!known && !v.person.empty()) line += ",\"nearest\":" + json_string(v.person);
  line += box;
  line += json_distance_sq(v.distance);
  line += nums;
  line += e.latency_json;
  line += ",\"granted\":" + std::string(v.verdict == Verdict::kGrant ? "true" : "false");
  line += ",\"reason\":" + json_string(v.reason);
  char visit[256];
  std::snprintf(visit, sizeof visit,
                ",\"visit\":%lld,\"frames\":%lld,\"first_frame\":%lld,\"start_s\":%.3f,\"end_s\":%.3f,"
                "\"best_distance_sq\":",
                (long long)v.visit, (long long)v.frames, (long long)v.first_frame, v.start_s, v.end_s);
  line += visit;
  line += json_distance_sq(v.best_distance);
  if (v.at_end) line += ",\"ended\":" + json_string(v.end_reason);
  line += door_liveness_json(d, v.liveness);
  std::string snapshot;
  line += snapshot_line_fields(d, v, e, &snapshot);
  line += "}";
  // The record first, then the door: an opening is never missing from the log.
  if (!door_write_line(d, line) && d.log_failed) {
    if (v.verdict == Verdict::kGrant)
      std::fprintf(stderr, "facegate-door: visit %lld: grant for %s NOT opened (no audit record)\n",
                   (long long)v.visit, v.person.c_str());
    return false;
  }
  if (v.verdict == Verdict::kGrant) {
    Status a = actuator_grant(d.actuator, v.person, v.distance, e.frame, door_now_s(d));
    if (!a) {
      ++d.counters.errors;
      std::fprintf(stderr, "facegate-door: actuator: %s\n", a.message().c_str());
      door_write_line(d, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"actuator_error\",\"frame\":" +
                             std::to_string(e.frame) + ",\"visit\":" + std::to_string(v.visit) +
                             ",\"name\":" + json_string(v.person) + ",\"detail\":" + json_string(a.message()) + "}");
    }
  }
  // "frame N LABEL: verdict" keeps the shape tests/door_kill_loop.sh matches.
  if (!d.cfg.quiet)
    std::printf("frame %lld %s: %-7s %-12s d=%.4f  (%s)  [visit %lld: %lld frames, %.2f-%.2f s]\n", (long long)e.frame,
                e.label.c_str(), verdict_name(v.verdict),
                known || v.verdict == Verdict::kSpoof ? v.person.c_str() : "unknown", v.distance,
                v.reason.c_str(), (long long)v.visit, (long long)v.frames, v.start_s, v.end_s);
  snapshot_after_verdict(d, snapshot, v, e);
  return true;
}

std::string door_liveness_json(const Door& d, const VisitLiveness& lv) {
  const DoorLivenessOptions& o = d.cfg.liveness;
  if (o.mode == LivenessMode::kOff) return ",\"liveness\":{\"mode\":\"off\"}";
  char buf[512];
  std::snprintf(buf, sizeof buf,
                ",\"liveness\":{\"mode\":\"%s\",\"threshold\":%.3f,\"n\":%d,\"m\":%d,\"score_last\":%.4f,"
                "\"score_min\":%.4f,\"score_max\":%.4f,\"live_frames\":%d,\"spoof_frames\":%d,\"passive_fails\":%d,"
                "\"identical_fails\":%d,\"planar_fails\":%d,\"blinks\":%d,\"similarity_residual\":%.4f,"
                "\"homography_residual\":%.4f,\"quality_fails\":%d,\"held\":%s,\"failed\":",
                liveness_mode_name(o.mode), o.threshold, o.votes, o.window, lv.score_last, lv.score_min, lv.score_max,
                lv.live_frames, lv.spoof_frames, lv.passive_fails, lv.identical_fails, lv.planar_fails, lv.blinks,
                lv.similarity_residual, lv.homography_residual, lv.quality_fails, lv.held ? "true" : "false");
  return buf + json_string(lv.check) + ",\"quality_gate\":" + json_string(lv.quality_gate) + "}";
}

namespace {

void keep_evidence(Door& d, const Image& frame, const std::string& label, int face, const FaceBox& box,
                   const std::string& latency, VisitEvidence* e) {
  snapshot_keep_evidence(d, frame, box, e);
  e->valid = true;
  e->frame = d.counters.frames;
  e->label = label;
  e->face = face;
  e->box = box;
  e->latency_json = latency;
}

}  // namespace

void door_visit_apply(Door& d, const Image& frame, const std::string& label, const std::vector<FaceBox>* boxes,
                      const std::vector<std::string>* latency) {
  const VisitStep& st = d.visit_step;
  d.counters.visits = d.visits.next_id - 1;
  if (d.cfg.log_frames)
    for (const VisitVerdict& v : st.ended_decided) door_visit_end_line(d, v);
  for (const VisitVerdict& v : st.verdicts)
    if (v.at_end && !door_visit_verdict(d, v, d.evidence)) return;
  if (!boxes) return;
  if (st.best_face >= 0 && st.best_face < (int)boxes->size())
    keep_evidence(d, frame, label, st.best_face, (*boxes)[st.best_face], (*latency)[st.best_face], &d.evidence);
  if (d.cfg.log_frames)
    for (size_t k = 0; k < st.faces.size() && k < boxes->size(); ++k)
      door_visit_frame_line(d, d.counters.frames, label, (int)k, (*boxes)[k], st.faces[k], st.visit, st.pending);
  for (const VisitVerdict& v : st.verdicts) {
    if (v.at_end || v.face < 0 || v.face >= (int)boxes->size()) continue;
    // Decided mid-visit: the deciding face is the visit's evidence from now on.
    keep_evidence(d, frame, label, v.face, (*boxes)[v.face], (*latency)[v.face], &d.evidence);
    if (!door_visit_verdict(d, v, d.evidence)) return;
  }
}

void door_visit_frame_line(Door& d, int64_t frame, const std::string& label, int face, const FaceBox& box,
                           const Decision& dec, int64_t visit, bool pending) {
  char nums[160];
  std::snprintf(nums, sizeof nums, ",\"box\":[%.1f,%.1f,%.1f,%.1f],\"distance_sq\":", box.x, box.y, box.width,
                box.height);
  door_write_line(d, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"frame\",\"frame\":" + std::to_string(frame) +
                         ",\"image\":" + json_string(label) + ",\"face\":" + std::to_string(face) +
                         ",\"visit\":" + std::to_string(visit) + ",\"state\":\"" + (pending ? "pending" : "decided") +
                         "\",\"nearest\":" + json_string(dec.person) + nums + json_distance_sq(dec.distance) +
                         ",\"votes\":" + std::to_string(dec.votes) + ",\"reason\":" + json_string(dec.reason) + "}");
  if (!d.cfg.quiet)
    std::printf("frame %lld %s: %-7s %-12s d=%.4f  (%s)  [visit %lld]\n", (long long)frame, label.c_str(),
                pending ? "pending" : "(done)", dec.person.empty() ? "-" : dec.person.c_str(), dec.distance,
                dec.reason.c_str(), (long long)visit);
}

void door_visit_end_line(Door& d, const VisitVerdict& v) {
  char buf[256];
  std::snprintf(buf, sizeof buf,
                ",\"visit\":%lld,\"verdict\":\"%s\",\"frames\":%lld,\"start_s\":%.3f,\"end_s\":%.3f,\"ended\":",
                (long long)v.visit, verdict_name(v.verdict), (long long)v.frames, v.start_s, v.end_s);
  // "verdict", not "decision": an event line must not look like a decision to readers.
  door_write_line(d, "{\"time\":\"" + utc_timestamp() + "\",\"event\":\"visit_end\"" + std::string(buf) +
                         json_string(v.end_reason) + "}");
}

}  // namespace fg::door
