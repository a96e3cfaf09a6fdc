#include "kernels/conv/conv_row_pointers.h"

namespace fg {

void conv_row_plan_init(const Conv2dShape& s, size_t pixel_bytes, ConvRowPlan* plan) {
  plan->s = &s;
  plan->pixel_bytes = pixel_bytes;
  plan->row_bytes = static_cast<size_t>(s.in_w) * pixel_bytes;
  plan->step = static_cast<size_t>(s.stride_w) * pixel_bytes;
  plan->taps = s.kernel_h * s.kernel_w;
  int t = 0;
  for (int ky = 0; ky < s.kernel_h; ++ky)
    for (int kx = 0; kx < s.kernel_w; ++kx) plan->tap_offset[t++] = ky * plan->row_bytes + kx * pixel_bytes;
}

bool conv_fill_row_pointers_inside(const ConvRowPlan& plan, const char* input, int p0, int mr_max,
                                   const char** a) {
  const Conv2dShape& s = *plan.s;
  if (p0 + mr_max > s.out_h * s.out_w) return false;
  const int oy = p0 / s.out_w, ox0 = p0 % s.out_w;
  if (ox0 + mr_max > s.out_w) return false;
  const int iy0 = oy * s.stride_h - s.pad_top, ix0 = ox0 * s.stride_w - s.pad_left;
  const int ix_last = (ox0 + mr_max - 1) * s.stride_w - s.pad_left;
  if (iy0 < 0 || ix0 < 0 || iy0 + s.kernel_h > s.in_h || ix_last + s.kernel_w > s.in_w) return false;
  const char* base = input + static_cast<size_t>(iy0) * plan.row_bytes + ix0 * plan.pixel_bytes;
  if (mr_max == 5) {  // the aarch64 tile: unrolled, ~2 instructions per pointer
    const size_t st = plan.step;
    for (int t = 0; t < plan.taps; ++t, a += 5) {
      const char* p = base + plan.tap_offset[t];
      a[0] = p, a[1] = p + st, a[2] = p + 2 * st, a[3] = p + 3 * st, a[4] = p + 4 * st;
    }
    return true;
  }
  for (int t = 0; t < plan.taps; ++t, a += mr_max) {
    const char* p = base + plan.tap_offset[t];
    for (int m = 0; m < mr_max; ++m, p += plan.step) a[m] = p;
  }
  return true;
}

}  // namespace fg
