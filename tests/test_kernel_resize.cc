// Bilinear resize family: the scalar reference against hand-computed TF values, and every
// variant against the reference over sizes, channel maps, padding offsets and strides.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/resize/resize.h"

namespace {

std::vector<float> run(fg::ResizeBilinearFn fn, const fg::ResizeBilinearParams& p) {
  REQUIRE(fg::resize_bilinear_check(p) == nullptr);
  std::vector<float> scratch(fg::resize_bilinear_scratch_floats(p), -12345.f);
  std::vector<float> out((size_t)p.out_w * p.out_h * p.out_channels, -999.f);
  fn(p, scratch.data(), out.data());
  return out;
}

}  // namespace

TEST_CASE("scalar resize reproduces TF resizeBilinear (alignCorners=false)") {
  // tfjs' own unit test: [[2,2],[4,4]] -> 3x3 = [2,2,2, 10/3,10/3,10/3, 4,4,4].
  const uint8_t src[] = {2, 2, 4, 4};
  fg::ResizeBilinearParams p;
  p.src = src;
  p.src_w = p.src_h = 2;
  p.src_channels = 1;
  p.src_stride = 2;
  p.canvas_w = p.canvas_h = 2;
  p.out_w = p.out_h = 3;
  p.out_channels = 1;
  std::vector<float> out = run(&fg::u8f32_resize_bilinear__scalar, p);
  const float want[] = {2, 2, 2, 10.f / 3, 10.f / 3, 10.f / 3, 4, 4, 4};
  for (int i = 0; i < 9; ++i) CHECK(out[i] == doctest::Approx(want[i]).epsilon(1e-6));

  // Padding reads as zero: 1x1 source at (1, 0) in a 2x2 canvas, identity size.
  const uint8_t one[] = {200};
  p.src = one;
  p.src_w = p.src_h = 1;
  p.src_stride = 1;
  p.src_left = 1;
  p.out_w = p.out_h = 2;
  p.mean[0] = 100.f;
  p.divisor[0] = 4.f;
  out = run(&fg::u8f32_resize_bilinear__scalar, p);
  CHECK(out[0] == -25.f);
  CHECK(out[1] == 25.f);
  CHECK(out[2] == -25.f);
  CHECK(out[3] == -25.f);
}

TEST_CASE("resize_bilinear_check rejects inconsistent parameters") {
  const uint8_t src[12] = {};
  fg::ResizeBilinearParams p;
  p.src = src;
  p.src_w = 2, p.src_h = 2, p.src_channels = 3, p.src_stride = 6;
  p.canvas_w = p.canvas_h = 2;
  p.out_w = p.out_h = 4, p.out_channels = 3;
  CHECK(fg::resize_bilinear_check(p) == nullptr);
  fg::ResizeBilinearParams bad = p;
  bad.src_left = 1;
  CHECK(fg::resize_bilinear_check(bad) != nullptr);
  bad = p;
  bad.channel_map[2] = 3;
  CHECK(fg::resize_bilinear_check(bad) != nullptr);
  bad = p;
  bad.src_stride = 5;
  CHECK(fg::resize_bilinear_check(bad) != nullptr);
  bad = p;
  bad.divisor[1] = 0.f;
  CHECK(fg::resize_bilinear_check(bad) != nullptr);
  bad = p;
  bad.out_w = 0;
  CHECK(fg::resize_bilinear_check(bad) != nullptr);
}

