// Per-kernel GOP/s on the real layer shapes of the three nets (bench/shapes/*.txt), for
// every conv variant this CPU can run, plus "ALL" rows that run a net's whole dense-conv
// list (with repeat counts) and the machine's measured peak for context:
//   peak/f32_fma_*      independent FMA chains (2 ops per lane)
//   peak/qs8_vpdpbusd_* independent vpdpbusd chains (8 ops per int32 lane = 4 MACs)
// GOP/s counts 2 ops per multiply-accumulate. Run single-threaded (no pool here).
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/conv/conv.h"
#include "kernels/conv/conv_variants.h"
#include "runtime/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace fg {
namespace {

struct Layer {
  std::string name;
  Conv2dShape shape;
  int count;
  double macs() const {
    const Conv2dShape& s = shape;
    return double(s.out_h) * s.out_w * s.out_c * s.kernel_h * s.kernel_w * s.in_c;
  }
};

std::vector<Layer> load_shapes(const std::string& path) {
  std::vector<Layer> layers;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream in(line);
    Layer l;
    Conv2dShape& s = l.shape;
    s = Conv2dShape{};
    int k = 0, stride = 0;
    if (!(in >> l.name >> s.in_h >> s.in_w >> s.in_c >> s.out_h >> s.out_w >> s.out_c >> k >>
          stride >> s.pad_top >> s.pad_left >> l.count))
      continue;
    s.kernel_h = s.kernel_w = k;
    s.stride_h = s.stride_w = stride;
    if (conv_check(s).is_ok()) layers.push_back(l);
  }
  return layers;
}

// Buffers of one layer for one variant, packed once outside the timed loop.
struct F32Case {
  Conv2dShape s;
  std::vector<float> x, packed, y;
  F32Case(const F32ConvVariant& v, const Conv2dShape& shape) : s(shape) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> d(-1.f, 1.f);
    x.resize(size_t(s.in_h) * s.in_w * s.in_c + kConvInputOverreadBytes);
    std::vector<float> w(size_t(s.kernel_h) * s.kernel_w * s.in_c * s.out_c), b(s.out_c);
    for (auto& e : x) e = d(rng);
    for (auto& e : w) e = d(rng);
    for (auto& e : b) e = d(rng);
    packed.resize(f32_conv_packed_size(s, v.nr));
    f32_conv_pack(s, v.nr, w.data(), b.data(), packed.data());
    y.resize(size_t(s.out_h) * s.out_w * s.out_c);
  }
  void run(const F32ConvVariant& v) {
    F32ConvParams p;
    p.activation = Activation::kRelu;
    f32_conv_run(v, s, x.data(), packed.data(), p, y.data());
  }
};

struct Qs8Case {
  Conv2dShape s;
  std::vector<int8_t> x, y;
  std::vector<uint8_t> packed;
  Qs8Case(const Qs8ConvVariant& v, const Conv2dShape& shape) : s(shape) {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> d(-127, 127);
    x.resize(size_t(s.in_h) * s.in_w * s.in_c + kConvInputOverreadBytes);
    std::vector<int8_t> w(size_t(s.kernel_h) * s.kernel_w * s.in_c * s.out_c);
    for (auto& e : x) e = int8_t(d(rng));
    for (auto& e : w) e = int8_t(d(rng));
    std::vector<int32_t> b(s.out_c, 100);
    std::vector<float> sw(s.out_c, 0.01f);
    Qs8ConvQuant q;
    q.input_zero_point = -5, q.input_scale = 0.02f, q.weight_scales = sw.data();
    q.output_scale = 0.5f;
    packed.resize(qs8_conv_packed_size(s, v.nr));
    if (!qs8_conv_pack(s, v.nr, w.data(), b.data(), q, packed.data()).is_ok()) std::abort();
    y.resize(size_t(s.out_h) * s.out_w * s.out_c);
  }
  void run(const Qs8ConvVariant& v) {
    Qs8ConvParams p;
    p.output_zero_point = -128, p.output_min = -128;
    qs8_conv_run(v, s, x.data(), packed.data(), p, y.data());
  }
};

