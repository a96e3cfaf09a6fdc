// Dense 2-D convolution (and 1x1 conv = fully connected), f32 and qs8, NHWC batch 1.
//
// Contract (all variants):
// - Shape: Conv2dShape from kernels/common/op_shapes.h with depthwise == false. Input
//   [in_h][in_w][in_c], output [out_h][out_w][out_c], dense, no row padding. Padding is
//   explicit (pad_top/pad_left; whatever lies past the bottom/right edge is padding too).
// - Method: implicit GEMM. M = output pixels (linear index oy*out_w+ox, a tile may wrap a
//   row), N = out_c, K = kernel_h*kernel_w taps x in_c. For every MR-pixel tile the driver
//   computes MR*taps row pointers (padding taps point at a zero-point row stored in the
//   packed buffer), so the micro-kernel needs no bounds checks and nothing is copied.
// - Packing: `*_conv_pack` runs once (prepare time) into a buffer the caller owns, sized by
//   `*_conv_packed_size`, for one variant's NR (the tile width; see conv_variants.h). Run
//   functions do not allocate and cannot fail; `*_conv_check` validates first.
//   f32 packed: per block of NR output channels: bias[NR], then w[tap][in_c][NR] (channels
//     past out_c are zero); then one zero row of in_c floats.
//   qs8 packed: per block of NR channels: bias_s[NR] (int32, bias - zx*sum(w)),
//     bias_u[NR] (int32, bias - (zx+128)*sum(w), for kernels that feed activations as
//     u8 = x+128 to vpdpbusd), scale[NR] (f32 requant scale), then
//     w[tap][in_c4/4][NR][4] int8 (in_c4 = in_c rounded up to 4, extra k are zero);
//     then one row of in_c4 bytes all equal to the input zero point (the padding value).
//   qs8 packed with kr = 16 (the 8-bit multiply pair kernels, *c16*): the same block header,
//     then per tap the k in groups of 16, w[group][NR][16] int8; in_c is rounded up to 8 and
//     the last group is w[NR][8] when in_c % 16 is in (0, 8]; the padding row is in_c8 bytes.
//     Weights must lie in [-127, 127] (a pair of int8 products then fits int16): the pack
//     rejects -128, and qs8_conv_pick_for (conv_variants.h) skips such variants for it.
// - Reads past the end: qs8 kernels read activations 4 (c16: 8 or 16; neondot: 16) bytes at
//   a time, so they read up to 3 (c16: 7; neondot: 15) bytes past a pixel (the values meet
//   zero weights or unused lanes). The input buffer must therefore stay readable
//   kConvInputOverreadBytes past its end; the packed padding row has the same slack.
// - Alignment: none required (unaligned loads); 64-byte aligned buffers are faster.
// - Residual: optional tensor with the output's shape added before the activation
//   (the recognition net's relu(conv2(y) + x)).
//
// qs8 arithmetic (the rounding rule, identical in every variant; see docs/kernels.md):
//   acc = bias[oc] + sum (x - zx) * w                         (exact int32)
//   v   = float(acc) * scale[oc]                              (scale = sx*sw[oc]/sy)
//   v   = v + float(r - zr) * residual_scale                  (only with a residual)
//   v   = min(max(v, output_min - zy), output_max - zy)       (f32 clamp, exact bounds)
//   y   = int(round_half_even(v)) + zy
// Float ops are done one at a time in this order (no fused multiply-add), so SIMD and
// scalar results are bit-identical.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/op_shapes.h"
#include "kernels/common/qs8_rounding.h"
#include "runtime/base/status.h"

