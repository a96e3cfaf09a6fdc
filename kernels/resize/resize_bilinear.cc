// Variant list, argument check and dispatch of the bilinear resize family.
#include <algorithm>

#include "kernels/resize/resize.h"

namespace fg {

const char* resize_bilinear_check(const ResizeBilinearParams& p) {
  if (!p.src) return "source pixels are null";
  if (p.src_w <= 0 || p.src_h <= 0) return "source image is empty";
  if (p.src_channels < 1 || p.src_channels > 4) return "source must have 1..4 channels";
  if (p.src_stride < (size_t)p.src_w * p.src_channels) return "source stride shorter than a row";
  if (p.out_w <= 0 || p.out_h <= 0) return "output size must be positive";
  if (p.out_channels < 1 || p.out_channels > 4) return "output must have 1..4 channels";
  if (p.src_left < 0 || p.src_top < 0 || p.src_left + p.src_w > p.canvas_w ||
      p.src_top + p.src_h > p.canvas_h)
    return "source rectangle lies outside the canvas";
  // 2^24: positions and indices stay exact in float32 in the SIMD variants.
  if ((int64_t)p.canvas_w * p.out_channels >= (1 << 24) || p.canvas_h >= (1 << 24))
    return "canvas too large";
  for (int c = 0; c < p.out_channels; ++c) {
    if (p.channel_map[c] < 0 || p.channel_map[c] >= p.src_channels)
      return "channel_map names a channel the source does not have";
    if (p.divisor[c] == 0.f) return "divisor is zero";
  }
  return nullptr;
}

size_t resize_bilinear_scratch_floats(const ResizeBilinearParams& p) {
  // SIMD variants: 9 per-output-row tables of out_w*out_channels, one canvas row, + tail slack.
  const size_t n = (size_t)std::max(p.out_w, 0) * std::max(p.out_channels, 0);
  return 9 * n + (size_t)std::max(p.canvas_w, 0) * std::max(p.out_channels, 0) + 64;
}

namespace {
const ResizeBilinearVariant kVariants[] = {
#if defined(__x86_64__) || defined(_M_X64)
    {"u8f32_resize_bilinear_8x__avx2", Isa::kAvx2, &u8f32_resize_bilinear_8x__avx2},
#endif
    {"u8f32_resize_bilinear__scalar", Isa::kScalar, &u8f32_resize_bilinear__scalar},
};
}  // namespace

VariantList<ResizeBilinearVariant> resize_bilinear_variants() { return kVariants; }
const ResizeBilinearVariant& resize_bilinear_pick() { return pick_variant(kVariants); }

}  // namespace fg
