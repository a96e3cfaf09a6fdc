// AArch64 NEON f32 dense conv, 5 pixels x 16 channels (bench/arm_cost: fewer instructions per
// MAC than the 8x8 tile). Per k: 20 FMLA by lane; the 16 weights of that k in one
// `ld1 {4 q}` (1 instruction where 8x8 needs 2 loads for 16 FMLA); the activations 4 k per
// row per 128-bit load. Per 8 k: 160 FMLA + 8 + 10 loads + subs + b.ne = 0.28 instructions
// per MAC, against 0.31 for the 8x8 tile's inner loop. Registers: 20 accumulators (v0-v19)
// + 5 activation vectors (v20-v24) + 4 weight vectors (v25-v28): nothing spills.
// The tap and k loops are assembly: from intrinsics GCC 12 adds an address computation per
// `ld1` (it has only the post-indexed form) and, scheduling before register allocation,
// spills the tile; and an asm statement cannot take the 20 accumulators as operands (30
// operands at most), so the asm owns the whole accumulation and leaves the tile in memory.
// Summation order per output is the scalar twin's: bias, then k = 0, 1, ... in order, one
// fused multiply-add each; the epilogue adds the residual, then the activation.
#if defined(__aarch64__)
#include <arm_neon.h>

#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

constexpr int kMr = 5, kNr = 16;

// Row m's 4 FMLA by lane L of its activation vector X, with the weights in v25-v28.
#define FG_5X16_ROW(A0, A1, A2, A3, X, L)    \
  "fmla v" #A0 ".4s, v25.4s, " X ".s[" #L "]\n" \
  "fmla v" #A1 ".4s, v26.4s, " X ".s[" #L "]\n" \
  "fmla v" #A2 ".4s, v27.4s, " X ".s[" #L "]\n" \
  "fmla v" #A3 ".4s, v28.4s, " X ".s[" #L "]\n"
#define FG_5X16_FMLA(L)                                                             \
  FG_5X16_ROW(0, 1, 2, 3, "v20", L) FG_5X16_ROW(4, 5, 6, 7, "v21", L)                \
  FG_5X16_ROW(8, 9, 10, 11, "v22", L) FG_5X16_ROW(12, 13, 14, 15, "v23", L)          \
  FG_5X16_ROW(16, 17, 18, 19, "v24", L)
#define FG_5X16_LANE(L) "ld1 {v25.4s, v26.4s, v27.4s, v28.4s}, [%[w]], #64\n" FG_5X16_FMLA(L)
#define FG_5X16_K4                \
  "ldr q20, [%[r0]], #16\n"       \
  "ldr q21, [%[r1]], #16\n"       \
  "ldr q22, [%[r2]], #16\n"       \
  "ldr q23, [%[r3]], #16\n"       \
  "ldr q24, [%[r4]], #16\n"       \
  FG_5X16_LANE(0) FG_5X16_LANE(1) FG_5X16_LANE(2) FG_5X16_LANE(3)