template <typename Variant, typename Case>
void register_net(const std::string& dtype, const std::string& net, const Variant& v,
                  const std::vector<Layer>& layers) {
  double total_macs = 0;
  for (const Layer& l : layers) {
    total_macs += l.macs() * l.count;
    const Layer layer = l;
    benchmark::RegisterBenchmark(
        (dtype + "_conv/" + net + "/" + l.name + "/" + v.name).c_str(),
        [layer, &v](benchmark::State& st) {
          Case c(v, layer.shape);
          for (auto _ : st) {
            c.run(v);
            benchmark::ClobberMemory();
          }
          st.counters["GOPS"] = benchmark::Counter(2 * layer.macs() * st.iterations() * 1e-9,
                                                   benchmark::Counter::kIsRate);
        })->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark(
      (dtype + "_conv/" + net + "/ALL/" + v.name).c_str(),
      [layers, total_macs, &v](benchmark::State& st) {
        std::vector<std::unique_ptr<Case>> cases;
        for (const Layer& l : layers) cases.emplace_back(new Case(v, l.shape));
        for (auto _ : st) {
          for (size_t i = 0; i < layers.size(); ++i)
            for (int r = 0; r < layers[i].count; ++r) cases[i]->run(v);
          benchmark::ClobberMemory();
        }
        st.counters["GOPS"] = benchmark::Counter(2 * total_macs * st.iterations() * 1e-9,
                                                 benchmark::Counter::kIsRate);
      })->Unit(benchmark::kMillisecond);
}

#if defined(__x86_64__)
// Peak loops: 12 independent accumulator chains hide the FMA/vpdpbusd latency.
constexpr int kPeakIters = 1 << 16;
__attribute__((target("avx512f"))) float peak_fma_avx512() {
  __m512 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_ps(float(i));
  const __m512 a = _mm512_set1_ps(1.0000001f), b = _mm512_set1_ps(0.9999999f);
  for (int it = 0; it < kPeakIters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_ps(s, acc[i]);
  return _mm512_reduce_add_ps(s);
}
__attribute__((target("avx2,fma"))) float peak_fma_avx2() {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(float(i));
  const __m256 a = _mm256_set1_ps(1.0000001f), b = _mm256_set1_ps(0.9999999f);
  for (int it = 0; it < kPeakIters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, acc[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}
__attribute__((target("avx512f,avx512vnni"))) int peak_dpbusd_avx512() {
  __m512i acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm512_set1_epi32(i);
  const __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (int it = 0; it < kPeakIters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
  __m512i s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm512_add_epi32(s, acc[i]);
  return _mm512_reduce_add_epi32(s);
}

template <typename Fn>
void register_peak(const char* name, Isa isa, double ops_per_iter, Fn fn) {
  if (!cpu_has_isa(isa)) return;
  benchmark::RegisterBenchmark(name, [=](benchmark::State& st) {
    for (auto _ : st) benchmark::DoNotOptimize(fn());
    st.counters["GOPS"] = benchmark::Counter(ops_per_iter * kPeakIters * 12 * st.iterations() * 1e-9,
                                             benchmark::Counter::kIsRate);
  })->Unit(benchmark::kMicrosecond);
}
#endif

void register_all() {
#if defined(__x86_64__)
  register_peak("peak/f32_fma_avx512", Isa::kAvx512, 32, peak_fma_avx512);
  register_peak("peak/f32_fma_avx2", Isa::kAvx2, 16, peak_fma_avx2);
  register_peak("peak/qs8_vpdpbusd_avx512vnni", Isa::kAvx512Vnni, 128, peak_dpbusd_avx512);
#endif
  size_t nf = 0, nq = 0;
  const F32ConvVariant* fv = f32_conv_variants(&nf);
  const Qs8ConvVariant* qv = qs8_conv_variants(&nq);
  for (const char* net : {"recognition", "detector", "landmark"}) {
    const auto layers = load_shapes(std::string(FG_SOURCE_DIR) + "/bench/shapes/" + net + ".txt");
    for (size_t i = 0; i < nf; ++i)
      if (cpu_has_isa(fv[i].isa)) register_net<F32ConvVariant, F32Case>("f32", net, fv[i], layers);
    for (size_t i = 0; i < nq; ++i)
      if (cpu_has_isa(qv[i].isa)) register_net<Qs8ConvVariant, Qs8Case>("qs8", net, qv[i], layers);
  }
}

}  // namespace
}  // namespace fg

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("cpu_features", fg::cpu_features_summary());
  fg::register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
