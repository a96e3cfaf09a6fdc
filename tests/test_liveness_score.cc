// The crop rule of runtime/vision/liveness.h (upstream generate_patches.py) and the summed
// score on a bundled frame.
#include <doctest/doctest.h>

#include <cstdlib>
#include <string>

#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/liveness.h"

namespace fg {
namespace {

std::string env(const char* k) {
  const char* v = std::getenv(k);
  return v ? v : "";
}

TEST_CASE("liveness crop: scaled around the centre, shifted back inside the frame") {
  FaceBox b;
  b.x = 100, b.y = 100, b.width = 50, b.height = 60;
  // x2.7: 135 x 162 around (125, 130): x 57.5..192.5, y 49..211 (upstream: int() truncation).
  LivenessCrop c = liveness_crop_box(640, 480, b, 2.7);
  CHECK(c.x0 == 57); CHECK(c.x1 == 192); CHECK(c.y0 == 49); CHECK(c.y1 == 211);
  // x4.0 near the top-left corner: shifted right/down, not shrunk.
  b.x = 10, b.y = 5;
  c = liveness_crop_box(640, 480, b, 4.0);
  CHECK(c.x0 == 0); CHECK(c.x1 == 200); CHECK(c.y0 == 0); CHECK(c.y1 == 240);
  // Larger than the frame: the scale drops to (h-1)/box_h.
  b.x = 0, b.y = 0, b.width = 200, b.height = 200;
  c = liveness_crop_box(300, 300, b, 4.0);
  CHECK(c.x0 == 0); CHECK(c.y0 == 0); CHECK(c.x1 == 299); CHECK(c.y1 == 299);
}

TEST_CASE("liveness score of a bundled frame is a probability on every backend") {
  FacePipelineOptions po;
  po.embed = false;
  FacePipeline p;
  REQUIRE(face_pipeline_open(env("FG_MODEL_DIR"), po, &p).is_ok());
  Image img;
  REQUIRE(image_load(env("FG_SOURCE_DIR") + "/samples/frames/amy3.png", 3, &img).is_ok());
  std::vector<FaceBox> boxes;
  REQUIRE(face_pipeline_detect(p, img, &boxes).is_ok());
  REQUIRE(!boxes.empty());
  float first = -1.f;
  for (Backend b : {Backend::kReference, Backend::kNative}) {
    LivenessNets nets;
    const Status s = liveness_open(env("FG_SOURCE_DIR") + "/models/liveness", b, &nets);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    float score = -1.f;
    REQUIRE(liveness_score(nets, img, boxes[0], &score).is_ok());
    MESSAGE("amy3.png live score (" << std::string(backend_name(b)) << "): " << score);
    CHECK(score >= 0.f);
    CHECK(score <= 1.f);
    if (first < 0.f) first = score;
    CHECK(std::abs(score - first) < 1e-4f);
  }
}

}  // namespace
}  // namespace fg
