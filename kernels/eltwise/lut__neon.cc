// qs8 table lookup on aarch64 (contract in lut.h): the 256-byte table lives in 16 q
// registers; index u = x + 128 (= x ^ 0x80); tbl on the first 64 entries gives 0 for
// u >= 64, then three tbx on u - 64, u - 128, u - 192 fill the rest (tbx leaves lanes
// whose index is out of its 64 alone). ~9 instructions per 16 values where the scalar
// loop needs ~6 per value (sign-extend, add, load, store, loop).
#include <arm_neon.h>

#include "kernels/eltwise/lut.h"

#if defined(__aarch64__)
namespace fg {
namespace {

inline uint8x16_t lookup(const uint8x16x4_t (&t)[4], int8x16_t x) {
  const uint8x16_t u = veorq_u8(vreinterpretq_u8_s8(x), vdupq_n_u8(0x80));
  const uint8x16_t k64 = vdupq_n_u8(64);
  uint8x16_t r = vqtbl4q_u8(t[0], u);
  uint8x16_t v = vsubq_u8(u, k64);
  r = vqtbx4q_u8(r, t[1], v);
  v = vsubq_u8(v, k64);
  r = vqtbx4q_u8(r, t[2], v);
  v = vsubq_u8(v, k64);
  return vqtbx4q_u8(r, t[3], v);
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
