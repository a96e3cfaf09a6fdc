// The shipped int8 encoder agrees with the f32 one (issue 14; docs/quantization.md, "int8 vs
// f32 agreement"): the 95th percentile of |d_int8 - d_f32| over pairs of the same chips.
//   bundled  every pair of the 40 gray + 31 colour bundled chips (the calibration set
//            itself, so a guard against a calibration regression, not a held-out figure):
//            measured 0.0157; with the gray chips alone (before) 0.0853
//   LFW      200 View 2 pairs (every 30th) through the eval's chip path, held out:
//            measured p95 0.0148 on all 6000 pairs; issue 14's target is 0.02
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "runtime/eval/lfw_eval.h"
#include "runtime/vision/aligner.h"
#include "runtime/vision/face_encoder.h"
#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/image.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

double p95(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(std::ceil(0.95 * v.size())) - 1];
}

// |d_int8 - d_f32| of the squared distances of the index pairs, both encoders on the same chip.
std::vector<double> distance_errors(const std::vector<Image>& chips, const std::vector<std::pair<int, int>>& pairs) {
  FaceEncoder ef, eq;
  REQUIRE(face_encoder_open(model_dir() + "/recognition.fgm", Backend::kNative, &ef).is_ok());
  REQUIRE(face_encoder_open(model_dir() + "/recognition_int8.fgm", Backend::kNative, &eq).is_ok());
  std::vector<float> df(chips.size() * kEmbeddingDim), dq(chips.size() * kEmbeddingDim);
  for (size_t i = 0; i < chips.size(); ++i) {
    REQUIRE(face_encoder_embed(ef, chips[i], &df[i * kEmbeddingDim]).is_ok());
    REQUIRE(face_encoder_embed(eq, chips[i], &dq[i * kEmbeddingDim]).is_ok());
  }
  std::vector<double> err;
  for (const auto& p : pairs) {
    const double a = embedding_distance_sq(&df[p.first * kEmbeddingDim], &df[p.second * kEmbeddingDim]);
    const double b = embedding_distance_sq(&dq[p.first * kEmbeddingDim], &dq[p.second * kEmbeddingDim]);
    err.push_back(std::fabs(b - a));
  }
  return err;
}

}  // namespace

TEST_CASE("int8 encoder vs f32: p95 of the distance error on every pair of the bundled chips") {
  std::vector<Image> chips;
  const std::string src = env_or("FG_SOURCE_DIR", ".");
  for (const char* p : {"amy", "bernadette", "howard", "leonard", "penny", "raj", "sheldon", "stuart"})
    for (int n = 1; n <= 5; ++n) {
      chips.emplace_back();
      REQUIRE(image_load(sample_face(p, n), 3, &chips.back()).is_ok());
    }
  std::ifstream sums(src + "/models/calibration/faces/SHA256SUMS");
  std::string hash, name;
  while (sums >> hash >> name) {
    chips.emplace_back();
    REQUIRE(image_load(src + "/models/calibration/faces/" + name, 3, &chips.back()).is_ok());
  }
  REQUIRE(chips.size() == 71);
  std::vector<std::pair<int, int>> pairs;
  for (int i = 0; i < (int)chips.size(); ++i)
    for (int j = i + 1; j < (int)chips.size(); ++j) pairs.push_back({i, j});
  const double e = p95(distance_errors(chips, pairs));
  MESSAGE("bundled chips: " << pairs.size() << " pairs, |d_int8 - d_f32| p95 " << e);
  CHECK(e <= 0.025);
}

TEST_CASE("int8 encoder vs f32: p95 of the distance error on 200 LFW pairs" * doctest::test_suite("shared")) {
  const std::string dir = env_or("FG_SHARED_DIR", "../shared") + "/data/lfw";
  if (!path_exists(dir + "/pairs.txt")) FG_SKIP_TEST("int8 vs f32 on LFW: FG_SHARED_DIR/data/lfw absent");
  std::vector<LfwPair> lp;
  int folds = 0;
  REQUIRE(lfw_parse_pairs(dir + "/pairs.txt", &lp, &folds).is_ok());
  std::vector<std::string> paths;
  std::map<std::string, int> index;
  auto id = [&](const std::string& path) {
    auto it = index.emplace(path, (int)paths.size());
    if (it.second) paths.push_back(path);
    return it.first->second;
  };
  std::vector<std::pair<int, int>> pairs;
  for (size_t k = 0; k < lp.size() && pairs.size() < 200; k += 30)
    pairs.push_back({id(lfw_image_path(dir, lp[k].name1, lp[k].n1)), id(lfw_image_path(dir, lp[k].name2, lp[k].n2))});
  REQUIRE(pairs.size() == 200);
  // The eval's chips: its face pick (lfw_embed_images), then landmarks + the aligned chip.
  LfwRunOptions ro;
  ro.model_dir = model_dir();
  std::vector<LfwImageResult> res;
  REQUIRE(lfw_embed_images(ro, paths, &res).is_ok());
  FacePipeline p;
  FacePipelineOptions po = ro.pipeline;
  po.embed = false;
  REQUIRE(face_pipeline_open(ro.model_dir, po, &p).is_ok());
  std::vector<Image> chips(paths.size());
  for (size_t i = 0; i < paths.size(); ++i) {
    Image img;
    PipelineFace face;
    REQUIRE(image_load(paths[i], 3, &img).is_ok());
    REQUIRE(face_pipeline_landmarks(p, img, res[i].box, &face).is_ok());
    REQUIRE(align_face_chip(img, face.landmarks, po.chip, &chips[i]).is_ok());
  }
  const double e = p95(distance_errors(chips, pairs));
  MESSAGE("LFW: " << pairs.size() << " pairs, |d_int8 - d_f32| p95 " << e);
  CHECK(e <= 0.02);
}
