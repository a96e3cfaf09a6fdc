// Net-input preprocessing: padToSquare arithmetic, channel handling, and the recognition
// input against face-api's own tensors (golden/raw/recog_only__*__input.f32).
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/vision/preprocess.h"
#include "test_util.h"  // FG_SKIP_TEST

namespace {

std::string shared_dir() {
  const char* d = std::getenv("FG_SHARED_DIR");
  return d ? d : "";
}

bool read_f32(const std::string& path, std::vector<float>* v, size_t count) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return false;
  v->resize(count);
  const size_t got = std::fread(v->data(), sizeof(float), count, f);
  std::fclose(f);
  return got == count;
}

}  // namespace

TEST_CASE("square_padding follows padToSquare (Math.round half up at bottom/right)") {
  fg::SquarePadding p = fg::square_padding(122, 178, true);  // diff 56
  CHECK(p.side == 178);
  CHECK(p.left == 28);
  CHECK(p.top == 0);
  p = fg::square_padding(100, 129, true);  // diff 29: append round(14.5) = 15, prepend 14
  CHECK(p.left == 14);
  p = fg::square_padding(129, 100, true);
  CHECK(p.top == 14);
  CHECK(p.left == 0);
  p = fg::square_padding(129, 100, false);
  CHECK(p.top == 0);
  CHECK(p.side == 129);
}

TEST_CASE("preprocess: identity size is exact, padding is zero before mean subtraction") {
  // 2x1 RGB image -> centred square 2x2: pad row 0 (prepend = 1 - round(0.5) = 0) ... diff 1:
  // append = round(0.5) = 1 at the bottom, prepend 0.
  fg::Image img = fg::image_make(2, 1, 3);
  for (size_t i = 0; i < img.pixels.size(); ++i) img.pixels[i] = (uint8_t)(10 * (i + 1));
  fg::NetInputSpec spec;
  spec.size = 2;
  spec.pad_centered = true;
  spec.mean[0] = 1.f, spec.mean[1] = 2.f, spec.mean[2] = 3.f;
  spec.divisor = 2.f;
  std::vector<float> out(2 * 2 * 3);
  REQUIRE(fg::preprocess_image(img, spec, out.data()).is_ok());
  for (int c = 0; c < 3; ++c) {
    CHECK(out[c] == doctest::Approx((10.f * (c + 1) - spec.mean[c]) / 2.f));
    CHECK(out[3 + c] == doctest::Approx((10.f * (c + 4) - spec.mean[c]) / 2.f));
    CHECK(out[6 + c] == doctest::Approx(-spec.mean[c] / 2.f));  // padded row
  }
  // BGR order swaps channels 0 and 2.
  REQUIRE(fg::preprocess_region(img, 0, 0, 2, 1, spec, fg::PixelOrder::kBgr, out.data()).is_ok());
  CHECK(out[0] == doctest::Approx((30.f - 1.f) / 2.f));
  // Gray input is replicated.
  fg::Image gray = fg::image_make(2, 2, 1);
  gray.pixels = {0, 50, 100, 150};
  REQUIRE(fg::preprocess_image(gray, spec, out.data()).is_ok());
  CHECK(out[3 * 3 + 0] == doctest::Approx((150.f - 1.f) / 2.f));
  CHECK(out[3 * 3 + 2] == doctest::Approx((150.f - 3.f) / 2.f));
}

TEST_CASE("preprocess rejects bad input with a message") {
  std::vector<float> out(150 * 150 * 3);
  fg::Image empty;
  CHECK_FALSE(fg::preprocess_face_for_recognition(empty, out.data()).is_ok());
  fg::Image img = fg::image_make(10, 10, 3);
  fg::Status s = fg::preprocess_region(img, 5, 5, 6, 2, fg::recognition_input_spec(),
                                       fg::PixelOrder::kRgb, out.data());
  REQUIRE_FALSE(s.is_ok());
  CHECK(s.message().find("outside") != std::string::npos);
  img.pixels.resize(7);
  CHECK_FALSE(fg::preprocess_face_for_recognition(img, out.data()).is_ok());
  fg::Image two = fg::image_make(4, 4, 2);
  CHECK_FALSE(fg::preprocess_face_for_recognition(two, out.data()).is_ok());
}

TEST_CASE("recognition input matches face-api's tensors (golden recog_only inputs)" * doctest::test_suite("shared")) {
  const std::string shared = shared_dir();
  const std::string ref = shared + "/reference";
  std::FILE* probe = std::fopen((ref + "/golden/raw/index.json").c_str(), "rb");
  if (shared.empty() || !probe) FG_SKIP_TEST("FG_SHARED_DIR/reference/golden absent (" << shared << ")");
  std::fclose(probe);
  // <dir>/<file> of each golden input; the key is recog_only__<dir>_<file>__input.
  const char* kPeople[] = {"amy", "bernadette", "howard", "leonard", "penny", "raj", "sheldon", "stuart"};
  std::vector<std::pair<std::string, std::string>> cases;
  for (const char* who : kPeople)
    for (int i = 1; i <= 5; ++i)
      cases.push_back({std::string(who), std::string(who) + std::to_string(i) + ".png"});
  for (const char* f : {"face1.png", "face2.png", "face_rectangular.png"})
    cases.push_back({"upstream", f});  // face_rectangular is 122x178: pad + resize path

  double worst = 0;
  int compared = 0;
  std::vector<float> mine(150 * 150 * 3), golden;
  for (const auto& c : cases) {
    const std::string img_path = c.first == "upstream"
                                     ? ref + "/images/upstream_testdata/images/" + c.second
                                     : ref + "/images/" + c.first + "/" + c.second;
    const std::string raw = ref + "/golden/raw/recog_only__" + c.first + "_" + c.second + "__input.f32";
    fg::Image img;
    REQUIRE_MESSAGE(fg::image_load(img_path, 3, &img).is_ok(), img_path);
    REQUIRE_MESSAGE(read_f32(raw, &golden, mine.size()), raw);
    REQUIRE(fg::preprocess_face_for_recognition(img, mine.data()).is_ok());
    double err = 0;
    for (size_t i = 0; i < mine.size(); ++i) err = std::max(err, (double)std::fabs(mine[i] - golden[i]));
    if (c.second == "face_rectangular.png") MESSAGE("face_rectangular.png (122x178, padded+resized) max|diff| = " << err);
    CHECK_MESSAGE(err <= 1e-5, c.second << " max|diff| " << err);
    worst = std::max(worst, err);
    ++compared;
  }
  MESSAGE("recognition input vs golden: " << compared << " images, max|diff| = " << worst);
}
