// The door's decision policy: turns per-face matches into grant / deny / unknown.
//
//   match d <= tau in frame f  -> a vote for that person at frame f (one per person per frame)
//   votes in frames (f - M, f] >= N and no grant of that person in the last `cooldown_s`
//                               -> grant (votes cleared, so the next grant needs N fresh ones)
//   d <= tau otherwise          -> deny  (reason: "2/3 votes" or "cooldown")
//   d > tau or empty gallery    -> unknown
// Frames without that person count as misses: a face must be seen in N of any M consecutive
// frames. Time comes from the caller (seconds, monotonic) so tests can drive it.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fg::door {

struct PolicyOptions {
  // Squared-L2 threshold: the LFW calibration of this pipeline (`facegate eval lfw`, aligned
  // chips, 6000 pairs) gives tau 0.295 at a false-accept rate of 1e-3 (TAR 91.6%), against
  // 0.379 for the best accuracy (98.8%). A door wants the low-FAR point; the N-of-M vote
  // then recovers most of the true accepts (2 of 3 frames at 91.6% each: ~97.7%).
  float tau = 0.30f;
  int votes = 2;     // N
  int window = 3;    // M (frames)
  double cooldown_s = 5.0;
};

// kSpoof: a visit whose faces failed the liveness checks (door_liveness.h, door_visit.h).
enum class Verdict { kGrant, kDeny, kUnknown, kSpoof };
const char* verdict_name(Verdict v);

struct Decision {
  Verdict verdict = Verdict::kUnknown;
  std::string person;  // nearest enrolled person (empty when the gallery is empty)
  float distance = -1.f;  // squared L2 to `person`, -1 when there is none
  int votes = 0;          // votes in the window after this frame
  std::string reason;
  bool cooldown = false;  // a deny because of the cooldown (final for a visit, door_visit.h)
  bool held = false;      // enough votes, but !may_grant held the grant back (votes kept)
};

struct DecisionPolicy {
  PolicyOptions options;
  struct PersonState {
    std::vector<int64_t> vote_frames;  // frames with a match, newest last, at most `window`
    double last_grant_s = -1e300;
  };
  std::map<std::string, PersonState> persons;  // bounded by the gallery's people
};

// Checks the options (1 <= votes <= window <= 1000, tau >= 0, cooldown >= 0).
bool policy_options_valid(const PolicyOptions& o, std::string* error);

// One face of frame `frame` whose nearest enrolled person is `person` at `distance`
// (person empty: no one enrolled). may_grant false (the visit's liveness is not yet satisfied,
// door_liveness.h): a deny "held" instead of a grant, the votes kept for a later frame.
Decision policy_decide(DecisionPolicy& p, int64_t frame, double now_s, const std::string& person,
                       float distance, bool may_grant = true);

}  // namespace fg::door
