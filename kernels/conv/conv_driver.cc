// The tile loop shared by every dense-conv variant: builds the row pointers of an MR-pixel
// tile (implicit GEMM, see conv.h) and calls the variant's micro-kernel per channel block.
// The outer loop can be cut into ranges run on different threads (*_conv_run_range).
#include <algorithm>

#include "kernels/conv/conv.h"
#include "kernels/conv/conv_internal.h"
#include "kernels/conv/conv_row_pointers.h"
#include "kernels/conv/conv_variants.h"

namespace fg {
namespace {

// Packed weights up to this size stay in L2 while every pixel tile sweeps all channel
// blocks (row pointers built once per tile); larger ones (the 256-channel layers) are
// walked block by block instead so each block is reused across all tiles from cache.
constexpr size_t kPixelOuterMaxWeightBytes = 512 * 1024;
// Row pointers (pixels x taps, plus one tile's rounding) cached for the block-outer order.
constexpr int kConvRowCacheRows = 2048;

// a[t*mr_max + m] = start of input pixel feeding tap t of output pixel p0+m, or `zero`.
// Called once per tile (per tile and block for large weights), so it avoids a division per
// pixel (the output position steps along) and bounds checks for windows fully inside.
void fill_row_pointers(const Conv2dShape& s, const char* input, size_t pixel_bytes,
                       const char* zero, int p0, int mr_max, const char** a) {
  const int pixels = s.out_h * s.out_w;
  // Pointwise (1x1, stride 1, no padding: most dense convs of the detector and the landmark
  // net): output pixel p reads input pixel p, one store per row instead of the general
  // path's ~15 instructions, rebuilt per tile and, for large weights, per block too.
  if (s.kernel_h == 1 && s.kernel_w == 1 && s.stride_h == 1 && s.stride_w == 1 &&
      s.pad_top == 0 && s.pad_left == 0 && s.in_h == s.out_h && s.in_w == s.out_w) {
    const int last = pixels - 1;
    for (int m = 0; m < mr_max; ++m) a[m] = input + static_cast<size_t>(std::min(p0 + m, last)) * pixel_bytes;
    return;
  }
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

// The loop geometry both dtypes share: which dimension is outer, and how many items it has.
struct ConvLoop {
  Conv2dShape s;  // the packing shape (conv_packing_shape)
  int taps, pixels, blocks;
  bool pixel_outer;
};

ConvLoop conv_loop_of(const Conv2dShape& shape, int nr, size_t (*block_bytes)(const Conv2dShape&, int)) {
  ConvLoop L;
  L.s = conv_packing_shape(shape);
  L.taps = L.s.kernel_h * L.s.kernel_w;
  L.pixels = L.s.out_h * L.s.out_w;
  L.blocks = (L.s.out_c + nr - 1) / nr;
  L.pixel_outer = L.blocks * block_bytes(L.s, nr) <= kPixelOuterMaxWeightBytes;
  return L;
}

size_t f32_block_bytes(const Conv2dShape& s, int nr) { return f32_conv_block_floats(s, nr) * sizeof(float); }

int outer_count(const ConvLoop& L, int mr) { return L.pixel_outer ? (L.pixels + mr - 1) / mr : L.blocks; }

}  // namespace

int f32_conv_outer_count(const F32ConvVariant& v, const Conv2dShape& shape) {
  return outer_count(conv_loop_of(shape, v.nr, f32_block_bytes), v.mr);
}

void f32_conv_run_range(const F32ConvVariant& v, const Conv2dShape& shape, const float* input,
                        const float* packed, const F32ConvParams& p, float* output, int begin,
                        int end) {
  const ConvLoop L = conv_loop_of(shape, v.nr, f32_block_bytes);
  const Conv2dShape& s = L.s;
  const int taps = L.taps, pixels = L.pixels;
  const size_t block = f32_conv_block_floats(s, v.nr);
  const char* zero = reinterpret_cast<const char*>(packed + L.blocks * block);
  const char* in = reinterpret_cast<const char*>(input);
  const size_t pixel_bytes = sizeof(float) * shape.in_c;
  const char* a[kMaxConvTaps * kMaxConvMr];
  // A single-pixel tile (the last of 9, 289, 1225 pixels; 1x1 maps) goes to the 1-row
  // kernel when the variant has one, with MR = 1 row pointers.
  auto tile_mr = [&](int p0) { return v.ukernel_m1 && pixels - p0 == 1 ? 1 : v.mr; };
  auto call = [&](int p0, int b, const char* const* rows = nullptr) {
    const size_t off = static_cast<size_t>(p0) * s.out_c + static_cast<size_t>(b) * v.nr;
    const bool one = tile_mr(p0) == 1;
    (one ? v.ukernel_m1 : v.ukernel)(
        std::min(v.mr, pixels - p0), std::min(v.nr, s.out_c - b * v.nr), taps, s.in_c,
        reinterpret_cast<const float* const*>(rows ? rows : a), packed + b * block, output + off, s.out_c,
        p.residual ? p.residual + off : nullptr, p);
  };
  ConvRowPlan plan;  // same pointers as fill_row_pointers, cheaper inside the input
  conv_row_plan_init(s, pixel_bytes, &plan);
  auto fill = [&](int p0) {
    if (!conv_fill_row_pointers_inside(plan, in, p0, tile_mr(p0), a))
      fill_row_pointers(s, in, pixel_bytes, zero, p0, tile_mr(p0), a);
  };
  if (L.pixel_outer) {
    for (int p0 = begin * v.mr; p0 < std::min(pixels, end * v.mr); p0 += v.mr) {
      fill(p0);
      for (int b = 0; b < L.blocks; ++b) call(p0, b);
    }
  } else if (pixels * taps <= kConvRowCacheRows) {
    // Block-outer on a small map (the recognition net's 256-channel 4x4 and 3x3 layers):
    // the row pointers of all its tiles once, not once per channel block.
    const char* cache[kConvRowCacheRows + kMaxConvMr * kMaxConvTaps];
    const size_t tile_rows = static_cast<size_t>(taps) * v.mr;
    for (int p0 = 0; p0 < pixels; p0 += v.mr) {
      fill(p0);
      std::copy(a, a + taps * tile_mr(p0), cache + (p0 / v.mr) * tile_rows);
    }
    for (int b = begin; b < end; ++b)
      for (int p0 = 0; p0 < pixels; p0 += v.mr) call(p0, b, cache + (p0 / v.mr) * tile_rows);
  } else {
    for (int b = begin; b < end; ++b) {
      for (int p0 = 0; p0 < pixels; p0 += v.mr) {
        fill(p0);
        call(p0, b);
      }
    }
  }
}

void f32_conv_run(const F32ConvVariant& v, const Conv2dShape& shape, const float* input,
                  const float* packed, const F32ConvParams& p, float* output) {
  f32_conv_run_range(v, shape, input, packed, p, output, 0, f32_conv_outer_count(v, shape));
}

namespace {
// Block size by the variant's k-group, as the loop-geometry callback.
size_t qs8_block_bytes_c4(const Conv2dShape& s, int nr) { return qs8_conv_block_bytes(s, nr, 4); }
size_t qs8_block_bytes_c16(const Conv2dShape& s, int nr) { return qs8_conv_block_bytes(s, nr, 16); }
size_t (*qs8_block_bytes_of(const Qs8ConvVariant& v))(const Conv2dShape&, int) {
  return v.kr == 16 ? qs8_block_bytes_c16 : qs8_block_bytes_c4;
}
}  // namespace

int qs8_conv_outer_count(const Qs8ConvVariant& v, const Conv2dShape& shape) {
  return outer_count(conv_loop_of(shape, v.nr, qs8_block_bytes_of(v)), v.mr);
}

void qs8_conv_run_range(const Qs8ConvVariant& v, const Conv2dShape& shape, const int8_t* input,
                        const void* packed, const Qs8ConvParams& p, int8_t* output, int begin,
                        int end, const int8_t* const* rows) {
  const ConvLoop L = conv_loop_of(shape, v.nr, qs8_block_bytes_of(v));
  const Conv2dShape& s = L.s;
  const int taps = L.taps, pixels = L.pixels;
  const size_t block = qs8_conv_block_bytes(s, v.nr, v.kr);
  const char* base = static_cast<const char*>(packed);
  const char* zero = base + L.blocks * block;
  const char* in = reinterpret_cast<const char*>(input);
  const char* stack[kMaxConvTaps * kMaxConvMr];
  auto tile_mr = [&](int p0) { return v.ukernel_m1 && pixels - p0 == 1 ? 1 : v.mr; };  // as f32
  // The tile's row pointers: from the prepared table, or built now on the stack.
  auto rows_of = [&](int p0) -> const char* const* {
    if (rows) return reinterpret_cast<const char* const*>(rows) + static_cast<size_t>(p0) * taps;
    fill_row_pointers(s, in, shape.in_c, zero, p0, tile_mr(p0), stack);
    return stack;
  };
  auto call = [&](int p0, int b, const char* const* a) {
    const size_t off = static_cast<size_t>(p0) * s.out_c + static_cast<size_t>(b) * v.nr;
    const bool one = tile_mr(p0) == 1;
    (one ? v.ukernel_m1 : v.ukernel)(
        std::min(v.mr, pixels - p0), std::min(v.nr, s.out_c - b * v.nr), taps, s.in_c,
        reinterpret_cast<const int8_t* const*>(a), base + b * block, output + off, s.out_c,
        p.residual ? p.residual + off : nullptr, p);
  };
  if (L.pixel_outer) {
    for (int p0 = begin * v.mr; p0 < std::min(pixels, end * v.mr); p0 += v.mr) {
      const char* const* a = rows_of(p0);
      for (int b = 0; b < L.blocks; ++b) call(p0, b, a);
    }
  } else {
    for (int b = begin; b < end; ++b)
      for (int p0 = 0; p0 < pixels; p0 += v.mr) call(p0, b, rows_of(p0));
  }
}

size_t qs8_conv_rows_size(const Qs8ConvVariant& v, const Conv2dShape& shape) {
  const ConvLoop L = conv_loop_of(shape, v.nr, qs8_block_bytes_of(v));
  return static_cast<size_t>((L.pixels + v.mr - 1) / v.mr) * v.mr * L.taps;
}

void qs8_conv_rows_build(const Qs8ConvVariant& v, const Conv2dShape& shape, const int8_t* input,
                         const void* packed, const int8_t** rows) {
  const ConvLoop L = conv_loop_of(shape, v.nr, qs8_block_bytes_of(v));
  const char* zero = static_cast<const char*>(packed) + L.blocks * qs8_conv_block_bytes(L.s, v.nr, v.kr);
  auto** out = reinterpret_cast<const char**>(rows);
  for (int p0 = 0; p0 < L.pixels; p0 += v.mr) {
    const int mr = v.ukernel_m1 && L.pixels - p0 == 1 ? 1 : v.mr;  // tile_mr of the run
    fill_row_pointers(L.s, reinterpret_cast<const char*>(input), shape.in_c, zero, p0, mr,
                      out + static_cast<size_t>(p0) * L.taps);
  }
}

void qs8_conv_run(const Qs8ConvVariant& v, const Conv2dShape& shape, const int8_t* input,
                  const void* packed, const Qs8ConvParams& p, int8_t* output) {
  qs8_conv_run_range(v, shape, input, packed, p, output, 0, qs8_conv_outer_count(v, shape));
}

}  // namespace fg
