// Face geometry: landmark postprocess (§4), landmark crop (§5), face-api descriptor crop (§6)
// against the golden pipeline JSON, and the dlib-style aligner on synthetic faces.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/vision/aligner.h"
#include "runtime/vision/face_crop.h"
#include "runtime/vision/landmarks_decode.h"
#include "test_util.h"  // FG_SKIP_TEST

namespace {

std::string golden_dir() {
  const char* s = std::getenv("FG_SHARED_DIR");
  const std::string d = std::string(s ? s : "") + "/reference/golden";
  return (s && std::filesystem::is_directory(d)) ? d : "";
}

// Calls fn(json of one face, frame json) for every face of every detector in the goldens.
template <typename Fn>
int for_each_golden_face(const std::string& dir, Fn fn) {
  int n = 0;
  for (const auto& set : std::filesystem::directory_iterator(dir + "/pipeline")) {
    if (!set.is_directory()) continue;
    for (const auto& file : std::filesystem::directory_iterator(set.path())) {
      std::ifstream in(file.path());
      const nlohmann::json j = nlohmann::json::parse(in);
      for (const char* det : {"tiny_face_detector", "ssd_mobilenetv1"}) {
        if (!j.contains(det)) continue;
        for (const auto& f : j[det]["faces"]) {
          fn(f, j, file.path().string());
          ++n;
        }
      }
    }
  }
  return n;
}

std::vector<fg::Point2> points_of(const nlohmann::json& arr) {
  std::vector<fg::Point2> p;
  for (const auto& q : arr) p.push_back({(double)q[0], (double)q[1]});
  return p;
}

}  // namespace

