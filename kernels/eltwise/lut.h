// qs8 256-entry table lookup, in place: y[i] = table[y[i] + 128]. The int8 leaky ReLU is this
// (the table maps the conv's intermediate quantization to the output's, built once at
// prepare by runtime/core/quantize_ops.cc), so every variant is bit-identical to the scalar
// twin by construction: a lookup has no rounding. n any size (tails done exactly, nothing
// read or written past y + n); no alignment; no allocation.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kernels/common/variant_list.h"

namespace fg {

using Qs8LutUkernel = void (*)(const int8_t* table, size_t n, int8_t* y);
struct Qs8LutVariant { const char* name; Isa isa; Qs8LutUkernel ukernel; };

VariantList<Qs8LutVariant> qs8_lut_variants();
const Qs8LutVariant& qs8_lut_pick();

void qs8_lut__scalar(const int8_t* table, size_t n, int8_t* y);
void qs8_lut_c32__neon(const int8_t* table, size_t n, int8_t* y);  // aarch64 tbl/tbx

}  // namespace fg
