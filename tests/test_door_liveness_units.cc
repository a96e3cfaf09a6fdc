// The visit logic with liveness flags (door_visit.h FaceLiveness, decision.h may_grant): pure
// logic driven with numbers, no models.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tools/door/door_liveness.h"
#include "tools/door/door_visit.h"

namespace fg::door {
namespace {

VisitFace face(const std::string& person, float d, bool live, bool may_grant, const char* check = "") {
  VisitFace f;
  f.person = person;
  f.distance = d;
  f.liveness.checked = true;
  f.liveness.live = live;
  f.liveness.may_grant = may_grant;
  f.liveness.check = check;
  f.liveness.score = live ? 0.9f : 0.05f;
  return f;
}

TEST_CASE("faces failing liveness cast no vote; the visit ends as spoof") {
  VisitTracker v;
  VisitStep st;
  for (int i = 1; i <= 5; ++i) {
    visit_step(v, i, 0.1 * i, {face("amy", 0.1f, false, false, "passive")}, &st);
    CHECK(st.verdicts.empty());
    REQUIRE(st.faces.size() == 1);
    CHECK(st.faces[0].verdict == Verdict::kSpoof);
  }
  VisitVerdict out;
  REQUIRE(visit_end(v, "stop", &out));
  CHECK(out.verdict == Verdict::kSpoof);
  CHECK(out.person == "amy");
  CHECK(out.liveness.spoof_frames == 5);
  CHECK(out.liveness.passive_fails == 5);
  CHECK(out.liveness.check == "passive");
  CHECK(out.liveness.score_max == doctest::Approx(0.05f));
  CHECK(std::string(verdict_name(out.verdict)) == "spoof");
}

TEST_CASE("a held grant keeps its votes and grants once the visit's checks pass") {
  VisitTracker v;
  VisitStep st;
  visit_step(v, 1, 0.1, {face("amy", 0.1f, true, false, "blink")}, &st);
  visit_step(v, 2, 0.2, {face("amy", 0.1f, true, false, "blink")}, &st);
  CHECK(st.verdicts.empty());
  CHECK(st.faces[0].held);
  visit_step(v, 3, 0.3, {face("amy", 0.1f, true, true)}, &st);  // the blink came
  REQUIRE(st.verdicts.size() == 1);
  CHECK(st.verdicts[0].verdict == Verdict::kGrant);
  CHECK(st.verdicts[0].votes == 3);
}

TEST_CASE("a held grant that never passes ends as spoof; one failed frame among live ones does not") {
  VisitTracker v;
  VisitStep st;
  for (int i = 1; i <= 4; ++i) visit_step(v, i, 0.1 * i, {face("amy", 0.1f, true, false, "blink")}, &st);
  VisitVerdict out;
  REQUIRE(visit_end(v, "stop", &out));
  CHECK(out.verdict == Verdict::kSpoof);
  CHECK(out.liveness.held);
  CHECK(out.reason.find("blink") != std::string::npos);

  // A stranger whose faces are live but one frame failed: unknown, not spoof.
  VisitTracker w;
  visit_step(w, 1, 0.1, {face("amy", 0.9f, true, true)}, &st);
  visit_step(w, 2, 0.2, {face("amy", 0.9f, false, false, "identical")}, &st);
  visit_step(w, 3, 0.3, {face("amy", 0.9f, true, true)}, &st);
  REQUIRE(visit_end(w, "stop", &out));
  CHECK(out.verdict == Verdict::kUnknown);
  CHECK(out.liveness.identical_fails == 1);
}

TEST_CASE("faces refused by a quality gate cast no vote and are not evidence of an attack") {
  VisitTracker v;
  VisitStep st;
  for (int i = 1; i <= 4; ++i) visit_step(v, i, 0.1 * i, {face("amy", 0.1f, false, false, "quality:pose")}, &st);
  CHECK(st.faces[0].verdict == Verdict::kDeny);
  VisitVerdict out;
  REQUIRE(visit_end(v, "stop", &out));
  CHECK(out.verdict == Verdict::kDeny);
  CHECK(out.person == "amy");
  CHECK(out.liveness.quality_fails == 4);
  CHECK(out.liveness.spoof_frames == 0);
  CHECK(out.liveness.quality_gate == "pose");
  CHECK(out.reason.find("face quality: pose") != std::string::npos);
}

TEST_CASE("liveness options: modes by name, ranges") {
  LivenessMode m;
  CHECK(liveness_mode_from_name("passive+blink", &m));
  CHECK(m == LivenessMode::kPassiveBlink);
  CHECK_FALSE(liveness_mode_from_name("on", &m));
  DoorLivenessOptions o;
  std::string error;
  CHECK(door_liveness_options_valid(o, &error));
  CHECK(o.mode == LivenessMode::kPassive);  // the default
  o.votes = 4;
  CHECK_FALSE(door_liveness_options_valid(o, &error));
  o.votes = 2;
  o.threshold = 1.5f;
  CHECK_FALSE(door_liveness_options_valid(o, &error));
}

}  // namespace
}  // namespace fg::door