namespace fg {

constexpr size_t kConvInputOverreadBytes = 16;

// Validates a dense conv shape (sizes positive, output size consistent with the input,
// kernel, stride and padding).
Status conv_check(const Conv2dShape& s);

size_t f32_conv_packed_size(const Conv2dShape& s, int nr);  // in floats
// weights HWIO [kh][kw][in_c][out_c], bias [out_c] or null.
void f32_conv_pack(const Conv2dShape& s, int nr, const float* weights, const float* bias,
                   float* packed);

// True when no weight is -128 (the c16 layout's precondition, see above).
bool qs8_conv_weights_fit_pairs(const int8_t* weights, size_t n);
// kr = the variant's k-group (Qs8ConvVariant::kr): 4 (c4) or 16 (c16).
size_t qs8_conv_packed_size(const Conv2dShape& s, int nr, int kr = 4);  // in bytes
// weights HWIO int8, bias int32 [out_c] (in units of sx*sw[oc]) or null.
Status qs8_conv_pack(const Conv2dShape& s, int nr, const int8_t* weights, const int32_t* bias,
                     const Qs8ConvQuant& q, void* packed, int kr = 4);

// Micro-kernels: one MR x NR output tile. `a` holds taps*MR row pointers, tap-major
// (a[t*MR + m]); rows m >= mr repeat a valid pointer and are computed but not stored.
// `w` points at a channel block of the packed buffer; nc <= NR channels are stored, at
// c + m*c_stride (elements). `res` is the residual at the same place as c, or null.
using F32ConvUkernel = void (*)(int mr, int nc, int taps, int kc, const float* const* a,
                                const float* w, float* c, size_t c_stride, const float* res,
                                const F32ConvParams& p);
using Qs8ConvUkernel = void (*)(int mr, int nc, int taps, int kc, const int8_t* const* a,
                                const void* w, int8_t* c, size_t c_stride, const int8_t* res,
                                const Qs8ConvParams& p);

struct F32ConvVariant;
struct Qs8ConvVariant;
// The tile loop shared by every variant (conv_driver.cc), on one thread.
void f32_conv_run(const F32ConvVariant& v, const Conv2dShape& s, const float* input,
                  const float* packed, const F32ConvParams& p, float* output);
void qs8_conv_run(const Qs8ConvVariant& v, const Conv2dShape& s, const int8_t* input,
                  const void* packed, const Qs8ConvParams& p, int8_t* output);

// The same loop cut for threads. Its outer dimension is the pixel tiles (MR pixels each),
// or the channel blocks (NR channels each) when the packed weights are too large for L2;
// `*_conv_outer_count` says how many there are, and `*_conv_run_range` computes the outputs
// of outer items [begin, end). Ranges are independent (disjoint outputs, row pointers on
// the caller's stack), tile boundaries stay multiples of MR from pixel 0, and each output
// gets the same micro-kernel call as in the single-thread loop, so any split of
// [0, count) into ranges gives bit-identical results. *_conv_run = the range [0, count).
int f32_conv_outer_count(const F32ConvVariant& v, const Conv2dShape& s);
void f32_conv_run_range(const F32ConvVariant& v, const Conv2dShape& s, const float* input,
                        const float* packed, const F32ConvParams& p, float* output, int begin,
                        int end);
int qs8_conv_outer_count(const Qs8ConvVariant& v, const Conv2dShape& s);
// `rows`: null (each tile's row pointers are built on the stack as it runs), or the table of
// qs8_conv_rows_build for this very `input` and `packed` (the indirection buffer: built once
// at prepare for the arena's input address, it removes the per-run pointer arithmetic).
void qs8_conv_run_range(const Qs8ConvVariant& v, const Conv2dShape& s, const int8_t* input,
                        const void* packed, const Qs8ConvParams& p, int8_t* output, int begin,
                        int end, const int8_t* const* rows = nullptr);
// Pointers in the table: tiles x taps x MR (tile-major, each tile laid out as in the run).
size_t qs8_conv_rows_size(const Qs8ConvVariant& v, const Conv2dShape& s);
void qs8_conv_rows_build(const Qs8ConvVariant& v, const Conv2dShape& s, const int8_t* input,
                         const void* packed, const int8_t** rows);

}  // namespace fg
