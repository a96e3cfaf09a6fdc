// qs8 per-channel rescale: the scalar twin, the helpers and the variant list (qs8_scale.h).
#include "kernels/eltwise/qs8_scale.h"

#include <algorithm>
#include <numeric>

namespace fg {
namespace {

const Qs8ScaleVariant kScale[] = {
#if defined(__x86_64__)
    {"qs8_scale_c16__avx2", Isa::kAvx2, qs8_scale_c16__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"qs8_scale_c16__neon", Isa::kNeon, qs8_scale_c16__neon},
#endif
    {"qs8_scale__scalar", Isa::kScalar, qs8_scale__scalar},
};

}  // namespace

VariantList<Qs8ScaleVariant> qs8_scale_variants() { return kScale; }
const Qs8ScaleVariant& qs8_scale_pick() { return pick_variant(kScale); }

void qs8_scale_split(int32_t m, int16_t* hi, int16_t* lo) {
  const int32_t h = (m + 32768) >> 16;  // lo = m - h * 2^16 lands in [-2^15, 2^15)
  *hi = static_cast<int16_t>(h);
  *lo = static_cast<int16_t>(m - h * 65536);
}

size_t qs8_scale_tile_period(size_t channels) {
  const size_t lcm = channels / std::gcd(channels, size_t{16}) * 16;
  const size_t unit = lcm <= kQs8ScaleMaxPeriod ? lcm : channels;
  return unit * ((256 + unit - 1) / unit);
}

void qs8_scale_run(const Qs8ScaleVariant& v, size_t n, size_t period, const int8_t* x,
                   const Qs8ScaleParams& p, int8_t* y) {
  for (size_t i = 0; i < n; i += period) v.ukernel(std::min(period, n - i), x + i, p, y + i);
}

// The int32 formula of quantize_ops.h on the recombined multiplier: the oracle the SIMD
// variants are tested against.
void qs8_scale__scalar(size_t n, const int8_t* x, const Qs8ScaleParams& p, int8_t* y) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t d = static_cast<int32_t>(x[i]) - p.zx;
    const int32_t m = d > 0 ? p.pos_hi[i] * 65536 + p.pos_lo[i] : p.neg_hi[i] * 65536 + p.neg_lo[i];
    int32_t v = p.zy + ((d * m + 32768) >> 16);
    v = v < -128 ? -128 : v;
    v = v > 127 ? 127 : v;
    y[i] = static_cast<int8_t>(v);
  }
}

}  // namespace fg
