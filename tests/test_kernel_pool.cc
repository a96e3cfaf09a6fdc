// Every pooling variant against the reference: max/avg, f32/qs8, VALID and SAME windows
// (padded cells ignored), channel counts off the 8-lane tile; qs8 bit-exact. Row shapes:
// widths 1, 2, 3 and large with padding on every side, stride 1 and 2, channels 1, 3, 16,
// 29, 64, so rows have edge pixels (pixel kernel) and interior runs (row kernel) or none.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/pool/pool.h"
#include "kernels/reference/f32_ops.h"
#include "kernels/reference/qs8_ops.h"

namespace fg {
namespace {

Pool2dShape pool_shape(int h, int w, int c, int k, int stride, int pad, int out_h, int out_w) {
  return Pool2dShape{h, w, c, out_h, out_w, k, k, stride, stride, pad, pad};
}

std::vector<Pool2dShape> shapes() {
  return {pool_shape(72, 72, 32, 3, 2, 0, 35, 35),  // recognition maxpool 3x3 s2 VALID
          pool_shape(35, 35, 32, 2, 2, 0, 17, 17),  // avgpool 2x2 s2 VALID
          pool_shape(13, 13, 21, 2, 1, 0, 13, 13),  // detector 2x2 s1 SAME: pad bottom/right
          pool_shape(7, 7, 19, 7, 2, 0, 1, 1),      // landmark avgpool 7x7
          pool_shape(9, 9, 5, 3, 2, 1, 5, 5),       // pad on every side
          pool_shape(5, 5, 150, 3, 2, 0, 2, 2),     // 64 + 64 + 22: qs8 max's 64-wide tail
          pool_shape(6, 6, 29, 2, 2, 0, 3, 3),      // 16 + 8 + 5: every NEON step and the tail
          // row runs and edges
          pool_shape(7, 1, 3, 3, 1, 1, 7, 1), pool_shape(6, 2, 1, 3, 2, 1, 3, 1),
          pool_shape(5, 2, 29, 3, 1, 1, 5, 2), pool_shape(5, 3, 16, 3, 1, 1, 5, 3),
          pool_shape(9, 40, 29, 3, 2, 1, 5, 20), pool_shape(8, 37, 64, 3, 1, 1, 8, 37),
          pool_shape(10, 33, 3, 2, 2, 0, 5, 16), pool_shape(12, 50, 16, 2, 2, 0, 6, 25),
          pool_shape(6, 45, 1, 2, 1, 0, 6, 45), pool_shape(11, 30, 16, 5, 2, 2, 6, 15),
          // 2x2 s2 on 16 channels (qs8 max packs pixels): odd run lengths, padded top row
          pool_shape(9, 21, 16, 2, 2, 1, 5, 11), pool_shape(4, 14, 16, 2, 2, 0, 2, 7),
          Pool2dShape{3, 14, 16, 3, 6, 1, 4, 1, 2, 0, 0},  // 1x4 s2: same cell layout test
          pool_shape(6, 8, 48, 2, 2, 0, 3, 4)};  // 2x2 max over 3 blocks of 16 channels
}

TEST_CASE("pool_check") {
  CHECK(pool_check(shapes()[0]).is_ok());
  Pool2dShape bad = shapes()[0];
  bad.out_h = 80;
  CHECK_FALSE(pool_check(bad).is_ok());
}

TEST_CASE("pool variants match the reference") {
  const VariantList<F32PoolVariant> fv = f32_pool_variants();
  const size_t nf = fv.size();
  const VariantList<Qs8PoolVariant> qv = qs8_pool_variants();
  const size_t nq = qv.size();
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-3.f, 3.f);
  std::uniform_int_distribution<int> i8(-128, 127);
  for (const Pool2dShape& s : shapes()) {
    REQUIRE(pool_check(s).is_ok());
    const size_t n_in = size_t(s.in_h) * s.in_w * s.channels, n_out = size_t(s.out_h) * s.out_w * s.channels;
    std::vector<float> x(n_in);
    std::vector<int8_t> xq(n_in);
    for (auto& e : x) e = d(rng);
    for (auto& e : xq) e = int8_t(i8(rng));
    for (PoolKind kind : {PoolKind::kMax, PoolKind::kAverage}) {
      std::vector<float> ref(n_out);
      f32_pool2d__reference(kind, s, x.data(), ref.data());
      for (size_t i = 0; i < nf; ++i) {
        if (!cpu_has_isa(fv[i].isa)) {
          MESSAGE("skipping " << std::string(fv[i].name) << ": CPU lacks " << std::string(isa_name(fv[i].isa)));
          continue;
        }
        std::vector<float> got(n_out);
        f32_pool_run(fv[i], kind, s, x.data(), got.data());
        int bad = 0;
        for (size_t j = 0; j < n_out; ++j) bad += !(std::fabs(got[j] - ref[j]) <= 1e-6f * (1 + std::fabs(ref[j])));
        CHECK_MESSAGE(bad == 0, std::string(fv[i].name));
      }
      Qs8PoolQuant q;
      q.input_zero_point = -3, q.output_zero_point = 5, q.scale_ratio = 1.7f;
      std::vector<int8_t> qref(n_out);
      qs8_pool2d__reference(kind, s, xq.data(), q, qref.data());
      for (size_t i = 0; i < nq; ++i) {
        if (!cpu_has_isa(qv[i].isa)) {
          MESSAGE("skipping " << std::string(qv[i].name) << ": CPU lacks " << std::string(isa_name(qv[i].isa)));
          continue;
        }
        std::vector<int8_t> got(n_out, 99);
        qs8_pool_run(qv[i], kind, s, xq.data(), q, got.data());
        CHECK_MESSAGE(got == qref, std::string(qv[i].name));
      }
    }
  }
}

}  // namespace
}  // namespace fg
