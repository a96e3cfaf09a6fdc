// f32 max pooling along a row over 4 cells (the detector's 2x2 pools) or 9 (the recognition
// net's 3x3 stem pool), NEON (aarch64 and armv7). The general row entry reloads the cell
// pointers and walks the cells in a loop per 16 channels (bench/arm_cost: 7% of the
// detector's native count); here the cell count is a constant, the pointers live in
// registers and step with the pixel. Per 16 channels: 4n loads, 4(n-1) max, 4 stores. Cells
// are combined in the general entry's order (((a0 max a1) max a2) ...), so results are
// identical.
#include <arm_neon.h>

#include "kernels/pool/f32_pool_max_row__neon.h"

namespace fg {
namespace {

template <int kN>
void max_row(int m, size_t xs, int c, const float* const* a, float* out) {
  const float* p[kN];
  for (int i = 0; i < kN; ++i) p[i] = a[i];
  for (size_t x = 0; m > 0; --m, x += xs, out += c) {
    for (int ch = 0; ch < c; ch += 16) {
#pragma GCC unroll 4
      for (int j = 0; j < 16; j += 4) {
        float32x4_t r = vld1q_f32(p[0] + x + ch + j);
#pragma GCC unroll 9
        for (int i = 1; i < kN; ++i) r = vmaxq_f32(r, vld1q_f32(p[i] + x + ch + j));
        vst1q_f32(out + ch + j, r);
      }
    }
  }
}

}  // namespace

bool f32_pool_row_max__neon(PoolKind kind, int m, size_t step, int c, int n,
                            const float* const* a, float* out) {
  if (kind != PoolKind::kMax || c % 16 != 0) return false;
  const size_t xs = step / sizeof(float);
  if (n == 4) max_row<4>(m, xs, c, a, out);
  else if (n == 9) max_row<9>(m, xs, c, a, out);
  else return false;
  return true;
}

}  // namespace fg
