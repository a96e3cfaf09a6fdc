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
