// facegate-door with liveness on (door_liveness.h), end to end on bundled data: the real
// binary, image lists made here, the audit log's verdicts and "liveness" objects.
//
// Frames: MiniVision's Apache-2.0 samples (tests/data/liveness): image_T1 is a live capture,
// image_F1 an attack; samples/frames/amy3.png a broadcast still of an enrolled person. The
// "live" sequence is image_T1 with a few pixels of shift and +-3 levels of noise per frame:
// it stands in for camera frames (no redistributable live video here) and so shows that live-
// scoring frames grant, not that real head motion does. The attacks: one frame repeated, a
// photo tilted in front of the camera (each frame a perspective warp of image_T1 as a flat
// plane turning about its vertical axis), and the upstream attack sample.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/gallery/gallery_key.h"
#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/liveness.h"
#include "runtime/vision/image.h"
#include "test_util.h"

using namespace fg_test;

namespace {

std::string door_bin() { return bin_dir() + "/facegate-door"; }
std::string liveness_data() { return test_data_dir() + "/liveness"; }

CommandResult run_door(const std::string& args) {
  return run_command(exec_prefix() + " " + door_bin() + " --models " + model_dir() + " " + args + " </dev/null 2>&1");
}

std::vector<std::string> verdict_lines(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines)
    if (!field(l, "decision").empty()) out.push_back(l);
  return out;
}

uint8_t sample(const fg::Image& img, double x, double y, int c) {
  if (x < 0 || y < 0 || x > img.width - 1 || y > img.height - 1) return 0;
  const int x0 = std::min((int)x, img.width - 2), y0 = std::min((int)y, img.height - 2);
  const double fx = x - x0, fy = y - y0;
  auto p = [&](int xx, int yy) { return (double)img.row(yy)[3 * xx + c]; };
  const double v = (1 - fy) * ((1 - fx) * p(x0, y0) + fx * p(x0 + 1, y0)) + fy * ((1 - fx) * p(x0, y0 + 1) + fx * p(x0 + 1, y0 + 1));
  return (uint8_t)std::lround(v);
}

// The image as a flat print at the camera's focal distance, turned by `yaw` radians about its
// vertical centre line (pinhole, focal = image width): a homography of the whole frame. Plus a
// shift (dx, dy) and +-noise grey levels (seeded), so no two frames are identical.
fg::Image warp(const fg::Image& in, double yaw, double dx, double dy, int noise, unsigned seed) {
  fg::Image out = fg::image_make(in.width, in.height, 3);
  const double f = in.width, cx = in.width / 2.0, cy = in.height / 2.0, D = f;
  const double nx = std::sin(yaw), nz = std::cos(yaw);  // the plane's normal after the turn
  for (int v = 0; v < out.height; ++v)
    for (int u = 0; u < out.width; ++u) {
      const double rx = (u - dx - cx) / f, ry = (v - dy - cy) / f;  // ray (rx, ry, 1)
      const double s = nz * D / (nx * rx + nz);                      // ray meets the plane
      const double px = s * rx, py = s * ry, pz = s - D;              // point relative to the centre
      const double qx = nz * px - nx * pz, qy = py;                   // back in the print's frame
      for (int c = 0; c < 3; ++c) {
        seed = seed * 1103515245u + 12345u;
        const int n = noise ? (int)((seed >> 16) % (2 * noise + 1)) - noise : 0;
        out.row(v)[3 * u + c] = (uint8_t)std::clamp(sample(in, cx + qx * f / D, cy + qy * f / D, c) + n, 0, 255);
      }
    }
  return out;
}

struct Fixture {
  std::string dir, gallery, t1_png;
  fg::Image t1, f1;
  bool ready = false;
  ~Fixture() {
    if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
  }
};

// Built once: amy (samples/faces chips) and "visitor" (image_T1, upright) enrolled.
Fixture& fixture() {
  static Fixture f;
  if (!f.dir.empty()) return f;
  char tmpl[] = "/tmp/fg_test_door_liveness_XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  f.dir = tmpl;
  REQUIRE(path_exists(door_bin()));  // a dependency of this test: never skipped
  fg::Image raw;
  REQUIRE(fg::image_load(liveness_data() + "/image_T1.jpg", 3, &raw).is_ok());
  f.t1 = raw;  // upright: the loader applies the samples' EXIF orientation 6
  REQUIRE(fg::image_load(liveness_data() + "/image_F1.jpg", 3, &raw).is_ok());
  f.f1 = raw;
  f.t1_png = f.dir + "/t1.png";
  REQUIRE(fg::image_write_png(f.t1_png, f.t1).is_ok());
  f.gallery = f.dir + "/door.fgg";
  const std::string key = f.dir + "/gallery.key";
  REQUIRE(fg::gallery_keygen(key).is_ok());
  ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
  const CommandResult r = run_door("--gallery " + f.gallery + " --enroll amy=" + sample_face("amy", 1) + "," +
                                   sample_face("amy", 2) + " --enroll visitor=" + f.t1_png);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  f.ready = true;
  return f;
}

