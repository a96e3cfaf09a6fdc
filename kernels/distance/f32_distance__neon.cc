// NEON f32 distances (aarch64 ASIMD and armv7 NEON-VFPv4): 4 lanes x 4 accumulators; fused
// multiply-add where the FPU has it (VFPv4 and aarch64 do); scalar tail.
#include <arm_neon.h>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

float hsum(float32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_f32(v);
#else  // armv7 has no across-vector add
  const float32x2_t s = vadd_f32(vget_low_f32(v), vget_high_f32(v));
  return vget_lane_f32(vpadd_f32(s, s), 0);
#endif
}

float32x4_t mla(float32x4_t acc, float32x4_t a, float32x4_t b) {
#if defined(__ARM_FEATURE_FMA)
  return vfmaq_f32(acc, a, b);
#else
  return vmlaq_f32(acc, a, b);
#endif
}

template <bool kL2>
float32x4_t step(float32x4_t acc, const float* q, const float* r) {
  const float32x4_t vq = vld1q_f32(q), vr = vld1q_f32(r);
  if (kL2) {
    const float32x4_t e = vsubq_f32(vq, vr);
    return mla(acc, e, e);
  }
  return mla(acc, vq, vr);
}

template <bool kL2>
void f32_scan(size_t n, size_t dim, const float* query, const void* rows, size_t row_stride,
              float* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const float* r = reinterpret_cast<const float*>(base + i * row_stride);
    float32x4_t a0 = vdupq_n_f32(0.f), a1 = a0, a2 = a0, a3 = a0;
    size_t d = 0;
    for (; d + 16 <= dim; d += 16) {
      a0 = step<kL2>(a0, query + d, r + d);
      a1 = step<kL2>(a1, query + d + 4, r + d + 4);
      a2 = step<kL2>(a2, query + d + 8, r + d + 8);
      a3 = step<kL2>(a3, query + d + 12, r + d + 12);
    }
    for (; d + 4 <= dim; d += 4) a0 = step<kL2>(a0, query + d, r + d);
    float sum = hsum(vaddq_f32(vaddq_f32(a0, a1), vaddq_f32(a2, a3)));
    for (; d < dim; ++d) sum += kL2 ? (query[d] - r[d]) * (query[d] - r[d]) : query[d] * r[d];
    out[i] = sum;
  }
}

}  // namespace

void f32_l2sq__neon(size_t n, size_t dim, const float* query, const void* rows,
                    size_t row_stride, float* out) {
  f32_scan<true>(n, dim, query, rows, row_stride, out);
}
void f32_dot__neon(size_t n, size_t dim, const float* query, const void* rows,
                   size_t row_stride, float* out) {
  f32_scan<false>(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
