// Element-wise add: validation, the driver (zero extension) and the variant list.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include "kernels/eltwise/eltwise.h"

#include <algorithm>

namespace fg {
namespace {

// Zero-extended channels are added against a row of zeros (zero points) this long.
constexpr int kChunk = 64;

const F32AddVariant kF32[] = {
#if defined(__x86_64__)
    {"f32_add_c8__avx2", Isa::kAvx2, f32_add_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"f32_add_c16__neon", Isa::kNeon, f32_add_c16__neon},
#endif
    {"f32_add__scalar", Isa::kScalar, f32_add__scalar},
};
const Qs8AddVariant kQs8[] = {
#if defined(__x86_64__)
    {"qs8_add_c8__avx2", Isa::kAvx2, qs8_add_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"qs8_add_c16__neon", Isa::kNeon, qs8_add_c16__neon},
#endif
    {"qs8_add__scalar", Isa::kScalar, qs8_add__scalar},
};

}  // namespace

VariantList<F32AddVariant> f32_add_variants() { return kF32; }
VariantList<Qs8AddVariant> qs8_add_variants() { return kQs8; }
const F32AddVariant& f32_add_pick() { return pick_variant(kF32); }
const Qs8AddVariant& qs8_add_pick() { return pick_variant(kQs8); }

Status add_check(const AddShape& s) {
  const int dims[] = {s.out_h, s.out_w, s.out_c, s.a_h, s.a_w, s.a_c, s.b_h, s.b_w, s.b_c};
  for (int d : dims)
    if (d < 1 || d > (1 << 16)) return Status::error("add shape: sizes must be in [1, 65536]");
  if (s.a_h > s.out_h || s.a_w > s.out_w || s.a_c > s.out_c || s.b_h > s.out_h ||
      s.b_w > s.out_w || s.b_c > s.out_c)
    return Status::error("add shape: an input is larger than the output");
  return Status::ok();
}

void f32_add_run(const F32AddVariant& v, const AddShape& s, const float* a, const float* b,
                 Activation act, float alpha, float* output) {
  // Same shapes (the landmark net's dense-block sums): one call over the whole tensor
  // instead of one per pixel (bench/arm_cost: the per-pixel walk cost as much as the adds).
  const size_t total = static_cast<size_t>(s.out_h) * s.out_w * s.out_c;
  if (s.a_h == s.out_h && s.a_w == s.out_w && s.a_c == s.out_c && s.b_h == s.out_h &&
      s.b_w == s.out_w && s.b_c == s.out_c && total <= (1u << 30)) {
    v.ukernel(static_cast<int>(total), a, b, output, act, alpha);
    return;
  }
  static const float zeros[kChunk] = {};
  for (int y = 0; y < s.out_h; ++y) {
    for (int x = 0; x < s.out_w; ++x) {
      const int na = (y < s.a_h && x < s.a_w) ? s.a_c : 0;
      const int nb = (y < s.b_h && x < s.b_w) ? s.b_c : 0;
      const float* pa = a + (static_cast<size_t>(y) * s.a_w + x) * s.a_c;
      const float* pb = b + (static_cast<size_t>(y) * s.b_w + x) * s.b_c;
      float* out = output + (static_cast<size_t>(y) * s.out_w + x) * s.out_c;
      const int both = std::min(na, nb);
      v.ukernel(both, pa, pb, out, act, alpha);
      // One-sided remainder (the zero-extended channels): the other side reads a row of
      // zeros, in chunks through the SIMD kernel (per-element scalar calls cost more than
      // the whole shortcut add).
      for (int c = both; c < s.out_c; c += kChunk) {
        const int n = std::min(kChunk, s.out_c - c);
        const int n_a = std::min(n, std::max(0, na - c)), n_b = std::min(n, std::max(0, nb - c));
        if (n_a == n || n_b == n || (n_a == 0 && n_b == 0)) {
          v.ukernel(n, n_a == n ? pa + c : zeros, n_b == n ? pb + c : zeros, out + c, act, alpha);
        } else {
          for (int i = 0; i < n; ++i)
            f32_add__scalar(1, i < n_a ? pa + c + i : zeros, i < n_b ? pb + c + i : zeros,
                            out + c + i, act, alpha);
        }
      }
    }
  }
}

void qs8_add_run(const Qs8AddVariant& v, const AddShape& s, const int8_t* a, const int8_t* b,
                 const Qs8AddQuant& q, int8_t* output) {
  const int8_t za = static_cast<int8_t>(q.a_zero_point), zb = static_cast<int8_t>(q.b_zero_point);
  int8_t za_row[kChunk], zb_row[kChunk];
  std::fill(za_row, za_row + kChunk, za);
  std::fill(zb_row, zb_row + kChunk, zb);
  // Same shapes (no zero extension: the residual adds): one call per chunk of the whole
  // tensor instead of one per pixel (the per-call cost was half the landmark net's adds).
  if (s.a_h == s.out_h && s.a_w == s.out_w && s.a_c == s.out_c && s.b_h == s.out_h &&
      s.b_w == s.out_w && s.b_c == s.out_c) {
    const size_t total = static_cast<size_t>(s.out_h) * s.out_w * s.out_c;
    constexpr size_t kMaxCall = size_t{1} << 30;
    for (size_t i = 0; i < total; i += kMaxCall)
      v.ukernel(static_cast<int>(std::min(kMaxCall, total - i)), a + i, b + i, output + i, q);
    return;
  }
  for (int y = 0; y < s.out_h; ++y) {
    for (int x = 0; x < s.out_w; ++x) {
      const int na = (y < s.a_h && x < s.a_w) ? s.a_c : 0;
      const int nb = (y < s.b_h && x < s.b_w) ? s.b_c : 0;
      const int8_t* pa = a + (static_cast<size_t>(y) * s.a_w + x) * s.a_c;
      const int8_t* pb = b + (static_cast<size_t>(y) * s.b_w + x) * s.b_c;
      int8_t* out = output + (static_cast<size_t>(y) * s.out_w + x) * s.out_c;
      const int both = std::min(na, nb);
      v.ukernel(both, pa, pb, out, q);
      for (int c = both; c < s.out_c; c += kChunk) {  // as in f32_add_run
        const int n = std::min(kChunk, s.out_c - c);
        const int n_a = std::min(n, std::max(0, na - c)), n_b = std::min(n, std::max(0, nb - c));
        if (n_a == n || n_b == n || (n_a == 0 && n_b == 0)) {
          v.ukernel(n, n_a == n ? pa + c : za_row, n_b == n ? pb + c : zb_row, out + c, q);
        } else {
          for (int i = 0; i < n; ++i)
            qs8_add__scalar(1, i < n_a ? pa + c + i : &za, i < n_b ? pb + c + i : &zb, out + c + i, q);
        }
      }
    }
  }
}

void f32_add__scalar(int n, const float* a, const float* b, float* out, Activation act, float alpha) {
  for (int i = 0; i < n; ++i) out[i] = apply_activation(a[i] + b[i], act, alpha);
}

void qs8_add__scalar(int n, const int8_t* a, const int8_t* b, int8_t* out, const Qs8AddQuant& q) {
  for (int i = 0; i < n; ++i) {
    const float ta = static_cast<float>(a[i] - q.a_zero_point) * q.a_scale;
    const float tb = static_cast<float>(b[i] - q.b_zero_point) * q.b_scale;
    out[i] = qs8_round_clamp(ta + tb, q.output_zero_point, q.output_min, q.output_max);
  }
}

}  // namespace fg
