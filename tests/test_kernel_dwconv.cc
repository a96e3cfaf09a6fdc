// Every depthwise variant (f32, qs8) against the reference conv with depthwise shapes:
// 3x3 s1 SAME (pad 1 all round, the detector's explicit pad + VALID), s2 SAME (pad only
// bottom/right, the landmark net), channel counts off the 16-lane tile, residual and
// activations; qs8 bit-exact including -128/127 inputs. Row shapes: widths 1, 2, 3 and
// large with padding on every side, stride 1 and 2, channels 1, 3, 16, 29, 64 and a 5x5
// kernel, so rows have edge pixels (pixel kernel) and interior runs (row kernel) or none;
// f32 row results must equal the pixel kernel's bit for bit.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/dwconv/dwconv.h"
#include "kernels/reference/f32_ops.h"
#include "kernels/reference/qs8_ops.h"

namespace fg {
namespace {

Conv2dShape dw_shape(int h, int w, int c, int k, int stride, int pad_top, int pad_left, int out_h, int out_w) {
  Conv2dShape s{};
  s.in_h = h, s.in_w = w, s.in_c = s.out_c = c;
  s.kernel_h = s.kernel_w = k, s.stride_h = s.stride_w = stride;
  s.pad_top = pad_top, s.pad_left = pad_left, s.out_h = out_h, s.out_w = out_w;
  s.depthwise = true;
  return s;
}

std::vector<Conv2dShape> shapes() {
  return {dw_shape(9, 7, 16, 3, 1, 1, 1, 9, 7), dw_shape(8, 8, 37, 3, 2, 0, 0, 4, 4),
          dw_shape(5, 6, 5, 3, 1, 1, 1, 5, 6), dw_shape(13, 13, 64, 3, 1, 1, 1, 13, 13),
          dw_shape(7, 7, 33, 3, 2, 0, 0, 3, 3),
          dw_shape(6, 5, 29, 3, 1, 1, 1, 6, 5),  // 16 + 8 + 5: every NEON step and the tail
          // row runs and edges
          dw_shape(5, 1, 3, 3, 1, 1, 1, 5, 1), dw_shape(4, 2, 1, 3, 1, 1, 1, 4, 2),
          dw_shape(6, 3, 29, 3, 2, 1, 1, 3, 2), dw_shape(3, 3, 16, 3, 1, 1, 1, 3, 3),
          dw_shape(5, 40, 16, 3, 1, 1, 1, 5, 40), dw_shape(7, 41, 64, 3, 2, 1, 1, 4, 21),
          dw_shape(4, 33, 3, 3, 2, 0, 0, 1, 16), dw_shape(6, 37, 1, 3, 1, 1, 1, 6, 37),
          dw_shape(9, 12, 29, 5, 1, 2, 2, 9, 12), dw_shape(8, 19, 29, 3, 2, 0, 0, 4, 10),
          dw_shape(4, 5, 8, 3, 1, 1, 1, 4, 5)};  // 3x3 s1 sliding rows: 3 pixels, c = 8
}

size_t n_taps(const Conv2dShape& s) { return size_t(s.kernel_h) * s.kernel_w; }

size_t n_in(const Conv2dShape& s) { return size_t(s.in_h) * s.in_w * s.in_c; }
size_t n_out(const Conv2dShape& s) { return size_t(s.out_h) * s.out_w * s.out_c; }

TEST_CASE("dwconv_check") {
  Conv2dShape s = dw_shape(8, 8, 16, 3, 1, 1, 1, 8, 8);
  CHECK(dwconv_check(s).is_ok());
  s.out_c = 8;
  CHECK_FALSE(dwconv_check(s).is_ok());
}

TEST_CASE("f32 dwconv variants match the reference") {
  const VariantList<F32DwconvVariant> vs = f32_dwconv_variants();
  const size_t count = vs.size();
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  for (size_t vi = 0; vi < count; ++vi) {
    if (!cpu_has_isa(vs[vi].isa)) {
      MESSAGE("skipping " << std::string(vs[vi].name) << ": CPU lacks " << std::string(isa_name(vs[vi].isa)));
      continue;
    }
    for (const Conv2dShape& s : shapes()) {
      REQUIRE(dwconv_check(s).is_ok());
      std::vector<float> x(n_in(s)), w(n_taps(s) * s.in_c), b(s.in_c), r(n_out(s));
      for (auto* v : {&x, &w, &b, &r})
        for (auto& e : *v) e = d(rng);
      std::vector<float> packed(f32_dwconv_packed_size(s));
      f32_dwconv_pack(s, w.data(), b.data(), packed.data());
      for (int act = 0; act < 3; ++act) {
        for (int with_res = 0; with_res < 2; ++with_res) {
          F32ConvParams p;
          p.activation = Activation(act), p.leaky_alpha = 0.1f, p.residual = with_res ? r.data() : nullptr;
          std::vector<float> ref(n_out(s)), got(n_out(s));
          f32_conv2d__reference(s, x.data(), w.data(), b.data(), Activation::kNone, 0.f, ref.data());
          for (size_t i = 0; i < ref.size(); ++i)
            ref[i] = apply_activation(ref[i] + (with_res ? r[i] : 0.f), p.activation, 0.1f);
          f32_dwconv_run(vs[vi], s, x.data(), packed.data(), p, got.data());
          int bad = 0;
          for (size_t i = 0; i < ref.size(); ++i)
            if (!(std::fabs(got[i] - ref[i]) <= 1e-5f * (1.f + std::fabs(ref[i]) + 10.f)) && bad++ < 3)
              FAIL_CHECK(std::string(vs[vi].name) << " [" << i << "] " << got[i] << " vs " << ref[i]);
          CHECK(bad == 0);
        }
      }
    }
  }
}

TEST_CASE("qs8 dwconv variants match the reference bit for bit") {
  const VariantList<Qs8DwconvVariant> vs = qs8_dwconv_variants();
  const size_t count = vs.size();
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> i8(-128, 127), bias(-3000, 3000);
  for (size_t vi = 0; vi < count; ++vi) {
    if (!cpu_has_isa(vs[vi].isa)) {
      MESSAGE("skipping " << std::string(vs[vi].name) << ": CPU lacks " << std::string(isa_name(vs[vi].isa)));
      continue;
    }
    for (const Conv2dShape& s : shapes()) {
      for (int pattern = 0; pattern < 3; ++pattern) {  // random, all -128, all 127
        std::vector<int8_t> x(n_in(s)), w(n_taps(s) * s.in_c), r(n_out(s));
        for (auto& e : x) e = int8_t(pattern == 0 ? i8(rng) : pattern == 1 ? -128 : 127);
        for (auto& e : w) e = int8_t(pattern == 0 ? i8(rng) : pattern == 1 ? -128 : 127);
        // Pair variants need weights in [-127, 127] (the pick skips them otherwise): their
        // extreme is -127, the largest pair sum (2 x -128 x -127) then.
        if (vs[vi].pairs)
          for (auto& e : w) e = e == -128 ? int8_t(-127) : e;
        for (auto& e : r) e = int8_t(i8(rng));
        std::vector<int32_t> b(s.in_c);
        for (auto& e : b) e = bias(rng);
        std::vector<float> sw(s.in_c);
        for (int c = 0; c < s.in_c; ++c) sw[c] = 0.003f * (1 + c % 5);
        Qs8ConvQuant q;
        q.input_zero_point = pattern == 2 ? -128 : 9, q.input_scale = 0.04f;
        q.weight_scales = sw.data(), q.output_scale = 0.5f;
        std::vector<uint8_t> packed(qs8_dwconv_packed_size(s));
        REQUIRE(qs8_dwconv_pack(s, w.data(), b.data(), q, packed.data()).is_ok());
        for (int mode = 0; mode < 3; ++mode) {  // plain, relu, relu + residual
          Qs8ConvParams p;
          p.output_zero_point = -10;
          if (mode >= 1) p.output_min = -10;
          if (mode == 2) p.residual = r.data(), p.residual_zero_point = 4, p.residual_scale = 0.6f;
          std::vector<int8_t> ref(n_out(s)), got(n_out(s), 77);
          qs8_conv2d__reference(s, x.data(), w.data(), b.data(), q, p, ref.data());
          qs8_dwconv_run(vs[vi], s, x.data(), packed.data(), p, got.data());
          int bad = 0;
          for (size_t i = 0; i < ref.size(); ++i)
            if (got[i] != ref[i] && bad++ < 3)
              FAIL_CHECK(std::string(vs[vi].name) << " pattern " << pattern << " mode " << mode
                                                  << " [" << i << "] " << int(got[i]) << " vs " << int(ref[i]));
          CHECK(bad == 0);
        }
      }
    }
  }
}

TEST_CASE("qs8 dwconv pick skips pair variants for weight -128") {
  const int8_t fits[] = {127, -127, 5}, not_fits[] = {127, -128, 5};
  CHECK(&qs8_dwconv_pick_for(fits, 3) == &qs8_dwconv_pick());
  const Qs8DwconvVariant& v = qs8_dwconv_pick_for(not_fits, 3);
  CHECK_FALSE(v.pairs);
  CHECK(cpu_has_isa(v.isa));
}

// Today's per-pixel path, written out here: every pixel through the pixel kernel.
void f32_dwconv_pixel_by_pixel(const F32DwconvVariant& v, const Conv2dShape& s, const float* x,
                               const float* packed, const F32ConvParams& p, float* y) {
  const int cp = (s.in_c + 15) / 16 * 16, taps = s.kernel_h * s.kernel_w;
  const float* zero = packed + size_t(cp) * (1 + taps);
  std::vector<const float*> a(taps);
  for (int oy = 0; oy < s.out_h; ++oy)
    for (int ox = 0; ox < s.out_w; ++ox) {
      for (int ky = 0, t = 0; ky < s.kernel_h; ++ky)
        for (int kx = 0; kx < s.kernel_w; ++kx, ++t) {
          const int iy = oy * s.stride_h + ky - s.pad_top, ix = ox * s.stride_w + kx - s.pad_left;
          a[t] = iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w ? x + (size_t(iy) * s.in_w + ix) * s.in_c : zero;
        }
      const size_t off = (size_t(oy) * s.out_w + ox) * s.out_c;
      v.ukernel(s.in_c, cp, taps, a.data(), packed, y + off, p.residual ? p.residual + off : nullptr, p);
    }
}

TEST_CASE("f32 dwconv row kernels equal the pixel kernels bit for bit") {
  const VariantList<F32DwconvVariant> vs = f32_dwconv_variants();
  const size_t count = vs.size();
  std::mt19937 rng(6);
  std::uniform_real_distribution<float> d(-1.f, 1.f);
  for (size_t vi = 0; vi < count; ++vi) {
    if (!cpu_has_isa(vs[vi].isa)) {
      MESSAGE("skipping " << std::string(vs[vi].name) << ": CPU lacks " << std::string(isa_name(vs[vi].isa)));
      continue;
    }
    for (const Conv2dShape& s : shapes()) {
      std::vector<float> x(n_in(s)), w(n_taps(s) * s.in_c), b(s.in_c), r(n_out(s));
      for (auto* v : {&x, &w, &b, &r})
        for (auto& e : *v) e = d(rng);
      std::vector<float> packed(f32_dwconv_packed_size(s));
      f32_dwconv_pack(s, w.data(), b.data(), packed.data());
      for (int act = 0; act < 3; ++act) {
        F32ConvParams p;
        p.activation = Activation(act), p.leaky_alpha = 0.1f, p.residual = act == 1 ? r.data() : nullptr;
        std::vector<float> want(n_out(s)), got(n_out(s));
        f32_dwconv_pixel_by_pixel(vs[vi], s, x.data(), packed.data(), p, want.data());
        f32_dwconv_run(vs[vi], s, x.data(), packed.data(), p, got.data());
        CHECK_MESSAGE(std::memcmp(want.data(), got.data(), sizeof(float) * want.size()) == 0,
                      std::string(vs[vi].name) << " " << s.in_h << "x" << s.in_w << "x" << s.in_c
                                               << " k" << s.kernel_h << " s" << s.stride_w);
      }
    }
  }
}

}  // namespace
}  // namespace fg