// Writes frames as PNGs and returns the comma-separated --source list.
std::string write_frames(const std::string& name, const std::vector<fg::Image>& frames) {
  Fixture& f = fixture();
  std::string list;
  for (size_t i = 0; i < frames.size(); ++i) {
    const std::string p = f.dir + "/" + name + std::to_string(i) + ".png";
    REQUIRE(fg::image_write_png(p, frames[i]).is_ok());
    list += (i ? "," : "") + p;
  }
  return list;
}

struct DoorRun {
  CommandResult r;
  std::vector<std::string> verdicts;
};

DoorRun play(const std::string& name, const std::string& source, const std::string& extra = "") {
  Fixture& f = fixture();
  const std::string log = f.dir + "/" + name + ".jsonl";
  DoorRun d;
  d.r = run_door("--gallery " + f.gallery + " --source " + source + " --log " + log + " --cooldown 0 " + extra);
  INFO(d.r.out);
  CHECK(d.r.exit_code == 0);
  d.verdicts = verdict_lines(read_lines(log));
  for (const std::string& l : d.verdicts) MESSAGE(name << ": " << l);
  return d;
}

int count(const DoorRun& d, const std::string& verdict) {
  int n = 0;
  for (const std::string& l : d.verdicts) n += field(l, "decision") == verdict ? 1 : 0;
  return n;
}

std::vector<fg::Image> live_frames(const fg::Image& img, int n) {
  std::vector<fg::Image> v;
  for (int i = 0; i < n; ++i) v.push_back(warp(img, 0, (i % 3) - 1, ((i / 3) % 3) - 1, 3, 17u + i));
  return v;
}

}  // namespace

TEST_CASE("live frames grant with passive liveness; without a blink, passive+blink says spoof") {
  Fixture& f = fixture();
  REQUIRE(f.ready);
  const std::string src = write_frames("live", live_frames(f.t1, 6));
  const DoorRun d = play("live", src);
  REQUIRE(d.verdicts.size() == 1);
  CHECK(field(d.verdicts[0], "decision") == "grant");
  CHECK(field(d.verdicts[0], "name") == "visitor");
  CHECK(field(d.verdicts[0], "mode") == "passive");
  CHECK(std::stof(field(d.verdicts[0], "score_min")) >= 0.30f);
  CHECK(d.r.out.find("1 grants") != std::string::npos);

  // The same frames: no eye closes, so passive+blink holds the grant back, and the visit
  // ends as spoof with the blink named.
  const DoorRun b = play("live-blink", src, "--liveness passive+blink");
  CHECK(count(b, "grant") == 0);
  REQUIRE(b.verdicts.size() == 1);
  CHECK(field(b.verdicts[0], "decision") == "spoof");
  CHECK(field(b.verdicts[0], "failed") == "blink");
  CHECK(field(b.verdicts[0], "held") == "true");
  CHECK(field(b.verdicts[0], "nearest") == "visitor");
  CHECK(b.r.out.find("1 spoof") != std::string::npos);

  // Off: the same as before liveness existed.
  const DoorRun o = play("live-off", src, "--liveness off");
  CHECK(count(o, "grant") == 1);
  CHECK(field(o.verdicts[0], "mode") == "off");
}

