// Shape checks shared by the conv and depthwise-conv families.
#include "kernels/common/shape_check.h"

#include <string>

namespace fg {

Status conv_window_check(const Conv2dShape& s) {
  auto fail = [](const std::string& what) { return Status::error("conv shape: " + what); };
  const int dims[] = {s.in_h, s.in_w, s.in_c, s.out_h, s.out_w, s.out_c,
                      s.kernel_h, s.kernel_w, s.stride_h, s.stride_w};
  for (int d : dims)
    if (d < 1 || d > (1 << 16)) return fail("every size and stride must be in [1, 65536]");
  if (s.pad_top < 0 || s.pad_left < 0 || s.pad_top >= s.kernel_h || s.pad_left >= s.kernel_w)
    return fail("padding must be in [0, kernel size)");
  if (s.kernel_h * s.kernel_w > kMaxConvTaps)
    return fail("kernel has more than " + std::to_string(kMaxConvTaps) + " taps");
  const long long bottom =
      static_cast<long long>(s.out_h - 1) * s.stride_h + s.kernel_h - s.pad_top - s.in_h;
  const long long right =
      static_cast<long long>(s.out_w - 1) * s.stride_w + s.kernel_w - s.pad_left - s.in_w;
  if (bottom >= s.kernel_h || right >= s.kernel_w)
    return fail("output " + std::to_string(s.out_h) + "x" + std::to_string(s.out_w) +
                " reaches past the padded input");
  const long long k = static_cast<long long>(s.kernel_h) * s.kernel_w * s.in_c;
  if (k > (1 << 16)) return fail("kernel_h*kernel_w*in_c above 65536 (int32 accumulator bound)");
  const long long in_elems = static_cast<long long>(s.in_h) * s.in_w * s.in_c;
  const long long out_elems = static_cast<long long>(s.out_h) * s.out_w * s.out_c;
  if (in_elems > (1ll << 31) || out_elems > (1ll << 31) || k * s.out_c > (1ll << 31))
    return fail("tensor larger than 2^31 elements");
  return Status::ok();
}

}  // namespace fg
