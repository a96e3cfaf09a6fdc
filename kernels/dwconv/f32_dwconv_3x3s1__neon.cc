// f32 depthwise 3x3 stride 1 along a row, NEON (aarch64 and armv7): 4 channels at a time
// with the 9 weights in registers and the window kept in registers as it slides, so each
// output pixel loads 3 new input vectors instead of 9 (bench/arm_cost: the general row entry
// was 11% of the detector's native instructions). One index steps the three input rows, the
// output and the residual together (all advance c floats per pixel at stride 1). Per output
// the taps are summed in the general entry's order (bias, then t = 3*ky + kx, one fused
// multiply-add each), so results are bit-identical to it.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include "kernels/dwconv/f32_dwconv_3x3s1__neon.h"

namespace fg {
namespace {

// vfmaq_f32 on armv7 too (its NEON files build with VFPv4), as the general entry.
inline float32x4_t fma4(float32x4_t acc, float32x4_t x, float32x4_t w) { return vfmaq_f32(acc, x, w); }

// kAct: 0 none, 1 relu (the scalar twin's v > 0 ? v : 0), 2 leaky as the general entry
// (compare + select), 3 leaky as max(v, alpha*v) (same value for 0 <= alpha <= 1).
template <int kAct>
inline float32x4_t activate(float32x4_t v, float32x4_t alpha) {
  if (kAct == 1) return vbslq_f32(vcgtq_f32(v, vdupq_n_f32(0.f)), v, vdupq_n_f32(0.f));
  if (kAct == 2) {
    const float32x4_t s = vmulq_f32(v, alpha);
    return vbslq_f32(vcgtq_f32(v, s), v, s);
  }
  if (kAct == 3) return vmaxq_f32(v, vmulq_f32(v, alpha));
  return v;
}

template <int kAct, bool kRes>
void row_3x3s1(int n, int c, int c_pad, const float* const* a, const float* packed, float* out,
               const float* res, float leaky_alpha) {
  const float32x4_t alpha = vdupq_n_f32(leaky_alpha);
  const size_t cs = static_cast<size_t>(c);
  for (int ch = 0; ch < c; ch += 4) {
    const float32x4_t bias = vld1q_f32(packed + ch);
    float32x4_t w[9];
    for (int t = 0; t < 9; ++t) w[t] = vld1q_f32(packed + (1 + t) * c_pad + ch);
    const float* r[3] = {a[0] + ch, a[3] + ch, a[6] + ch};
    float* o = out + ch;
    const float* rr = kRes ? res + ch : nullptr;
    // v[j][ky]: window column j (mod 3) of row ky. Unrolled by 3, the column loaded per pixel
    // takes the slot of the one that left the window: no register moves.
    float32x4_t v[3][3];
    for (int ky = 0; ky < 3; ++ky) {
      v[0][ky] = vld1q_f32(r[ky]), v[1][ky] = vld1q_f32(r[ky] + cs);
      v[2][ky] = vdupq_n_f32(0.f);  // loaded before use; silences -Wmaybe-uninitialized
    }
    size_t x = 2 * cs, y = 0;  // input index of the new column, output index
    auto pixel = [&](int j0, int j1, int j2) {
      for (int ky = 0; ky < 3; ++ky) v[j2][ky] = vld1q_f32(r[ky] + x);
      float32x4_t acc = bias;
      for (int ky = 0; ky < 3; ++ky) {
        acc = fma4(acc, v[j0][ky], w[3 * ky]);
        acc = fma4(acc, v[j1][ky], w[3 * ky + 1]);
        acc = fma4(acc, v[j2][ky], w[3 * ky + 2]);
      }
      if (kRes) acc = vaddq_f32(acc, vld1q_f32(rr + y));
      vst1q_f32(o + y, activate<kAct>(acc, alpha));
      x += cs, y += cs;
    };
    int i = 0;
    for (; i + 3 <= n; i += 3) pixel(0, 1, 2), pixel(1, 2, 0), pixel(2, 0, 1);
    if (i < n) pixel(0, 1, 2);
    if (i + 1 < n) pixel(1, 2, 0);
  }
}

template <int kAct>
void row_res(int n, int c, int c_pad, const float* const* a, const float* packed, float* out,
             const float* res, float alpha) {
  if (res) row_3x3s1<kAct, true>(n, c, c_pad, a, packed, out, res, alpha);
  else row_3x3s1<kAct, false>(n, c, c_pad, a, packed, out, res, alpha);
}

}  // namespace

bool f32_dwconv_row_3x3s1__neon(int n, size_t step, int c, int c_pad, const float* const* a,
                                const float* packed, float* out, const float* res,
                                const F32ConvParams& p) {
  if (c % 4 != 0 || step != sizeof(float) * c) return false;
  for (int t = 0; t < 9; ++t)
    if (a[t] != a[t - t % 3] + (t % 3) * static_cast<size_t>(c)) return false;
  const float al = p.leaky_alpha;
  switch (p.activation) {
    case Activation::kRelu: row_res<1>(n, c, c_pad, a, packed, out, res, al); break;
    case Activation::kLeakyRelu:
      if (al >= 0.f && al <= 1.f) row_res<3>(n, c, c_pad, a, packed, out, res, al);
      else row_res<2>(n, c, c_pad, a, packed, out, res, al);
      break;
    default: row_res<0>(n, c, c_pad, a, packed, out, res, al); break;
  }
  return true;
}

}  // namespace fg
