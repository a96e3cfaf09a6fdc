// runtime/vision/face_quality.h: each gate on synthetic inputs (geometry the test controls),
// then on the bundled door frames through the real detector and landmark net: the sharp
// frontal faces pass, the same faces blurred, shrunk, cut by the border or in a group photo
// fail with the gate's name.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/face_quality.h"
#include "test_util.h"

using namespace fg;
using fg_test::model_dir;

namespace {

std::string frame_path(const std::string& name) {
  return fg_test::env_or("FG_SOURCE_DIR", ".") + "/samples/frames/" + name;
}

// A frontal face's 68 points in a unit frame: eyes at y 0, mouth at y 1, the nose tip at
// kNoseHeight on the axis; only the points the estimate reads are meaningful.
std::vector<Point2> frontal_points(double eye_dist) {
  std::vector<Point2> p(68);
  for (int i = 36; i <= 41; ++i) p[i] = {-eye_dist / 2, 0};
  for (int i = 42; i <= 47; ++i) p[i] = {eye_dist / 2, 0};
  p[48] = {-eye_dist * 0.4, eye_dist * 1.1};
  p[54] = {eye_dist * 0.4, eye_dist * 1.1};
  p[30] = {0, eye_dist * 1.1 * kNoseHeight};
  return p;
}

std::vector<Point2> transformed(const std::vector<Point2>& p, double angle_deg, double dx, double dy) {
  const double a = angle_deg * 3.14159265358979323846 / 180, c = std::cos(a), s = std::sin(a);
  std::vector<Point2> out(p.size());
  for (size_t i = 0; i < p.size(); ++i) out[i] = {c * p[i].x - s * p[i].y + dx, s * p[i].x + c * p[i].y + dy};
  return out;
}

// (2r+1)^2 box blur, edges clamped.
Image box_blur(const Image& in, int r) {
  Image out = in;
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x)
      for (int c = 0; c < in.channels; ++c) {
        int sum = 0, n = 0;
        for (int dy = -r; dy <= r; ++dy)
          for (int dx = -r; dx <= r; ++dx) {
            const int yy = std::clamp(y + dy, 0, in.height - 1), xx = std::clamp(x + dx, 0, in.width - 1);
            sum += in.row(yy)[xx * in.channels + c];
            ++n;
          }
        out.row(y)[x * in.channels + c] = (uint8_t)((sum + n / 2) / n);
      }
  return out;
}

// Nearest-neighbour downscale by an integer factor.
Image shrink(const Image& in, int f) {
  Image out = image_make(in.width / f, in.height / f, in.channels);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      std::memcpy(out.row(y) + x * in.channels, in.row(y * f) + x * f * in.channels, in.channels);
  return out;
}

struct Measured {
  int faces = 0;
  FaceQuality q;
  const char* gate = nullptr;
};

Measured measure(FacePipeline& p, const Image& frame) {
  Measured m;
  std::vector<FaceBox> boxes;
  REQUIRE(face_pipeline_detect(p, frame, &boxes).is_ok());
  m.faces = (int)boxes.size();
  if (boxes.empty()) {
    m.q.faces = 0;
  } else {
    PipelineFace face;
    REQUIRE(face_pipeline_landmarks(p, frame, boxes[0], &face).is_ok());
    m.q = measure_face_quality(frame, boxes[0], face.landmarks, m.faces);
  }
  m.gate = check_face_quality(m.q, FaceQualityLimits{});
  return m;
}

std::string gate_name(const char* g) { return g ? g : "ok"; }

}  // namespace

TEST_CASE("face quality: pose from landmarks: frontal 0, yaw and pitch signs, roll removed") {
  double yaw = 99, pitch = 99, roll = 99;
  const std::vector<Point2> front = frontal_points(60);
  REQUIRE(estimate_face_pose(front, &yaw, &pitch, &roll));
  CHECK(std::fabs(yaw) < 1e-9);
  CHECK(std::fabs(pitch) < 1e-9);
  CHECK(std::fabs(roll) < 1e-9);
  // Nose moved right by depth * tan(30 deg) of the eye distance: yaw +30.
  std::vector<Point2> turned = front;
  turned[30].x += 60 * kNoseDepth * std::tan(30 * 3.14159265358979323846 / 180);
  REQUIRE(estimate_face_pose(turned, &yaw, &pitch, &roll));
  CHECK(yaw == doctest::Approx(30).epsilon(1e-6));
  CHECK(std::fabs(pitch) < 1e-9);
  // The same face rolled by 20 degrees and moved: same yaw, roll 20.
  REQUIRE(estimate_face_pose(transformed(turned, 20, 100, 50), &yaw, &pitch, &roll));
  CHECK(yaw == doctest::Approx(30).epsilon(1e-6));
  CHECK(roll == doctest::Approx(20).epsilon(1e-6));
  CHECK(std::fabs(pitch) < 1e-6);
  // Nose lower: looking down (positive pitch).
  std::vector<Point2> down = front;
  down[30].y += 10;
  REQUIRE(estimate_face_pose(down, &yaw, &pitch, &roll));
  CHECK(pitch > 10);
  CHECK(std::fabs(yaw) < 1e-9);
  // Degenerate: too few points, eyes on one spot, mouth above the eyes.
  CHECK_FALSE(estimate_face_pose(std::vector<Point2>(5), &yaw, &pitch, &roll));
  std::vector<Point2> flat = front;
  for (int i = 36; i <= 47; ++i) flat[i] = {0, 0};
  CHECK_FALSE(estimate_face_pose(flat, &yaw, &pitch, &roll));
  std::vector<Point2> up = front;
  up[48].y = up[54].y = -10;
  CHECK_FALSE(estimate_face_pose(up, &yaw, &pitch, &roll));
}

