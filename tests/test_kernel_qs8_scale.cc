// qs8 per-channel rescale (kernels/eltwise/qs8_scale.h): the split tables recombine to the
// multiplier, the scalar twin equals runtime/core's int32 loop, and every variant equals the
// twin: every input value against every zero point pair at the extreme multipliers, random
// tables at lengths that hit every tail, PReLU (pos != neg) and channel multiply (pos == neg).
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "doctest/doctest.h"
#include "kernels/eltwise/qs8_scale.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

constexpr int32_t kMaxM = 8388607;  // qs8_q16_multiplier's saturation

struct Tables {
  std::vector<int32_t> pos, neg;
  std::vector<int16_t> ph, pl, nh, nl;
  explicit Tables(size_t n) : pos(n), neg(n), ph(n), pl(n), nh(n), nl(n) {}
  void split() {
    for (size_t i = 0; i < pos.size(); ++i) {
      qs8_scale_split(pos[i], &ph[i], &pl[i]);
      qs8_scale_split(neg[i], &nh[i], &nl[i]);
    }
  }
  Qs8ScaleParams params(int32_t zx, int32_t zy, bool same) const {
    if (same) return {ph.data(), pl.data(), ph.data(), pl.data(), zx, zy};
    return {ph.data(), pl.data(), nh.data(), nl.data(), zx, zy};
  }
};

int32_t random_multiplier(std::mt19937& rng) {
  switch (rng() % 4) {
    case 0: return static_cast<int32_t>(rng() % (2 * kMaxM + 1)) - kMaxM;  // any
    case 1: return static_cast<int32_t>(rng() % 131072) - 65536;          // ratios around 1
    case 2: return static_cast<int32_t>(rng() % 65536);                   // alpha < 1
    default: {
      const int32_t e[] = {kMaxM, -kMaxM, 0, 1, -1, 32767, 32768, -32768, -32769, 65536, 65535, -65536};
      return e[rng() % 12];
    }
  }
}

