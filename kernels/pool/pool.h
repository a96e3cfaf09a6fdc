// 2-D max / average pooling, f32 and qs8, NHWC batch 1 (Pool2dShape of the reference).
// Padded cells never take part (max ignores them, average divides by the count of real
// cells: TF SAME). qs8: max keeps the input quantisation; average follows the rounding
// rule of kernels/common/qs8_rounding.h. The driver collects the real cells of an output
// pixel; micro-kernels see only valid row pointers (n >= 1), read c values from each
// (masked tails, nothing past the end) and need no allocation. For each output row, the
// run of pixels whose windows do not reach the left/right padding goes to the row kernel
// in one call (cells of the first pixel plus the byte step between pixels; the cells of
// such pixels differ only by that step, even where the top/bottom padding removes cells);
// the edge pixels go one at a time to the pixel kernel. Same cells, same order.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/op_shapes.h"
#include "kernels/common/qs8_rounding.h"
#include "kernels/common/variant_list.h"
#include "runtime/base/status.h"

namespace fg {

Status pool_check(const Pool2dShape& s);

using F32PoolUkernel = void (*)(PoolKind kind, int c, int n, const float* const* a, float* out);
using Qs8PoolUkernel = void (*)(PoolKind kind, int c, int n, const int8_t* const* a,
                                int8_t* out, const Qs8PoolQuant& q);
// m output pixels of one row: pixel j pools a[i] + j * step bytes, writes out + j * c.
using F32PoolRowUkernel = void (*)(PoolKind kind, int m, size_t step, int c, int n,
                                   const float* const* a, float* out);
using Qs8PoolRowUkernel = void (*)(PoolKind kind, int m, size_t step, int c, int n,
                                   const int8_t* const* a, int8_t* out, const Qs8PoolQuant& q);
struct F32PoolVariant { const char* name; Isa isa; F32PoolUkernel ukernel; F32PoolRowUkernel row; };
struct Qs8PoolVariant { const char* name; Isa isa; Qs8PoolUkernel ukernel; Qs8PoolRowUkernel row; };

VariantList<F32PoolVariant> f32_pool_variants();
VariantList<Qs8PoolVariant> qs8_pool_variants();
const F32PoolVariant& f32_pool_pick();
const Qs8PoolVariant& qs8_pool_pick();

void f32_pool_run(const F32PoolVariant& v, PoolKind kind, const Pool2dShape& s,
                  const float* input, float* output);
void qs8_pool_run(const Qs8PoolVariant& v, PoolKind kind, const Pool2dShape& s,
                  const int8_t* input, const Qs8PoolQuant& q, int8_t* output);

void f32_pool__scalar(PoolKind kind, int c, int n, const float* const* a, float* out);
void f32_pool_c8__avx2(PoolKind kind, int c, int n, const float* const* a, float* out);
void f32_pool_c16__avx512(PoolKind kind, int c, int n, const float* const* a, float* out);
void f32_pool_c16__neon(PoolKind kind, int c, int n, const float* const* a, float* out);
void qs8_pool__scalar(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                      const Qs8PoolQuant& q);
void qs8_pool_c8__avx2(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                       const Qs8PoolQuant& q);
void qs8_pool_c16__avx512(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                          const Qs8PoolQuant& q);
void qs8_pool_c16__neon(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                        const Qs8PoolQuant& q);

void f32_pool_row__scalar(PoolKind kind, int m, size_t step, int c, int n, const float* const* a,
    float* out);
void f32_pool_row_c8__avx2(PoolKind kind, int m, size_t step, int c, int n, const float* const* a,
    float* out);
void f32_pool_row_c16__avx512(PoolKind kind, int m, size_t step, int c, int n, const float* const* a,
    float* out);
void f32_pool_row_c16__neon(PoolKind kind, int m, size_t step, int c, int n, const float* const* a,
    float* out);
void qs8_pool_row__scalar(PoolKind kind, int m, size_t step, int c, int n, const int8_t* const* a,
    int8_t* out, const Qs8PoolQuant& q);
void qs8_pool_row_c8__avx2(PoolKind kind, int m, size_t step, int c, int n, const int8_t* const* a,
    int8_t* out, const Qs8PoolQuant& q);
void qs8_pool_row_c16__avx512(PoolKind kind, int m, size_t step, int c, int n, const int8_t* const* a,
    int8_t* out, const Qs8PoolQuant& q);
void qs8_pool_row_c16__neon(PoolKind kind, int m, size_t step, int c, int n, const int8_t* const* a,
    int8_t* out, const Qs8PoolQuant& q);

}  // namespace fg
