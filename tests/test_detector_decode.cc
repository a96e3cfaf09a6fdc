// Tiny detector decoding + NMS. The golden raw detector tensors (tiny_out416) are listed in
// golden/raw/index.json but not shipped in ../shared, so the golden test builds the raw
// grid from each golden face (inverting §2's formulas, plus suppressed duplicates and
// at-threshold decoys) and checks that decoding gives back face-api's boxes and scores.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/vision/detector_decode.h"
#include "test_util.h"  // FG_SKIP_TEST

namespace {

double logit(double p) { return std::log(p / (1 - p)); }

struct Grid {
  int g;
  std::vector<float> v;
  std::vector<int> used;  // anchors used per cell
  explicit Grid(int grid) : g(grid), v((size_t)grid * grid * 25, -20.f), used((size_t)grid * grid, 0) {}
  // Puts a relative box (of the un-padded frame) with `score` into its cell; false if full.
  bool put(double rx, double ry, double rw_, double rh_, double score, double corr_x, double corr_y) {
    const double gx = (rx + rw_ / 2) / corr_x * g, gy = (ry + rh_ / 2) / corr_y * g;
    const int col = (int)std::floor(gx), row = (int)std::floor(gy);
    if (col < 0 || row < 0 || col >= g || row >= g) return false;
    int& a = used[(size_t)row * g + col];
    if (a >= fg::kTinyDetectorAnchors) return false;
    float* p = v.data() + ((size_t)row * g + col) * 25 + 5 * a;
    p[0] = (float)logit(gx - col);
    p[1] = (float)logit(gy - row);
    p[2] = (float)std::log(rw_ / corr_x * g / fg::kTinyDetectorAnchorWH[a][0]);
    p[3] = (float)std::log(rh_ / corr_y * g / fg::kTinyDetectorAnchorWH[a][1]);
    p[4] = (float)logit(score);
    ++a;
    return true;
  }
};

}  // namespace

TEST_CASE("box_iou and face-api NMS order") {
  fg::FaceBox a{0, 0, 10, 10, 0.9}, b{5, 0, 10, 10, 0.8}, c{20, 20, 5, 5, 0.7};
  CHECK(fg::box_iou(a, b) == doctest::Approx(50.0 / 150.0));
  CHECK(fg::box_iou(a, c) == 0.0);
  // IoU 1/3 <= 0.4: both kept; highest first.
  std::vector<int> keep = fg::nms_face_api({b, a, c}, 0.4);
  REQUIRE(keep.size() == 3);
  CHECK(keep[0] == 1);
  CHECK(keep[1] == 0);
  CHECK(keep[2] == 2);
  // Threshold 0.3: b is suppressed by a.
  keep = fg::nms_face_api({b, a, c}, 0.3);
  REQUIRE(keep.size() == 2);
  CHECK(keep[0] == 1);
  CHECK(keep[1] == 2);
  // Equal scores: the stable ascending sort + pop() takes the later index first.
  fg::FaceBox d = a;
  keep = fg::nms_face_api({a, d}, 0.4);
  REQUIRE(keep.size() == 1);
  CHECK(keep[0] == 1);
}

TEST_CASE("tiny_detector_decode: one hand-computed box on a non-square frame") {
  // 640x480 at 416: rw = 416, rh = round(480 * 0.65) = 312.
  const int g = 13;
  std::vector<float> out((size_t)g * g * 25, -30.f);
  float* p = out.data() + ((size_t)4 * g + 6) * 25 + 5 * 2;  // row 4, col 6, anchor 2
  p[0] = 0.f, p[1] = 0.f, p[2] = 0.f, p[3] = std::log(2.f), p[4] = 3.f;
  fg::TinyDetectorOptions opt;
  std::vector<fg::FaceBox> boxes;
  REQUIRE(fg::tiny_detector_decode(out.data(), g, opt, 640, 480, &boxes).is_ok());
  REQUIRE(boxes.size() == 1);
  const double cx = (6.5 / 13) * 640, cy = (4.5 / 13) * (416.0 / 312) * 480;
  const double w = 2.882459 / 13 * 640, h = 2 * 3.518061 / 13 * (416.0 / 312) * 480;
  CHECK(boxes[0].x == doctest::Approx(cx - w / 2));
  CHECK(boxes[0].y == doctest::Approx(cy - h / 2));
  CHECK(boxes[0].width == doctest::Approx(w));
  CHECK(boxes[0].height == doctest::Approx(h));
  CHECK(boxes[0].score == doctest::Approx(1 / (1 + std::exp(-3.0))));
  // Score exactly at the threshold is dropped (strict >).
  p[4] = 0.f;
  REQUIRE(fg::tiny_detector_decode(out.data(), g, opt, 640, 480, &boxes).is_ok());
  CHECK(boxes.empty());
  // Bad arguments.
  CHECK_FALSE(fg::tiny_detector_decode(out.data(), 12, opt, 640, 480, &boxes).is_ok());
  opt.input_size = 400;
  CHECK_FALSE(fg::tiny_detector_decode(out.data(), g, opt, 640, 480, &boxes).is_ok());
  opt.input_size = 416;
  CHECK_FALSE(fg::tiny_detector_decode(out.data(), g, opt, 0, 480, &boxes).is_ok());
}

