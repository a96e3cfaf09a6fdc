// Depthwise 2-D convolution (multiplier 1), f32 and qs8, NHWC batch 1.
//
// Contract: Conv2dShape with depthwise == true (out_c == in_c = c). Weights HWIO
// [kh][kw][c] as TF stores them. Padding explicit as in the reference.
// Packed (by *_dwconv_pack, once; c_pad = c rounded up to 16, padded lanes are zero):
//   f32: bias[c_pad], w[tap][c_pad], then a zero row of c_pad floats.
//   qs8: bias_s[c_pad] int32 (bias - zx * sum_taps w), scale[c_pad] f32 (sx*sw/sy),
//        w[tap][c_pad] int8, then a row of c_pad bytes equal to zx (the padding value).
// Run: for each output row the driver hands the run of pixels whose windows lie wholly
// inside the input to the row micro-kernel in one call (tap pointers of the first pixel and
// the byte step between pixels; the kernel advances them). Pixels whose windows touch the
// padding (edge columns, and whole rows at the top and bottom) go one at a time to the
// pixel micro-kernel, with padded taps pointed at the padding row, so neither kernel needs
// bounds checks. Both sum the taps in the same order, so the split never changes a result. Loads past channel c are masked: no
// bytes are read past any buffer. No allocation in run. The qs8 rounding rule is the one
// of kernels/common/qs8_rounding.h (conv and dwconv share Qs8ConvQuant / Qs8ConvParams).
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/op_shapes.h"
#include "kernels/common/qs8_rounding.h"
#include "runtime/base/status.h"
#include "kernels/common/variant_list.h"

