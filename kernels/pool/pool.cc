// Pooling: validation, the per-pixel driver and the variant list.
// qs8 results must be bit-identical across variants: no fused multiply-add contraction of
// the separate multiply and add of the rounding rule in this file (docs/kernels.md).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
#include "kernels/pool/pool.h"

namespace fg {
namespace {

const F32PoolVariant kF32[] = {
#if defined(__x86_64__)
    {"f32_pool_c16__avx512", Isa::kAvx512, f32_pool_c16__avx512},
    {"f32_pool_c8__avx2", Isa::kAvx2, f32_pool_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"f32_pool_c16__neon", Isa::kNeon, f32_pool_c16__neon},
#endif
    {"f32_pool__scalar", Isa::kScalar, f32_pool__scalar},
};
const Qs8PoolVariant kQs8[] = {
#if defined(__x86_64__)
    {"qs8_pool_c16__avx512", Isa::kAvx512, qs8_pool_c16__avx512},
    {"qs8_pool_c8__avx2", Isa::kAvx2, qs8_pool_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"qs8_pool_c16__neon", Isa::kNeon, qs8_pool_c16__neon},
#endif
    {"qs8_pool__scalar", Isa::kScalar, qs8_pool__scalar},
};
constexpr int kMaxPoolCells = 256;

// Real cells of output (oy, ox) in ky, kx order (the reference's summation order).
int fill_cells(const Pool2dShape& s, const char* in, size_t pixel_bytes, int oy, int ox,
               const char** a) {
  int n = 0;
  for (int ky = 0; ky < s.kernel_h; ++ky) {
    const int iy = oy * s.stride_h + ky - s.pad_top;
    if (iy < 0 || iy >= s.in_h) continue;
    for (int kx = 0; kx < s.kernel_w; ++kx) {
      const int ix = ox * s.stride_w + kx - s.pad_left;
      if (ix >= 0 && ix < s.in_w) a[n++] = in + (static_cast<size_t>(iy) * s.in_w + ix) * pixel_bytes;
    }
  }
  return n;
}

}  // namespace

const F32PoolVariant* f32_pool_variants(size_t* n) { *n = sizeof(kF32) / sizeof(kF32[0]); return kF32; }
const Qs8PoolVariant* qs8_pool_variants(size_t* n) { *n = sizeof(kQs8) / sizeof(kQs8[0]); return kQs8; }
const F32PoolVariant* f32_pool_pick() { return pick_variant(kF32); }
const Qs8PoolVariant* qs8_pool_pick() { return pick_variant(kQs8); }

Status pool_check(const Pool2dShape& s) {
  const int dims[] = {s.in_h, s.in_w, s.channels, s.out_h, s.out_w, s.kernel_h, s.kernel_w, s.stride_h, s.stride_w};
  for (int d : dims)
    if (d < 1 || d > (1 << 16)) return Status::error("pool shape: sizes and strides must be in [1, 65536]");
  if (s.kernel_h * s.kernel_w > kMaxPoolCells) return Status::error("pool shape: window above 256 cells");
  if (s.pad_top < 0 || s.pad_left < 0 || s.pad_top >= s.kernel_h || s.pad_left >= s.kernel_w)
    return Status::error("pool shape: padding must be in [0, kernel size)");
  if ((s.out_h - 1) * s.stride_h - s.pad_top >= s.in_h || (s.out_w - 1) * s.stride_w - s.pad_left >= s.in_w)
    return Status::error("pool shape: an output window lies entirely in the padding");
  return Status::ok();
}

void f32_pool_run(const F32PoolVariant& v, PoolKind kind, const Pool2dShape& s,
                  const float* input, float* output) {
  const char* a[kMaxPoolCells];
  for (int oy = 0; oy < s.out_h; ++oy)
    for (int ox = 0; ox < s.out_w; ++ox) {
      const int n = fill_cells(s, reinterpret_cast<const char*>(input), sizeof(float) * s.channels, oy, ox, a);
      v.ukernel(kind, s.channels, n, reinterpret_cast<const float* const*>(a),
                output + (static_cast<size_t>(oy) * s.out_w + ox) * s.channels);
    }
}

void qs8_pool_run(const Qs8PoolVariant& v, PoolKind kind, const Pool2dShape& s,
                  const int8_t* input, const Qs8PoolQuant& q, int8_t* output) {
  const char* a[kMaxPoolCells];
  for (int oy = 0; oy < s.out_h; ++oy)
    for (int ox = 0; ox < s.out_w; ++ox) {
      const int n = fill_cells(s, reinterpret_cast<const char*>(input), s.channels, oy, ox, a);
      v.ukernel(kind, s.channels, n, reinterpret_cast<const int8_t* const*>(a),
                output + (static_cast<size_t>(oy) * s.out_w + ox) * s.channels, q);
    }
}

void f32_pool__scalar(PoolKind kind, int c, int n, const float* const* a, float* out) {
  for (int ch = 0; ch < c; ++ch) {
    float best = a[0][ch], sum = 0.f;
    for (int i = 0; i < n; ++i) {
      best = a[i][ch] > best ? a[i][ch] : best;
      sum += a[i][ch];
    }
    out[ch] = kind == PoolKind::kMax ? best : sum / static_cast<float>(n);
  }
}

void qs8_pool__scalar(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                      const Qs8PoolQuant& q) {
  const float mul = q.scale_ratio / static_cast<float>(n);
  for (int ch = 0; ch < c; ++ch) {
    int32_t best = a[0][ch], sum = 0;
    for (int i = 0; i < n; ++i) {
      best = a[i][ch] > best ? a[i][ch] : best;
      sum += a[i][ch] - q.input_zero_point;
    }
    out[ch] = kind == PoolKind::kMax
                  ? static_cast<int8_t>(best)
                  : qs8_round_clamp(static_cast<float>(sum) * mul, q.output_zero_point,
                                    q.output_min, q.output_max);
  }
}

}  // namespace fg
