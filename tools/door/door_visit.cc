#include "tools/door/door_visit.h"

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
    if (!v.deny_person.empty()) {
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
    Decision d = policy_decide(v.policy, frame, t, f.person, f.distance);
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
