// aarch64 dot-product extension int8 distances: one udot/sdot per 16 bytes.
// l2sq: udot(|q - r|, |q - r|) with |q - r| <= 255 exact as u8 (vabd.s8), so each lane adds
//       four squares <= 4 * 65025 into u32; dot: sdot(q, r) straight into s32 lanes.
#include <arm_neon.h>

#include "kernels/distance/distance.h"

namespace fg {

void s8_l2sq__neondot(size_t n, size_t dim, const int8_t* query, const void* rows,
                      size_t row_stride, int32_t* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride);
    uint32x4_t a0 = vdupq_n_u32(0), a1 = a0;
    size_t d = 0;
    for (; d + 32 <= dim; d += 32) {
      const uint8x16_t e0 = vreinterpretq_u8_s8(vabdq_s8(vld1q_s8(query + d), vld1q_s8(r + d)));
      const uint8x16_t e1 =
          vreinterpretq_u8_s8(vabdq_s8(vld1q_s8(query + d + 16), vld1q_s8(r + d + 16)));
      a0 = vdotq_u32(a0, e0, e0);
      a1 = vdotq_u32(a1, e1, e1);
    }
    for (; d + 16 <= dim; d += 16) {
      const uint8x16_t e0 = vreinterpretq_u8_s8(vabdq_s8(vld1q_s8(query + d), vld1q_s8(r + d)));
      a0 = vdotq_u32(a0, e0, e0);
    }
    int32_t sum = static_cast<int32_t>(vaddvq_u32(vaddq_u32(a0, a1)));
    for (; d < dim; ++d) sum += (int32_t(query[d]) - r[d]) * (int32_t(query[d]) - r[d]);
    out[i] = sum;
  }
}

void s8_dot__neondot(size_t n, size_t dim, const int8_t* query, const void* rows,
                     size_t row_stride, int32_t* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride);
    int32x4_t a0 = vdupq_n_s32(0), a1 = a0;
    size_t d = 0;
    for (; d + 32 <= dim; d += 32) {
      a0 = vdotq_s32(a0, vld1q_s8(query + d), vld1q_s8(r + d));
      a1 = vdotq_s32(a1, vld1q_s8(query + d + 16), vld1q_s8(r + d + 16));
    }
    for (; d + 16 <= dim; d += 16) a0 = vdotq_s32(a0, vld1q_s8(query + d), vld1q_s8(r + d));
    int32_t sum = vaddvq_s32(vaddq_s32(a0, a1));
    for (; d < dim; ++d) sum += int32_t(query[d]) * r[d];
    out[i] = sum;
  }
}

}  // namespace fg
