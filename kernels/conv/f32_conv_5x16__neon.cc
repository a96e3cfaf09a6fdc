// AArch64 NEON f32 dense conv, 5 pixels x 16 channels (bench/arm_cost: fewer instructions per
// MAC than the 8x8 tile). Per k: 20 FMLA by lane; the 16 weights of that k in one
// `ld1 {4 q}` (1 instruction where 8x8 needs 2 loads for 16 FMLA); the activations 4 k per
// row per 128-bit load. Per 8 k: 160 FMLA + 8 + 10 loads + subs + b.ne = 0.28 instructions
// per MAC, against 0.31 for the 8x8 tile's inner loop (the loop does 16 k per iteration). Registers: 20 accumulators (v0-v19)
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
#define FG_5X16_W "ld1 {v25.4s, v26.4s, v27.4s, v28.4s}, [%[w]], #64\n"
// Rows 0-4 hold v0-v3 .. v16-v19 (accumulators), v20 .. v24 (activations), r0 .. r4.
#define FG_F1(L) FG_5X16_ROW(0, 1, 2, 3, "v20", L)
#define FG_F2(L) FG_F1(L) FG_5X16_ROW(4, 5, 6, 7, "v21", L)
#define FG_F4(L) FG_F2(L) FG_5X16_ROW(8, 9, 10, 11, "v22", L) FG_5X16_ROW(12, 13, 14, 15, "v23", L)
#define FG_F5(L) FG_F4(L) FG_5X16_ROW(16, 17, 18, 19, "v24", L)
#define FG_Q1 "ldr q20, [%[r0]], #16\n"
#define FG_Q2 FG_Q1 "ldr q21, [%[r1]], #16\n"
#define FG_Q4 FG_Q2 "ldr q22, [%[r2]], #16\n" "ldr q23, [%[r3]], #16\n"
#define FG_Q5 FG_Q4 "ldr q24, [%[r4]], #16\n"
#define FG_S1 "ld1r {v20.4s}, [%[r0]], #4\n"
#define FG_S2 FG_S1 "ld1r {v21.4s}, [%[r1]], #4\n"
#define FG_S4 FG_S2 "ld1r {v22.4s}, [%[r2]], #4\n" "ld1r {v23.4s}, [%[r3]], #4\n"
#define FG_S5 FG_S4 "ld1r {v24.4s}, [%[r4]], #4\n"
#define FG_B1 "ld1 {v0.4s, v1.4s, v2.4s, v3.4s}, [%[b]]\n"
#define FG_B2 FG_B1 "ld1 {v4.4s, v5.4s, v6.4s, v7.4s}, [%[b]]\n"
#define FG_B4 FG_B2 "ld1 {v8.4s, v9.4s, v10.4s, v11.4s}, [%[b]]\n" "ld1 {v12.4s, v13.4s, v14.4s, v15.4s}, [%[b]]\n"
#define FG_B5 FG_B4 "ld1 {v16.4s, v17.4s, v18.4s, v19.4s}, [%[b]]\n"
#define FG_O1 "stp q0, q1, [%[out]]\n" "stp q2, q3, [%[out], #32]\n"
#define FG_O2 FG_O1 "stp q4, q5, [%[out], #64]\n" "stp q6, q7, [%[out], #96]\n"
#define FG_O4 FG_O2 "stp q8, q9, [%[out], #128]\n" "stp q10, q11, [%[out], #160]\n" \
  "stp q12, q13, [%[out], #192]\n" "stp q14, q15, [%[out], #224]\n"
#define FG_O5 FG_O4 "stp q16, q17, [%[out], #256]\n" "stp q18, q19, [%[out], #288]\n"
// The direct epilogue of the 5-row kernel (full tile, no residual): activation on the
// accumulators, then each row straight to the output (`st1 {4 q}` post-indexed by the row
// stride), saving the tile's store and reload. mode: bits 0-1 = 0 none, 1 relu, 2 leaky
// (0 <= alpha <= 1); bit 2 = add the residual first (same stride); < 0: store the tile for
// the C epilogue.
#define FG_M4(A, B, C, D, Z) "fmax v" #A ".4s, v" #A ".4s, " Z "\n" "fmax v" #B ".4s, v" #B ".4s, " Z "\n" \
  "fmax v" #C ".4s, v" #C ".4s, " Z "\n" "fmax v" #D ".4s, v" #D ".4s, " Z "\n"
#define FG_RELU20 FG_M4(0, 1, 2, 3, "v29.4s") FG_M4(4, 5, 6, 7, "v29.4s") FG_M4(8, 9, 10, 11, "v29.4s") \
  FG_M4(12, 13, 14, 15, "v29.4s") FG_M4(16, 17, 18, 19, "v29.4s")