TEST_CASE("every resize variant matches the scalar reference") {
  // Best first, the scalar twin (the oracle here) last.
  const fg::VariantList<fg::ResizeBilinearVariant> variants = fg::resize_bilinear_variants();
  const int count = static_cast<int>(variants.size());
  REQUIRE(count >= 1);
  const fg::ResizeBilinearVariant& scalar = variants[count - 1];
  REQUIRE(scalar.isa == fg::Isa::kScalar);
  std::mt19937 rng(1234);
  struct Case {
    int src_w, src_h, src_channels, out_channels, out_w, out_h;
    bool centered;
    int map;  // 0 identity, 1 reversed (BGR), 2 broadcast channel 0
    int row_pad;
  };
  const Case cases[] = {
      {150, 150, 3, 3, 150, 150, true, 0, 0},   // recognition chip, identity size
      {122, 178, 3, 3, 150, 150, true, 0, 0},   // pad left/right + downscale
      {710, 473, 3, 3, 416, 416, false, 0, 0},  // detector frame, bottom padding
      {37, 23, 3, 3, 112, 112, true, 0, 5},     // upscale, odd sizes, padded rows
      {13, 29, 4, 3, 17, 17, true, 0, 3},       // RGBA source, out_w*3 not a multiple of 8
      {40, 31, 3, 3, 33, 33, false, 1, 0},      // BGR swap (slow conversion path)
      {25, 25, 1, 3, 19, 19, true, 2, 1},       // gray -> 3 channels
      {9, 5, 1, 1, 7, 3, true, 0, 0},           // 1 channel, non-square output
      {1, 1, 3, 3, 5, 5, true, 0, 0},           // single pixel
      {64, 2, 2, 2, 16, 16, true, 0, 0},        // 2 channels, extreme aspect
      // Strong downscales: the AVX2 variant converts only the canvas values it reads.
      {600, 560, 3, 3, 80, 80, true, 1, 0},     // liveness crop: BGR, pad top/bottom
      {640, 480, 4, 3, 80, 80, false, 0, 3},    // RGBA frame, bottom padding, padded rows
      {300, 40, 1, 3, 20, 20, true, 2, 0},      // gray, mostly padding rows
      {503, 97, 3, 3, 7, 7, true, 0, 0},        // 7 px out of 503
  };
  for (const Case& c : cases) {
    const size_t stride = (size_t)c.src_w * c.src_channels + c.row_pad;
    std::vector<uint8_t> src(stride * c.src_h);
    for (auto& b : src) b = (uint8_t)(rng() & 0xFF);
    // Extreme values in the first row: 0 and 255 side by side.
    for (int x = 0; x < c.src_w * c.src_channels; ++x) src[x] = (x & 1) ? 255 : 0;
    fg::ResizeBilinearParams p;
    p.src = src.data();
    p.src_w = c.src_w, p.src_h = c.src_h, p.src_channels = c.src_channels;
    p.src_stride = stride;
    const int side = std::max(c.src_w, c.src_h);
    const int diff = side - std::min(c.src_w, c.src_h);
    const int prepend = c.centered ? diff - (diff + 1) / 2 : 0;
    p.canvas_w = p.canvas_h = side;
    (c.src_w < c.src_h ? p.src_left : p.src_top) = prepend;
    p.out_w = c.out_w, p.out_h = c.out_h, p.out_channels = c.out_channels;
    for (int k = 0; k < c.out_channels; ++k) {
      p.channel_map[k] = c.map == 0 ? k : c.map == 1 ? c.out_channels - 1 - k : 0;
      p.mean[k] = 100.f + 7.f * k;
      p.divisor[k] = 255.f;
    }
    const std::vector<float> ref = run(scalar.fn, p);
    for (int v = 0; v + 1 < count; ++v) {
      if (!fg::cpu_has_isa(variants[v].isa)) {
        MESSAGE("SKIPPED " << variants[v].name << ": CPU lacks " << fg::isa_name(variants[v].isa));
        continue;
      }
      const std::vector<float> got = run(variants[v].fn, p);
      float worst = 0.f;
      for (size_t i = 0; i < ref.size(); ++i) worst = std::max(worst, std::fabs(got[i] - ref[i]));
      CHECK_MESSAGE(worst <= fg::kResizeSimdTolerance,
                    variants[v].name << " " << c.src_w << "x" << c.src_h << "x" << c.src_channels
                                     << " -> " << c.out_w << "x" << c.out_h << " max|diff| " << worst);
    }
  }
  MESSAGE("variants built: " << count << ", dispatch picks the best the CPU runs");
}
