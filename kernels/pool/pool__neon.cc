// NEON pooling (aarch64 and armv7): f32 16 channels per step then 4; qs8 max 16 int8 lanes
// per step (max needs no widening) then 8, qs8 average 16 per step widened to int32 like
// the scalar twin. The last few channels go to the scalar twin (nothing read past c).
// f32 average divides as the twin does: vdivq on aarch64; armv7 NEON has no division,
// so there each lane is divided in VFP (exact; average pooling is a few small layers).
// The row entry runs the pixel code along the run, each cell pointer offset by the pixel's
// input step (same operations, same order).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/pool/f32_pool_max_row__neon.h"
#include "kernels/pool/pool.h"

namespace fg {
namespace {

inline float32x4_t divide4(float32x4_t sum, float n) {
#if defined(__aarch64__)
  return vdivq_f32(sum, vdupq_n_f32(n));
#else
  float v[4];
  vst1q_f32(v, sum);
  for (float& e : v) e = e / n;
  return vld1q_f32(v);
#endif
}

// f32: channels [ch, ch + 4*kRegs), one q register per 4.
template <int kRegs>
void f32_pool_step(PoolKind kind, int n, const float* const* a, size_t xo, int ch, float* out) {
  float32x4_t r[kRegs];
  if (kind == PoolKind::kMax) {
    for (int j = 0; j < kRegs; ++j) r[j] = vld1q_f32(a[0] + xo + ch + 4 * j);
    for (int i = 1; i < n; ++i)
      for (int j = 0; j < kRegs; ++j) r[j] = vmaxq_f32(r[j], vld1q_f32(a[i] + xo + ch + 4 * j));
  } else {
    for (int j = 0; j < kRegs; ++j) r[j] = vdupq_n_f32(0.f);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < kRegs; ++j) r[j] = vaddq_f32(r[j], vld1q_f32(a[i] + xo + ch + 4 * j));
    for (int j = 0; j < kRegs; ++j) r[j] = divide4(r[j], static_cast<float>(n));
  }
  for (int j = 0; j < kRegs; ++j) vst1q_f32(out + ch + 4 * j, r[j]);
}

// qs8 average of 4 int32 sums of (x - zx): the rule of qs8_ops.h.
inline int32x4_t qs8_avg4(int32x4_t sum, const Qs8PoolQuant& q, float32x4_t mul) {
  float32x4_t v = vmulq_f32(vcvtq_f32_s32(sum), mul);
  v = vmaxq_f32(v, vdupq_n_f32(static_cast<float>(q.output_min - q.output_zero_point)));
  v = vminq_f32(v, vdupq_n_f32(static_cast<float>(q.output_max - q.output_zero_point)));
  return vaddq_s32(qs8_neon_round(v), vdupq_n_s32(q.output_zero_point));
}

inline int8x8_t narrow8(int32x4_t lo, int32x4_t hi) {  // values already in [-128, 127]
  return vqmovn_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi)));
}

}  // namespace

namespace {
// One output pixel whose cells are a[i] + xo.
inline void f32_pool_c16__neon_px(PoolKind kind, int c, int n, const float* const* a,
                                  size_t xo, float* out) {
  int ch = 0;
  for (; ch + 16 <= c; ch += 16) f32_pool_step<4>(kind, n, a, xo, ch, out);
  for (; ch + 4 <= c; ch += 4) f32_pool_step<1>(kind, n, a, xo, ch, out);
  if (ch < c) {
    const float* rest[256];
    for (int i = 0; i < n; ++i) rest[i] = a[i] + xo + ch;
    f32_pool__scalar(kind, c - ch, n, rest, out + ch);
  }
}
}  // namespace

void f32_pool_c16__neon(PoolKind kind, int c, int n, const float* const* a, float* out) {
  f32_pool_c16__neon_px(kind, c, n, a, 0, out);
}

