// qs8 table lookup on aarch64 (contract in lut.h): the 256-byte table lives in 16 q
// registers, quarter q = entries [64q, 64q + 64); index u = x + 128 (= x ^ 0x80). tbl on
// quarter 0 with u gives 0 for u >= 64, then tbx on quarters 1-3 with u ^ 0x40 = x ^ 0xc0,
// u ^ 0x80 = x and u ^ 0xc0 = x ^ 0x40 fill the rest: the eor maps exactly quarter q to
// [0, 64) and every other index to >= 64, which tbx leaves alone. 9 instructions per 16
// values with the load and store (x itself is the third index: one eor fewer than
// subtracting 64 three times); the scalar loop needs ~6 per value.
#include <arm_neon.h>

#include "kernels/eltwise/lut.h"

#if defined(__aarch64__)
namespace fg {
namespace {

inline uint8x16_t lookup(const uint8x16x4_t (&t)[4], int8x16_t x) {
  const uint8x16_t v = vreinterpretq_u8_s8(x);
  uint8x16_t r = vqtbl4q_u8(t[0], veorq_u8(v, vdupq_n_u8(0x80)));
  r = vqtbx4q_u8(r, t[1], veorq_u8(v, vdupq_n_u8(0xc0)));
  r = vqtbx4q_u8(r, t[2], v);
  return vqtbx4q_u8(r, t[3], veorq_u8(v, vdupq_n_u8(0x40)));
}

}  // namespace

void qs8_lut_c32__neon(const int8_t* table, size_t n, int8_t* y) {
  const uint8_t* tb = reinterpret_cast<const uint8_t*>(table);
  const uint8x16x4_t t[4] = {vld1q_u8_x4(tb), vld1q_u8_x4(tb + 64), vld1q_u8_x4(tb + 128),
                             vld1q_u8_x4(tb + 192)};
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {  // two independent vectors per iteration
    const uint8x16_t a = lookup(t, vld1q_s8(y + i)), b = lookup(t, vld1q_s8(y + i + 16));
    vst1q_u8(reinterpret_cast<uint8_t*>(y + i), a);
    vst1q_u8(reinterpret_cast<uint8_t*>(y + i + 16), b);
  }
  for (; i + 16 <= n; i += 16)
    vst1q_u8(reinterpret_cast<uint8_t*>(y + i), lookup(t, vld1q_s8(y + i)));
  for (; i < n; ++i) y[i] = table[static_cast<int32_t>(y[i]) + 128];
}

}  // namespace fg
#endif  // __aarch64__
