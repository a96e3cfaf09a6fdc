// runtime/vision/liveness_temporal.h on synthetic landmark sequences: a 3D head (68 points with
// depth) turning vs a flat photo of it tilted, both projected by a pinhole camera; eye aspect
// ratio sequences with and without a blink; thumbnails of identical and shifted frames.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "runtime/vision/liveness_temporal.h"

namespace fg {
namespace {

struct P3 {
  double x, y, z;
};

// A rough 68-point face in face units (x right, y down, z towards the camera), eyes ~1 apart:
// jaw 0-16 on an arc behind the eyes, brows, nose ridge and tip out front, eyes, mouth.
std::vector<P3> face3d(double eye_open = 0.12) {
  std::vector<P3> p;
  for (int i = 0; i <= 16; ++i) {  // jaw: from ear to ear, z -0.6 at the ears
    const double a = M_PI * (0.1 + 0.8 * i / 16.0);
    p.push_back({-0.95 * std::cos(a), 0.1 + 0.9 * std::sin(a), -0.6 + 0.5 * std::sin(a)});
  }
  for (int i = 0; i < 5; ++i) p.push_back({-0.85 + 0.15 * i, -0.35 - 0.03 * (i % 3), 0.05});  // right brow
  for (int i = 0; i < 5; ++i) p.push_back({0.25 + 0.15 * i, -0.35 - 0.03 * ((i + 1) % 3), 0.05});  // left brow
  for (int i = 0; i < 4; ++i) p.push_back({0, -0.2 + 0.13 * i, 0.1 + 0.12 * i});  // nose ridge 27-30
  for (int i = 0; i < 5; ++i) p.push_back({-0.2 + 0.1 * i, 0.38, 0.25 - 0.05 * std::abs(i - 2)});  // nostrils
  for (int e = 0; e < 2; ++e) {  // eyes 36-41, 42-47: corners, two upper, corner, two lower
    const double cx = e ? 0.5 : -0.5, h = eye_open / 2;
    p.push_back({cx - 0.2, 0, 0});
    p.push_back({cx - 0.07, -h, 0.02});
    p.push_back({cx + 0.07, -h, 0.02});
    p.push_back({cx + 0.2, 0, 0});
    p.push_back({cx + 0.07, h, 0.02});
    p.push_back({cx - 0.07, h, 0.02});
  }
  for (int i = 0; i < 12; ++i) {  // outer lips 48-59
    const double a = 2 * M_PI * i / 12;
    p.push_back({-0.4 * std::cos(a), 0.7 + 0.12 * std::sin(a), 0.1});
  }
  for (int i = 0; i < 8; ++i) {  // inner lips 60-67
    const double a = 2 * M_PI * i / 8;
    p.push_back({-0.3 * std::cos(a), 0.7 + 0.05 * std::sin(a), 0.1});
  }
  return p;
}

// Yaw (about y) then pitch, at distance `dist` face units, focal 500 px, centre (320, 240).
std::vector<Point2> project(const std::vector<P3>& pts, double yaw, double pitch, double dist, double dx = 0) {
  std::vector<Point2> out;
  for (const P3& q : pts) {
    const double x1 = std::cos(yaw) * q.x + std::sin(yaw) * q.z, z1 = -std::sin(yaw) * q.x + std::cos(yaw) * q.z;
    const double y2 = std::cos(pitch) * q.y - std::sin(pitch) * z1, z2 = std::sin(pitch) * q.y + std::cos(pitch) * z1;
    const double depth = dist - z2;
    out.push_back({320 + 500 * (x1 + dx) / depth, 240 + 500 * y2 / depth});
  }
  return out;
}

std::vector<P3> flatten(std::vector<P3> p) {
  for (P3& q : p) q.z = 0;
  return p;
}

TEST_CASE("homography fit recovers a known projective map exactly") {
  Homography H;
  const double h[9] = {1.1, 0.05, 12, -0.03, 0.95, -7, 2e-4, -1e-4, 1};
  std::copy(h, h + 9, H.h);
  std::vector<Point2> a, b;
  for (int i = 0; i < 20; ++i) {
    a.push_back({100.0 + 17 * (i % 5), 80.0 + 23 * (i / 5)});
    b.push_back(homography_apply(H, a.back()));
  }
  Homography G;
  REQUIRE(homography_fit(a.data(), b.data(), (int)a.size(), &G));
  for (int k = 0; k < 9; ++k) CHECK(G.h[k] == doctest::Approx(h[k]).epsilon(1e-6));
  // Degenerate: all points on a line.
  for (int i = 0; i < 20; ++i) a[i] = {double(i), double(i)};
  CHECK_FALSE(homography_fit(a.data(), b.data(), (int)a.size(), &G));
  CHECK_FALSE(homography_fit(a.data(), b.data(), 3, &G));
}

TEST_CASE("planarity: a tilted photo follows one homography, a turning head does not") {
  const std::vector<P3> head = face3d(), photo = flatten(face3d());
  const PlanarityOptions o;
  // Photo tilted 20 degrees about its vertical axis (and a bit of pitch) between two frames.
  PlanarityResult flat = planarity_measure(project(photo, 0, 0, 4), project(photo, 0.35, 0.1, 4));
  REQUIRE(flat.valid);
  MESSAGE("photo: motion " << flat.motion << " similarity " << flat.similarity_residual << " homography "
                           << flat.homography_residual);
  CHECK(flat.homography_residual < 1e-6f);
  CHECK(flat.similarity_residual > o.min_out_of_plane);
  CHECK(planarity_is_flat(flat, o));
  // The same turn of the 3D head: the homography leaves the depth parallax unexplained.
  PlanarityResult live = planarity_measure(project(head, 0, 0, 4), project(head, 0.35, 0.1, 4));
  REQUIRE(live.valid);
  MESSAGE("head: motion " << live.motion << " similarity " << live.similarity_residual << " homography "
                          << live.homography_residual);
  CHECK(live.homography_residual > 0.5f * live.similarity_residual);
  CHECK_FALSE(planarity_is_flat(live, o));
  // A head translating in the image plane: nothing to judge (a similarity explains it).
  PlanarityResult moved = planarity_measure(project(head, 0, 0, 4), project(head, 0, 0, 4, 0.3));
  REQUIRE(moved.valid);
  CHECK(moved.motion > 0.1f);
  CHECK(moved.similarity_residual < o.min_out_of_plane);
  CHECK_FALSE(planarity_is_flat(moved, o));
  // Not 68 points, or no eye distance: invalid.
  CHECK_FALSE(planarity_measure({}, {}).valid);
  std::vector<Point2> same(68);
  CHECK_FALSE(planarity_measure(same, same).valid);
}

TEST_CASE("eye aspect ratio and blink timing") {
  const std::vector<Point2> open = project(face3d(0.12), 0, 0, 4), shut = project(face3d(0.02), 0, 0, 4);
  const float ear_open = eyes_aspect_ratio(open), ear_shut = eyes_aspect_ratio(shut);
  CHECK(ear_open == doctest::Approx(0.12 / 0.4).epsilon(0.05));  // height / width of the synthetic eye
  CHECK(ear_shut < 0.2f * ear_open);
  CHECK(eye_aspect_ratio(open, 64) == 0.f);  // past the end
  const BlinkOptions o;
  auto run = [&](const std::vector<float>& ears, double dt) {
    BlinkState s;
    int blinks = 0;
    for (size_t i = 0; i < ears.size(); ++i) blinks += blink_step(s, o, i * dt, ears[i]) ? 1 : 0;
    CHECK(blinks == s.blinks);
    return blinks;
  };
  const float O = ear_open, C = ear_shut;
  // 10 frames a second: open, closed for 2 frames (0.2 s), open again -> one blink.
  CHECK(run({O, O, O, C, C, O, O}, 0.1) == 1);
  // Two blinks.
  CHECK(run({O, O, O, C, O, O, O, C, C, O}, 0.1) == 2);
  // Always open (a photo), or noise of +-5%: none.
  CHECK(run({O, O, O, O, O, O, O, O}, 0.1) == 0);
  CHECK(run({O, 0.96f * O, 1.04f * O, 0.95f * O, O, 1.05f * O, 0.97f * O}, 0.1) == 0);
  // Closed for 1 s (eyes held shut, or a photo swapped for another): too long to be a blink.
  CHECK(run({O, O, O, C, C, C, C, C, C, C, C, C, C, C, O, O}, 0.1) == 0);
  // A closure before any open frames (the visit starts with eyes shut): not a blink.
  CHECK(run({C, C, O, O}, 0.1) == 0);
  // Frames without eyes (0) are skipped, not taken as closed.
  CHECK(run({O, O, O, 0, 0, O}, 0.1) == 0);
}

TEST_CASE("thumbnails: identical frames differ by 0, a moved face does not") {
  Image img = image_make(200, 160, 3);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x)
      for (int c = 0; c < 3; ++c) img.row(y)[x * 3 + c] = uint8_t((x * 7 + y * 13 + c * 50 + (x * y) % 31) & 255);
  FaceBox b;
  b.x = 40, b.y = 30, b.width = 90, b.height = 100;
  std::vector<uint8_t> t1, t2;
  face_thumbnail(img, b, &t1);
  face_thumbnail(img, b, &t2);
  REQUIRE(t1.size() == size_t(kThumbSide * kThumbSide));
  CHECK(thumbnail_difference(t1, t2) == 0.f);
  b.x += 6;
  face_thumbnail(img, b, &t2);
  CHECK(thumbnail_difference(t1, t2) > 2.f);
  // A box partly outside the frame is clamped, not read out of bounds.
  b.x = -50, b.y = 120, b.width = 400, b.height = 400;
  face_thumbnail(img, b, &t2);
  CHECK(t2.size() == t1.size());
  CHECK(thumbnail_difference(t1, {}) == -1.f);
}

}  // namespace
}  // namespace fg
