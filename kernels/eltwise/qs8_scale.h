// qs8 per-channel rescale: the int8 PReLU and the squeeze-excite channel multiply
// (runtime/core/quantize_ops.h gives the formula and the multipliers). For i < n:
//   d = x[i] - zx;  m = d > 0 ? pos[i] : neg[i];  m = hi * 2^16 + lo
//   y[i] = clamp(zy + ((d * m + 2^15) >> 16), -128, 127)
// The multipliers come split in two int16 halves (qs8_scale_split: |m| < 2^23, so
// |hi| <= 128 and lo in [-2^15, 2^15)) because then every product is a 16-bit lane op:
//   (d*m + 2^15) >> 16 = d*hi + ((d*lo + 2^15) >> 16)     (2^16 d hi has no low bits)
// and |d*hi| <= 255 * 128 fits int16, (d*lo + 2^15) >> 16 is mulhi + the top bit of mullo
// (AVX2) or one rounding narrow of a 32-bit product (NEON). Integer only: every variant is
// bit-identical to the scalar twin and to quantize_ops.h's int32 loop. The int32 tables
// cost 9 bytes of loads per value; these 16 lanes per vector op instead of 8 (AVX2).
// Tables are indexed by i: the caller tiles per-channel values to a period of whole pixels
// (qs8_scale_tile_period) and runs the tensor in spans of it (qs8_scale_run). n any size (tails
// done exactly, nothing read or written past x + n, y + n, tables + n); no alignment; no
// allocation; y may equal x.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/variant_list.h"

namespace fg {

struct Qs8ScaleParams {
  const int16_t* pos_hi;  // multipliers for d > 0
  const int16_t* pos_lo;
  const int16_t* neg_hi;  // for d <= 0 (may equal pos_*: the channel multiply)
  const int16_t* neg_lo;
  int32_t zx, zy;  // in [-128, 127]
};

using Qs8ScaleUkernel = void (*)(size_t n, const int8_t* x, const Qs8ScaleParams& p, int8_t* y);
struct Qs8ScaleVariant { const char* name; Isa isa; Qs8ScaleUkernel ukernel; };

VariantList<Qs8ScaleVariant> qs8_scale_variants();
const Qs8ScaleVariant& qs8_scale_pick();

// m in [-(2^23 - 1), 2^23 - 1] (qs8_q16_multiplier saturates there).
void qs8_scale_split(int32_t m, int16_t* hi, int16_t* lo);
// A period of whole pixels, >= 256 values, a multiple of 16 when that costs <= 2048 values
// (so the vector loop has no tail inside a span); <= 2048 for channels <= 1024.
size_t qs8_scale_tile_period(size_t channels);
constexpr size_t kQs8ScaleMaxPeriod = 2048;
// n values (whole pixels) in spans of `period`: tables hold `period` tiled values.
void qs8_scale_run(const Qs8ScaleVariant& v, size_t n, size_t period, const int8_t* x,
                   const Qs8ScaleParams& p, int8_t* y);

void qs8_scale__scalar(size_t n, const int8_t* x, const Qs8ScaleParams& p, int8_t* y);
void qs8_scale_c16__avx2(size_t n, const int8_t* x, const Qs8ScaleParams& p, int8_t* y);
void qs8_scale_c16__neon(size_t n, const int8_t* x, const Qs8ScaleParams& p, int8_t* y);

}  // namespace fg