TEST_CASE("the same frame repeated: 0 grants, spoof") {
  Fixture& f = fixture();
  REQUIRE(f.ready);
  // A live-scoring capture repeated bit for bit: the identical-crop check refuses every frame
  // after the first.
  const std::string t1 = f.t1_png;
  const DoorRun d = play("repeat-t1", t1 + "," + t1 + "," + t1 + "," + t1 + "," + t1 + "," + t1);
  CHECK(count(d, "grant") == 0);
  REQUIRE(d.verdicts.size() == 1);
  CHECK(field(d.verdicts[0], "decision") == "spoof");
  CHECK(field(d.verdicts[0], "failed") == "identical");
  CHECK(std::stoi(field(d.verdicts[0], "identical_fails")) == 5);
  // Issue 13's attack: amy3.png four times was a grant at frame 2. The passive net refuses
  // the broadcast still, and the repeats are identical.
  const std::string amy = env_or("FG_SOURCE_DIR", ".") + "/samples/frames/amy3.png";
  const DoorRun a = play("repeat-amy", amy + "," + amy + "," + amy + "," + amy);
  CHECK(count(a, "grant") == 0);
  REQUIRE(a.verdicts.size() == 1);
  CHECK(field(a.verdicts[0], "decision") == "spoof");
  CHECK(field(a.verdicts[0], "nearest") == "amy");
  CHECK(std::stof(field(a.verdicts[0], "score_max")) < 0.30f);
  // With the passive check out of the way (threshold 0), the identical check alone still refuses.
  const DoorRun z = play("repeat-amy-t0", amy + "," + amy + "," + amy + "," + amy, "--liveness-threshold 0");
  CHECK(count(z, "grant") == 0);
  CHECK(field(z.verdicts[0], "decision") == "spoof");
  CHECK(field(z.verdicts[0], "failed") == "identical");
}

TEST_CASE("a photo moved by a homography: 0 grants, spoof") {
  Fixture& f = fixture();
  REQUIRE(f.ready);
  const double yaw_deg[] = {0, 10, 20, 30, 20, 10, 0, -10, -20, -30};
  // Issue 13's attacker: amy's picture (a broadcast still) held up and tilted. Refused by
  // the passive check in every frame.
  fg::Image amy;
  REQUIRE(fg::image_load(env_or("FG_SOURCE_DIR", ".") + "/samples/frames/amy3.png", 3, &amy).is_ok());
  std::vector<fg::Image> frames;
  for (int i = 0; i < 10; ++i) frames.push_back(warp(amy, yaw_deg[i] * M_PI / 180, 0, 0, 3, 101u + i));
  const std::string amy_src = write_frames("tilt-amy", frames);
  const DoorRun d = play("tilt-amy", amy_src);
  CHECK(count(d, "grant") == 0);
  REQUIRE(d.verdicts.size() == 1);
  CHECK(field(d.verdicts[0], "decision") == "spoof");
  CHECK(field(d.verdicts[0], "nearest") == "amy");
  CHECK(field(d.verdicts[0], "failed") == "passive");
  // The homography residual is reported. Measured (docs/liveness.md): the 68-point net's
  // points on a tilted flat face do not follow the homography much better than a similarity
  // (its face-shape prior), so the planarity check does not fire on these frames.
  CHECK(std::stof(field(d.verdicts[0], "homography_residual")) >= 0.f);

  // A print that fools the passive net (the live capture image_T1 rendered as a flat photo
  // and tilted): passive mode grants it at frame 2 (a known limitation, docs/liveness.md);
  // passive+blink refuses it (a print does not blink).
  frames.clear();
  for (int i = 0; i < 10; ++i) frames.push_back(warp(f.t1, yaw_deg[i] * M_PI / 180, 0, 0, 3, 201u + i));
  const DoorRun b = play("tilt-t1-blink", write_frames("tilt-t1", frames), "--liveness passive+blink");
  CHECK(count(b, "grant") == 0);
  REQUIRE(!b.verdicts.empty());
  CHECK(field(b.verdicts.back(), "decision") == "spoof");
}

TEST_CASE("the upstream samples at the shipped threshold: image_T1 live, image_F1 / image_F2 attacks") {
  fg::FacePipelineOptions po;
  po.embed = false;
  fg::FacePipeline p;
  REQUIRE(fg::face_pipeline_open(model_dir(), po, &p).is_ok());
  fg::LivenessNets nets;
  REQUIRE(fg::liveness_open(model_dir(), fg::Backend::kNative, &nets).is_ok());
  for (const char* name : {"image_T1", "image_F1", "image_F2"}) {
    fg::Image raw;
    REQUIRE(fg::image_load(liveness_data() + "/" + name + ".jpg", 3, &raw).is_ok());
    const fg::Image& img = raw;
    std::vector<fg::FaceBox> boxes;
    REQUIRE(fg::face_pipeline_detect(p, img, &boxes).is_ok());
    REQUIRE(!boxes.empty());
    float score = -1.f;
    REQUIRE(fg::liveness_score(nets, img, boxes[0], &score).is_ok());
    MESSAGE(name << ": live score " << score);  // measured: T1 0.979, F1 0.005, F2 0.094
    if (name[6] == 'T') CHECK(score >= fg::kLivenessThreshold);
    else CHECK(score < fg::kLivenessThreshold);
  }
}

