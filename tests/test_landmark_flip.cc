// Landmark flip test-time augmentation (FacePipelineOptions::landmark_flip) and the
// multi-view descriptor (FacePipelineOptions::multi_view): the mirror permutation of the
// iBUG-68 points, the net-output unmirroring, and both options through the pipeline; and the
// LFW eval's subject selection (a face far from the centre is not the subject).
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/eval/lfw_eval.h"
#include "image_test_util.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

std::string bundled(const std::string& name) { return test_data_dir() + "/pipeline/" + name; }

// dlib's mean face, as the 68-point chip template places it (points 27-54 and 60-64).
void mean_face(std::vector<Point2>* pts, std::vector<int>* index) {
  FaceChipOptions o;
  o.tmpl = FaceChipTemplate::kSixtyEightPoint;
  o.size = 1;
  o.padding = 0;  // template coordinates in [0, 1]
  face_chip_template(o, pts, index);
}

}  // namespace

TEST_CASE("landmark mirror permutation: an involution that swaps sides and keeps the axis") {
  std::set<int> fixed;
  for (int i = 0; i < kLandmarkCount; ++i) {
    const int j = landmark68_mirror_index(i);
    REQUIRE(j >= 0);
    REQUIRE(j < kLandmarkCount);
    CHECK(landmark68_mirror_index(j) == i);
    if (j == i) fixed.insert(i);
  }
  // Chin, nose bridge, nose tip, and the lips' centre points lie on the symmetry axis.
  CHECK(fixed == std::set<int>{8, 27, 28, 29, 30, 33, 51, 57, 62, 66});
  const int swaps[][2] = {{0, 16}, {17, 26}, {21, 22}, {31, 35}, {36, 45}, {39, 42}, {37, 44},
                          {41, 46}, {40, 47}, {48, 54}, {55, 59}, {60, 64}, {65, 67}};
  for (const auto& s : swaps) CHECK(landmark68_mirror_index(s[0]) == s[1]);
}

TEST_CASE("landmark mirror permutation maps dlib's mean face onto its mirror image") {
  std::vector<Point2> pts;
  std::vector<int> index;
  mean_face(&pts, &index);
  auto at = [&](int landmark) {
    for (size_t k = 0; k < index.size(); ++k)
      if (index[k] == landmark) return pts[k];
    FAIL("landmark " << landmark << " not in the template");
    return Point2{};
  };
  const double axis = at(27).x;  // nose bridge
  int pairs = 0;
  for (int i : index) {
    const int j = landmark68_mirror_index(i);
    const Point2 a = at(i), b = at(j);  // the template holds every partner (27-54, 60-64)
    CHECK(std::fabs((a.x - axis) + (b.x - axis)) < 1e-5);
    CHECK(std::fabs(a.y - b.y) < 1e-5);
    pairs += j != i;
  }
  CHECK(pairs == 26);  // 13 left-right pairs among the 33 template points (7 on the axis)
  // The image-left eye's outer corner (36) becomes the image-right eye's outer corner (45).
  CHECK(at(36).x < axis);
  CHECK(at(45).x > axis);
}

TEST_CASE("unmirroring net output: x -> 111/112 - x with sides swapped; twice is the identity") {
  float out[2 * kLandmarkCount], back[2 * kLandmarkCount], again[2 * kLandmarkCount];
  for (int i = 0; i < 2 * kLandmarkCount; ++i) out[i] = 0.01f * (float)((i * 37) % 97);
  landmarks68_unmirror_net_output(out, back);
  landmarks68_unmirror_net_output(back, again);
  for (int i = 0; i < 2 * kLandmarkCount; ++i) CHECK(again[i] == doctest::Approx(out[i]).epsilon(1e-6));
  // Pixel-centre convention: pixel i is at x = i/112 and the mirror maps it to 111 - i, so
  // point 36 (image-left outer eye corner) at x in the mirrored tensor is point 45 at 111/112 - x.
  const float axis = 111.f / 112.f;
  CHECK(back[2 * 45] == doctest::Approx(axis - out[2 * 36]));
  CHECK(back[2 * 45 + 1] == out[2 * 36 + 1]);
  CHECK(back[2 * 8] == doctest::Approx(axis - out[2 * 8]));  // the chin stays point 8
}

