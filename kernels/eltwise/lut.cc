// qs8 table lookup: the scalar twin and the variant list (contract in lut.h).
#include "kernels/eltwise/lut.h"

namespace fg {
namespace {

const Qs8LutVariant kLut[] = {
#if defined(__aarch64__)  // 4-register tbl/tbx exist on aarch64 only
    {"qs8_lut_c32__neon", Isa::kNeon, qs8_lut_c32__neon},
#endif
    {"qs8_lut__scalar", Isa::kScalar, qs8_lut__scalar},
};

}  // namespace

VariantList<Qs8LutVariant> qs8_lut_variants() { return kLut; }
const Qs8LutVariant& qs8_lut_pick() { return pick_variant(kLut); }

void qs8_lut__scalar(const int8_t* table, size_t n, int8_t* y) {
  for (size_t i = 0; i < n; ++i) y[i] = table[static_cast<int32_t>(y[i]) + 128];
}

}  // namespace fg