// tile[m][0..15] = bias + sum over taps and k. taps >= 1; `a` as in conv.h (a[t*5 + m]).
void f32_5x16_accumulate(int taps, int kc, const float* const* a, const float* w, float* tile) {
  const float* wp = w + kNr;
  const float *r0, *r1, *r2, *r3, *r4;
  int n;
  asm volatile(
      "ld1 {v0.4s, v1.4s, v2.4s, v3.4s}, [%[b]]\n"
      "ld1 {v4.4s, v5.4s, v6.4s, v7.4s}, [%[b]]\n"
      "ld1 {v8.4s, v9.4s, v10.4s, v11.4s}, [%[b]]\n"
      "ld1 {v12.4s, v13.4s, v14.4s, v15.4s}, [%[b]]\n"
      "ld1 {v16.4s, v17.4s, v18.4s, v19.4s}, [%[b]]\n"
      "2:\n"  // per tap
      "ldp %[r0], %[r1], [%[a]], #16\n"
      "ldp %[r2], %[r3], [%[a]], #16\n"
      "ldr %[r4], [%[a]], #8\n"
      "lsr %w[n], %w[kc], #3\n"
      "cbz %w[n], 3f\n"
      "1:\n"  // 8 k
      FG_5X16_K4 FG_5X16_K4
      "subs %w[n], %w[n], #1\n"
      "b.ne 1b\n"
      "3:\n"
      "tbz %w[kc], #2, 4f\n"
      FG_5X16_K4
      "4:\n"
      "ands %w[n], %w[kc], #3\n"
      "b.eq 6f\n"
      "5:\n"  // the K % 4 leftovers (the stems' K = 21, 9): one k at a time
      "ld1r {v20.4s}, [%[r0]], #4\n"
      "ld1r {v21.4s}, [%[r1]], #4\n"
      "ld1r {v22.4s}, [%[r2]], #4\n"
      "ld1r {v23.4s}, [%[r3]], #4\n"
      "ld1r {v24.4s}, [%[r4]], #4\n"
      FG_5X16_LANE(0)
      "subs %w[n], %w[n], #1\n"
      "b.ne 5b\n"
      "6:\n"
      "subs %w[taps], %w[taps], #1\n"
      "b.ne 2b\n"
      "stp q0, q1, [%[out]]\n"
      "stp q2, q3, [%[out], #32]\n"
      "stp q4, q5, [%[out], #64]\n"
      "stp q6, q7, [%[out], #96]\n"
      "stp q8, q9, [%[out], #128]\n"
      "stp q10, q11, [%[out], #160]\n"
      "stp q12, q13, [%[out], #192]\n"
      "stp q14, q15, [%[out], #224]\n"
      "stp q16, q17, [%[out], #256]\n"
      "stp q18, q19, [%[out], #288]\n"
      : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3), [r4] "=&r"(r4),
        [n] "=&r"(n), [a] "+r"(a), [taps] "+r"(taps), [w] "+r"(wp)
      : [kc] "r"(kc), [b] "r"(w), [out] "r"(tile)
      : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
        "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22",
        "v23", "v24", "v25", "v26", "v27", "v28");
}
#undef FG_5X16_K4
#undef FG_5X16_LANE
#undef FG_5X16_FMLA
#undef FG_5X16_ROW

// apply_activation on 4 lanes. Leaky ReLU with 0 <= alpha <= 1 is max(v, alpha*v): the same
// value as the scalar `v > alpha*v ? v : alpha*v` (equal operands are equal floats, -0 and
// +0 included since alpha*(+-0) keeps the sign; NaN stays NaN), one instruction fewer.
inline float32x4_t f32_activate4(float32x4_t v, const F32ConvParams& p, bool leaky_max) {
  if (p.activation == Activation::kRelu) return vmaxq_f32(v, vdupq_n_f32(0.f));
  if (p.activation == Activation::kLeakyRelu) {
    const float32x4_t s = vmulq_n_f32(v, p.leaky_alpha);
    return leaky_max ? vmaxq_f32(v, s) : vbslq_f32(vcgtq_f32(v, s), v, s);
  }
  return v;
}

}  // namespace

FG_DECLARE_F32_CONV_UKERNEL(f32_conv_5x16__neon) {
  float tile[kMr][kNr];
  f32_5x16_accumulate(taps, kc, a, w, &tile[0][0]);
  if (nc == kNr) {
    const bool leaky_max = p.leaky_alpha >= 0.f && p.leaky_alpha <= 1.f;
    for (int m = 0; m < mr; ++m) {
      float* cm = c + m * c_stride;
      const float* rm = res ? res + m * c_stride : nullptr;
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        float32x4_t v = vld1q_f32(tile[m] + 4 * j);
        if (rm) v = vaddq_f32(v, vld1q_f32(rm + 4 * j));
        vst1q_f32(cm + 4 * j, f32_activate4(v, p, leaky_max));
      }
    }
    return;
  }
  // Partial channel block (the last block of 25, 136, ... channels).
  for (int m = 0; m < mr; ++m) {
    float* cm = c + m * c_stride;
    const float* rm = res ? res + m * c_stride : nullptr;
    for (int j = 0; j < nc; ++j) {
      float v = tile[m][j];
      if (rm) v = v + rm[j];
      cm[j] = apply_activation(v, p.activation, p.leaky_alpha);
    }
  }
}

}  // namespace fg
#endif  // __aarch64__
