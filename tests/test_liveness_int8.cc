// The int8 liveness nets (minifasnet_*_int8.fgm, quantized at build time: models/CMakeLists.txt)
// against their f32 originals on the bundled images, and the int8 backends against each other.
// Calibration saw samples/frames and samples/faces, never tests/data/liveness (MiniVision's
// three samples: one live, two attacks), so those are the held-out check.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/liveness.h"

namespace fg {
namespace {

std::string env(const char* k) {
  const char* v = std::getenv(k);
  return v ? v : "";
}

struct Sample {
  std::string name;
  Image img;
  FaceBox box;
};

// The largest face of each image, found by the f32 detector (the same box for both precisions).
// Built once for both test cases: the detector is most of this test's time under qemu.
std::vector<Sample> detect_samples() {
  FacePipelineOptions po;
  po.embed = false;
  FacePipeline p;
  const Status ps = face_pipeline_open(env("FG_MODEL_DIR"), po, &p);
  REQUIRE_MESSAGE(ps.is_ok(), ps.message());
  std::vector<Sample> out;
  const std::string src = env("FG_SOURCE_DIR");
  std::vector<std::string> files = {src + "/tests/data/liveness/image_T1.jpg", src + "/tests/data/liveness/image_F1.jpg",
                                    src + "/tests/data/liveness/image_F2.jpg"};
  for (const char* f : {"amy3.png", "amy4.png", "penny4.png", "sheldon3.png", "stuart1.png", "angry.jpg", "bbt3.jpg"})
    files.push_back(src + "/samples/frames/" + f);
  for (const std::string& f : files) {
    Sample s;
    s.name = f.substr(f.rfind('/') + 1);
    const Status ls = image_load(f, 3, &s.img);  // the samples' EXIF orientation 6 applied
    REQUIRE_MESSAGE(ls.is_ok(), ls.message());
    std::vector<FaceBox> boxes;
    REQUIRE(face_pipeline_detect(p, s.img, &boxes).is_ok());
    REQUIRE_MESSAGE(!boxes.empty(), s.name);
    s.box = *std::max_element(boxes.begin(), boxes.end(), [](const FaceBox& a, const FaceBox& b) {
      return a.width * a.height < b.width * b.height;
    });
    out.push_back(std::move(s));
  }
  return out;
}

const std::vector<Sample>& load_samples() {
  static const std::vector<Sample> samples = detect_samples();
  return samples;
}

float score_of(LivenessNets& nets, const Sample& s) {
  float v = -1.f;
  REQUIRE(liveness_score(nets, s.img, s.box, &v).is_ok());
  return v;
}

TEST_CASE("int8 liveness score follows f32 on the bundled images; the verdicts at the threshold hold") {
  const std::vector<Sample>& samples = load_samples();
  const std::string dir = env("FG_MODEL_DIR");
  LivenessNets f32, int8;
  Status s = liveness_open(dir, Backend::kNative, &f32, false);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  s = liveness_open(dir, Backend::kNative, &int8, true);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  CHECK(int8.model[0].tensors.size() > 0);
  float worst = 0.f;
  for (const Sample& x : samples) {
    const float a = score_of(f32, x), b = score_of(int8, x);
    MESSAGE(x.name << ": f32 " << a << ", int8 " << b);
    worst = std::max(worst, std::fabs(a - b));
    // No verdict flips at the shipped threshold on these images (the closest, bbt3/angry, are
    // > 0.5 from it in f32).
    CHECK((a >= kLivenessThreshold) == (b >= kLivenessThreshold));
  }
  MESSAGE("max |int8 - f32| live score: " << worst << " over " << samples.size() << " images");
  // Bound: measured 0.043 here (image_F2: f32 0.096, int8 0.053; docs/liveness.md). On NUAA
  // people 6-9 (held out) the mean difference is 0.019, the largest 0.28, on a mid-range score.
  CHECK(worst <= 0.08f);
  // The held-out live sample stays live, the two attacks stay refused.
  CHECK(score_of(int8, samples[0]) >= 0.9f);
  CHECK(score_of(int8, samples[1]) < kLivenessThreshold);
  CHECK(score_of(int8, samples[2]) < kLivenessThreshold);
}

// Every int8 tensor is bit-exact (shared table / requantisation code); the f32 logits fc and the
// softmax after the last dequantize sum in each backend's own order: ~1e-7.
TEST_CASE("int8 liveness nets: native matches the reference backend, XNNPACK close") {
  const std::vector<Sample>& samples = load_samples();
  const std::string dir = env("FG_MODEL_DIR");
  LivenessNets ref, native;
  REQUIRE(liveness_open(dir, Backend::kReference, &ref, true).is_ok());
  REQUIRE(liveness_open(dir, Backend::kNative, &native, true).is_ok());
  for (size_t i = 0; i < 3; ++i) {  // the reference loops are slow under qemu: the held-out three
    const float r = score_of(ref, samples[i]), n = score_of(native, samples[i]);
    MESSAGE(samples[i].name << ": reference " << r << ", native " << n);
    CHECK(std::fabs(r - n) <= 1e-5f);
  }
  LivenessNets xnn;
  const Status xs = liveness_open(dir, Backend::kXnnpack, &xnn, true);
  if (!xs.is_ok() && xs.message().find("not available") != std::string::npos) {
    MESSAGE("skipping xnnpack: " << xs.message());
    return;
  }
  REQUIRE_MESSAGE(xs.is_ok(), xs.message());
  float worst = 0.f;
  for (const Sample& x : samples) worst = std::max(worst, std::fabs(score_of(xnn, x) - score_of(native, x)));
  MESSAGE("max |xnnpack - native| int8 live score: " << worst);
  // XNNPACK's qs8 convs requantize with their own rounding (docs/quantization.md): not bit-exact.
  CHECK(worst <= 0.02f);
}

}  // namespace
}  // namespace fg
