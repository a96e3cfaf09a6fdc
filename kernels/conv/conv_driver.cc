// The tile loop shared by every dense-conv variant: builds the row pointers of an MR-pixel
// tile (implicit GEMM, see conv.h) and calls the variant's micro-kernel per channel block.
#include <algorithm>

#include "kernels/conv/conv.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

// Packed weights up to this size stay in L2 while every pixel tile sweeps all channel
// blocks (row pointers built once per tile); larger ones (the 256-channel layers) are
// walked block by block instead so each block is reused across all tiles from cache.
constexpr size_t kPixelOuterMaxWeightBytes = 512 * 1024;

// a[t*mr_max + m] = start of input pixel feeding tap t of output pixel p0+m, or `zero`.
// Called once per tile (per tile and block for large weights), so it avoids a division per
// pixel (the output position steps along) and bounds checks for windows fully inside.
void fill_row_pointers(const Conv2dShape& s, const char* input, size_t pixel_bytes,
                       const char* zero, int p0, int mr_max, const char** a) {
  const int pixels = s.out_h * s.out_w;
  const size_t row_bytes = static_cast<size_t>(s.in_w) * pixel_bytes;
  int oy = p0 / s.out_w, ox = p0 % s.out_w;
  for (int m = 0; m < mr_max; ++m) {
    if (m > 0 && p0 + m < pixels && ++ox == s.out_w) ox = 0, ++oy;  // past the end: repeat
    const int iy0 = oy * s.stride_h - s.pad_top, ix0 = ox * s.stride_w - s.pad_left;
    if (iy0 >= 0 && ix0 >= 0 && iy0 + s.kernel_h <= s.in_h && ix0 + s.kernel_w <= s.in_w) {
      const char* row = input + static_cast<size_t>(iy0) * row_bytes + ix0 * pixel_bytes;
      const char** out = a + m;
      for (int ky = 0; ky < s.kernel_h; ++ky, row += row_bytes)
        for (int kx = 0; kx < s.kernel_w; ++kx, out += mr_max) *out = row + kx * pixel_bytes;
      continue;
    }
    int t = 0;
    for (int ky = 0; ky < s.kernel_h; ++ky) {
      const int iy = iy0 + ky;
      const bool row_ok = iy >= 0 && iy < s.in_h;
      for (int kx = 0; kx < s.kernel_w; ++kx, ++t) {
        const int ix = ix0 + kx;
        a[t * mr_max + m] = (row_ok && ix >= 0 && ix < s.in_w)
                                ? input + (static_cast<size_t>(iy) * s.in_w + ix) * pixel_bytes
                                : zero;
      }
    }
  }
}

}  // namespace

void f32_conv_run(const F32ConvVariant& v, const Conv2dShape& shape, const float* input,
                  const float* packed, const F32ConvParams& p, float* output) {
  const Conv2dShape s = conv_packing_shape(shape);
  const int taps = s.kernel_h * s.kernel_w, pixels = s.out_h * s.out_w;
  const int blocks = (s.out_c + v.nr - 1) / v.nr;
  const size_t block = f32_conv_block_floats(s, v.nr);
  const char* zero = reinterpret_cast<const char*>(packed + blocks * block);
  const char* in = reinterpret_cast<const char*>(input);
  const size_t pixel_bytes = sizeof(float) * shape.in_c;
  const char* a[kMaxConvTaps * kMaxConvMr];
  // A single-pixel tile (the last of 9, 289, 1225 pixels; 1x1 maps) goes to the 1-row
  // kernel when the variant has one, with MR = 1 row pointers.
  auto tile_mr = [&](int p0) { return v.ukernel_m1 && pixels - p0 == 1 ? 1 : v.mr; };
  auto call = [&](int p0, int b) {
    const size_t off = static_cast<size_t>(p0) * s.out_c + static_cast<size_t>(b) * v.nr;
    const bool one = tile_mr(p0) == 1;
    (one ? v.ukernel_m1 : v.ukernel)(
        std::min(v.mr, pixels - p0), std::min(v.nr, s.out_c - b * v.nr), taps, s.in_c,
        reinterpret_cast<const float* const*>(a), packed + b * block, output + off, s.out_c,
        p.residual ? p.residual + off : nullptr, p);
  };
  if (blocks * block * sizeof(float) <= kPixelOuterMaxWeightBytes) {
    for (int p0 = 0; p0 < pixels; p0 += v.mr) {
      fill_row_pointers(s, in, pixel_bytes, zero, p0, tile_mr(p0), a);
      for (int b = 0; b < blocks; ++b) call(p0, b);
    }
  } else {
    for (int b = 0; b < blocks; ++b) {
      for (int p0 = 0; p0 < pixels; p0 += v.mr) {
        fill_row_pointers(s, in, pixel_bytes, zero, p0, tile_mr(p0), a);
        call(p0, b);
      }
    }
  }
}

void qs8_conv_run(const Qs8ConvVariant& v, const Conv2dShape& shape, const int8_t* input,
                  const void* packed, const Qs8ConvParams& p, int8_t* output) {
  const Conv2dShape s = conv_packing_shape(shape);
  const int taps = s.kernel_h * s.kernel_w, pixels = s.out_h * s.out_w;
  const int blocks = (s.out_c + v.nr - 1) / v.nr;
  const size_t block = qs8_conv_block_bytes(s, v.nr);
  const char* base = static_cast<const char*>(packed);
  const char* zero = base + blocks * block;
  const char* in = reinterpret_cast<const char*>(input);
  const char* a[kMaxConvTaps * kMaxConvMr];
  auto tile_mr = [&](int p0) { return v.ukernel_m1 && pixels - p0 == 1 ? 1 : v.mr; };  // as f32
  auto call = [&](int p0, int b) {
    const size_t off = static_cast<size_t>(p0) * s.out_c + static_cast<size_t>(b) * v.nr;
    const bool one = tile_mr(p0) == 1;
    (one ? v.ukernel_m1 : v.ukernel)(
        std::min(v.mr, pixels - p0), std::min(v.nr, s.out_c - b * v.nr), taps, s.in_c,
        reinterpret_cast<const int8_t* const*>(a), base + b * block, output + off, s.out_c,
        p.residual ? p.residual + off : nullptr, p);
  };
  if (blocks * block <= kPixelOuterMaxWeightBytes) {
    for (int p0 = 0; p0 < pixels; p0 += v.mr) {
      fill_row_pointers(s, in, shape.in_c, zero, p0, tile_mr(p0), a);
      for (int b = 0; b < blocks; ++b) call(p0, b);
    }
  } else {
    for (int b = 0; b < blocks; ++b) {
      for (int p0 = 0; p0 < pixels; p0 += v.mr) {
        fill_row_pointers(s, in, shape.in_c, zero, p0, tile_mr(p0), a);
        call(p0, b);
      }
    }
  }
}

}  // namespace fg