TEST_CASE("face quality: sharpness is high for detail, low for the same detail blurred, 0 for flat") {
  Image img = image_make(200, 200, 3);
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 200; ++x)
      for (int c = 0; c < 3; ++c) img.row(y)[x * 3 + c] = (uint8_t)(((x / 3 + y / 3) % 2) ? 200 : 50);
  FaceBox box;
  box.x = 20;
  box.y = 20;
  box.width = box.height = 150;
  const double sharp = face_sharpness(img, box);
  const double blurred = face_sharpness(box_blur(img, 2), box);
  Image flat = image_make(200, 200, 1);
  std::fill(flat.pixels.begin(), flat.pixels.end(), 90);
  CHECK(sharp > 10 * blurred);
  CHECK(face_sharpness(flat, box) == 0);
  // A box entirely outside, or an empty frame: 0, no crash.
  FaceBox out = box;
  out.x = 500;
  CHECK(face_sharpness(img, out) == 0);
  CHECK(face_sharpness(Image{}, box) == 0);
}

TEST_CASE("face quality: gates in order with their stable names") {
  FaceQuality q;
  q.faces = 1;
  q.face_px = 120;
  q.sharpness = 800;
  q.pose_known = true;
  const FaceQualityLimits l;
  CHECK(check_face_quality(q, l) == nullptr);
  FaceQuality t = q;
  t.sharpness = 20;
  CHECK(gate_name(check_face_quality(t, l)) == "blurry");
  t.yaw_deg = 40;
  CHECK(gate_name(check_face_quality(t, l)) == "pose");
  t.yaw_deg = 0;
  t.pitch_deg = -30;
  CHECK(gate_name(check_face_quality(t, l)) == "pose");
  t = q;
  t.pose_known = false;
  CHECK(gate_name(check_face_quality(t, l)) == "pose");
  t.face_px = 40;
  CHECK(gate_name(check_face_quality(t, l)) == "small");
  t.clip = 0.3;
  CHECK(gate_name(check_face_quality(t, l)) == "clipped");
  t.faces = 2;
  CHECK(gate_name(check_face_quality(t, l)) == "faces");
  t.faces = 0;
  CHECK(gate_name(check_face_quality(t, l)) == "faces");
  t = q;
  t.landmark_outside = true;
  CHECK(gate_name(check_face_quality(t, l)) == "clipped");
}

TEST_CASE("face quality: measure: size, clip against the frame, landmarks outside") {
  const Image frame = image_make(320, 240, 3);
  FaceBox box;
  box.x = 300;
  box.y = 100;
  box.width = 100;
  box.height = 120;
  std::vector<Point2> pts = transformed(frontal_points(40), 0, 350, 150);
  FaceQuality q = measure_face_quality(frame, box, pts, 1);
  CHECK(q.face_px == 100);
  CHECK(q.clip == doctest::Approx(0.8));  // 80 px of a 100 px box past the right edge
  CHECK(q.landmark_outside);
  CHECK(gate_name(check_face_quality(q, FaceQualityLimits{})) == "clipped");
  box.x = 100;
  pts = transformed(frontal_points(40), 0, 150, 150);
  q = measure_face_quality(frame, box, pts, 1);
  CHECK(q.clip == 0);
  CHECK_FALSE(q.landmark_outside);
  CHECK(q.pose_known);
  CHECK(gate_name(check_face_quality(q, FaceQualityLimits{})) == "blurry");  // a black frame
}