TEST_CASE("landmark postprocess of the real fc output reproduces face-api's 68 points" * doctest::test_suite("shared")) {
  const std::string dir = golden_dir();
  if (dir.empty()) {
    FG_SKIP_TEST("FG_SHARED_DIR/reference/golden absent");
  }
  // layers_landmark68/22_fc.f32 is the fc output for _group_angry.jpg, tiny detector face 0
  // (docs/layers_face_landmark_68.txt names its input).
  std::vector<float> fc(136);
  std::FILE* f = std::fopen((dir + "/raw/layers_landmark68/22_fc.f32").c_str(), "rb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fread(fc.data(), sizeof(float), 136, f) == 136);
  std::fclose(f);
  std::ifstream in(dir + "/pipeline/group/angry.jpg.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  const auto& face = j["tiny_face_detector"]["faces"][0];
  const auto& crop = face["landmarkCropBox"];
  std::vector<fg::Point2> pts, rel;
  REQUIRE(fg::landmarks68_decode(fc.data(), crop["width"], crop["height"], face["box"]["x"],
                                 face["box"]["y"], &pts, &rel).is_ok());
  const std::vector<fg::Point2> want = points_of(face["landmarks68"]);
  double worst = 0;
  for (int i = 0; i < 68; ++i)
    worst = std::max({worst, std::fabs(pts[i].x - want[i].x), std::fabs(pts[i].y - want[i].y)});
  MESSAGE("real fc output -> landmarks: max |diff| = " << worst << " px");
  CHECK(worst <= 1e-3);  // the fc dump is from the naive JS port (fc within 1.8e-7 of face-api)
}

TEST_CASE("landmark postprocess, landmark crop and descriptor crop match all golden faces" * doctest::test_suite("shared")) {
  const std::string dir = golden_dir();
  if (dir.empty()) {
    FG_SKIP_TEST("FG_SHARED_DIR/reference/golden absent");
  }
  double worst_pts = 0;
  int crop_mismatch = 0, desc_mismatch = 0;
  const int faces = for_each_golden_face(dir, [&](const nlohmann::json& face, const nlohmann::json& frame,
                                                  const std::string& file) {
    const int W = frame["width"], H = frame["height"];
    fg::FaceBox box;
    box.x = face["box"]["x"], box.y = face["box"]["y"];
    box.width = face["box"]["width"], box.height = face["box"]["height"];
    fg::CropRect lc;
    REQUIRE(fg::landmark_crop_for_box(box, W, H, &lc).is_ok());
    const auto& g = face["landmarkCropBox"];
    if (lc.x != g["x"] || lc.y != g["y"] || lc.width != g["width"] || lc.height != g["height"]) {
      ++crop_mismatch;
      MESSAGE(file << ": landmark crop differs");
    }
    // The raw fc tensors are not shipped; rebuild them from landmarks68_relativeToCrop by
    // inverting §4 (o = (rel * w' + pad) / 112) and check the full forward path.
    const double s = 112.0 / std::max(lc.width, lc.height);
    const double wp = lc.width * s, hp = lc.height * s;
    const double pad_x = lc.width < lc.height ? (hp - wp) / 2 : 0, pad_y = lc.height < lc.width ? (wp - hp) / 2 : 0;
    std::vector<float> fc(136);
    const std::vector<fg::Point2> rel = points_of(face["landmarks68_relativeToCrop"]);
    for (int i = 0; i < 68; ++i) {
      fc[2 * i] = (float)((rel[i].x * wp + pad_x) / 112);
      fc[2 * i + 1] = (float)((rel[i].y * hp + pad_y) / 112);
    }
    std::vector<fg::Point2> pts;
    REQUIRE(fg::landmarks68_decode(fc.data(), lc.width, lc.height, box.x, box.y, &pts).is_ok());
    const std::vector<fg::Point2> want = points_of(face["landmarks68"]);
    for (int i = 0; i < 68; ++i)
      worst_pts = std::max({worst_pts, std::fabs(pts[i].x - want[i].x), std::fabs(pts[i].y - want[i].y)});
    // Descriptor crop from the golden landmarks.
    fg::CropRect dc;
    REQUIRE(fg::descriptor_crop_from_landmarks(want, lc.width, lc.height, W, H, &dc).is_ok());
    const auto& d = face["descriptorCropBox"];
    if (dc.x != d["x"] || dc.y != d["y"] || dc.width != d["width"] || dc.height != d["height"]) {
      ++desc_mismatch;
      MESSAGE(file << ": descriptor crop " << dc.x << "," << dc.y << " " << dc.width << "x" << dc.height
                   << " vs golden " << d.dump());
    }
  });
  MESSAGE(faces << " golden faces: landmarks max |diff| " << worst_pts << " px, landmark-crop mismatches "
                << crop_mismatch << ", descriptor-crop mismatches " << desc_mismatch);
  CHECK(faces > 100);
  CHECK(worst_pts <= 1e-3);
  CHECK(crop_mismatch == 0);
  CHECK(desc_mismatch == 0);
}

TEST_CASE("crop helpers clip and reject boxes outside the frame") {
  fg::CropRect r;
  REQUIRE(fg::clip_box_at_image_borders(-10.5, 5.7, 30, 20.9, 100, 100, &r).is_ok());
  CHECK(r.x == 0);
  CHECK(r.y == 5);
  CHECK(r.width == 19);   // right 19.5 - 0
  CHECK(r.height == 20);  // floor(20.9)
  REQUIRE(fg::clip_box_at_image_borders(90.2, 90.2, 30, 30, 100, 100, &r).is_ok());
  CHECK(r.width == 9);
  CHECK_FALSE(fg::clip_box_at_image_borders(120, 0, 10, 10, 100, 100, &r).is_ok());
  CHECK_FALSE(fg::clip_box_at_image_borders(-50, 0, 10, 10, 100, 100, &r).is_ok());
  CHECK_FALSE(fg::clip_box_at_image_borders(NAN, 0, 10, 10, 100, 100, &r).is_ok());
  std::vector<fg::Point2> few(10);
  CHECK_FALSE(fg::descriptor_crop_from_landmarks(few, 10, 10, 100, 100, &r).is_ok());
  std::vector<float> fc(136, 0.5f);
  std::vector<fg::Point2> pts;
  CHECK_FALSE(fg::landmarks68_decode(fc.data(), 0, 10, 0, 0, &pts).is_ok());
}

namespace {

// A synthetic face: the chip template points of `o` for all 68 indices it uses, pushed
// through a known similarity (scale s, angle th, shift), other points left at the centre.
std::vector<fg::Point2> synthetic_landmarks(const fg::FaceChipOptions& o, double s, double th, double dx,
                                            double dy, std::vector<fg::Point2>* chip_pts,
                                            std::vector<int>* idx) {
  fg::face_chip_template(o, chip_pts, idx);
  std::vector<fg::Point2> lm(68, fg::Point2{dx, dy});
  for (size_t i = 0; i < idx->size(); ++i) {
    const fg::Point2 c = (*chip_pts)[i];
    lm[(*idx)[i]] = {s * (std::cos(th) * c.x - std::sin(th) * c.y) + dx,
                     s * (std::sin(th) * c.x + std::cos(th) * c.y) + dy};
  }
  return lm;
}

}  // namespace

TEST_CASE("aligner: a rotated, scaled, shifted face maps back onto the template") {
  for (fg::FaceChipTemplate tmpl : {fg::FaceChipTemplate::kFivePoint, fg::FaceChipTemplate::kSixtyEightPoint}) {
    fg::FaceChipOptions o;
    o.tmpl = tmpl;
    std::vector<fg::Point2> chip_pts;
    std::vector<int> idx;
    const double s = 1.7, th = 0.35, dx = 40.25, dy = -12.5;
    const std::vector<fg::Point2> lm = synthetic_landmarks(o, s, th, dx, dy, &chip_pts, &idx);
    fg::ChipTransform t;
    REQUIRE(fg::face_chip_transform(lm, o, &t).is_ok());
    CHECK(t.angle() == doctest::Approx(th).epsilon(1e-9));
    // dlib's chip spans size*scale with pixel centres 0 and size-1 on its edges.
    CHECK(t.scale() == doctest::Approx(s * o.size / (o.size - 1)).epsilon(1e-9));
    // Each landmark, mapped into the chip by the inverse transform, lands on its template
    // point up to dlib's (size-1)/size rescale about the centre (< 1 px anywhere in the chip).
    double worst = 0;
    for (size_t i = 0; i < idx.size(); ++i) {
      const fg::Point2 p = lm[idx[i]];
      const double ux = p.x - t.tx, uy = p.y - t.ty, k = t.scale() * t.scale();
      const double cx = (t.a * ux + t.b * uy) / k, cy = (-t.b * ux + t.a * uy) / k;
      const double ex = (chip_pts[i].x - o.size / 2.0) * (o.size - 1) / o.size + (o.size - 1) / 2.0;
      const double ey = (chip_pts[i].y - o.size / 2.0) * (o.size - 1) / o.size + (o.size - 1) / 2.0;
      worst = std::max({worst, std::fabs(cx - ex), std::fabs(cy - ey)});
      CHECK(std::fabs(cx - chip_pts[i].x) < 1.0);
    }
    CHECK(worst < 1e-9);
  }
}

TEST_CASE("aligner: chip is 150x150 and samples the right pixels") {
  // An image whose pixel (x, y) encodes (x, y): R = x, G = y, B = 7. Identity-like transform.
  fg::Image img = fg::image_make(256, 200, 3);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      uint8_t* p = img.row(y) + 3 * x;
      p[0] = (uint8_t)x, p[1] = (uint8_t)y, p[2] = 7;
    }
  fg::ChipTransform t;
  t.a = 1, t.b = 0, t.tx = 10.25, t.ty = 20.5;
  fg::Image chip;
  REQUIRE(fg::extract_face_chip(img, t, 150, &chip).is_ok());
  CHECK(chip.width == 150);
  CHECK(chip.height == 150);
  CHECK(chip.channels == 3);
  CHECK(chip.row(3)[3 * 5 + 0] == 15);  // x = 15.25 -> 15.25 rounds to 15
  CHECK(chip.row(3)[3 * 5 + 1] == 24);  // y = 23.5 -> rounds half up to 24
  CHECK(chip.row(3)[3 * 5 + 2] == 7);
  // Outside the image -> black.
  t.tx = -100;
  REQUIRE(fg::extract_face_chip(img, t, 150, &chip).is_ok());
  CHECK(chip.row(0)[0] == 0);
  CHECK(chip.row(0)[1] == 0);

  // Whole path on a synthetic face: 5-point template with a 20-degree roll.
  fg::FaceChipOptions o;
  std::vector<fg::Point2> chip_pts;
  std::vector<int> idx;
  const std::vector<fg::Point2> lm = synthetic_landmarks(o, 0.9, 0.349, 60, 20, &chip_pts, &idx);
  REQUIRE(fg::align_face_chip(img, lm, o, &chip).is_ok());
  CHECK(chip.width == 150);
  CHECK(chip.height == 150);
  // The chip pixel at the template's nose point samples the image at the nose landmark.
  const int ci = 4;  // nose base
  const int cx = (int)std::lround(chip_pts[ci].x), cy = (int)std::lround(chip_pts[ci].y);
  const fg::Point2 nose = lm[idx[ci]];
  CHECK(std::abs(chip.row(cy)[3 * cx] - nose.x) <= 1.5);
  CHECK(std::abs(chip.row(cy)[3 * cx + 1] - nose.y) <= 1.5);

  // Degenerate landmarks are an error, not a crash.
  std::vector<fg::Point2> same(68, fg::Point2{5, 5});
  CHECK_FALSE(fg::align_face_chip(img, same, o, &chip).is_ok());
  CHECK_FALSE(fg::align_face_chip(img, std::vector<fg::Point2>(5), o, &chip).is_ok());
}
