#include "tools/door/door_visit.h"

#include <algorithm>
#include <cstdio>

namespace fg::door {
namespace {

constexpr double kMaxGapS = 3600, kMaxVisitS = 86400;

void reset_votes(DecisionPolicy& p) {
  // Votes belong to one visit; the last grant times (cooldown) are kept.
  for (auto& kv : p.persons) kv.second.vote_frames.clear();
}

// Closes the current visit. A pending one gets its verdict from what it saw.
void close_visit(VisitTracker& v, const char* why, VisitStep* out_step, VisitVerdict* out_pending, bool* was_pending) {
  VisitVerdict r = v.cur;
  r.end_s = v.last_seen_s;
  r.end_reason = why;
  r.at_end = !v.decided;
  *was_pending = !v.decided;
  if (!v.decided) {
    r.face = -1;
    const VisitLiveness& lv = v.cur.liveness;
    if (lv.checked && (lv.held || (lv.spoof_frames > 0 && lv.spoof_frames >= lv.live_frames))) {
      r.verdict = Verdict::kSpoof;
      r.person = !v.deny_person.empty() ? v.deny_person : v.cur.best_person;
      r.votes = v.deny_votes;
      r.distance = !v.deny_person.empty() ? v.deny_distance : v.cur.best_distance;
      char buf[160];
      std::snprintf(buf, sizeof buf, "liveness: %s failed (%d of %lld frames failed a check%s)", lv.check.c_str(),
                    lv.spoof_frames, (long long)v.cur.frames, lv.held ? "; a grant was held back" : "");
      r.reason = buf;
    } else if (v.deny_person.empty() && lv.quality_fails > 0 && !v.cur.best_person.empty() &&
               v.cur.best_distance <= v.policy.options.tau) {
      // Matched, but every matching face failed a quality gate: refused, not an attack.
      r.verdict = Verdict::kDeny;
      r.person = v.cur.best_person;
      r.votes = 0;
      r.distance = v.cur.best_distance;
      char buf[128];
      std::snprintf(buf, sizeof buf, "face quality: %s gate failed (%d of %lld frames)", lv.quality_gate.c_str(),
                    lv.quality_fails, (long long)v.cur.frames);
      r.reason = buf;
    } else if (!v.deny_person.empty()) {
      r.verdict = Verdict::kDeny;
      r.person = v.deny_person;
      r.votes = v.deny_votes;
      r.distance = v.deny_distance;
      r.reason = v.deny_reason;
    } else {
      r.verdict = Verdict::kUnknown;
      r.person = v.cur.best_person;
      r.votes = 0;
      r.distance = v.cur.best_distance;
      r.reason = r.person.empty() ? "gallery is empty" : "distance above tau";
    }
    r.reason += std::string(" (visit ended: ") + why + ")";
    if (out_step) out_step->verdicts.push_back(r);
  } else if (out_step) {
    out_step->ended_decided.push_back(r);
  }
  if (out_pending) *out_pending = r;
  v.active = false;
  v.decided = false;
}

}  // namespace

bool visit_options_valid(const VisitOptions& o, std::string* error) {
  if (!(o.gap_s >= 0 && o.gap_s <= kMaxGapS)) *error = "--visit-gap must be in 0..3600 seconds";
  else if (!(o.max_s > o.gap_s && o.max_s <= kMaxVisitS)) *error = "--visit-max must be > --visit-gap and <= 86400 seconds";
  else return true;
  return false;
}

bool visit_would_start(const VisitTracker& v, double t) {
  return !v.active || t - v.last_seen_s > v.options.gap_s + 1e-9 || t - v.cur.start_s >= v.options.max_s;
}

namespace {

void note_liveness(VisitLiveness& lv, const FaceLiveness& f) {
  if (!f.checked) return;
  lv.checked = true;
  if (f.score >= 0) {
    lv.score_last = f.score;
    lv.score_min = lv.score_min < 0 ? f.score : std::min(lv.score_min, f.score);
    lv.score_max = std::max(lv.score_max, f.score);
  }
  lv.blinks = std::max(lv.blinks, f.blinks);
  if (f.homography_residual >= 0) {
    lv.similarity_residual = f.similarity_residual;
    lv.homography_residual = f.homography_residual;
  }
  if (f.live) {
    ++lv.live_frames;
    return;
  }
  if (f.check.compare(0, 8, "quality:") == 0) {
    ++lv.quality_fails;
    lv.quality_gate = f.check.substr(8);
    return;
  }
  ++lv.spoof_frames;
  lv.check = f.check;
  if (f.check == "passive") ++lv.passive_fails;
  else if (f.check == "identical") ++lv.identical_fails;
  else if (f.check == "planar") ++lv.planar_fails;
}

}  // namespace

void visit_step(VisitTracker& v, int64_t frame, double t, const std::vector<VisitFace>& faces, VisitStep* out) {
  out->verdicts.clear();
  out->faces.clear();
  out->ended_decided.clear();
  out->best_face = -1;
  bool was_pending = false;
  if (v.active) {
    // Gone for more than the gap (a frame with or without a face shows it), or longer than
    // allowed. Strictly more: faces in consecutive frames one gap apart are one visit. The
    // epsilon absorbs n * period rounding (0.3 - 0.2 > 0.1 in doubles).
    if (t - v.last_seen_s > v.options.gap_s + 1e-9)
      close_visit(v, "gone", out, nullptr, &was_pending);
    else if (!faces.empty() && t - v.cur.start_s >= v.options.max_s)
      close_visit(v, "max_length", out, nullptr, &was_pending);
  }
  if (faces.empty()) {
    out->visit = v.active ? v.cur.visit : 0;
    out->pending = v.active && !v.decided;
    return;
  }
  if (!v.active) {
    v.active = true;
    v.decided = false;
    v.cur = VisitVerdict{};
    v.cur.visit = v.next_id++;
    v.cur.start_s = t;
    v.cur.first_frame = frame;
    v.cur.frame = frame;
    v.deny_person.clear();
    v.deny_votes = 0;
    v.deny_distance = -1.f;
    v.deny_reason.clear();
    reset_votes(v.policy);
  }
  v.last_seen_s = t;
  v.cur.frames += 1;
  v.cur.end_s = t;
  int final_face = -1;
  Decision final_decision;
  for (size_t k = 0; k < faces.size(); ++k) {
    const VisitFace& f = faces[k];
    const bool has = !f.person.empty();
    // The visit's best face: the nearest to anyone enrolled (the first face of an empty gallery).
    if (!v.decided && ((has && (v.cur.best_distance < 0 || f.distance < v.cur.best_distance)) ||
                       (v.cur.frames == 1 && k == 0 && v.cur.best_distance < 0))) {
      if (has) {
        v.cur.best_distance = f.distance;
        v.cur.best_person = f.person;
      }
      v.cur.frame = frame;
      out->best_face = (int)k;
    }
    if (v.decided || (final_face >= 0 && final_decision.verdict == Verdict::kGrant)) {
      // Decided: the rest of the visit only counts (no more votes, no second opening).
      Decision d;
      d.verdict = v.decided ? v.cur.verdict : final_decision.verdict;
      d.person = f.person;
      d.distance = f.distance;
      d.reason = "visit decided";
      out->faces.push_back(d);
      continue;
    }
    note_liveness(v.cur.liveness, f.liveness);
    if (!f.liveness.live) {  // no vote: the face may be a photo or a screen
      Decision d;
      d.verdict = Verdict::kSpoof;
      d.person = f.person;
      d.distance = f.distance;
      d.reason = "liveness: " + f.liveness.check + " check failed, no vote";
      if (f.liveness.check.compare(0, 8, "quality:") == 0) d.verdict = Verdict::kDeny;  // not an attack
      out->faces.push_back(d);
      continue;
    }
    Decision d = policy_decide(v.policy, frame, t, f.person, f.distance, f.liveness.may_grant);
    if (d.held) {
      v.cur.liveness.held = true;
      v.cur.liveness.check = f.liveness.check;
    }
    out->faces.push_back(d);
    if (d.verdict == Verdict::kGrant || (d.cooldown && final_face < 0)) {
      final_face = (int)k;
      final_decision = d;
    } else if (d.verdict == Verdict::kDeny && !d.cooldown &&
               (d.votes > v.deny_votes || (d.votes == v.deny_votes && d.distance < v.deny_distance))) {
      v.deny_person = d.person;
      v.deny_votes = d.votes;
      v.deny_distance = d.distance;
      v.deny_reason = d.reason;
    }
  }
  if (final_face >= 0) {
    VisitVerdict r = v.cur;
    r.verdict = final_decision.verdict;
    r.person = final_decision.person;
    r.distance = final_decision.distance;
    r.votes = final_decision.votes;
    r.reason = final_decision.reason;
    r.frame = frame;
    r.face = final_face;
    r.end_s = t;
    r.at_end = false;
    v.cur = r;
    v.decided = true;
    out->verdicts.push_back(r);
  }
  out->visit = v.cur.visit;
  out->pending = !v.decided;
}

bool visit_end(VisitTracker& v, const char* why, VisitVerdict* out, bool* ended_decided) {
  if (ended_decided) *ended_decided = false;
  if (!v.active) return false;
  bool was_pending = false;
  close_visit(v, why, nullptr, out, &was_pending);
  if (ended_decided) *ended_decided = !was_pending;
  return was_pending;
}

}  // namespace fg::door