TEST_CASE("face quality: bundled door frames: sharp frontal faces pass; blurred, shrunk, cut, groups fail") {
  FacePipelineOptions opt;
  opt.embed = false;
  FacePipeline p;
  REQUIRE(face_pipeline_open(model_dir(), opt, &p).is_ok());
  int blurry = 0;
  for (const char* name : {"amy3.png", "amy4.png", "amy5.png", "penny4.png", "penny5.png", "sheldon3.png",
                           "sheldon4.png", "stuart1.png", "stuart2.png"}) {
    const std::string label = name;
    CAPTURE(label);
    Image frame;
    REQUIRE(image_load(frame_path(name), 3, &frame).is_ok());
    const Measured sharp = measure(p, frame);
    MESSAGE(label << ": faces " << sharp.faces << " px " << sharp.q.face_px << " sharp " << sharp.q.sharpness
                 << " yaw " << sharp.q.yaw_deg << " pitch " << sharp.q.pitch_deg << " roll " << sharp.q.roll_deg
                 << " clip " << sharp.q.clip << " -> " << gate_name(sharp.gate));
    CHECK(gate_name(sharp.gate) == "ok");
    const Measured blur = measure(p, box_blur(frame, 3));
    CHECK((gate_name(blur.gate) == "blurry" || (gate_name(blur.gate) == "faces" && blur.faces == 0)));
    blurry += gate_name(blur.gate) == "blurry";
    const Measured small = measure(p, shrink(frame, 2));
    CHECK((gate_name(small.gate) == "small" || gate_name(small.gate) == "faces"));
  }
  Image group;
  REQUIRE(image_load(frame_path("bbt3.jpg"), 3, &group).is_ok());
  CHECK(gate_name(measure(p, group).gate) == "faces");
  Image wall;
  REQUIRE(image_load(frame_path("wall.png"), 3, &wall).is_ok());
  CHECK(gate_name(measure(p, wall).gate) == "faces");
  Image amy;
  REQUIRE(image_load(frame_path("amy3.png"), 3, &amy).is_ok());
  // Amy moved 100 px right: the right part of her face is past the frame's edge.
  Image cut = image_make(amy.width, amy.height, 3);
  std::fill(cut.pixels.begin(), cut.pixels.end(), 128);
  for (int y = 0; y < amy.height; ++y)
    std::memcpy(cut.row(y) + 100 * 3, amy.row(y), (size_t)(amy.width - 100) * 3);
  const Measured clipped = measure(p, cut);
  CHECK(clipped.faces == 1);
  CHECK(gate_name(clipped.gate) == "clipped");
  // Moved 60 px: still whole, and it passes.
  std::fill(cut.pixels.begin(), cut.pixels.end(), 128);
  for (int y = 0; y < amy.height; ++y)
    std::memcpy(cut.row(y) + 60 * 3, amy.row(y), (size_t)(amy.width - 60) * 3);
  CHECK(gate_name(measure(p, cut).gate) == "ok");
  CHECK(blurry >= 7);  // a 7x7 blur loses the face in 2 of the 9 frames: "faces", not "blurry"
}
TEST_CASE("face quality: pose gate on turned faces: amy1 and penny3 (three-quarter views) fail, frontal chips pass") {
  // samples/faces chips on a 320x320 gray canvas (as samples/frames were made). amy1 and penny3
  // look ~30 degrees aside (estimated -32 and -32 yaw); amy2, penny2, sheldon1 are near frontal.
  FacePipelineOptions opt;
  opt.embed = false;
  opt.int8 = true;  // the door's models (the f32 detector misses amy1 on this canvas)
  FacePipeline p;
  REQUIRE(face_pipeline_open(model_dir(), opt, &p).is_ok());
  const std::vector<std::pair<std::string, int>> turned = {{"amy", 1}, {"penny", 3}};
  const std::vector<std::pair<std::string, int>> frontal = {{"amy", 2}, {"penny", 2}, {"sheldon", 1}};
  for (int pass = 0; pass < 2; ++pass)
    for (const auto& [person, n] : pass == 0 ? turned : frontal) {
      Image chip;
      REQUIRE(image_load(fg_test::sample_face(person, n), 3, &chip).is_ok());
      Image c = image_make(320, 320, 3);
      std::fill(c.pixels.begin(), c.pixels.end(), 128);
      for (int y = 0; y < chip.height; ++y) std::memcpy(c.row(y + 85) + 85 * 3, chip.row(y), (size_t)chip.width * 3);
      const Measured m = measure(p, c);
      CAPTURE(person);
      CAPTURE(n);
      CAPTURE(m.q.yaw_deg);
      REQUIRE(m.faces == 1);
      if (pass == 0) {
        CHECK(gate_name(m.gate) == "pose");
        CHECK(std::fabs(m.q.yaw_deg) > 28);
      } else {
        CHECK(gate_name(m.gate) == "ok");
        CHECK(std::fabs(m.q.yaw_deg) < 15);
      }
    }
}