#define FG_LK(A) "fmul v29.4s, v" #A ".4s, %[al].4s\n" "fmax v" #A ".4s, v" #A ".4s, v29.4s\n"
#define FG_LK4(A, B, C, D) FG_LK(A) FG_LK(B) FG_LK(C) FG_LK(D)
#define FG_LEAKY20 FG_LK4(0, 1, 2, 3) FG_LK4(4, 5, 6, 7) FG_LK4(8, 9, 10, 11) FG_LK4(12, 13, 14, 15) \
  FG_LK4(16, 17, 18, 19)
#define FG_RA(A, B, C, D)                                                            \
  "ld1 {v25.4s, v26.4s, v27.4s, v28.4s}, [%[res]], %[cs]\n"                          \
  "fadd v" #A ".4s, v" #A ".4s, v25.4s\n" "fadd v" #B ".4s, v" #B ".4s, v26.4s\n"    \
  "fadd v" #C ".4s, v" #C ".4s, v27.4s\n" "fadd v" #D ".4s, v" #D ".4s, v28.4s\n"
#define FG_E5                                                                        \
  "tbnz %w[mode], #31, 40f\n"                                                        \
  "tbz %w[mode], #2, 21f\n"                                                          \
  FG_RA(0, 1, 2, 3) FG_RA(4, 5, 6, 7) FG_RA(8, 9, 10, 11) FG_RA(12, 13, 14, 15)       \
  FG_RA(16, 17, 18, 19)                                                              \
  "21:\n"                                                                            \
  "ands %w[n], %w[mode], #3\n"                                                       \
  "b.eq 20f\n"                                                                       \
  "cmp %w[n], #1\n"                                                                  \
  "b.ne 30f\n"                                                                       \
  "movi v29.4s, #0\n" FG_RELU20                                                      \
  "b 20f\n"                                                                          \
  "30:\n" FG_LEAKY20                                                                 \
  "20:\n"                                                                            \
  "st1 {v0.4s, v1.4s, v2.4s, v3.4s}, [%[c]], %[cs]\n"                                \
  "st1 {v4.4s, v5.4s, v6.4s, v7.4s}, [%[c]], %[cs]\n"                                \
  "st1 {v8.4s, v9.4s, v10.4s, v11.4s}, [%[c]], %[cs]\n"                              \
  "st1 {v12.4s, v13.4s, v14.4s, v15.4s}, [%[c]], %[cs]\n"                            \
  "st1 {v16.4s, v17.4s, v18.4s, v19.4s}, [%[c]], %[cs]\n"                            \
  "b 50f\n"                                                                          \
  "40:\n" FG_O5 "50:\n"
// Row pointers of one tap; the tap's block is kMr pointers (1 for the 1-row kernel).
#define FG_P1 "ldr %[r0], [%[a]]\n"
#define FG_P2 "ldp %[r0], %[r1], [%[a]]\n"
#define FG_P4 FG_P2 "ldp %[r2], %[r3], [%[a], #16]\n"
#define FG_P5 FG_P4 "ldr %[r4], [%[a], #32]\n"
#define FG_K4(R) FG_Q##R FG_5X16_W FG_F##R(0) FG_5X16_W FG_F##R(1) FG_5X16_W FG_F##R(2) FG_5X16_W FG_F##R(3)

// tile[m][0..15] = bias + sum over taps and k for rows m < R, taps >= 1; a[t*A + m] (A = 5,
// or 1 for the 1-row kernel). Rows past R are not computed (the last tiles of 9, 16, 64,
// 289-pixel maps: the 256-channel 4x4 convs would otherwise do 25% more FMLA).
// The k past the last multiple of 16: 8, 4, then one at a time (the stems' K = 21, 9).
#define FG_TAILS(R)                                   \
  "tbz %w[kc], #3, 3f\n" FG_K4(R) FG_K4(R)             \
  "3:\n"                                               \
  "tbz %w[kc], #2, 4f\n" FG_K4(R)                      \
  "4:\n"                                               \
  "ands %w[n], %w[kc], #3\n"                           \
  "b.eq 6f\n"                                          \
  "5:\n" FG_S##R FG_5X16_W FG_F##R(0)                  \
  "subs %w[n], %w[n], #1\n"                            \
  "b.ne 5b\n"                                          \
  "6:\n"
#define FG_NO_TAILS(R) ""  // kc % 16 == 0 (recognition's 32..256 channels)