namespace fg {

constexpr int kDwconvChannelTile = 16;

Status dwconv_check(const Conv2dShape& s);

size_t f32_dwconv_packed_size(const Conv2dShape& s);  // floats
void f32_dwconv_pack(const Conv2dShape& s, const float* weights, const float* bias,
                     float* packed);
size_t qs8_dwconv_packed_size(const Conv2dShape& s);  // bytes
Status qs8_dwconv_pack(const Conv2dShape& s, const int8_t* weights, const int32_t* bias,
                       const Qs8ConvQuant& q, void* packed);

// One output pixel: all c channels over `taps` row pointers a[t]. c_pad = packed stride.
using F32DwconvUkernel = void (*)(int c, int c_pad, int taps, const float* const* a,
                                  const float* packed, float* out, const float* res,
                                  const F32ConvParams& p);
using Qs8DwconvUkernel = void (*)(int c, int c_pad, int taps, const int8_t* const* a,
                                  const void* packed, int8_t* out, const int8_t* res,
                                  const Qs8ConvParams& p);

// A run of n output pixels of one row, windows wholly inside the input: a[t] = tap t of the
// first pixel; pixel i reads a[t] + i * step bytes and writes out + i * c (res likewise).
using F32DwconvRowUkernel = void (*)(int n, size_t step, int c, int c_pad, int taps,
                                     const float* const* a, const float* packed, float* out,
                                     const float* res, const F32ConvParams& p);
using Qs8DwconvRowUkernel = void (*)(int n, size_t step, int c, int c_pad, int taps,
                                     const int8_t* const* a, const void* packed, int8_t* out,
                                     const int8_t* res, const Qs8ConvParams& p);

struct F32DwconvVariant { const char* name; Isa isa; F32DwconvUkernel ukernel; F32DwconvRowUkernel row; };
// pairs: adds two taps' int8 products in int16, so no weight may be -128 (qs8_dwconv_pick_for).
struct Qs8DwconvVariant { const char* name; Isa isa; Qs8DwconvUkernel ukernel; Qs8DwconvRowUkernel row; bool pairs = false; };

// The one variant list per dtype (best first) and dispatch.
VariantList<F32DwconvVariant> f32_dwconv_variants();
VariantList<Qs8DwconvVariant> qs8_dwconv_variants();
const F32DwconvVariant& f32_dwconv_pick();
const Qs8DwconvVariant& qs8_dwconv_pick();
// The best variant for these HWIO weights: skips pair variants when a weight is -128.
const Qs8DwconvVariant& qs8_dwconv_pick_for(const int8_t* weights, size_t n);

void f32_dwconv_run(const F32DwconvVariant& v, const Conv2dShape& s, const float* input,
                    const float* packed, const F32ConvParams& p, float* output);
void qs8_dwconv_run(const Qs8DwconvVariant& v, const Conv2dShape& s, const int8_t* input,
                    const void* packed, const Qs8ConvParams& p, int8_t* output);

void f32_dwconv_c16__scalar(int c, int c_pad, int taps, const float* const* a,
                            const float* packed, float* out, const float* res,
                            const F32ConvParams& p);
void f32_dwconv_c16__avx512(int c, int c_pad, int taps, const float* const* a,
                            const float* packed, float* out, const float* res,
                            const F32ConvParams& p);
void f32_dwconv_c16__avx2(int c, int c_pad, int taps, const float* const* a,
                          const float* packed, float* out, const float* res,
                          const F32ConvParams& p);
void f32_dwconv_c16__neon(int c, int c_pad, int taps, const float* const* a,
                          const float* packed, float* out, const float* res,
                          const F32ConvParams& p);
void qs8_dwconv_c16__scalar(int c, int c_pad, int taps, const int8_t* const* a,
                            const void* packed, int8_t* out, const int8_t* res,
                            const Qs8ConvParams& p);
void qs8_dwconv_c16__avx512(int c, int c_pad, int taps, const int8_t* const* a,
                            const void* packed, int8_t* out, const int8_t* res,
                            const Qs8ConvParams& p);
void qs8_dwconv_c16__avx2(int c, int c_pad, int taps, const int8_t* const* a,
                          const void* packed, int8_t* out, const int8_t* res,
                          const Qs8ConvParams& p);
void qs8_dwconv_c16__neon(int c, int c_pad, int taps, const int8_t* const* a,
                          const void* packed, int8_t* out, const int8_t* res,
                          const Qs8ConvParams& p);

void qs8_dwconv_c16pair__neon(int c, int c_pad, int taps, const int8_t* const* a,
                              const void* packed, int8_t* out, const int8_t* res,
                              const Qs8ConvParams& p);
void qs8_dwconv_row_c16pair__neon(int n, size_t step, int c, int c_pad, int taps,
    const int8_t* const* a, const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p);

void f32_dwconv_row_c16__scalar(int n, size_t step, int c, int c_pad, int taps,
    const float* const* a, const float* packed, float* out, const float* res, const F32ConvParams& p);
void f32_dwconv_row_c16__avx512(int n, size_t step, int c, int c_pad, int taps,
    const float* const* a, const float* packed, float* out, const float* res, const F32ConvParams& p);
void f32_dwconv_row_c16__avx2(int n, size_t step, int c, int c_pad, int taps,
    const float* const* a, const float* packed, float* out, const float* res, const F32ConvParams& p);
void f32_dwconv_row_c16__neon(int n, size_t step, int c, int c_pad, int taps,
    const float* const* a, const float* packed, float* out, const float* res, const F32ConvParams& p);
void qs8_dwconv_row_c16__scalar(int n, size_t step, int c, int c_pad, int taps,
    const int8_t* const* a, const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p);
void qs8_dwconv_row_c16__avx512(int n, size_t step, int c, int c_pad, int taps,
    const int8_t* const* a, const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p);
void qs8_dwconv_row_c16__avx2(int n, size_t step, int c, int c_pad, int taps,
    const int8_t* const* a, const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p);
void qs8_dwconv_row_c16__neon(int n, size_t step, int c, int c_pad, int taps,
    const int8_t* const* a, const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p);

}  // namespace fg
