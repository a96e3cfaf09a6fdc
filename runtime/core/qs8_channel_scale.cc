// qs8_channel_scale_run (quantize_ops.h): integer only, in its own file because quantize_ops.cc
// includes strict_fp.h, whose `#pragma GCC optimize` drops -O3's loop vectoriser for the
// whole file (this loop ran scalar there: 1.5x slower than a table lookup).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {
// restrict, and both multipliers loaded (a select, not a branch): the compiler vectorises.
// x86-64's baseline (SSE2) has no 32-bit lane multiply: an AVX2 clone too, picked at load time
// by the loader (GCC target_clones). Integer arithmetic: every clone gives the same bytes.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void scale_span(size_t n, const int8_t* __restrict x, int32_t zx, const int32_t* __restrict pos,
                const int32_t* __restrict neg, int32_t zy, int8_t* __restrict y) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t d = static_cast<int32_t>(x[i]) - zx;
    const int32_t mp = pos[i], mn = neg[i];
    const int32_t m = d > 0 ? mp : mn;
    int32_t v = zy + ((d * m + 32768) >> 16);  // arithmetic shift: round half up
    v = v < -128 ? -128 : v;
    v = v > 127 ? 127 : v;
    y[i] = static_cast<int8_t>(v);
  }
}
}  // namespace

size_t qs8_scale_period(size_t channels) { return channels * ((kQs8ScaleSpan + channels - 1) / channels); }

void qs8_scale_tile(const int32_t* m, size_t channels, int32_t* tiled) {
  const size_t period = qs8_scale_period(channels);
  for (size_t i = 0; i < period; i += channels) std::copy(m, m + channels, tiled + i);
}

void qs8_channel_scale_run(size_t n, size_t period, const int8_t* x, int32_t zx, const int32_t* pos,
                           const int32_t* neg, int32_t zy, int8_t* y) {
  for (size_t i = 0; i < n; i += period) scale_span(std::min(period, n - i), x + i, zx, pos, neg, zy, y + i);
}

}  // namespace fg
