// Every dense-conv variant (f32 and qs8) against the reference twins: exact and partial
// tiles, channel counts off the vector width, strides 1/2, VALID/SAME pads, 1x1 (FC),
// fused activation/residual, and int8 extremes. f32 within a bound derived from the sum
// of |x*w| terms; qs8 bit-exact.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "kernels/conv/conv.h"
#include "kernels/conv/conv_variants.h"
#include "kernels/reference/f32_ops.h"
#include "kernels/reference/qs8_ops.h"

namespace fg {
namespace {

Conv2dShape make_shape(int in_h, int in_w, int in_c, int out_c, int k, int stride, bool same) {
  Conv2dShape s{};
  s.in_h = in_h, s.in_w = in_w, s.in_c = in_c, s.out_c = out_c;
  s.kernel_h = s.kernel_w = k;
  s.stride_h = s.stride_w = stride;
  if (same) {  // TF SAME: out = ceil(in / stride), the extra padding goes bottom/right
    s.out_h = (in_h + stride - 1) / stride, s.out_w = (in_w + stride - 1) / stride;
    s.pad_top = std::max((s.out_h - 1) * stride + k - in_h, 0) / 2;
    s.pad_left = std::max((s.out_w - 1) * stride + k - in_w, 0) / 2;
  } else {
    s.out_h = (in_h - k) / stride + 1, s.out_w = (in_w - k) / stride + 1;
  }
  return s;
}

// Few channels, no horizontal padding but vertical padding: the merged-row path
// (conv_packing_shape) reading the padding row.
Conv2dShape merged_rows_with_top_pad() {
  Conv2dShape s = make_shape(9, 9, 2, 5, 3, 1, false);
  s.out_h = 9, s.pad_top = 1;
  return s;
}

std::vector<Conv2dShape> test_shapes() {
  return {
      merged_rows_with_top_pad(),
      make_shape(7, 9, 5, 13, 3, 1, true),     // partial tiles everywhere
      make_shape(9, 9, 32, 64, 3, 2, false),   // recognition down conv, VALID s2
      make_shape(8, 8, 32, 32, 3, 1, true),    // exact tiles
      make_shape(8, 8, 16, 24, 3, 2, true),    // SAME s2: pad only bottom/right
      make_shape(23, 23, 3, 32, 7, 2, false),  // stem: in_c = 3 (qs8 reads past pixels)
      make_shape(10, 11, 3, 16, 3, 1, false),  // detector conv0
      make_shape(1, 1, 256, 128, 1, 1, false), // fully connected
      make_shape(5, 6, 37, 45, 1, 1, false),   // pointwise, odd sizes
      make_shape(6, 5, 1, 1, 3, 1, true),      // one channel
      make_shape(4, 4, 256, 256, 3, 1, true),  // weights > 512 KB: block-outer loop order
      make_shape(3, 3, 64, 40, 3, 1, true),    // nc 40 = 32 + 8
      make_shape(4, 4, 256, 256, 3, 2, false), // one pixel, block-outer: the 1-row kernel
      make_shape(3, 3, 5, 40, 3, 1, true),     // 1-row tile, in_c 5 (k remainders), nc 40
      make_shape(1, 1, 19, 33, 3, 1, true),    // 1x1 map, SAME 3x3: padding taps, 1 row
      make_shape(5, 5, 24, 17, 3, 1, true),    // c16: one 16 group + the 8-wide last group
      make_shape(4, 3, 8, 9, 1, 1, false),     // c16: only the 8-wide group, odd pixel count
      make_shape(3, 5, 512, 520, 1, 1, false), // pointwise row pointers, f32 block-outer, 15 px
      make_shape(7, 6, 16, 24, 1, 2, false),   // 1x1 stride 2: not the pointwise shortcut
  };
}

std::string describe(const Conv2dShape& s) {
  return std::to_string(s.in_h) + "x" + std::to_string(s.in_w) + "x" + std::to_string(s.in_c) +
         " k" + std::to_string(s.kernel_h) + " s" + std::to_string(s.stride_h) + " p" +
         std::to_string(s.pad_top) + " -> " + std::to_string(s.out_h) + "x" +
         std::to_string(s.out_w) + "x" + std::to_string(s.out_c);
}

size_t in_size(const Conv2dShape& s) { return size_t(s.in_h) * s.in_w * s.in_c; }
size_t out_size(const Conv2dShape& s) { return size_t(s.out_h) * s.out_w * s.out_c; }
size_t w_size(const Conv2dShape& s) { return size_t(s.kernel_h) * s.kernel_w * s.in_c * s.out_c; }

TEST_CASE("conv_check rejects bad shapes with a message") {
  Conv2dShape s = make_shape(8, 8, 4, 4, 3, 1, true);
  CHECK(conv_check(s).is_ok());
  Conv2dShape bad = s;
  bad.out_h = 20;
  CHECK_FALSE(conv_check(bad).is_ok());
  bad = s, bad.in_c = 0;
  CHECK_FALSE(conv_check(bad).is_ok());
  bad = s, bad.pad_top = 3;
  CHECK_FALSE(conv_check(bad).is_ok());
  bad = s, bad.depthwise = true;
  CHECK_FALSE(conv_check(bad).is_ok());
  CHECK(conv_check(bad).message().find("depthwise") != std::string::npos);
}

TEST_CASE("f32 conv variants match the reference") {
  const VariantList<F32ConvVariant> variants = f32_conv_variants();
  const size_t count = variants.size();
  REQUIRE(count >= 1);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (size_t vi = 0; vi < count; ++vi) {
    const F32ConvVariant& v = variants[vi];
    if (!cpu_has_isa(v.isa)) {
      MESSAGE("skipping " << std::string(v.name) << ": CPU lacks " << std::string(isa_name(v.isa)));
      continue;
    }
    for (const Conv2dShape& s : test_shapes()) {
      REQUIRE(conv_check(s).is_ok());
      std::vector<float> x(in_size(s) + kConvInputOverreadBytes), w(w_size(s)), b(s.out_c),
          r(out_size(s));
      for (auto& e : x) e = dist(rng);
      for (auto& e : w) e = dist(rng);
      for (auto& e : b) e = dist(rng);
      for (auto& e : r) e = dist(rng);
      std::vector<float> ax(x.size()), aw(w.size());
      for (size_t i = 0; i < x.size(); ++i) ax[i] = std::fabs(x[i]);
      for (size_t i = 0; i < w.size(); ++i) aw[i] = std::fabs(w[i]);
      std::vector<float> bound(out_size(s));
      f32_conv2d__reference(s, ax.data(), aw.data(), nullptr, Activation::kNone, 0.f, bound.data());
      std::vector<float> packed(f32_conv_packed_size(s, v.nr));
      f32_conv_pack(s, v.nr, w.data(), b.data(), packed.data());
      for (int act = 0; act < 3; ++act) {
        for (int with_res = 0; with_res < 2; ++with_res) {
          F32ConvParams p;
          p.activation = static_cast<Activation>(act);
          p.leaky_alpha = 0.1f;
          p.residual = with_res ? r.data() : nullptr;
          std::vector<float> ref(out_size(s)), got(out_size(s), 12345.f);
          f32_conv2d__reference(s, x.data(), w.data(), b.data(), Activation::kNone, 0.f, ref.data());
          for (size_t i = 0; i < ref.size(); ++i)
            ref[i] = apply_activation(ref[i] + (with_res ? r[i] : 0.f), p.activation, 0.1f);
          f32_conv_run(v, s, x.data(), packed.data(), p, got.data());
          int bad = 0;
          for (size_t i = 0; i < ref.size(); ++i) {
            const float tol = 4e-6f * (bound[i] + 2.f) + 1e-6f;
            if (!(std::fabs(got[i] - ref[i]) <= tol) && bad++ < 3)
              FAIL_CHECK(std::string(v.name) << " " << describe(s) << " act " << act << " res " << with_res
                                << " [" << i << "] got " << got[i] << " want " << ref[i]);
          }
          CHECK(bad == 0);
        }
      }
    }
  }
}

// Runs one qs8 case on every variant and checks bit-exactness.
void check_qs8(const Conv2dShape& s, const std::vector<int8_t>& x, const std::vector<int8_t>& w,
               const std::vector<int32_t>& b, const Qs8ConvQuant& q, const Qs8ConvParams& p,
               const char* label) {
  const VariantList<Qs8ConvVariant> variants = qs8_conv_variants();
  const size_t count = variants.size();
  std::vector<int8_t> ref(out_size(s));
  qs8_conv2d__reference(s, x.data(), w.data(), b.data(), q, p, ref.data());
  if (std::string(label) == "plain") {  // the case must exercise rounding, not only clamps
    size_t interior = 0;
    for (int8_t e : ref) interior += e > -128 && e < 127;
    CHECK_MESSAGE(interior * 2 > ref.size(), describe(s) << ": outputs mostly saturated");
  }
  for (size_t vi = 0; vi < count; ++vi) {
    const Qs8ConvVariant& v = variants[vi];
    if (!cpu_has_isa(v.isa)) continue;
    std::vector<uint8_t> packed(qs8_conv_packed_size(s, v.nr, v.kr));
    REQUIRE(qs8_conv_pack(s, v.nr, w.data(), b.data(), q, packed.data(), v.kr).is_ok());
    std::vector<int8_t> got(out_size(s), 99);
    qs8_conv_run(v, s, x.data(), packed.data(), p, got.data());
    int bad = 0;
    for (size_t i = 0; i < ref.size(); ++i)
      if (got[i] != ref[i] && bad++ < 3)
        FAIL_CHECK(std::string(v.name) << " " << label << " " << describe(s) << " [" << i << "] got "
                          << int(got[i]) << " want " << int(ref[i]));
    CHECK(bad == 0);
    // The same outputs from the prepared row-pointer table (built once, as the native
    // backend does), run in two ranges as threads would.
    std::vector<const int8_t*> rows(qs8_conv_rows_size(v, s));
    qs8_conv_rows_build(v, s, x.data(), packed.data(), rows.data());
    std::vector<int8_t> again(out_size(s), 99);
    const int n = qs8_conv_outer_count(v, s);
    qs8_conv_run_range(v, s, x.data(), packed.data(), p, again.data(), 0, n / 2, rows.data());
    qs8_conv_run_range(v, s, x.data(), packed.data(), p, again.data(), n / 2, n, rows.data());
    CHECK_MESSAGE(again == got, v.name << " " << label << " " << describe(s) << ": row table differs");
  }
}

TEST_CASE("qs8 conv variants match the reference bit for bit") {
  const VariantList<Qs8ConvVariant> variants = qs8_conv_variants();
  const size_t count = variants.size();
  for (size_t vi = 0; vi < count; ++vi)
    if (!cpu_has_isa(variants[vi].isa))
      MESSAGE("skipping " << std::string(variants[vi].name) << ": CPU lacks "
                      << std::string(isa_name(variants[vi].isa)));
  std::mt19937 rng(2);
  std::uniform_int_distribution<int> i8(-128, 127), w8(-127, 127), bias(-20000, 20000);
  for (const Conv2dShape& s : test_shapes()) {
    std::vector<int8_t> x(in_size(s) + kConvInputOverreadBytes), w(w_size(s)), r(out_size(s));
    std::vector<int32_t> b(s.out_c);
    for (auto& e : x) e = static_cast<int8_t>(i8(rng));
    for (auto& e : w) e = static_cast<int8_t>(w8(rng));
    for (auto& e : r) e = static_cast<int8_t>(i8(rng));
    for (auto& e : b) e = bias(rng);
    std::vector<float> sw(s.out_c);
    for (int oc = 0; oc < s.out_c; ++oc) sw[oc] = 0.002f * (1 + oc % 7);
    Qs8ConvQuant q;
    q.input_zero_point = -7;
    q.input_scale = 0.05f;
    q.weight_scales = sw.data();
    // Output scale ~ the accumulator spread so that results cover the range and saturate.
    // acc spreads ~ 74*74*sqrt(K), real ~ acc * 0.05 * 0.008: aim the output at ~ +-60 steps.
    q.output_scale = 0.04f * std::sqrt(float(s.kernel_h * s.kernel_w * s.in_c));
    Qs8ConvParams p;
    p.output_zero_point = 3;
    check_qs8(s, x, w, b, q, p, "plain");
    p.output_min = 3;  // relu
    check_qs8(s, x, w, b, q, p, "relu");
    p.residual = r.data(), p.residual_zero_point = -20, p.residual_scale = 0.7f;
    check_qs8(s, x, w, b, q, p, "relu+residual");
  }
}

TEST_CASE("qs8 conv extremes: -128/127 inputs, extreme zero points, saturating weights") {
  const Conv2dShape shapes[] = {make_shape(5, 5, 64, 33, 3, 1, true),
                                make_shape(9, 9, 3, 32, 7, 2, false)};
  for (const Conv2dShape& s : shapes) {
    for (int zx : {-128, 127, 0}) {
      for (int pattern = 0; pattern < 3; ++pattern) {
        std::vector<int8_t> x(in_size(s) + kConvInputOverreadBytes), w(w_size(s));
        for (size_t i = 0; i < x.size(); ++i)
          x[i] = pattern == 0 ? -128 : pattern == 1 ? 127 : (i % 2 ? 127 : -128);
        for (size_t i = 0; i < w.size(); ++i) w[i] = (i / 3) % 2 ? 127 : -127;
        std::vector<int32_t> b(s.out_c, 0);
        std::vector<float> sw(s.out_c, 1.f / 127);
        Qs8ConvQuant q;
        q.input_zero_point = zx, q.input_scale = 1.f / 128, q.weight_scales = sw.data();
        q.output_scale = 0.02f;
        Qs8ConvParams p;
        p.output_zero_point = -128;
        check_qs8(s, x, w, b, q, p, "extreme");
        p.output_zero_point = 127;
        check_qs8(s, x, w, b, q, p, "extreme zy=127");
      }
    }
  }
}

TEST_CASE("qs8 pack rejects bad quantisation") {
  Conv2dShape s = make_shape(4, 4, 4, 4, 3, 1, true);
  std::vector<int8_t> w(w_size(s), 1);
  std::vector<float> sw(4, 0.1f);
  std::vector<uint8_t> packed(qs8_conv_packed_size(s, 8));
  Qs8ConvQuant q;
  q.weight_scales = sw.data();
  CHECK(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data()).is_ok());
  q.input_zero_point = 300;
  CHECK_FALSE(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data()).is_ok());
  q.input_zero_point = 0, sw[2] = -1.f;
  CHECK_FALSE(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data()).is_ok());
  sw[2] = 0.1f, q.weight_scales = nullptr;
  CHECK_FALSE(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data()).is_ok());
}