TEST_CASE("mirror_hwc_tensor: pixel (x, y) goes to (n-1-x, y); mirror of the mirror is the input") {
  const int n = 5;
  std::vector<float> t(n * n * 3), m;
  for (size_t i = 0; i < t.size(); ++i) t[i] = (float)i;
  m = t;
  mirror_hwc_tensor(m.data(), n);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      for (int k = 0; k < 3; ++k) CHECK(m[(y * n + (n - 1 - x)) * 3 + k] == t[(y * n + x) * 3 + k]);
  mirror_hwc_tensor(m.data(), n);
  CHECK(m == t);
}

TEST_CASE("landmark flip: points are exactly mirror-equivariant (plain points are not)") {
  // A 112x112 landmark crop is the net input itself (no resize, no padding), so the mirrored
  // frame with the mirrored box gives the mirrored tensor: with landmark flip the two answers
  // are the same average, read from the other side.
  // The photo on a grey canvas with a 64-pixel margin, so the 112 box fits around the face.
  Image photo;
  REQUIRE(image_load(bundled("face_rectangular.png"), 3, &photo).is_ok());
  Image img = image_make(photo.width + 128, photo.height + 128, 3);
  std::fill(img.pixels.begin(), img.pixels.end(), 128);
  for (int y = 0; y < photo.height; ++y) std::copy(photo.row(y), photo.row(y) + photo.width * 3, img.row(y + 64) + 64 * 3);
  const Image mir = mirrored(img);
  FacePipelineOptions opt;
  opt.embed = false;
  FacePipeline probe;
  REQUIRE(face_pipeline_open(model_dir(), opt, &probe).is_ok());
  std::vector<FaceBox> boxes;
  REQUIRE(face_pipeline_detect(probe, img, &boxes).is_ok());
  REQUIRE(boxes.size() == 1);
  FaceBox box;
  box.width = box.height = kLandmarkNetInputSize;
  box.x = std::floor(boxes[0].x + boxes[0].width / 2 - 56);
  box.y = std::floor(boxes[0].y + boxes[0].height / 2 - 56);
  REQUIRE(box.x >= 0);
  REQUIRE(box.y >= 0);
  REQUIRE(box.x + 112 <= img.width);
  REQUIRE(box.y + 112 <= img.height);
  FaceBox mbox = box;
  mbox.x = img.width - box.x - box.width;

  double worst[2] = {0, 0}, moved = 0;
  std::vector<Point2> plain;
  for (int flip = 0; flip < 2; ++flip) {
    opt.landmark_flip = flip == 1;
    FacePipeline p;
    REQUIRE(face_pipeline_open(model_dir(), opt, &p).is_ok());
    PipelineFace a, b;
    REQUIRE(face_pipeline_landmarks(p, img, box, &a).is_ok());
    REQUIRE(face_pipeline_landmarks(p, mir, mbox, &b).is_ok());
    for (int i = 0; i < kLandmarkCount; ++i) {
      const Point2 q = b.landmarks[landmark68_mirror_index(i)];
      // Frame points follow the pixel-centre convention: the mirror of x is width - 1 - x.
      worst[flip] = std::max({worst[flip], std::fabs(img.width - 1 - q.x - a.landmarks[i].x),
                              std::fabs(q.y - a.landmarks[i].y)});
    }
    if (flip == 0) plain = a.landmarks;
    for (int i = 0; flip == 1 && i < kLandmarkCount; ++i)
      moved += std::hypot(a.landmarks[i].x - plain[i].x, a.landmarks[i].y - plain[i].y) / kLandmarkCount;
  }
  MESSAGE("mirror disagreement: plain " << worst[0] << " px, landmark flip " << worst[1]
                                        << " px; flip moved points by " << moved << " px on average");
  CHECK(worst[1] < 1e-3);
  CHECK(worst[0] > 0.05);  // the net alone is not mirror-symmetric: the check above is not vacuous
  CHECK(moved > 0);
  CHECK(moved < 3);  // the average of two good answers stays near each
}

