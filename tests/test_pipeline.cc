// The whole-frame pipeline (runtime/vision/face_pipeline.h): golden parity with face-api on
// lossless frames (../shared), and bundled checks that need nothing but the repo.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/vision/face_pipeline.h"
#include "image_test_util.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

std::string bundled(const std::string& name) { return test_data_dir() + "/pipeline/" + name; }

FacePipeline& pipeline(DescriptorMode mode, Backend backend = Backend::kNative) {
  // One pipeline per (mode, backend), opened once for the whole test binary.
  static FacePipeline pipes[2][2];
  static bool opened[2][2] = {};
  const int m = mode == DescriptorMode::kCrop ? 0 : 1, b = backend == Backend::kNative ? 0 : 1;
  if (!opened[m][b]) {
    FacePipelineOptions opt;
    opt.mode = mode;
    opt.backend = backend;
    Status s = face_pipeline_open(model_dir(), opt, &pipes[m][b]);
    INFO(s.message());
    REQUIRE(s.is_ok());
    opened[m][b] = true;
  }
  return pipes[m][b];
}

std::vector<PipelineFace> run_file(const std::string& path, DescriptorMode mode, Backend backend = Backend::kNative) {
  Image img;
  Status s = image_load(path, 3, &img);
  INFO(path << ": " << s.message());
  REQUIRE(s.is_ok());
  std::vector<PipelineFace> faces;
  s = face_pipeline_run(pipeline(mode, backend), img, &faces);
  INFO(s.message());
  REQUIRE(s.is_ok());
  return faces;
}

// A 150x150 identity chip centred on a 450x450 black canvas, as the reference's
// scripts/make_padded.js made images_padded/ (tight chips are too tight for the detector).
Image padded_identity(const std::string& person, int n) {
  Image chip, out = image_make(450, 450, 3);
  const std::string path = env_or("FG_SOURCE_DIR", ".") + "/samples/faces/" + person + "/" + person + std::to_string(n) + ".png";
  REQUIRE(image_load(path, 3, &chip).is_ok());
  REQUIRE(chip.width == 150);
  REQUIRE(chip.height == 150);
  for (int y = 0; y < 150; ++y) std::copy(chip.row(y), chip.row(y) + 450, out.row(y + 150) + 150 * 3);
  return out;
}

struct Worst {
  double box = 0, score = 0, landmark = 0, descriptor = 0;
  int faces = 0;
};

// Compares our faces with the golden tiny_face_detector faces of one frame (same order:
// both are NMS pick order).
void compare_with_golden(const std::vector<PipelineFace>& got, const nlohmann::json& golden, const std::string& what,
                         Worst* w) {
  const auto& gf = golden["tiny_face_detector"]["faces"];
  INFO(what);
  REQUIRE(got.size() == gf.size());
  for (size_t i = 0; i < got.size(); ++i) {
    const auto& g = gf[i];
    const auto& b = g["box"];
    const double db = std::max({std::fabs(got[i].box.x - (double)b["x"]), std::fabs(got[i].box.y - (double)b["y"]),
                                std::fabs(got[i].box.width - (double)b["width"]),
                                std::fabs(got[i].box.height - (double)b["height"])});
    w->box = std::max(w->box, db);
    w->score = std::max(w->score, std::fabs(got[i].box.score - (double)g["score"]));
    for (int k = 0; k < kLandmarkCount; ++k) {
      w->landmark = std::max(w->landmark, std::fabs(got[i].landmarks[k].x - (double)g["landmarks68"][k][0]));
      w->landmark = std::max(w->landmark, std::fabs(got[i].landmarks[k].y - (double)g["landmarks68"][k][1]));
    }
    REQUIRE(got[i].has_embedding);
    for (int k = 0; k < kEmbeddingDim; ++k)
      w->descriptor = std::max(w->descriptor, std::fabs(got[i].embedding[k] - (double)g["descriptor"][k]));
    ++w->faces;
  }
}

nlohmann::json load_json(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  return nlohmann::json::parse(in);
}

void check_worst(const Worst& w) {
  CHECK(w.box <= 1.0);
  CHECK(w.score <= 1e-3);
  CHECK(w.landmark <= 1.0);
  CHECK(w.descriptor <= 1e-3);
}

}  // namespace