void f32_pool_row_c16__neon(PoolKind kind, int m, size_t step, int c, int n,
                            const float* const* a, float* out) {
  if (f32_pool_row_max__neon(kind, m, step, c, n, a, out)) return;
  const size_t xs = step / sizeof(float);
  for (int i = 0; i < m; ++i, out += c) f32_pool_c16__neon_px(kind, c, n, a, i * xs, out);
}

namespace {
// One output pixel whose cells are a[i] + xo.
inline void qs8_pool_c16__neon_px(PoolKind kind, int c, int n, const int8_t* const* a,
                                  size_t xo, int8_t* out, const Qs8PoolQuant& q) {
  int ch = 0;
  if (kind == PoolKind::kMax) {
    for (; ch + 16 <= c; ch += 16) {
      int8x16_t best = vld1q_s8(a[0] + xo + ch);
      for (int i = 1; i < n; ++i) best = vmaxq_s8(best, vld1q_s8(a[i] + xo + ch));
      vst1q_s8(out + ch, best);
    }
    for (; ch + 8 <= c; ch += 8) {
      int8x8_t best = vld1_s8(a[0] + xo + ch);
      for (int i = 1; i < n; ++i) best = vmax_s8(best, vld1_s8(a[i] + xo + ch));
      vst1_s8(out + ch, best);
    }
  } else {
    const float32x4_t mul = vdupq_n_f32(q.scale_ratio / static_cast<float>(n));
    // sum(x - zx) = sum(x) - n*zx, both exact in int32 (n <= 256)
    const int32x4_t nzx = vdupq_n_s32(n * q.input_zero_point);
    for (; ch + 16 <= c; ch += 16) {
      int32x4_t s[4];
      for (int j = 0; j < 4; ++j) s[j] = vnegq_s32(nzx);
      for (int i = 0; i < n; ++i) {
        const int8x16_t x = vld1q_s8(a[i] + xo + ch);
        const int16x8_t lo = vmovl_s8(vget_low_s8(x)), hi = vmovl_s8(vget_high_s8(x));
        s[0] = vaddw_s16(s[0], vget_low_s16(lo));
        s[1] = vaddw_s16(s[1], vget_high_s16(lo));
        s[2] = vaddw_s16(s[2], vget_low_s16(hi));
        s[3] = vaddw_s16(s[3], vget_high_s16(hi));
      }
      vst1q_s8(out + ch, vcombine_s8(narrow8(qs8_avg4(s[0], q, mul), qs8_avg4(s[1], q, mul)),
                                     narrow8(qs8_avg4(s[2], q, mul), qs8_avg4(s[3], q, mul))));
    }
    for (; ch + 8 <= c; ch += 8) {
      int32x4_t s0 = vnegq_s32(nzx), s1 = s0;
      for (int i = 0; i < n; ++i) {
        const int16x8_t x = vmovl_s8(vld1_s8(a[i] + xo + ch));
        s0 = vaddw_s16(s0, vget_low_s16(x));
        s1 = vaddw_s16(s1, vget_high_s16(x));
      }
      vst1_s8(out + ch, narrow8(qs8_avg4(s0, q, mul), qs8_avg4(s1, q, mul)));
    }
  }
  if (ch < c) {
    const int8_t* rest[256];
    for (int i = 0; i < n; ++i) rest[i] = a[i] + xo + ch;
    qs8_pool__scalar(kind, c - ch, n, rest, out + ch, q);
  }
}
}  // namespace

void qs8_pool_c16__neon(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                        const Qs8PoolQuant& q) {
  qs8_pool_c16__neon_px(kind, c, n, a, 0, out, q);
}

void qs8_pool_row_c16__neon(PoolKind kind, int m, size_t step, int c, int n,
                            const int8_t* const* a, int8_t* out, const Qs8PoolQuant& q) {
  const size_t xs = step / sizeof(int8_t);
  for (int i = 0; i < m; ++i, out += c) qs8_pool_c16__neon_px(kind, c, n, a, i * xs, out, q);
}

}  // namespace fg