// The c16 kernels add two int8 x int8 products in int16: with w = -128 and x = -128 twice
// that is 32768, one past int16. Their layout therefore refuses -128, and the dispatch for
// such weights falls back to a c4 variant.
TEST_CASE("qs8 c16 layout refuses weight -128; qs8_conv_pick_for falls back to c4") {
  Conv2dShape s = make_shape(4, 4, 16, 8, 1, 1, false);
  std::vector<int8_t> w(w_size(s), 127);
  std::vector<float> sw(8, 0.1f);
  Qs8ConvQuant q;
  q.weight_scales = sw.data();
  std::vector<uint8_t> packed(qs8_conv_packed_size(s, 8, 16));
  CHECK(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data(), 16).is_ok());
  CHECK(qs8_conv_weights_fit_pairs(w.data(), w.size()));
  CHECK(&qs8_conv_pick_for(w.data(), w.size()) == &qs8_conv_pick());
  w[5] = -128;
  CHECK_FALSE(qs8_conv_weights_fit_pairs(w.data(), w.size()));
  CHECK_FALSE(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data(), 16).is_ok());
  CHECK(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data(), 4).is_ok());
  CHECK(qs8_conv_pick_for(w.data(), w.size()).kr == 4);
  CHECK_FALSE(qs8_conv_pack(s, 8, w.data(), nullptr, q, packed.data(), 8).is_ok());  // no such kr
}

// The worst case the pair trick must survive: every product at +-127*128 (x = -128, w = -127
// and x = 127, w = 127 ...), K = 64 (4 groups of 16 per tap), zero point 0: exact vs reference.
TEST_CASE("qs8 conv c16: largest pair products stay exact") {
  const Conv2dShape s = make_shape(3, 3, 64, 16, 3, 1, true);
  for (int xv : {-128, 127}) {
    for (int wv : {-127, 127}) {
      std::vector<int8_t> x(in_size(s) + kConvInputOverreadBytes, static_cast<int8_t>(xv));
      std::vector<int8_t> w(w_size(s), static_cast<int8_t>(wv));
      std::vector<int32_t> b(s.out_c, 0);
      std::vector<float> sw(s.out_c, 1.f / 127);
      Qs8ConvQuant q;
      q.input_zero_point = 0, q.input_scale = 1.f / 128, q.weight_scales = sw.data();
      q.output_scale = 8.f;  // |real| <= 576 -> +-72 steps: inside the int8 range, not clamped
      Qs8ConvParams p;
      check_qs8(s, x, w, b, q, p, "pair extremes");
    }
  }
}

}  // namespace
}  // namespace fg
