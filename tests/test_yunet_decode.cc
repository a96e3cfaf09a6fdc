// YuNet decode + NMS (runtime/vision/yunet_decode.h): synthetic heads with known answers, and
// the whole detector stage on the bundled frames against the tiny detector.
#include <cmath>
#include <cstdio>

#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/yunet_decode.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

struct Heads {
  int size;
  std::vector<float> level[kYunetLevels];
  explicit Heads(int s) : size(s) {
    for (int l = 0; l < kYunetLevels; ++l) {
      const int n = s / kYunetStrides[l];
      level[l].assign((size_t)n * n * kYunetHeadChannels, 0.f);
      for (size_t i = 0; i < level[l].size(); i += kYunetHeadChannels) level[l][i] = level[l][i + 1] = -20.f;
    }
  }
  float* cell(int l, int r, int c) { return level[l].data() + ((size_t)r * (size / kYunetStrides[l]) + c) * kYunetHeadChannels; }
  Status decode(const YunetOptions& o, int w, int h, std::vector<YunetFace>* out) const {
    const float* p[kYunetLevels] = {level[0].data(), level[1].data(), level[2].data()};
    return yunet_decode(p, o, w, h, out);
  }
};

Image load_frame(const std::string& name) {
  Image img;
  const Status s = image_load(env_or("FG_SOURCE_DIR", ".") + "/samples/frames/" + name, 3, &img);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return img;
}

FacePipeline open_detector(DetectorKind kind, bool int8 = false) {
  FacePipelineOptions o;
  o.detector_kind = kind;
  o.embed = false;
  o.int8 = int8;
  FacePipeline p;
  const Status s = face_pipeline_open(model_dir(), o, &p);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  return p;
}

}  // namespace

TEST_CASE("yunet decode: one cell gives upstream's box, points and score") {
  Heads h(320);
  float* v = h.cell(1, 3, 5);  // stride 16, row 3, col 5
  v[0] = 2.f, v[1] = 1.f;      // score sqrt(sig(2) sig(1)) = 0.8067
  v[2] = 0.5f, v[3] = 0.25f, v[4] = std::log(4.f), v[5] = std::log(5.f);
  for (int k = 0; k < kYunetPoints; ++k) v[6 + 2 * k] = 0.1f * k, v[7 + 2 * k] = -0.2f * k;
  YunetOptions o;
  std::vector<YunetFace> faces;
  // 640x480 frame: padded to 640 square, scale 2 from the 320 input.
  REQUIRE(h.decode(o, 640, 480, &faces).is_ok());
  REQUIRE(faces.size() == 1);
  const FaceBox& b = faces[0].box;
  const double cx = (5 + 0.5) * 16, cy = (3 + 0.25) * 16, w = 4 * 16, hh = 5 * 16;
  CHECK(b.x == doctest::Approx((cx - w / 2) * 2).epsilon(1e-6));
  CHECK(b.y == doctest::Approx((cy - hh / 2) * 2).epsilon(1e-6));
  CHECK(b.width == doctest::Approx(w * 2).epsilon(1e-6));
  CHECK(b.height == doctest::Approx(hh * 2).epsilon(1e-6));
  CHECK(b.score == doctest::Approx(std::sqrt(1 / (1 + std::exp(-2.0)) / (1 + std::exp(-1.0)))).epsilon(1e-6));
  for (int k = 0; k < kYunetPoints; ++k) {
    CHECK(faces[0].points[k].x == doctest::Approx((5 + 0.1 * k) * 16 * 2).epsilon(1e-6));
    CHECK(faces[0].points[k].y == doctest::Approx((3 - 0.2 * k) * 16 * 2).epsilon(1e-6));
  }
}

TEST_CASE("yunet decode: strict threshold, NMS keeps the best of overlapping cells, NaN never passes") {
  Heads h(160);
  float* a = h.cell(0, 4, 4);  // stride 8: two neighbouring cells, same large box
  float* b = h.cell(0, 4, 5);
  a[0] = a[1] = 3.f, b[0] = b[1] = 2.f;
  a[4] = a[5] = b[4] = b[5] = std::log(6.f);
  float* far = h.cell(2, 4, 4);  // stride 32, another place
  far[0] = far[1] = 1.f;
  float* nan = h.cell(1, 0, 0);
  nan[0] = nan[1] = std::nanf("");
  YunetOptions o;
  o.input_size = 160;
  std::vector<YunetFace> faces;
  REQUIRE(h.decode(o, 160, 160, &faces).is_ok());
  REQUIRE(faces.size() == 2);
  CHECK(faces[0].box.score > faces[1].box.score);
  CHECK(faces[0].box.x == doctest::Approx(4 * 8 - 24));  // cell a won, b suppressed
  CHECK(faces[1].box.x > 100);
  o.score_threshold = 1 / (1 + std::exp(-1.0));  // exactly the far cell's score: strict drops it
  REQUIRE(h.decode(o, 160, 160, &faces).is_ok());
  CHECK(faces.size() == 1);
  o.input_size = 100;
  CHECK_FALSE(h.decode(o, 160, 160, &faces).is_ok());
  o.input_size = 160;
  CHECK_FALSE(h.decode(o, 0, 160, &faces).is_ok());
}

// Every face the tiny detector finds in the bundled frames, YuNet finds too (same count: these
// frames have no face only one of them sees), and its box mapped for the landmark net
// (yunet_box_for_landmarks) overlaps the tiny box by IoU >= 0.5 (observed 0.55..0.94).
// wall.png has no face for either.
TEST_CASE("yunet detector stage: the bundled frames' faces, as the tiny detector finds them") {
  FacePipeline tiny = open_detector(DetectorKind::kTiny);
  FacePipeline yunet = open_detector(DetectorKind::kYunet);
  struct Frame {
    const char* name;
    size_t faces;
  };
  const Frame frames[] = {{"amy3.png", 1}, {"penny4.png", 1}, {"sheldon3.png", 1}, {"bbt3.jpg", 5},
                          {"amy4.png", 1}, {"stuart1.png", 1}, {"angry.jpg", 1},   {"wall.png", 0}};
  for (const Frame& fr : frames) {
    CAPTURE(fr.name);
    const Image img = load_frame(fr.name);
    std::vector<FaceBox> tb, yb;
    REQUIRE(face_pipeline_detect(tiny, img, &tb).is_ok());
    REQUIRE(face_pipeline_detect(yunet, img, &yb).is_ok());
    CHECK(tb.size() == fr.faces);
    CHECK(yb.size() == fr.faces);
    REQUIRE(yunet.yunet_faces.size() == yb.size());
    for (const FaceBox& t : tb) {
      double best = 0;
      for (const FaceBox& y : yb) best = std::max(best, box_iou(t, y));
      CHECK_MESSAGE(best >= 0.5, "tiny box at " << t.x << "," << t.y << ": best IoU with a mapped YuNet box " << best);
    }
    for (const YunetFace& f : yunet.yunet_faces) {
      CHECK(f.box.score > 0.6);
      // Upright faces: both eyes above the nose, the nose above both mouth corners, all inside the box.
      CHECK(std::max(f.points[0].y, f.points[1].y) < f.points[2].y);
      CHECK(f.points[2].y < std::min(f.points[3].y, f.points[4].y));
      for (const Point2& q : f.points) {
        CHECK(q.x > f.box.x);
        CHECK(q.x < f.box.right());
        CHECK(q.y > f.box.y);
        CHECK(q.y < f.box.bottom());
      }
    }
  }
}
