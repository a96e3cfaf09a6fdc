// NEON int8 distances (aarch64 and armv7), exact int32 sums.
// l2sq: vabd.s8 gives |q - r| <= 255, exact when read as u8; vmull.u8 squares it into u16
//       (<= 65025, fits) and vpadal.u16 pair-adds into u32 lanes.
// dot:  vmull.s8 into s16 (|q*r| <= 16384, fits) and vpadal.s16 into s32 lanes.
// Only instructions present on armv7 NEON are used except the across-vector add (guarded).
#include <arm_neon.h>

#include "kernels/distance/distance.h"

namespace fg {
namespace {

int32_t hsum_s32(int32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_s32(v);
#else
  const int32x2_t s = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  return vget_lane_s32(vpadd_s32(s, s), 0);
#endif
}

void s8_l2sq_scan(size_t n, size_t dim, const int8_t* query, const void* rows,
                  size_t row_stride, int32_t* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride);
    uint32x4_t a0 = vdupq_n_u32(0), a1 = a0;
    size_t d = 0;
    for (; d + 16 <= dim; d += 16) {
      const uint8x16_t ad = vreinterpretq_u8_s8(vabdq_s8(vld1q_s8(query + d), vld1q_s8(r + d)));
      a0 = vpadalq_u16(a0, vmull_u8(vget_low_u8(ad), vget_low_u8(ad)));
      a1 = vpadalq_u16(a1, vmull_u8(vget_high_u8(ad), vget_high_u8(ad)));
    }
    int32_t sum = hsum_s32(vreinterpretq_s32_u32(vaddq_u32(a0, a1)));
    for (; d < dim; ++d) sum += (int32_t(query[d]) - r[d]) * (int32_t(query[d]) - r[d]);
    out[i] = sum;
  }
}

void s8_dot_scan(size_t n, size_t dim, const int8_t* query, const void* rows,
                 size_t row_stride, int32_t* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride);
    int32x4_t a0 = vdupq_n_s32(0), a1 = a0;
    size_t d = 0;
    for (; d + 16 <= dim; d += 16) {
      const int8x16_t q = vld1q_s8(query + d), v = vld1q_s8(r + d);
      a0 = vpadalq_s16(a0, vmull_s8(vget_low_s8(q), vget_low_s8(v)));
      a1 = vpadalq_s16(a1, vmull_s8(vget_high_s8(q), vget_high_s8(v)));
    }
    int32_t sum = hsum_s32(vaddq_s32(a0, a1));
    for (; d < dim; ++d) sum += int32_t(query[d]) * r[d];
    out[i] = sum;
  }
}

}  // namespace

void s8_l2sq__neon(size_t n, size_t dim, const int8_t* query, const void* rows,
                   size_t row_stride, int32_t* out) {
  s8_l2sq_scan(n, dim, query, rows, row_stride, out);
}
void s8_dot__neon(size_t n, size_t dim, const int8_t* query, const void* rows,
                  size_t row_stride, int32_t* out) {
  s8_dot_scan(n, dim, query, rows, row_stride, out);
}

}  // namespace fg
