// Every PReLU / channel-multiply variant against the scalar twin and the reference loop:
// bit-identical (one multiply and a select per value), over channel counts around the
// vector widths (the liveness nets have 13, 26, 52, 103, 231, 308, 512).
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/eltwise/channelwise.h"
#include "kernels/reference/f32_channel_ops.h"

namespace fg {
namespace {

void check_list(VariantList<F32ChannelVariant> list, bool prelu) {
  std::mt19937 rng(7);
  std::normal_distribution<float> d(0.f, 3.f);
  for (const F32ChannelVariant& v : list) {
    if (!cpu_has_isa(v.isa)) {
      MESSAGE("skipping " << std::string(v.name) << ": CPU lacks " << std::string(isa_name(v.isa)));
      continue;
    }
    for (size_t c : {1, 3, 4, 7, 8, 9, 13, 16, 17, 26, 103, 231}) {
      const size_t pixels = 5;
      std::vector<float> x(pixels * c), s(c), want(pixels * c), got(pixels * c, -1.f);
      for (float& e : x) e = d(rng);
      for (float& e : s) e = d(rng);
      x[0] = 0.f, x[pixels * c - 1] = -0.f;
      if (prelu)
        f32_prelu__reference(pixels, c, x.data(), s.data(), want.data());
      else
        f32_mul_channel__reference(pixels, c, x.data(), s.data(), want.data());
      v.ukernel(pixels, c, x.data(), s.data(), got.data());
      CAPTURE(std::string(v.name));
      CAPTURE(c);
      CHECK(std::memcmp(want.data(), got.data(), want.size() * sizeof(float)) == 0);
    }
  }
}

TEST_CASE("prelu variants match the reference bit for bit") { check_list(f32_prelu_variants(), true); }
TEST_CASE("channel multiply variants match the reference bit for bit") { check_list(f32_mul_channel_variants(), false); }

TEST_CASE("softmax and sigmoid reference loops") {
  const float x[3] = {1000.f, 999.f, -5.f};  // no overflow: the max is subtracted first
  float y[3];
  f32_softmax__reference(3, x, y);
  CHECK(y[0] + y[1] + y[2] == doctest::Approx(1.0));
  CHECK(y[0] > y[1]);
  float s[2];
  const float z[2] = {0.f, -200.f};
  f32_sigmoid__reference(2, z, s);
  CHECK(s[0] == 0.5f);
  CHECK(s[1] >= 0.f);
}

}  // namespace
}  // namespace fg