TEST_CASE("golden parity (crop mode): lossless frames vs face-api boxes, scores, landmarks, descriptors" * doctest::test_suite("shared")) {
  const std::string ref = shared_reference_dir();
  if (ref.empty()) {
    FG_SKIP_TEST("golden pipeline parity: FG_SHARED_DIR/reference absent");
  }
  Worst w;
  // bbt4: the JPEG's pixels as face-api decoded them (PNG), so no JPEG-decoder differences.
  compare_with_golden(run_file(ref + "/golden/decoded/_group_bbt4.jpg.png", DescriptorMode::kCrop),
                      load_json(ref + "/golden/pipeline/group/bbt4.jpg.json"), "bbt4", &w);
  compare_with_golden(run_file(ref + "/images/upstream_testdata/images/face_rectangular.png", DescriptorMode::kCrop),
                      load_json(ref + "/golden/pipeline/upstream/face_rectangular.png.json"), "face_rectangular", &w);
  compare_with_golden(run_file(ref + "/images/upstream_testdata/images/white.png", DescriptorMode::kCrop),
                      load_json(ref + "/golden/pipeline/upstream/white.png.json"), "white", &w);
  // The 40 identity chips on a black canvas (39 with a face, stuart5 without).
  for (const char* person : {"amy", "bernadette", "howard", "leonard", "penny", "raj", "sheldon", "stuart"})
    for (int n = 1; n <= 5; ++n) {
      std::vector<PipelineFace> faces;
      REQUIRE(face_pipeline_run(pipeline(DescriptorMode::kCrop), padded_identity(person, n), &faces).is_ok());
      const std::string name = std::string(person) + "_" + person + std::to_string(n) + ".png";
      compare_with_golden(faces, load_json(ref + "/golden/pipeline/identities_padded/" + name + ".json"), name, &w);
    }
  MESSAGE("golden pipeline, " << w.faces << " faces: max |box| " << w.box << " px, |score| " << w.score
                              << ", |landmark| " << w.landmark << " px, |descriptor| " << w.descriptor);
  CHECK(w.faces == 6 + 1 + 39);
  check_worst(w);
}

TEST_CASE("reference backend gives the same whole-frame results as native") {
  const auto nat = run_file(bundled("face_rectangular.png"), DescriptorMode::kCrop, Backend::kNative);
  const auto ref = run_file(bundled("face_rectangular.png"), DescriptorMode::kCrop, Backend::kReference);
  REQUIRE(nat.size() == 1);
  REQUIRE(ref.size() == 1);
  CHECK(std::fabs(nat[0].box.score - ref[0].box.score) < 1e-4);
  CHECK(std::fabs(nat[0].landmarks[30].x - ref[0].landmarks[30].x) < 0.05);
  CHECK(max_abs_diff(nat[0].embedding, ref[0].embedding, kEmbeddingDim) < 1e-4f);
}

TEST_CASE("bundled photos: face counts, and same / different person in both descriptor modes") {
  for (DescriptorMode mode : {DescriptorMode::kCrop, DescriptorMode::kAlign}) {
    INFO("mode " << std::string(descriptor_mode_name(mode)));
    const auto group = run_file(bundled("bbt4.jpg"), mode);
    CHECK(group.size() == 6);
    CHECK(run_file(bundled("bbt2.jpg"), mode).size() == 3);
    CHECK(run_file(bundled("white.png"), mode).empty());
    const auto rect = run_file(bundled("face_rectangular.png"), mode);
    const auto angry = run_file(bundled("angry.jpg"), mode);
    REQUIRE(rect.size() == 1);
    REQUIRE(angry.size() == 1);
    REQUIRE(!group.empty());
    for (const PipelineFace& f : group) {
      CHECK(f.box.score > 0.5);
      CHECK(f.landmarks.size() == (size_t)kLandmarkCount);
      CHECK(f.has_embedding);
      // Eyes lie inside the box, left eye left of the right eye.
      const Point2 le = landmarks_mean(f.landmarks, 36, 42), re = landmarks_mean(f.landmarks, 42, 48);
      CHECK(le.x < re.x);
      CHECK(le.x > f.box.x);
      CHECK(re.x < f.box.right());
    }
    const PipelineFace& big = group[largest_face(group)];
    const float same = embedding_distance_sq(big.embedding, rect[0].embedding);
    const float diff = embedding_distance_sq(angry[0].embedding, rect[0].embedding);
    MESSAGE(std::string(descriptor_mode_name(mode)) << ": same person d2 " << same << ", different d2 " << diff);
    CHECK(same < 0.25f);
    CHECK(diff > 0.4f);
    CHECK(same < 0.6f * diff);
    // Every other face in the group is farther from face_rectangular than its own face.
    for (const PipelineFace& f : group)
      if (&f != &big) CHECK(embedding_distance_sq(f.embedding, rect[0].embedding) > same);
  }
}