TEST_CASE("the upstream attack sample at the door: 0 grants") {
  Fixture& f = fixture();
  REQUIRE(f.ready);
  // Its face is at distance ~0.22-0.30 from "visitor" (image_T1): --tau 0.35 makes it a match, so
  // the checks run (they only run for faces within tau: a stranger's photo is "unknown" and
  // opens nothing either way). Its face is turned: the pose gate refuses it before the nets
  // (a deny naming the gate: no vote, not evidence of an attack).
  const std::string src = write_frames("f1", live_frames(f.f1, 4));
  // Its distance moves with the int8 calibration (0.30 at stop 22, 0.22 since the colour-chip
  // recalibration of stop 25), so the stranger case uses 0.15: well outside either.
  const DoorRun u = play("f1-stranger", src, "--tau 0.15");
  CHECK(count(u, "grant") == 0);
  REQUIRE(u.verdicts.size() == 1);
  CHECK(field(u.verdicts[0], "decision") == "unknown");
  const DoorRun d = play("f1", src, "--tau 0.35");
  CHECK(count(d, "grant") == 0);
  REQUIRE(d.verdicts.size() == 1);
  CHECK(field(d.verdicts[0], "decision") == "deny");
  CHECK(field(d.verdicts[0], "quality_gate") == "pose");
  CHECK(field(d.verdicts[0], "reason").find("face quality") != std::string::npos);
}

TEST_CASE("liveness flags: bad values are usage errors (exit 2)") {
  Fixture& f = fixture();
  REQUIRE(f.ready);
  for (const char* bad : {"--liveness on", "--liveness-threshold 1.5", "--liveness-votes 4 --liveness-window 3",
                          "--liveness-window 0", "--liveness-threshold nan"}) {
    const CommandResult r = run_door("--gallery " + f.gallery + " --source " + f.t1_png + " " + bad);
    INFO(bad << ": " << r.out);
    CHECK(r.exit_code == 2);
  }
}

// scripts/door-demo.sh's liveness run, exactly: mv_sample enrolled from the two attack
// pictures, then the live capture, the turned print and the flat print, one frame deciding
// each visit (wall.png between them ends it). The demo promises: the live person is granted,
// neither picture of her is.
TEST_CASE("the door demo's liveness run: image_T1 granted, image_F1 / image_F2 refused") {
  Fixture& f = fixture();
  REQUIRE(f.ready);
  const std::string mv = liveness_data(), wall = env_or("FG_SOURCE_DIR", ".") + "/samples/frames/wall.png";
  const std::string gallery = f.dir + "/demo.fgg";
  const CommandResult e = run_door("--gallery " + gallery + " --enroll mv_sample=" + mv + "/image_F1.jpg," + mv + "/image_F2.jpg");
  INFO(e.out);
  REQUIRE(e.exit_code == 0);
  const std::string log = f.dir + "/demo.jsonl";
  const CommandResult r = run_door("--gallery " + gallery + " --visit-gap 0.1 --source " + mv + "/image_T1.jpg," + wall + "," + mv +
                                   "/image_F1.jpg," + wall + "," + mv + "/image_F2.jpg" +
                                   " --votes 1 --window 1 --liveness-votes 1 --liveness-window 1 --log " + log);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> v = verdict_lines(read_lines(log));
  REQUIRE(v.size() == 3);
  CHECK(field(v[0], "image") == "image_T1.jpg");
  CHECK(field(v[0], "decision") == "grant");
  CHECK(field(v[0], "name") == "mv_sample");
  CHECK(field(v[1], "image") == "image_F1.jpg");
  CHECK(field(v[1], "decision") == "deny");  // the pose gate: a turned print casts no vote
  CHECK(field(v[1], "quality_gate") == "pose");
  CHECK(field(v[2], "image") == "image_F2.jpg");
  CHECK(field(v[2], "decision") == "spoof");
  CHECK(field(v[2], "failed") == "passive");
  CHECK(r.out.find("1 grants") != std::string::npos);
}