void check_variant(const Qs8ScaleVariant& v, size_t n, const int8_t* x, const Qs8ScaleParams& p,
                   const char* what) {
  std::vector<int8_t> want(n + 32, 0x5a), got(n + 32, 0x5a);
  qs8_scale__scalar(n, x, p, want.data());
  v.ukernel(n, x, p, got.data());
  size_t bad = 0, first = n + 32;
  for (size_t i = 0; i < n + 32; ++i)
    if (want[i] != got[i]) bad++, first = first < i ? first : i;
  INFO(std::string(v.name) << " " << what << " n=" << n << " zx=" << p.zx << " zy=" << p.zy << " first bad " << first);
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("qs8 scale split: hi * 2^16 + lo is the multiplier, both halves in int16 range") {
  std::mt19937 rng(3);
  for (int k = 0; k < 100000; ++k) {
    const int32_t m = k < 12 ? random_multiplier(rng) : static_cast<int32_t>(rng() % (2 * kMaxM + 1)) - kMaxM;
    int16_t hi = 0, lo = 0;
    qs8_scale_split(m, &hi, &lo);
    REQUIRE(hi * 65536 + lo == m);
    REQUIRE(hi >= -128);
    REQUIRE(hi <= 128);
  }
  for (int32_t m : {kMaxM, -kMaxM}) {
    int16_t hi = 0, lo = 0;
    qs8_scale_split(m, &hi, &lo);
    CHECK(hi * 65536 + lo == m);
  }
}

TEST_CASE("qs8 scale period: whole pixels, >= 256, a multiple of 16 when small, bounded") {
  for (size_t c = 1; c <= 1024; ++c) {
    const size_t p = qs8_scale_tile_period(c);
    INFO("channels " << c);
    REQUIRE(p % c == 0);
    REQUIRE(p >= 256);
    REQUIRE(p <= kQs8ScaleMaxPeriod);
    if (c / std::gcd(c, size_t{16}) * 16 <= kQs8ScaleMaxPeriod) REQUIRE(p % 16 == 0);
  }
  CHECK(qs8_scale_tile_period(13) == 416);
  CHECK(qs8_scale_tile_period(64) == 256);
}

TEST_CASE("qs8 scale scalar twin equals runtime/core's int32 loop (the reference backend)") {
  std::mt19937 rng(11);
  for (size_t channels : {size_t{1}, size_t{13}, size_t{26}, size_t{64}, size_t{103}}) {
    const size_t period = qs8_scale_tile_period(channels);
    const size_t n = channels * 37;
    Tables t(period);
    for (size_t c = 0; c < channels; ++c) {
      const int32_t mp = random_multiplier(rng), mn = random_multiplier(rng);
      for (size_t i = c; i < period; i += channels) t.pos[i] = mp, t.neg[i] = mn;
    }
    t.split();
    std::vector<int8_t> x(n), want(n), got(n);
    for (auto& e : x) e = static_cast<int8_t>(rng());
    for (int32_t zx : {-128, -3, 0, 127})
      for (int32_t zy : {-128, 5, 127}) {
        // any period of whole pixels gives the same result: the int32 loop runs on ours
        qs8_channel_scale_run(n, period, x.data(), zx, t.pos.data(), t.neg.data(), zy, want.data());
        qs8_scale_run(qs8_scale_variants()[qs8_scale_variants().size() - 1], n, period, x.data(),
                      t.params(zx, zy, false), got.data());
        CHECK(want == got);
      }
  }
}

TEST_CASE("qs8 scale variants: bit-exact with the scalar twin") {
  std::mt19937 rng(5);
  const size_t kN = 2048;
  std::vector<int8_t> x(kN + 32);
  for (const Qs8ScaleVariant& v : qs8_scale_variants()) {
    if (!cpu_has_isa(v.isa)) {
      MESSAGE("skipping " << std::string(v.name) << ": CPU lacks " << std::string(isa_name(v.isa)));
      continue;
    }
    // Every input value in every lane position, at the extreme multipliers, every zero point
    // corner: the int16 intermediate sums reach +-32640 here.
    for (int32_t m : {kMaxM, -kMaxM, 65536, 65535, 32768, -32769, 0, 1}) {
      Tables t(kN);
      for (size_t i = 0; i < kN; ++i) t.pos[i] = m, t.neg[i] = (i & 1) ? -m : m / 3;
      t.split();
      for (size_t i = 0; i < kN; ++i) x[i] = static_cast<int8_t>(i * 7 + (i >> 8));
      for (int32_t zx : {-128, -1, 0, 127})
        for (int32_t zy : {-128, 0, 127})
          for (bool same : {false, true}) check_variant(v, kN, x.data(), t.params(zx, zy, same), "extreme");
    }
    // Random tables, every tail length.
    for (int rep = 0; rep < 40; ++rep) {
      Tables t(kN);
      for (size_t i = 0; i < kN; ++i) t.pos[i] = random_multiplier(rng), t.neg[i] = random_multiplier(rng);
      t.split();
      for (auto& e : x) e = static_cast<int8_t>(rng());
      const int32_t zx = static_cast<int32_t>(rng() % 256) - 128, zy = static_cast<int32_t>(rng() % 256) - 128;
      for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{31}, size_t{33},
                       size_t{255}, size_t{416}, size_t{2048}})
        for (bool same : {false, true}) check_variant(v, n, x.data(), t.params(zx, zy, same), "random");
    }
    // In place (y == x), as the native backend never does but the contract allows.
    Tables t(100);
    for (size_t i = 0; i < 100; ++i) t.pos[i] = random_multiplier(rng), t.neg[i] = random_multiplier(rng);
    t.split();
    std::vector<int8_t> a(100), want(100);
    for (auto& e : a) e = static_cast<int8_t>(rng());
    qs8_scale__scalar(100, a.data(), t.params(3, -7, false), want.data());
    v.ukernel(100, a.data(), t.params(3, -7, false), a.data());
    CHECK(a == want);
  }
}

}  // namespace fg
