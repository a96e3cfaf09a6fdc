// qs8 table lookup (kernels/eltwise/lut.h), every variant against the scalar twin: all 256
// inputs, for the leaky ReLU tables of several parameter sets (built exactly as
// qs8_conv_setup builds them) and a random table, at lengths that hit every tail.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "kernels/eltwise/lut.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

// The leaky table of runtime/core/quantize_ops.cc for an output quantization and alpha.
std::vector<int8_t> leaky_table(QuantParams y, float alpha) {
  const float lo = y.scale * static_cast<float>(-128 - y.zero_point);
  const float hi = y.scale * static_cast<float>(127 - y.zero_point);
  const QuantParams mid = quant_params_for_range(std::min(lo, 0.f) / alpha, hi);
  std::vector<int8_t> t(256);
  for (int q = -128; q <= 127; ++q) {
    const float r = qs8_dequantize_value(static_cast<int8_t>(q), mid);
    t[q + 128] = qs8_quantize_value(r < 0.f ? r * alpha : r, y);
  }
  return t;
}

TEST_CASE("qs8 lut variants: every input, every tail, bit-exact with the table") {
  std::vector<std::vector<int8_t>> tables;
  for (float alpha : {0.1f, 0.2f, 0.01f, 0.5f})
    for (QuantParams y : {QuantParams{0.05f, -20}, QuantParams{0.3f, -128}, QuantParams{0.01f, 127},
                          QuantParams{1.f / 255, 0}})
      tables.push_back(leaky_table(y, alpha));
  std::mt19937 rng(7);
  std::vector<int8_t> rnd(256);
  for (auto& e : rnd) e = static_cast<int8_t>(rng());
  tables.push_back(rnd);
  // A leaky table is not the identity (the test would pass on a copy otherwise).
  int moved = 0;
  for (int q = -128; q <= 127; ++q) moved += tables[0][q + 128] != q;
  CHECK(moved > 50);

  for (const Qs8LutVariant& v : qs8_lut_variants()) {
    if (!cpu_has_isa(v.isa)) {
      MESSAGE("skipping " << std::string(v.name) << ": CPU lacks " << std::string(isa_name(v.isa)));
      continue;
    }
    for (const std::vector<int8_t>& t : tables) {
      // 256 inputs twice over (every value in every vector lane position), then short tails.
      for (size_t n : {size_t{512}, size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17},
                       size_t{31}, size_t{33}, size_t{47}, size_t{300}}) {
        std::vector<int8_t> x(n + 16);
        for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int8_t>((i * 37 + n) & 255);
        if (n == 512)
          for (size_t i = 0; i < n; ++i) x[i] = static_cast<int8_t>(i);
        std::vector<int8_t> want = x, got = x;
        qs8_lut__scalar(t.data(), n, want.data());
        v.ukernel(t.data(), n, got.data());
        int bad = 0;
        for (size_t i = 0; i < x.size(); ++i)
          if (got[i] != want[i] && bad++ < 3)
            FAIL_CHECK(std::string(v.name) << " n=" << n << " [" << i << "] x=" << int(x[i])
                                           << " got " << int(got[i]) << " want " << int(want[i]));
        CHECK(bad == 0);  // includes the 16 guard bytes past n: untouched
      }
      for (int q = -128; q <= 127; ++q) {  // and the scalar twin is the table itself
        int8_t e = static_cast<int8_t>(q);
        qs8_lut__scalar(t.data(), 1, &e);
        CHECK(e == t[q + 128]);
      }
    }
  }
}

}  // namespace
}  // namespace fg