TEST_CASE("tiny_detector_decode reproduces face-api's boxes (golden pipeline JSON)" * doctest::test_suite("shared")) {
  const char* shared = std::getenv("FG_SHARED_DIR");
  const std::filesystem::path dir = std::string(shared ? shared : "") + "/reference/golden/pipeline";
  if (!shared || !std::filesystem::is_directory(dir)) {
    FG_SKIP_TEST(dir.string() << " absent (set FG_SHARED_DIR)");
  }
  double worst_px = 0, worst_score = 0;
  int images = 0, faces = 0;
  for (const auto& set : std::filesystem::directory_iterator(dir)) {
    if (!set.is_directory()) continue;
    for (const auto& file : std::filesystem::directory_iterator(set.path())) {
      std::ifstream in(file.path());
      const nlohmann::json j = nlohmann::json::parse(in);
      if (!j.contains("tiny_face_detector")) continue;
      const auto& t = j["tiny_face_detector"];
      const int W = j["width"], H = j["height"];
      fg::TinyDetectorOptions opt;
      opt.input_size = t["options"]["inputSize"];
      opt.score_threshold = t["options"]["scoreThreshold"];
      opt.iou_threshold = t["options"]["iouThreshold"];
      const int g = opt.input_size / 32;
      const double s = (double)opt.input_size / std::max(W, H);
      const double corr_x = opt.input_size / std::floor(W * s + 0.5);
      const double corr_y = opt.input_size / std::floor(H * s + 0.5);
      Grid grid(g);
      bool placed = true;
      for (const auto& f : t["faces"]) {
        const auto& r = f["relativeBox"];
        const double rx = r["x"], ry = r["y"], rw = r["width"], rh = r["height"], sc = f["score"];
        placed = placed && grid.put(rx, ry, rw, rh, sc, corr_x, corr_y);
        // A weaker near-duplicate that NMS must drop, and a decoy exactly at the threshold.
        grid.put(rx + 0.02 * rw, ry, rw, rh, 0.5 + (sc - 0.5) * 0.5, corr_x, corr_y);
        grid.put(rx, ry + 0.01 * rh, rw, rh, 0.5, corr_x, corr_y);
      }
      REQUIRE_MESSAGE(placed, file.path().string());
      std::vector<fg::FaceBox> boxes;
      REQUIRE(fg::tiny_detector_decode(grid.v.data(), g, opt, W, H, &boxes).is_ok());
      REQUIRE_MESSAGE(boxes.size() == t["faces"].size(), file.path().string());
      for (size_t i = 0; i < boxes.size(); ++i) {
        const auto& b = t["faces"][i]["box"];
        const double d = std::max({std::fabs(boxes[i].x - (double)b["x"]), std::fabs(boxes[i].y - (double)b["y"]),
                                   std::fabs(boxes[i].width - (double)b["width"]),
                                   std::fabs(boxes[i].height - (double)b["height"])});
        const double ds = std::fabs(boxes[i].score - (double)t["faces"][i]["score"]);
        CHECK_MESSAGE(d <= 1.0, file.path().string() << " face " << i << " |dpx| " << d);
        CHECK_MESSAGE(ds <= 1e-3, file.path().string() << " face " << i << " |dscore| " << ds);
        worst_px = std::max(worst_px, d);
        worst_score = std::max(worst_score, ds);
        ++faces;
      }
      ++images;
    }
  }
  CHECK(faces > 50);
  MESSAGE("decode vs golden: " << images << " images, " << faces << " faces, max |box diff| "
                               << worst_px << " px, max |score diff| " << worst_score);
}
