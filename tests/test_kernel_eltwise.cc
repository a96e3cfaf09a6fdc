// Every add variant against the reference: same shapes, the recognition net's zero
// extension (3x3 branch + 4x4 shortcut, 32 shortcut channels into 64), activations,
// lengths off the 8-lane tile; qs8 bit-exact including saturation.
// Quantize (f32 -> qs8) variants against the runtime loop, bit-exact incl. ties, NaN, inf.
#include <doctest/doctest.h>

#include <cmath>
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "kernels/eltwise/eltwise.h"
#include "kernels/reference/f32_ops.h"
#include "kernels/reference/qs8_ops.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

std::vector<AddShape> shapes() {
  return {AddShape{35, 35, 32, 35, 35, 32, 35, 35, 32},
          AddShape{17, 17, 64, 17, 17, 64, 17, 17, 32},   // channel zero-pad of the shortcut
          AddShape{4, 4, 256, 3, 3, 256, 4, 4, 256},     // branch 3x3 into 4x4
          AddShape{2, 2, 256, 1, 1, 256, 2, 2, 256},
          AddShape{5, 3, 13, 5, 3, 13, 5, 3, 13},
          AddShape{3, 2, 203, 3, 2, 37, 3, 2, 101},     // ragged zero-extended chunks
          AddShape{3, 3, 150, 3, 3, 150, 3, 3, 20}}; // remainder past one 64-channel chunk
}

TEST_CASE("add variants match the reference") {
  CHECK_FALSE(add_check(AddShape{2, 2, 8, 3, 2, 8, 2, 2, 8}).is_ok());
  const VariantList<F32AddVariant> fv = f32_add_variants();
  const size_t nf = fv.size();
  const VariantList<Qs8AddVariant> qv = qs8_add_variants();
  const size_t nq = qv.size();
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> d(-2.f, 2.f);
  std::uniform_int_distribution<int> i8(-128, 127);
  for (const AddShape& s : shapes()) {
    REQUIRE(add_check(s).is_ok());
    const size_t na = size_t(s.a_h) * s.a_w * s.a_c, nb = size_t(s.b_h) * s.b_w * s.b_c;
    const size_t no = size_t(s.out_h) * s.out_w * s.out_c;
    std::vector<float> a(na), b(nb);
    std::vector<int8_t> qa(na), qb(nb);
    for (auto& e : a) e = d(rng);
    for (auto& e : b) e = d(rng);
    for (auto& e : qa) e = int8_t(i8(rng));
    for (auto& e : qb) e = int8_t(i8(rng));
    for (int act = 0; act < 3; ++act) {
      std::vector<float> ref(no);
      f32_add_zero_extend__reference(s, a.data(), b.data(), Activation(act), 0.1f, ref.data());
      for (size_t i = 0; i < nf; ++i) {
        if (!cpu_has_isa(fv[i].isa)) {
          MESSAGE("skipping " << std::string(fv[i].name) << ": CPU lacks " << std::string(isa_name(fv[i].isa)));
          continue;
        }
        std::vector<float> got(no, 9.f);
        f32_add_run(fv[i], s, a.data(), b.data(), Activation(act), 0.1f, got.data());
        int bad = 0;  // one rounding per element: exact
        for (size_t j = 0; j < no; ++j)
          if (got[j] != ref[j] && bad++ < 3)
            FAIL_CHECK(std::string(fv[i].name) << " act " << act << " [" << j << "] " << got[j] << " vs " << ref[j]);
        CHECK(bad == 0);
      }
    }
    Qs8AddQuant q;
    q.a_zero_point = -7, q.b_zero_point = 12, q.output_zero_point = -128;
    q.a_scale = 0.8f, q.b_scale = 0.55f;
    for (int relu = 0; relu < 3; ++relu) {
      q.output_min = relu ? int8_t(-128) : int8_t(-128);
      q.output_zero_point = relu ? -128 : 3;
      q.output_max = 127;
      // Clamp bounds inside the int8 range (relu at zy = 3, a relu6-like top): the NEON
      // kernel clamps after rounding and must agree with the reference's clamp-then-round.
      if (relu == 2) q.output_zero_point = 3, q.output_min = 3, q.output_max = 100;
      std::vector<int8_t> ref(no);
      qs8_add_zero_extend__reference(s, qa.data(), qb.data(), q, ref.data());
      for (size_t i = 0; i < nq; ++i) {
        if (!cpu_has_isa(qv[i].isa)) {
          MESSAGE("skipping " << std::string(qv[i].name) << ": CPU lacks " << std::string(isa_name(qv[i].isa)));
          continue;
        }
        std::vector<int8_t> got(no, 99);
        qs8_add_run(qv[i], s, qa.data(), qb.data(), q, got.data());
        int bad = 0;
        for (size_t j = 0; j < no; ++j)
          if (got[j] != ref[j] && bad++ < 3)
            FAIL_CHECK(std::string(qv[i].name) << " relu " << relu << " [" << j << "] "
                                               << int(got[j]) << " vs " << int(ref[j]));
        CHECK(bad == 0);
      }
    }
  }
}

TEST_CASE("quantize variants match the runtime's quantize loop bit for bit") {
  const VariantList<Qs8QuantizeVariant> qv = qs8_quantize_variants();
  const size_t n = qv.size();
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> d(-3.f, 3.f);
  std::vector<float> x(1000);
  for (float& v : x) v = d(rng);
  const float scale = 1.f / 64.f;
  // ties (k + 0.5) * scale round to even; out-of-range, infinities and NaN clamp / zero
  for (int k = 0; k < 40; ++k) x[k] = (static_cast<float>(k - 20) + 0.5f) * scale;
  x[40] = 1e30f, x[41] = -1e30f, x[42] = INFINITY, x[43] = -INFINITY, x[44] = NAN, x[45] = -0.f;
  for (int zp : {-128, -3, 0, 17, 127}) {
    for (size_t len : {size_t{1000}, size_t{15}, size_t{16}, size_t{17}, size_t{0}}) {
      std::vector<int8_t> ref(len + 1, 42), got(len + 1, 42);
      qs8_quantize_run(x.data(), len, QuantParams{scale, zp}, ref.data());
      for (size_t i = 0; i < n; ++i) {
        if (!cpu_has_isa(qv[i].isa)) {
          MESSAGE("skipping " << std::string(qv[i].name) << ": CPU lacks " << std::string(isa_name(qv[i].isa)));
          continue;
        }
        std::fill(got.begin(), got.end(), int8_t{42});
        qv[i].ukernel(len, x.data(), scale, zp, got.data());
        CAPTURE(qv[i].name);
        CAPTURE(zp);
        CAPTURE(len);
        CHECK(got == ref);  // includes the guard byte past the end: no over-write
      }
    }
  }
}

}  // namespace
}  // namespace fg
