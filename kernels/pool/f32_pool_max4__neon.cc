// f32 max pooling over 2x2 windows (4 cells) along a row, NEON (aarch64 and armv7): the
// detector's five 2x2 pools. The general row entry reloads the cell pointers and walks the
// cells in a loop per 16 channels (bench/arm_cost: 7% of the detector's native count); here
// the four cell pointers live in registers and step with the pixel. Per 16 channels: 16
// loads, 12 max, 4 stores. Cells are combined in the general entry's order
// (((a0 max a1) max a2) max a3), so results are identical.
#include <arm_neon.h>

#include "kernels/pool/f32_pool_max4__neon.h"

namespace fg {

bool f32_pool_row_max4__neon(PoolKind kind, int m, size_t step, int c, int n,
                             const float* const* a, float* out) {
  if (kind != PoolKind::kMax || n != 4 || c % 16 != 0) return false;
  const size_t xs = step / sizeof(float);
  const float *p0 = a[0], *p1 = a[1], *p2 = a[2], *p3 = a[3];
  for (int i = 0; i < m; ++i, p0 += xs, p1 += xs, p2 += xs, p3 += xs, out += c) {
    for (int ch = 0; ch < c; ch += 16) {
#pragma GCC unroll 4
      for (int j = 0; j < 16; j += 4) {
        float32x4_t r = vld1q_f32(p0 + ch + j);
        r = vmaxq_f32(r, vld1q_f32(p1 + ch + j));
        r = vmaxq_f32(r, vld1q_f32(p2 + ch + j));
        r = vmaxq_f32(r, vld1q_f32(p3 + ch + j));
        vst1q_f32(out + ch + j, r);
      }
    }
  }
  return true;
}

}  // namespace fg
