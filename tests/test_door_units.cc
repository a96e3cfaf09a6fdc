// Unit tests of facegate-door's pieces that need no models: decision policy, Y4M parsing
// (good, hostile and truncated streams), YUV conversion, latency percentiles, audit-log
// rotation and JSON escaping. They link the door library (fg_door), like facegate-door.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "tools/door/audit_log.h"
#include "tools/door/decision.h"
#include "tools/door/door_visit.h"
#include "tools/door/frame_source.h"
#include "tools/door/latency_stats.h"
#include "tools/door/yuv_to_rgb.h"

using namespace fg;
using namespace fg::door;

namespace {

std::string temp_dir() {
  char tmpl[] = "/tmp/fg_door_units_XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  return tmpl;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// A 444 stream of `frames` frames, each a flat color (Y, U, V).
std::string y4m_444(int w, int h, int frames, uint8_t y, uint8_t u, uint8_t v) {
  std::string s = "YUV4MPEG2 W" + std::to_string(w) + " H" + std::to_string(h) + " F25:1 Ip A1:1 C444\n";
  for (int f = 0; f < frames; ++f) {
    s += "FRAME\n";
    s += std::string((size_t)w * h, (char)y) + std::string((size_t)w * h, (char)u) + std::string((size_t)w * h, (char)v);
  }
  return s;
}

}  // namespace

TEST_CASE("policy: N of M votes, then cooldown, unknown above tau") {
  DecisionPolicy p;
  p.options = PolicyOptions{0.3f, 2, 3, 10.0};
  CHECK(policy_decide(p, 1, 0.0, "amy", 0.1f).verdict == Verdict::kDeny);   // 1/2
  Decision d = policy_decide(p, 2, 0.1, "amy", 0.2f);
  CHECK(d.verdict == Verdict::kGrant);
  CHECK(d.votes == 2);
  CHECK(policy_decide(p, 3, 0.2, "amy", 0.1f).verdict == Verdict::kDeny);   // votes cleared: 1/2
  d = policy_decide(p, 4, 0.3, "amy", 0.1f);                               // 2/2 but cooling down
  CHECK(d.verdict == Verdict::kDeny);
  CHECK(d.reason.find("cooldown") != std::string::npos);
  CHECK(policy_decide(p, 5, 20.0, "amy", 0.1f).verdict == Verdict::kGrant);  // cooldown over
  CHECK(policy_decide(p, 6, 21.0, "bob", 0.31f).verdict == Verdict::kUnknown);
  CHECK(policy_decide(p, 7, 21.0, "", -1.f).verdict == Verdict::kUnknown);   // empty gallery
}

TEST_CASE("policy: votes outside the window expire; one vote per person per frame") {
  DecisionPolicy p;
  p.options = PolicyOptions{0.3f, 2, 3, 0.0};
  CHECK(policy_decide(p, 1, 0, "amy", 0.1f).verdict == Verdict::kDeny);
  CHECK(policy_decide(p, 4, 0, "amy", 0.1f).verdict == Verdict::kDeny);  // frame 1 left (1, 4]
  CHECK(policy_decide(p, 10, 0, "amy", 0.1f).verdict == Verdict::kDeny);
  CHECK(policy_decide(p, 10, 0, "amy", 0.1f).verdict == Verdict::kDeny);  // same frame: still 1 vote
  CHECK(policy_decide(p, 12, 0, "amy", 0.1f).verdict == Verdict::kGrant);
  std::string err;
  CHECK_FALSE(policy_options_valid(PolicyOptions{0.3f, 4, 3, 0.0}, &err));
  CHECK_FALSE(policy_options_valid(PolicyOptions{-1.f, 1, 3, 0.0}, &err));
  CHECK(policy_options_valid(PolicyOptions{0.3f, 3, 3, 0.0}, &err));
}

TEST_CASE("yuv: BT.601 video range gray and primaries") {
  Image out = image_make(2, 1, 3);
  const uint8_t y[2] = {16, 235}, u[2] = {128, 128}, v[2] = {128, 128};
  yuv_planar_to_rgb(YuvPlanes{y, u, v, 0, 0}, 2, 1, false, &out);
  CHECK(out.pixels == std::vector<uint8_t>{0, 0, 0, 255, 255, 255});
  // BT.601 red (R'G'B' 255,0,0) in video range: Y 81, U 90, V 240.
  const uint8_t ry[2] = {81, 81}, ru[1] = {90}, rv[1] = {240};
  yuv_planar_to_rgb(YuvPlanes{ry, ru, rv, 1, 1}, 2, 1, false, &out);
  CHECK(out.pixels[0] >= 253);
  CHECK(out.pixels[1] <= 2);
  CHECK(out.pixels[2] <= 2);
  const uint8_t yuyv[4] = {81, 90, 81, 240};
  yuyv_to_rgb(yuyv, 2, 1, 4, false, &out);
  CHECK(out.pixels[3] >= 253);
}

TEST_CASE("y4m: frames, clean end, truncated frame, hostile headers") {
  const std::string dir = temp_dir();
  const std::string good = dir + "/good.y4m";
  write_file(good, y4m_444(4, 2, 2, 235, 128, 128));
  std::unique_ptr<FrameSource> src;
  REQUIRE(y4m_source_open(good, nullptr, &src));
  Image frame;
  std::string label, error;
  CHECK(src->next(&frame, &label, &error) == FrameResult::kFrame);
  CHECK(frame.width == 4);
  CHECK(frame.height == 2);
  CHECK(frame.pixels[0] == 255);
  CHECK(src->next(&frame, &label, &error) == FrameResult::kFrame);
  CHECK(src->next(&frame, &label, &error) == FrameResult::kEnd);
  CHECK(error.empty());

  // Truncated in the middle of frame 2: frame 1 plays, then the stream ends with a reason.
  std::string t = y4m_444(4, 2, 2, 100, 128, 128);
  write_file(dir + "/trunc.y4m", t.substr(0, t.size() - 5));
  REQUIRE(y4m_source_open(dir + "/trunc.y4m", nullptr, &src));
  CHECK(src->next(&frame, &label, &error) == FrameResult::kFrame);
  CHECK(src->next(&frame, &label, &error) == FrameResult::kEnd);
  CHECK(error.find("truncated frame 2") != std::string::npos);

  // 420 with odd sizes: chroma planes round up (3x3 luma -> 2x2 chroma).
  std::string s420 = "YUV4MPEG2 W3 H3 C420jpeg\nFRAME\n" + std::string(9, (char)16) + std::string(8, (char)128);
  write_file(dir + "/odd.y4m", s420);
  REQUIRE(y4m_source_open(dir + "/odd.y4m", nullptr, &src));
  CHECK(src->next(&frame, &label, &error) == FrameResult::kFrame);
  CHECK(frame.pixels[0] == 0);

  const char* hostile[] = {
      "",                                          // empty
      "P6\n3 3\n255\n",                            // not Y4M
      "YUV4MPEG2 W0 H10\n",                        // zero width
      "YUV4MPEG2 W99999 H10\n",                    // absurd width
      "YUV4MPEG2 W10\n",                           // no height
      "YUV4MPEG2 W10 H10 C411\n",                  // unsupported colorspace
      "YUV4MPEG2 W10 H10 Wx\n",                    // malformed number
  };
  for (const char* h : hostile) {
    write_file(dir + "/bad.y4m", h);
    Status st = y4m_source_open(dir + "/bad.y4m", nullptr, &src);
    CHECK_MESSAGE(!st, "header: " << h);
    CHECK(!st.message().empty());
  }
  // Header line without an end (over-long): refused, not read forever.
  write_file(dir + "/long.y4m", "YUV4MPEG2 W10 H10 " + std::string(100000, 'X'));
  CHECK_FALSE(y4m_source_open(dir + "/long.y4m", nullptr, &src));
  // Lost sync: garbage where FRAME should be ends the stream with a reason.
  write_file(dir + "/sync.y4m", "YUV4MPEG2 W2 H2 C444\nFRAMX\n" + std::string(12, 'a'));
  REQUIRE(y4m_source_open(dir + "/sync.y4m", nullptr, &src));
  error.clear();
  CHECK(src->next(&frame, &label, &error) == FrameResult::kEnd);
  CHECK(error.find("FRAME") != std::string::npos);
  std::system(("rm -rf " + dir).c_str());
}

TEST_CASE("latency: percentiles within 1% of the exact sample, fixed memory") {
  LatencyStats s;
  latency_stats_init(&s);
  for (int i = 1; i <= 1000; ++i) latency_record(s, Stage::kDetect, i * 0.1);  // 0.1 .. 100 ms
  const StageHistogram& h = s.stages[(int)Stage::kDetect];
  CHECK(h.count == 1000);
  CHECK(latency_percentile(h, 0.5) == doctest::Approx(50.0).epsilon(0.011));
  CHECK(latency_percentile(h, 0.95) == doctest::Approx(95.0).epsilon(0.011));
  CHECK(h.max_ms == doctest::Approx(100.0));
  const size_t buckets = h.buckets.size();
  for (int i = 0; i < 100000; ++i) latency_record(s, Stage::kDetect, 1e6);  // beyond the last bucket
  CHECK(h.buckets.size() == buckets);
  CHECK(latency_percentile(s.stages[(int)Stage::kEmbed], 0.5) == 0.0);
}

TEST_CASE("audit log: one line per write, rotation by size, JSON escaping") {
  const std::string dir = temp_dir();
  AuditLog log;
  AuditLogOptions o;
  o.path = dir + "/audit.jsonl";
  o.max_bytes = 250;
  o.keep = 2;
  REQUIRE(audit_log_open(o, &log));
  const std::string line = "{\"n\":\"" + std::string(40, 'x') + "\"}";
  for (int i = 0; i < 7; ++i) REQUIRE(audit_log_write(log, line));
  audit_log_close(log);
  // Each line gets a 75-byte "prev" field: 123 bytes + '\n', 2 per file. audit.jsonl has 1,
  // .1 and .2 have 2 each, the oldest 2 lines were rotated away (keep = 2).
  const std::string body = "," + line.substr(1) + "\n";  // after {"prev":"<64 hex>"
  auto lines_of = [](const std::string& text) { return std::count(text.begin(), text.end(), '\n'); };
  CHECK(lines_of(read_file(o.path)) == 1);
  CHECK(lines_of(read_file(o.path + ".1")) == 2);
  CHECK(lines_of(read_file(o.path + ".2")) == 2);
  CHECK(read_file(o.path).size() == 74 + body.size());
  CHECK(read_file(o.path).substr(74) == body);
  CHECK(access((o.path + ".3").c_str(), F_OK) != 0);
  CHECK(json_string("a\"b\\c\nd\x01") == "\"a\\\"b\\\\c\\u000ad\\u0001\"");
  CHECK(utc_timestamp().size() == 24);  // 2024-01-02T03:04:05.678Z
  std::system(("rm -rf " + dir).c_str());
}

namespace {

// Drives a visit tracker at 10 frames a second: `seq` has one entry per frame, "" = no face,
// "amy" = amy within tau (0.1), "far" = amy above tau (0.5), "x" = empty gallery face.
std::vector<VisitVerdict> play_visits(VisitTracker& v, const std::vector<std::string>& seq, int64_t first = 1) {
  std::vector<VisitVerdict> out;
  VisitStep st;
  for (size_t i = 0; i < seq.size(); ++i) {
    std::vector<VisitFace> faces;
    if (seq[i] == "amy") faces.push_back({"amy", 0.1f});
    if (seq[i] == "far") faces.push_back({"amy", 0.5f});
    if (seq[i] == "x") faces.push_back({"", -1.f});
    const int64_t f = first + (int64_t)i;
    visit_step(v, f, f * 0.1, faces, &st);
    for (const VisitVerdict& r : st.verdicts) out.push_back(r);
  }
  return out;
}

VisitTracker tracker(double gap, double max_s, double cooldown) {
  VisitTracker v;
  v.options = VisitOptions{gap, max_s};
  v.policy.options = PolicyOptions{0.3f, 2, 3, cooldown};
  return v;
}

}  // namespace

TEST_CASE("visits: appear, grant once mid-visit, no line per frame, vanish after the gap") {
  VisitTracker v = tracker(0.5, 60, 3600);
  // 12 frames of amy: one grant at frame 2, then silence (no cooldown deny per frame).
  std::vector<VisitVerdict> r = play_visits(v, std::vector<std::string>(12, "amy"));
  REQUIRE(r.size() == 1);
  CHECK(r[0].verdict == Verdict::kGrant);
  CHECK(r[0].frame == 2);
  CHECK(r[0].visit == 1);
  CHECK(r[0].frames == 2);
  CHECK_FALSE(r[0].at_end);
  CHECK(v.active);
  // Gone 5 frames (0.5 s = the gap, not more): still the same visit; 6 frames: ended.
  r = play_visits(v, {"", "", "", "", ""}, 13);
  CHECK(r.empty());
  CHECK(v.active);
  VisitStep st;
  visit_step(v, 18, 1.8, {}, &st);
  CHECK(st.verdicts.empty());  // a decided visit ends without a second verdict
  REQUIRE(st.ended_decided.size() == 1);
  CHECK(st.ended_decided[0].frames == 12);
  CHECK(st.ended_decided[0].end_reason == "gone");
  CHECK_FALSE(v.active);
}

TEST_CASE("visits: pending until the end; deny with too few votes, unknown above tau, gap keeps one visit") {
  VisitTracker v = tracker(0.5, 60, 0);
  // amy once, a missed frame, then far: 1/2 votes -> deny, at the end of the visit.
  std::vector<VisitVerdict> r = play_visits(v, {"amy", "", "far", "far", "", "", "", "", "", ""});
  REQUIRE(r.size() == 1);
  CHECK(r[0].verdict == Verdict::kDeny);
  CHECK(r[0].at_end);
  CHECK(r[0].votes == 1);
  CHECK(r[0].frames == 3);
  CHECK(r[0].frame == 1);  // the best face is the evidence
  CHECK(r[0].best_distance == doctest::Approx(0.1f));
  CHECK(r[0].start_s == doctest::Approx(0.1));
  CHECK(r[0].end_s == doctest::Approx(0.4));
  CHECK(r[0].reason.find("visit ended: gone") != std::string::npos);
  // Only faces above tau: unknown, with the nearest person; stream end closes it.
  r = play_visits(v, {"far", "far"}, 20);
  CHECK(r.empty());
  VisitVerdict end;
  CHECK(visit_end(v, "stop", &end));
  CHECK(end.verdict == Verdict::kUnknown);
  CHECK(end.person == "amy");
  CHECK(end.visit == 2);
  CHECK(end.end_reason == "stop");
  CHECK_FALSE(visit_end(v, "stop", &end));  // nothing open any more
  // Empty gallery: unknown too.
  r = play_visits(v, {"x", "", "", "", "", "", "", ""}, 40);
  REQUIRE(r.size() == 1);
  CHECK(r[0].verdict == Verdict::kUnknown);
  CHECK(r[0].reason.find("gallery is empty") != std::string::npos);
}

TEST_CASE("visits: the cooldown is per visit, votes start afresh, max length splits a long visit") {
  VisitTracker v = tracker(0.2, 60, 10);
  std::vector<VisitVerdict> r = play_visits(v, {"amy", "amy", "", "", "", "amy", "amy", "amy"});
  REQUIRE(r.size() == 2);
  CHECK(r[0].verdict == Verdict::kGrant);
  CHECK(r[1].verdict == Verdict::kDeny);  // second visit 0.4 s later: one cooldown deny, not one per frame
  CHECK(r[1].visit == 2);
  CHECK(r[1].reason.find("cooldown") != std::string::npos);
  CHECK_FALSE(r[1].at_end);
  // Votes do not carry over: a visit with a single amy frame after one with one amy frame.
  VisitTracker w = tracker(0.1, 60, 0);
  r = play_visits(w, {"amy", "", "", "amy", "", ""});
  REQUIRE(r.size() == 2);  // each visit ended by the gap, each with 1 of 2 votes
  CHECK(r[0].verdict == Verdict::kDeny);
  CHECK(r[1].verdict == Verdict::kDeny);
  CHECK(r[1].votes == 1);
  CHECK(r[1].visit == 2);
  // Max length 1 s: far faces for 2.5 s give 2 unknown verdicts (at 1 s and 2 s) + one at the end.
  VisitTracker m = tracker(1.5, 1.0, 0);
  r = play_visits(m, std::vector<std::string>(25, "far"));
  REQUIRE(r.size() == 2);
  CHECK(r[0].end_reason == "max_length");
  CHECK(r[0].frames == 10);
  CHECK(r[1].visit == 2);
  std::string err;
  CHECK_FALSE(visit_options_valid(VisitOptions{2.0, 1.0}, &err));
  CHECK_FALSE(visit_options_valid(VisitOptions{-1.0, 10.0}, &err));
  CHECK(visit_options_valid(VisitOptions{1.5, 60.0}, &err));
}
