#include "tools/door/decision.h"

#include <algorithm>
#include <cstdio>

namespace fg::door {

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::kGrant: return "grant";
    case Verdict::kDeny: return "deny";
    case Verdict::kUnknown: return "unknown";
    case Verdict::kSpoof: return "spoof";
  }
  return "?";
}

bool policy_options_valid(const PolicyOptions& o, std::string* error) {
  if (!(o.tau >= 0.f)) *error = "tau must be >= 0";
  else if (o.window < 1 || o.window > 1000) *error = "window (M) must be in 1..1000";
  else if (o.votes < 1 || o.votes > o.window) *error = "votes (N) must be in 1..window (M)";
  else if (!(o.cooldown_s >= 0)) *error = "cooldown must be >= 0 seconds";
  else return true;
  return false;
}

Decision policy_decide(DecisionPolicy& p, int64_t frame, double now_s, const std::string& person,
                       float distance, bool may_grant) {
  Decision d;
  d.person = person;
  d.distance = person.empty() ? -1.f : distance;
  if (person.empty() || !(distance <= p.options.tau)) {
    d.verdict = Verdict::kUnknown;
    d.reason = person.empty() ? "gallery is empty" : "distance above tau";
    return d;
  }
  DecisionPolicy::PersonState& st = p.persons[person];
  std::vector<int64_t>& v = st.vote_frames;
  // Drop votes that fell out of the window (f - M, f].
  v.erase(std::remove_if(v.begin(), v.end(), [&](int64_t f) { return f <= frame - p.options.window; }), v.end());
  if (v.empty() || v.back() != frame) v.push_back(frame);  // one vote per person per frame
  d.votes = (int)v.size();
  char buf[96];
  if (d.votes < p.options.votes) {
    d.verdict = Verdict::kDeny;
    std::snprintf(buf, sizeof buf, "%d/%d votes in the last %d frames", d.votes, p.options.votes, p.options.window);
    d.reason = buf;
    return d;
  }
  const double since = now_s - st.last_grant_s;
  if (since < p.options.cooldown_s) {
    d.verdict = Verdict::kDeny;
    d.cooldown = true;
    std::snprintf(buf, sizeof buf, "cooldown (%.1f s left)", p.options.cooldown_s - since);
    d.reason = buf;
    return d;
  }
  if (!may_grant) {
    d.verdict = Verdict::kDeny;
    d.held = true;
    std::snprintf(buf, sizeof buf, "%d/%d votes, held: liveness not yet passed", d.votes, p.options.votes);
    d.reason = buf;
    return d;
  }
  d.verdict = Verdict::kGrant;
  std::snprintf(buf, sizeof buf, "%d/%d votes in the last %d frames", d.votes, p.options.votes, p.options.window);
  d.reason = buf;
  st.last_grant_s = now_s;
  v.clear();
  return d;
}

}  // namespace fg::door