#define FG_5X16_ACCUMULATE(NAME, R, A, EPILOGUE, TAILS)                                              \
  void NAME(int taps, int kc, const float* const* a, const float* w, float* tile, float* c,  \
            size_t cs, int mode, float32x4_t al, const float* res) {                          \
    const float* wp = w + kNr;                                                                \
    const float *r0, *r1, *r2, *r3, *r4;                                                      \
    int n;                                                                                    \
    asm volatile(FG_B##R                                                                      \
                 "2:\n" FG_P##R "add %[a], %[a], #" #A "*8\n"                                 \
                 "lsr %w[n], %w[kc], #4\n"                                                    \
                 "cbz %w[n], 7f\n"                                                            \
                 "1:\n" FG_K4(R) FG_K4(R) FG_K4(R) FG_K4(R)                                   \
                 "subs %w[n], %w[n], #1\n"                                                    \
                 "b.ne 1b\n"                                                                  \
                 "7:\n" TAILS(R)                                                              \
                 "subs %w[taps], %w[taps], #1\n"                                              \
                 "b.ne 2b\n" EPILOGUE                                                         \
                 : [r0] "=&r"(r0), [r1] "=&r"(r1), [r2] "=&r"(r2), [r3] "=&r"(r3),            \
                   [r4] "=&r"(r4), [n] "=&r"(n), [a] "+r"(a), [taps] "+r"(taps), [w] "+r"(wp), \
                   [c] "+r"(c), [res] "+r"(res)                                               \
                 : [kc] "r"(kc), [b] "r"(w), [out] "r"(tile), [cs] "r"(cs), [mode] "r"(mode), \
                   [al] "w"(al)                                                               \
                 : "cc", "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", \
                   "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19",      \
                   "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29");     \
    (void)r0, (void)r1, (void)r2, (void)r3, (void)r4, (void)cs, (void)mode;                  \
  }
FG_5X16_ACCUMULATE(f32_5x16_accumulate, 5, 5, FG_E5, FG_TAILS)
FG_5X16_ACCUMULATE(f32_5x16_accumulate_k16, 5, 5, FG_E5, FG_NO_TAILS)
FG_5X16_ACCUMULATE(f32_4x16_accumulate, 4, 5, FG_O4, FG_TAILS)
FG_5X16_ACCUMULATE(f32_2x16_accumulate, 2, 5, FG_O2, FG_TAILS)
FG_5X16_ACCUMULATE(f32_1x16_accumulate, 1, 1, FG_O1, FG_TAILS)
FG_5X16_ACCUMULATE(f32_1x16_accumulate_tap5, 1, 5, FG_O1, FG_TAILS)
#undef FG_5X16_ACCUMULATE
#undef FG_TAILS
#undef FG_NO_TAILS
#undef FG_E5
#undef FG_RA
#undef FG_LEAKY20
#undef FG_LK4
#undef FG_LK
#undef FG_RELU20
#undef FG_M4
#undef FG_K4
#undef FG_P1
#undef FG_P2
#undef FG_P4
#undef FG_P5
#undef FG_O1
#undef FG_O2
#undef FG_O4
#undef FG_O5
#undef FG_B1
#undef FG_B2
#undef FG_B4
#undef FG_B5
#undef FG_S1
#undef FG_S2
#undef FG_S4
#undef FG_S5
#undef FG_Q1
#undef FG_Q2
#undef FG_Q4
#undef FG_Q5
#undef FG_F1
#undef FG_F2
#undef FG_F4
#undef FG_F5
#undef FG_5X16_W
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

// The epilogue on the accumulated tile: residual, activation, nc <= 16 channels of mr rows.
void f32_5x16_store(int mr, int nc, const float (&tile)[kMr][kNr], float* c, size_t c_stride,
                    const float* res, const F32ConvParams& p) {
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

}  // namespace

FG_DECLARE_F32_CONV_UKERNEL(f32_conv_5x16__neon) {
  float tile[kMr][kNr];
  const float32x4_t al = vdupq_n_f32(p.leaky_alpha);
  const size_t cs = c_stride * sizeof(float);
  if (mr == 5) {
    int mode = -1;  // FG_E5
    if (nc == kNr) {
      if (p.activation == Activation::kNone) mode = 0;
      else if (p.activation == Activation::kRelu) mode = 1;
      else if (p.activation == Activation::kLeakyRelu && p.leaky_alpha >= 0.f && p.leaky_alpha <= 1.f) mode = 2;
      if (mode >= 0 && res) mode |= 4;
    }
    if (kc % 16 == 0) f32_5x16_accumulate_k16(taps, kc, a, w, &tile[0][0], c, cs, mode, al, res);
    else f32_5x16_accumulate(taps, kc, a, w, &tile[0][0], c, cs, mode, al, res);
    if (mode >= 0) return;
  } else if (mr > 2) {
    f32_4x16_accumulate(taps, kc, a, w, &tile[0][0], c, cs, -1, al, res);
  } else if (mr == 2) {
    f32_2x16_accumulate(taps, kc, a, w, &tile[0][0], c, cs, -1, al, res);
  } else {
    f32_1x16_accumulate_tap5(taps, kc, a, w, &tile[0][0], c, cs, -1, al, res);
  }
  f32_5x16_store(mr, nc, tile, c, c_stride, res, p);
}

// Single-pixel tiles (1x1 maps, the last pixel of 16, 81, ...): row pointers a[t].
FG_DECLARE_F32_CONV_UKERNEL(f32_conv_1x16__neon) {
  float tile[kMr][kNr];
  f32_1x16_accumulate(taps, kc, a, w, &tile[0][0], c, c_stride * sizeof(float), -1,
                      vdupq_n_f32(0.f), res);
  f32_5x16_store(1, nc, tile, c, c_stride, res, p);
}

}  // namespace fg
#endif  // __aarch64__