TEST_CASE("bad input and options: clear errors") {
  FacePipeline& p = pipeline(DescriptorMode::kAlign);
  std::vector<PipelineFace> faces;
  Image empty;
  Status s = face_pipeline_run(p, empty, &faces);
  CHECK(!s.is_ok());
  CHECK(s.message().find("empty") != std::string::npos);
  Image bad = image_make(10, 10, 3);
  bad.pixels.resize(7);
  CHECK(!face_pipeline_run(p, bad, &faces).is_ok());
  // A tiny frame: no face, no error.
  CHECK(face_pipeline_run(p, image_make(1, 1, 3), &faces).is_ok());
  CHECK(faces.empty());
  // A gray frame goes through too.
  Image gray;
  REQUIRE(image_load(bundled("face_rectangular.png"), 1, &gray).is_ok());
  REQUIRE(face_pipeline_run(p, gray, &faces).is_ok());
  CHECK(faces.size() == 1);

  FacePipeline q;
  FacePipelineOptions opt;
  opt.detector.input_size = 100;
  s = face_pipeline_open(model_dir(), opt, &q);
  CHECK(!s.is_ok());
  CHECK(s.message().find("multiple of 32") != std::string::npos);
  opt.detector.input_size = 992;  // valid, but no model file is built for it
  s = face_pipeline_open(model_dir(), opt, &q);
  CHECK(!s.is_ok());
  CHECK(s.message().find("detector992.fgm") != std::string::npos);
  opt.detector.input_size = 416;
  CHECK(!face_pipeline_open("/nonexistent", opt, &q).is_ok());
  CHECK(detector_model_file(416) == "detector.fgm");
  CHECK(detector_model_file(320) == "detector320.fgm");
}

TEST_CASE("other detector input sizes when their model files exist") {
  for (int size : {160, 224, 320, 608}) {
    if (!path_exists(model_dir() + "/" + detector_model_file(size))) {
      MESSAGE("SKIPPED input size " << size << ": " << detector_model_file(size) << " not built");
      continue;
    }
    FacePipeline p;
    FacePipelineOptions opt;
    opt.detector.input_size = size;
    REQUIRE(face_pipeline_open(model_dir(), opt, &p).is_ok());
    // The group's faces are ~20% of the frame: too small below 320; the portraits are found
    // at every size.
    for (const char* name : {"bbt4.jpg", "face_rectangular.png", "angry.jpg"}) {
      Image img;
      REQUIRE(image_load(bundled(name), 3, &img).is_ok());
      std::vector<PipelineFace> faces;
      REQUIRE(face_pipeline_run(p, img, &faces).is_ok());
      MESSAGE(std::string(name) << " @" << size << ": " << faces.size() << " faces");
      if (std::string(name) != "bbt4.jpg") CHECK(faces.size() == 1);
      else if (size >= 320) CHECK(faces.size() == 6);
    }
  }
}

