// Element-wise add with zero extension, f32 and qs8, NHWC batch 1 (AddShape of the
// reference): an input smaller than the output in h, w or c reads as zero (qs8: as its
// zero point) outside its extent — the recognition net's "zero-pad then add" shortcut.
// f32: out = act(a + b). qs8: the rounding rule of kernels/common/qs8_rounding.h with
// a_scale = sa/sy, b_scale = sb/sy. Micro-kernels handle n channels where both inputs
// exist; the driver does the one-sided remainder. No reads past any extent, no allocation.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/op_shapes.h"
#include "kernels/common/qs8_rounding.h"
#include "kernels/common/variant_list.h"
#include "runtime/base/status.h"

namespace fg {

Status add_check(const AddShape& s);

using F32AddUkernel = void (*)(int n, const float* a, const float* b, float* out,
                               Activation act, float leaky_alpha);
using Qs8AddUkernel = void (*)(int n, const int8_t* a, const int8_t* b, int8_t* out,
                               const Qs8AddQuant& q);
struct F32AddVariant { const char* name; Isa isa; F32AddUkernel ukernel; };
struct Qs8AddVariant { const char* name; Isa isa; Qs8AddUkernel ukernel; };

VariantList<F32AddVariant> f32_add_variants();
VariantList<Qs8AddVariant> qs8_add_variants();
const F32AddVariant& f32_add_pick();
const Qs8AddVariant& qs8_add_pick();

void f32_add_run(const F32AddVariant& v, const AddShape& s, const float* a, const float* b,
                 Activation act, float leaky_alpha, float* output);
void qs8_add_run(const Qs8AddVariant& v, const AddShape& s, const int8_t* a, const int8_t* b,
                 const Qs8AddQuant& q, int8_t* output);

void f32_add__scalar(int n, const float* a, const float* b, float* out, Activation act, float alpha);
void f32_add_c8__avx2(int n, const float* a, const float* b, float* out, Activation act, float alpha);
void f32_add_c16__neon(int n, const float* a, const float* b, float* out, Activation act, float alpha);
void qs8_add__scalar(int n, const int8_t* a, const int8_t* b, int8_t* out, const Qs8AddQuant& q);
void qs8_add_c8__avx2(int n, const int8_t* a, const int8_t* b, int8_t* out, const Qs8AddQuant& q);
void qs8_add_c16__neon(int n, const int8_t* a, const int8_t* b, int8_t* out, const Qs8AddQuant& q);

// f32 -> qs8 quantize (an int8 graph's input), the steps of runtime/core/quantize_ops.cc in the
// same order: v = x / scale; clamp to [-128 - zp, 127 - zp]; NaN -> 0; round half to even
// by (v + 1.5*2^23) - 1.5*2^23; y = int(v) + zp. Bit-identical in every variant.
using Qs8QuantizeUkernel = void (*)(size_t n, const float* x, float scale, int32_t zero_point,
                                    int8_t* y);
struct Qs8QuantizeVariant { const char* name; Isa isa; Qs8QuantizeUkernel ukernel; };
VariantList<Qs8QuantizeVariant> qs8_quantize_variants();
const Qs8QuantizeVariant& qs8_quantize_pick();
void qs8_quantize__scalar(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
void qs8_quantize_c16__avx512(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
void qs8_quantize_c16__avx2(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);
void qs8_quantize_c16__neon(size_t n, const float* x, float scale, int32_t zero_point, int8_t* y);

}  // namespace fg
