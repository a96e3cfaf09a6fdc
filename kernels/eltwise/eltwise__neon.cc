// NEON element-wise add (aarch64 and armv7): 16 values per step, then 4 (f32) or 8 (qs8),
// then the scalar twin for the last few (nothing read or written past n).
// f32 is one rounded add per element, as the twin, so results are equal except that
// armv7 NEON flushes denormal sums to zero (results below 1.2e-38).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include "kernels/common/qs8_requant_neon.h"
#include "kernels/eltwise/eltwise.h"

namespace fg {
namespace {

// The twin's apply_activation lane by lane (same compares, so -0 agrees too).
inline float32x4_t activate4(float32x4_t v, Activation act, float alpha) {
  if (act == Activation::kRelu) return vbslq_f32(vcgtq_f32(v, vdupq_n_f32(0.f)), v, vdupq_n_f32(0.f));
  if (act == Activation::kLeakyRelu) {
    const float32x4_t av = vmulq_f32(vdupq_n_f32(alpha), v);
    return vbslq_f32(vcgtq_f32(v, av), v, av);
  }
  return v;
}

struct Qs8AddConsts {
  int16x8_t za, zb;
  float32x4_t sa, sb, lo, hi;
  int32x4_t zy;
  explicit Qs8AddConsts(const Qs8AddQuant& q)
      : za(vdupq_n_s16(static_cast<int16_t>(q.a_zero_point))),
        zb(vdupq_n_s16(static_cast<int16_t>(q.b_zero_point))),
        sa(vdupq_n_f32(q.a_scale)), sb(vdupq_n_f32(q.b_scale)),
        lo(vdupq_n_f32(static_cast<float>(q.output_min - q.output_zero_point))),
        hi(vdupq_n_f32(static_cast<float>(q.output_max - q.output_zero_point))),
        zy(vdupq_n_s32(q.output_zero_point)) {}
};

// 4 lanes of (a - za), (b - zb) as int16: the rule of qs8_ops.h.
inline int32x4_t qs8_add4(int16x4_t da, int16x4_t db, const Qs8AddConsts& k) {
  const float32x4_t ta = vmulq_f32(vcvtq_f32_s32(vmovl_s16(da)), k.sa);
  const float32x4_t tb = vmulq_f32(vcvtq_f32_s32(vmovl_s16(db)), k.sb);
  const float32x4_t v = vminq_f32(vmaxq_f32(vaddq_f32(ta, tb), k.lo), k.hi);
  return vaddq_s32(qs8_neon_round(v), k.zy);
}

// 8 lanes: int8 -> int16 minus the zero point (|x - z| <= 255), requantised and narrowed.
inline int8x8_t qs8_add8(int8x8_t a, int8x8_t b, const Qs8AddConsts& k) {
  const int16x8_t da = vsubq_s16(vmovl_s8(a), k.za), db = vsubq_s16(vmovl_s8(b), k.zb);
  const int32x4_t lo = qs8_add4(vget_low_s16(da), vget_low_s16(db), k);
  const int32x4_t hi = qs8_add4(vget_high_s16(da), vget_high_s16(db), k);
  return vqmovn_s16(vcombine_s16(vqmovn_s32(lo), vqmovn_s32(hi)));  // already in range
}

#if defined(__aarch64__)
// 16 lanes with the clamp after the rounding, as qs8_neon_out_2x8 (qs8_requant_neon.h says
// why that is the same rule): fcvtns, saturating narrows, the zero point added in int16 and
// the int8 clamp last. Needs |zy| <= 128 (qs8_add_c16__neon checks).
inline int32x4_t qs8_add_round4(int16x4_t da, int16x4_t db, const Qs8AddConsts& k) {
  const float32x4_t ta = vmulq_f32(vcvtq_f32_s32(vmovl_s16(da)), k.sa);
  const float32x4_t tb = vmulq_f32(vcvtq_f32_s32(vmovl_s16(db)), k.sb);
  return vcvtnq_s32_f32(vaddq_f32(ta, tb));
}

inline int16x8_t qs8_add_s16(int16x8_t da, int16x8_t db, int16x8_t zy, const Qs8AddConsts& k) {
  const int32x4_t lo = qs8_add_round4(vget_low_s16(da), vget_low_s16(db), k);
  const int32x4_t hi = qs8_add_round4(vget_high_s16(da), vget_high_s16(db), k);
  return vqaddq_s16(vqmovn_high_s32(vqmovn_s32(lo), hi), zy);
}

inline int8x16_t qs8_add16(int8x16_t a, int8x16_t b, int16x8_t zy, int8x16_t lo, int8x16_t hi,
                           const Qs8AddConsts& k) {
  const int16x8_t a0 = vsubq_s16(vmovl_s8(vget_low_s8(a)), k.za), a1 = vsubq_s16(vmovl_high_s8(a), k.za);
  const int16x8_t b0 = vsubq_s16(vmovl_s8(vget_low_s8(b)), k.zb), b1 = vsubq_s16(vmovl_high_s8(b), k.zb);
  const int8x16_t q = vqmovn_high_s16(vqmovn_s16(qs8_add_s16(a0, b0, zy, k)), qs8_add_s16(a1, b1, zy, k));
  return vminq_s8(vmaxq_s8(q, lo), hi);
}
#endif

}  // namespace

namespace {
// The activation as a template argument: one loop per kind, no per-vector branch
// (bench/arm_cost: the landmark net's whole-tensor sums).
template <Activation kAct>
void f32_add_loop(int n, const float* a, const float* b, float* out, float alpha) {
  int i = 0;
#if defined(__aarch64__)
  // 16 values per `ld1 {4 q}` / `st1 {4 q}`: one instruction each where GCC emits four.
  for (; i + 16 <= n; i += 16) {
    const float32x4x4_t va = vld1q_f32_x4(a + i), vb = vld1q_f32_x4(b + i);
    float32x4x4_t r;
    for (int j = 0; j < 4; ++j) r.val[j] = activate4(vaddq_f32(va.val[j], vb.val[j]), kAct, alpha);
    vst1q_f32_x4(out + i, r);
  }
#else
  for (; i + 16 <= n; i += 16)
    for (int j = 0; j < 16; j += 4)
      vst1q_f32(out + i + j, activate4(vaddq_f32(vld1q_f32(a + i + j), vld1q_f32(b + i + j)), kAct, alpha));
#endif
  for (; i + 4 <= n; i += 4)
    vst1q_f32(out + i, activate4(vaddq_f32(vld1q_f32(a + i), vld1q_f32(b + i)), kAct, alpha));
  f32_add__scalar(n - i, a + i, b + i, out + i, kAct, alpha);
}
}  // namespace

void f32_add_c16__neon(int n, const float* a, const float* b, float* out, Activation act, float alpha) {
  if (act == Activation::kRelu) f32_add_loop<Activation::kRelu>(n, a, b, out, alpha);
  else if (act == Activation::kLeakyRelu) f32_add_loop<Activation::kLeakyRelu>(n, a, b, out, alpha);
  else f32_add_loop<Activation::kNone>(n, a, b, out, alpha);
}

void qs8_add_c16__neon(int n, const int8_t* a, const int8_t* b, int8_t* out, const Qs8AddQuant& q) {
  const Qs8AddConsts k(q);
  int i = 0;
#if defined(__aarch64__)
  if (q.output_zero_point >= -128 && q.output_zero_point <= 127) {
    const int16x8_t zy = vdupq_n_s16(static_cast<int16_t>(q.output_zero_point));
    const int8x16_t lo = vdupq_n_s8(q.output_min), hi = vdupq_n_s8(q.output_max);
    for (; i + 16 <= n; i += 16)
      vst1q_s8(out + i, qs8_add16(vld1q_s8(a + i), vld1q_s8(b + i), zy, lo, hi, k));
  }
#endif
  for (; i + 16 <= n; i += 16) {
    const int8x16_t va = vld1q_s8(a + i), vb = vld1q_s8(b + i);
    vst1q_s8(out + i, vcombine_s8(qs8_add8(vget_low_s8(va), vget_low_s8(vb), k),
                                  qs8_add8(vget_high_s8(va), vget_high_s8(vb), k)));
  }
  for (; i + 8 <= n; i += 8) vst1_s8(out + i, qs8_add8(vld1_s8(a + i), vld1_s8(b + i), k));
  qs8_add__scalar(n - i, a + i, b + i, out + i, q);
}

}  // namespace fg