TEST_CASE("multi-view: the mean of the aligned chip's and the axis-aligned crop's embeddings") {
  Image img;
  REQUIRE(image_load(bundled("face_rectangular.png"), 3, &img).is_ok());
  float emb[3][kEmbeddingDim];
  const DescriptorMode modes[3] = {DescriptorMode::kAlign, DescriptorMode::kCrop, DescriptorMode::kAlign};
  for (int k = 0; k < 3; ++k) {
    FacePipelineOptions opt;
    opt.flip_average = true;
    opt.mode = modes[k];
    opt.multi_view = k == 2;
    FacePipeline p;
    REQUIRE(face_pipeline_open(model_dir(), opt, &p).is_ok());
    std::vector<PipelineFace> faces;
    REQUIRE(face_pipeline_run(p, img, &faces).is_ok());
    REQUIRE(faces.size() == 1);
    REQUIRE(faces[0].has_embedding);
    if (k == 2) CHECK(faces[0].descriptor_crop.width > 0);
    std::copy(faces[0].embedding, faces[0].embedding + kEmbeddingDim, emb[k]);
  }
  double worst = 0;
  for (int i = 0; i < kEmbeddingDim; ++i) worst = std::max(worst, (double)std::fabs(emb[2][i] - 0.5f * (emb[0][i] + emb[1][i])));
  CHECK(worst < 1e-5);

  FacePipelineOptions bad;
  bad.mode = DescriptorMode::kCrop;
  bad.multi_view = true;
  FacePipeline q;
  Status s = face_pipeline_open(model_dir(), bad, &q);
  CHECK(!s.is_ok());
  CHECK(s.message().find("align") != std::string::npos);
}

TEST_CASE("LFW subject selection: a face far from the image centre is someone else") {
  // The photo in the top-left corner of a 500x500 grey frame: its face is ~190 px from the
  // centre, beyond kLfwMaxCentreOffset (0.2 x 500 = 100 px).
  Image photo;
  REQUIRE(image_load(bundled("face_rectangular.png"), 3, &photo).is_ok());
  Image frame = image_make(500, 500, 3);
  std::fill(frame.pixels.begin(), frame.pixels.end(), 128);
  for (int y = 0; y < photo.height; ++y) std::copy(photo.row(y), photo.row(y) + photo.width * 3, frame.row(y));
  const std::string path = "/tmp/fg_test_off_centre_" + std::to_string(::getpid()) + ".png";
  REQUIRE(image_write_png(path, frame).is_ok());
  LfwRunOptions opt;
  opt.model_dir = model_dir();
  opt.threads = 1;
  opt.pipeline.detector.input_size = 416;  // detector.fgm: always built
  std::vector<LfwImageResult> any, centred;
  opt.max_centre_offset = 0;
  REQUIRE(lfw_embed_images(opt, {path}, &any).is_ok());
  opt.max_centre_offset = kLfwMaxCentreOffset;
  REQUIRE(lfw_embed_images(opt, {path}, &centred).is_ok());
  std::remove(path.c_str());
  // Any face: the corner face is taken.
  REQUIRE(any[0].faces_found >= 1);
  CHECK(!any[0].off_centre);
  CHECK(!any[0].fallback);
  CHECK(any[0].box.x + any[0].box.width / 2 < photo.width);
  CHECK(any[0].box.y + any[0].box.height / 2 < photo.height);
  // Centred subject only: the corner face is refused; what is embedded lies near the centre.
  CHECK(centred[0].off_centre);
  CHECK(centred[0].faces_found == any[0].faces_found);
  const double dx = centred[0].box.x + centred[0].box.width / 2 - 250;
  const double dy = centred[0].box.y + centred[0].box.height / 2 - 250;
  CHECK(std::hypot(dx, dy) <= kLfwMaxCentreOffset * 500 + 1e-9);
  CHECK((centred[0].fallback || centred[0].low_score));
}