namespace {

// One face of face_rectangular.png with first-pass landmarks, in a pipeline with `opt`.
struct OneFace {
  FacePipeline pipe;
  Image img;
  PipelineFace face;
};

void open_one_face(const FacePipelineOptions& opt, OneFace* f) {
  Status s = face_pipeline_open(model_dir(), opt, &f->pipe);
  INFO(s.message());
  REQUIRE(s.is_ok());
  REQUIRE(image_load(bundled("face_rectangular.png"), 3, &f->img).is_ok());
  std::vector<FaceBox> boxes;
  REQUIRE(face_pipeline_detect(f->pipe, f->img, &boxes).is_ok());
  REQUIRE(boxes.size() == 1);
  REQUIRE(face_pipeline_landmarks(f->pipe, f->img, boxes[0], &f->face).is_ok());
}

double max_abs_diff(const float* a, const float* b) {
  double m = 0;
  for (int i = 0; i < kEmbeddingDim; ++i) m = std::max(m, (double)std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace

TEST_CASE("flip average = mean of the chip's and the mirrored chip's embeddings") {
  FacePipelineOptions opt;
  opt.flip_average = true;
  OneFace f;
  open_one_face(opt, &f);
  REQUIRE(face_pipeline_embed(f.pipe, f.img, &f.face).is_ok());
  // The same chip through the bare encoder, as is and mirrored.
  Image chip;
  REQUIRE(align_face_chip(f.img, f.face.landmarks, opt.chip, &chip).is_ok());
  float plain[kEmbeddingDim], mirror[kEmbeddingDim], mean[kEmbeddingDim];
  REQUIRE(face_encoder_embed(f.pipe.encoder, chip, plain).is_ok());
  REQUIRE(face_encoder_embed(f.pipe.encoder, mirrored(chip), mirror).is_ok());
  for (int i = 0; i < kEmbeddingDim; ++i) mean[i] = 0.5f * (plain[i] + mirror[i]);
  CHECK(max_abs_diff(f.face.embedding, mean) < 1e-5);
  // A real face is not mirror-symmetric, so the average differs from the plain embedding,
  // but it is still the same person by a wide margin.
  const float d = embedding_distance_sq(plain, mirror);
  MESSAGE("face_rectangular: plain vs mirrored chip d2 " << d);
  CHECK(d > 1e-4f);
  CHECK(d < 0.3f);  // verify's tau is 0.38
}

TEST_CASE("flip average of a mirror-symmetric chip changes nothing") {
  // Rows of constant colour and landmarks that are the 5-point template itself (no rotation):
  // the chip equals its mirror image, so both modes must give the same embedding.
  FacePipelineOptions opt;
  std::vector<Point2> tmpl;
  std::vector<int> index;
  face_chip_template(opt.chip, &tmpl, &index);
  // The chip (2 frame pixels per chip pixel) lies well inside the frame: no black border.
  Image frame = image_make(500, 500, 3);
  for (int y = 0; y < 500; ++y)
    for (int x = 0; x < 500; ++x)
      for (int k = 0; k < 3; ++k) frame.row(y)[3 * x + k] = (uint8_t)((y * (k + 3)) % 256);
  PipelineFace face;
  face.landmarks.assign(kLandmarkCount, Point2{150, 150});
  for (size_t i = 0; i < index.size(); ++i) face.landmarks[index[i]] = {100 + 2 * tmpl[i].x, 100 + 2 * tmpl[i].y};
  float embeddings[2][kEmbeddingDim];
  for (int flip = 0; flip < 2; ++flip) {
    FacePipeline p;
    opt.flip_average = flip == 1;
    REQUIRE(face_pipeline_open(model_dir(), opt, &p).is_ok());
    REQUIRE(face_pipeline_embed(p, frame, &face).is_ok());
    std::copy(face.embedding, face.embedding + kEmbeddingDim, embeddings[flip]);
  }
  CHECK(max_abs_diff(embeddings[0], embeddings[1]) < 1e-4);
}

TEST_CASE("jitter: transforms, averaged embedding near the plain one, option errors") {
  ChipTransform t;
  t.a = 0.8, t.b = 0.3, t.tx = 40, t.ty = 25;
  const ChipTransform same = jitter_chip_transform(t, 150, 0, 0, 1);
  CHECK(same.a == doctest::Approx(t.a));
  CHECK(same.tx == doctest::Approx(t.tx));
  const ChipTransform zoom = jitter_chip_transform(t, 150, 0, 0, 1.02);
  CHECK(zoom.scale() == doctest::Approx(1.02 * t.scale()));
  CHECK(zoom.apply(74.5, 74.5).x == doctest::Approx(t.apply(74.5, 74.5).x));  // centre stays
  const ChipTransform shift = jitter_chip_transform(t, 150, 1, 0, 1);
  CHECK(shift.apply(10, 20).x == doctest::Approx(t.apply(11, 20).x));
  CHECK(shift.apply(10, 20).y == doctest::Approx(t.apply(11, 20).y));

  FacePipelineOptions opt;
  OneFace plain;
  open_one_face(opt, &plain);
  REQUIRE(face_pipeline_embed(plain.pipe, plain.img, &plain.face).is_ok());
  opt.jitter = 4;
  OneFace jit;
  open_one_face(opt, &jit);
  REQUIRE(face_pipeline_embed(jit.pipe, jit.img, &jit.face).is_ok());
  const float d = embedding_distance_sq(plain.face.embedding, jit.face.embedding);
  MESSAGE("jitter 4 vs plain d2 " << d);
  CHECK(d > 0.f);
  CHECK(d < 0.05f);

  FacePipeline q;
  opt.jitter = kMaxJitterChips + 1;
  CHECK(!face_pipeline_open(model_dir(), opt, &q).is_ok());
  opt.jitter = 2;
  opt.mode = DescriptorMode::kCrop;
  Status s = face_pipeline_open(model_dir(), opt, &q);
  CHECK(!s.is_ok());
  CHECK(s.message().find("align") != std::string::npos);
}

TEST_CASE("landmark refinement: the second landmark crop is centred on the first pass's points") {
  FacePipelineOptions opt;
  OneFace first;
  open_one_face(opt, &first);
  opt.refine_landmarks = true;
  OneFace refined;
  open_one_face(opt, &refined);
  REQUIRE(refined.face.landmarks.size() == (size_t)kLandmarkCount);
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9, mean_move = 0;
  for (int k = 0; k < kLandmarkCount; ++k) {
    const Point2 &a = first.face.landmarks[k], &b = refined.face.landmarks[k];
    x0 = std::min(x0, a.x), x1 = std::max(x1, a.x), y0 = std::min(y0, a.y), y1 = std::max(y1, a.y);
    mean_move += std::hypot(b.x - a.x, b.y - a.y) / kLandmarkCount;
  }
  const CropRect& c = refined.face.landmark_crop;
  MESSAGE("refinement moved landmarks by " << mean_move << " px on average (box " << first.face.box.width << " px)");
  // The second crop is the detector box moved onto the first pass's landmark box centre
  // (then clipped to the frame like any landmark crop).
  FaceBox moved = first.face.box;
  moved.x = (x0 + x1) / 2 - moved.width / 2;
  moved.y = (y0 + y1) / 2 - moved.height / 2;
  CropRect want;
  REQUIRE(landmark_crop_for_box(moved, first.img.width, first.img.height, &want).is_ok());
  CHECK(c.x == want.x);
  CHECK(c.y == want.y);
  CHECK(c.width == want.width);
  CHECK(c.height == want.height);
  CHECK((c.x != first.face.landmark_crop.x || c.y != first.face.landmark_crop.y));
  CHECK(mean_move > 0);
  // Still this face: both passes' points lie in the detector box grown by half its size.
  for (const Point2& q : refined.face.landmarks) {
    CHECK(q.x > first.face.box.x - first.face.box.width / 2);
    CHECK(q.x < first.face.box.right() + first.face.box.width / 2);
  }
}

TEST_CASE("embedding_distance: squared L2 and 2 - 2 cos") {
  float a[kEmbeddingDim] = {}, b[kEmbeddingDim] = {};
  a[0] = 3, b[0] = 6;  // same direction, different length
  CHECK(embedding_distance(a, b, DistanceMetric::kCosine) == doctest::Approx(0).epsilon(1e-6));
  CHECK(embedding_distance(a, b, DistanceMetric::kSquaredL2) == doctest::Approx(9));
  b[0] = 0, b[1] = 2;  // orthogonal
  CHECK(embedding_distance(a, b, DistanceMetric::kCosine) == doctest::Approx(2));
  b[1] = 0, b[0] = -1;  // opposite
  CHECK(embedding_distance(a, b, DistanceMetric::kCosine) == doctest::Approx(4));
  float zero[kEmbeddingDim] = {};
  CHECK(embedding_distance(a, zero, DistanceMetric::kCosine) == doctest::Approx(2));
  CHECK(std::string(distance_metric_name(DistanceMetric::kCosine)) == "cosine");
}
