// NEON f32 -> qs8 quantize (aarch64 and armv7), 16 values per step, scalar twin for the
// tail (no over-read or over-write): the scalar steps lane by lane. The division is a
// true one: vdivq on aarch64; armv7 NEON has none (its reciprocal estimate is not exact),
// so there the four quotients come from VFP and only the rest is vectorised. NaN stays
// NaN through vmax/vmin (as through the twin's compares) until the NaN -> 0 select; a
// denormal that armv7 NEON flushes to zero rounds to 0 either way.
#include "kernels/common/strict_fp.h"
#include <arm_neon.h>

#include "kernels/eltwise/eltwise.h"

namespace fg {
namespace {

inline float32x4_t divide4(const float* x, float scale) {
#if defined(__aarch64__)
  return vdivq_f32(vld1q_f32(x), vdupq_n_f32(scale));
#else
  float q[4];
  for (int i = 0; i < 4; ++i) q[i] = x[i] / scale;
  return vld1q_f32(q);
#endif
}

}  // namespace

void qs8_quantize_c16__neon(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y) {
  const float32x4_t lo = vdupq_n_f32(static_cast<float>(-128 - zero_point));
  const float32x4_t hi = vdupq_n_f32(static_cast<float>(127 - zero_point));
  const float32x4_t magic = vdupq_n_f32(12582912.f);  // 1.5 * 2^23
  const int32x4_t zp = vdupq_n_s32(zero_point);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    int16x4_t q16[4];
    for (int j = 0; j < 4; ++j) {
      float32x4_t v = divide4(x + i + 4 * j, scale);
      v = vminq_f32(vmaxq_f32(v, lo), hi);
      v = vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(v), vceqq_f32(v, v)));  // NaN -> 0
      v = vsubq_f32(vaddq_f32(v, magic), magic);
      q16[j] = vqmovn_s32(vaddq_s32(vcvtq_s32_f32(v), zp));
    }
    vst1q_s8(y + i, vcombine_s8(vqmovn_s16(vcombine_s16(q16[0], q16[1])),
                                vqmovn_s16(vcombine_s16(q16[2], q16[3]))));
  }
  qs8_quantize__scalar(n - i, x + i, scale, zero_point, y + i);
}

}  // namespace fg
