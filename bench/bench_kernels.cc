// Per-kernel GOP/s on the real layer shapes of the three nets (bench/shapes/*.txt), for
// every conv variant this CPU can run, plus "ALL" rows that run a net's whole dense-conv
// list (with repeat counts) and the machine's measured peak for context:
//   peak/f32_fma_*      independent FMA chains (2 ops per lane)
//   peak/qs8_vpdpbusd_* independent vpdpbusd chains (8 ops per int32 lane = 4 MACs)
// GOP/s counts 2 ops per multiply-accumulate. Run single-threaded (no pool here).
// The depthwise, pool, add and quantize families run every variant on a few real layers
// of the nets: dwconv in GOP/s, the memory-bound ones in GB/s (bytes read + written).
#include <benchmark/benchmark.h>

#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "kernels/conv/conv.h"
#include "kernels/conv/conv_variants.h"
#include "kernels/dwconv/dwconv.h"
#include "kernels/eltwise/eltwise.h"
#include "kernels/pool/pool.h"
#include "runtime/base/cpu_features.h"

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
    packed.resize(qs8_conv_packed_size(s, v.nr, v.kr));
    if (!qs8_conv_pack(s, v.nr, w.data(), b.data(), q, packed.data(), v.kr).is_ok()) std::abort();
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

// ---- depthwise conv, pooling, add, quantize: every variant on real layers ----

template <typename T>
std::vector<T> random_values(size_t n) {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> d(-127, 127);
  std::vector<T> v(n);
  for (auto& e : v) e = static_cast<T>(std::is_same<T, float>::value ? d(rng) * (1.f / 127) : d(rng));
  return v;
}

// Registers name/<variant> for every variant this CPU runs; `run(variant)` is the timed
// body (buffers captured by the caller), `amount` the GOP (or GB) of one run.
template <typename V, typename Fn>
void register_variants(const std::string& name, VariantList<V> vs, double amount,
                       const char* counter, Fn make_run) {
  for (const V& variant : vs) {
    if (!cpu_has_isa(variant.isa)) continue;
    const V* v = &variant;
    benchmark::RegisterBenchmark((name + "/" + v->name).c_str(), [=](benchmark::State& st) {
      auto run = make_run(*v);
      for (auto _ : st) {
        run();
        benchmark::ClobberMemory();
      }
      st.counters[counter] = benchmark::Counter(amount * st.iterations(), benchmark::Counter::kIsRate);
    })->Unit(benchmark::kMicrosecond);
  }
}

// 3x3 stride 1, one pixel of padding all round (output = input size).
Conv2dShape dw_layer(int h, int w, int c) {
  Conv2dShape s{};
  s.in_h = s.out_h = h, s.in_w = s.out_w = w, s.in_c = s.out_c = c;
  s.kernel_h = s.kernel_w = 3, s.stride_h = s.stride_w = 1;
  s.pad_top = s.pad_left = 1;
  s.depthwise = true;
  return s;
}

void register_dwconv() {
  // detector: pad 1 then 3x3 VALID on the pooled maps; landmark: 3x3 SAME stride 1.
  const std::pair<const char*, Conv2dShape> layers[] = {
      {"detector/dw1_207x207x16", dw_layer(207, 207, 16)},
      {"detector/dw3_52x52x64", dw_layer(52, 52, 64)},
      {"detector/dw5_13x13x256", dw_layer(13, 13, 256)},
      {"landmark/dw_56x56x32", dw_layer(56, 56, 32)},
      {"landmark/dw_14x14x128", dw_layer(14, 14, 128)},
  };
  const VariantList<F32DwconvVariant> fv = f32_dwconv_variants();
  const VariantList<Qs8DwconvVariant> qv = qs8_dwconv_variants();
  for (const auto& l : layers) {
    const Conv2dShape s = l.second;
    const size_t in = size_t(s.in_h) * s.in_w * s.in_c, out = size_t(s.out_h) * s.out_w * s.out_c;
    const double gop = 2.0 * out * 9 * 1e-9;
    register_variants("f32_dwconv/" + std::string(l.first), fv, gop, "GOPS", [=](const F32DwconvVariant& v) {
      auto x = std::make_shared<std::vector<float>>(random_values<float>(in));
      auto w = random_values<float>(9 * size_t(s.in_c)), b = random_values<float>(s.in_c);
      auto packed = std::make_shared<std::vector<float>>(f32_dwconv_packed_size(s));
      f32_dwconv_pack(s, w.data(), b.data(), packed->data());
      auto y = std::make_shared<std::vector<float>>(out);
      return [=, &v] {
        F32ConvParams p;
        p.activation = Activation::kLeakyRelu, p.leaky_alpha = 0.1f;
        f32_dwconv_run(v, s, x->data(), packed->data(), p, y->data());
      };
    });
    register_variants("qs8_dwconv/" + std::string(l.first), qv, gop, "GOPS", [=](const Qs8DwconvVariant& v) {
      auto x = std::make_shared<std::vector<int8_t>>(random_values<int8_t>(in));
      auto w = random_values<int8_t>(9 * size_t(s.in_c));
      std::vector<int32_t> b(s.in_c, 100);
      std::vector<float> sw(s.in_c, 0.01f);
      Qs8ConvQuant q;
      q.input_zero_point = -5, q.input_scale = 0.02f, q.weight_scales = sw.data(), q.output_scale = 0.5f;
      auto packed = std::make_shared<std::vector<uint8_t>>(qs8_dwconv_packed_size(s));
      if (!qs8_dwconv_pack(s, w.data(), b.data(), q, packed->data()).is_ok()) std::abort();
      auto y = std::make_shared<std::vector<int8_t>>(out);
      return [=, &v] {
        Qs8ConvParams p;
        p.output_zero_point = -128, p.output_min = -128;
        qs8_dwconv_run(v, s, x->data(), packed->data(), p, y->data());
      };
    });
  }
}

void register_pool() {
  struct PoolLayer { const char* name; PoolKind kind; Pool2dShape s; };
  const PoolLayer layers[] = {
      {"recognition/max3x3s2_72x72x32", PoolKind::kMax, Pool2dShape{72, 72, 32, 35, 35, 3, 3, 2, 2, 0, 0}},
      {"recognition/avg2x2s2_35x35x32", PoolKind::kAverage, Pool2dShape{35, 35, 32, 17, 17, 2, 2, 2, 2, 0, 0}},
      {"detector/max2x2s2_414x414x16", PoolKind::kMax, Pool2dShape{414, 414, 16, 207, 207, 2, 2, 2, 2, 0, 0}},
      {"detector/max2x2s1_13x13x512", PoolKind::kMax, Pool2dShape{13, 13, 512, 13, 13, 2, 2, 1, 1, 0, 0}},
      {"landmark/avg7x7_7x7x256", PoolKind::kAverage, Pool2dShape{7, 7, 256, 1, 1, 7, 7, 1, 1, 0, 0}},
  };
  const VariantList<F32PoolVariant> fv = f32_pool_variants();
  const VariantList<Qs8PoolVariant> qv = qs8_pool_variants();
  for (const PoolLayer& l : layers) {
    const Pool2dShape s = l.s;
    const PoolKind kind = l.kind;
    const size_t in = size_t(s.in_h) * s.in_w * s.channels, out = size_t(s.out_h) * s.out_w * s.channels;
    register_variants("f32_pool/" + std::string(l.name), fv, 4.0 * (in + out) * 1e-9, "GBps",
                      [=](const F32PoolVariant& v) {
                        auto x = std::make_shared<std::vector<float>>(random_values<float>(in));
                        auto y = std::make_shared<std::vector<float>>(out);
                        return [=, &v] { f32_pool_run(v, kind, s, x->data(), y->data()); };
                      });
    register_variants("qs8_pool/" + std::string(l.name), qv, 1.0 * (in + out) * 1e-9, "GBps",
                      [=](const Qs8PoolVariant& v) {
                        auto x = std::make_shared<std::vector<int8_t>>(random_values<int8_t>(in));
                        auto y = std::make_shared<std::vector<int8_t>>(out);
                        Qs8PoolQuant q;
                        q.input_zero_point = -3, q.output_zero_point = 5, q.scale_ratio = 0.9f;
                        return [=, &v] { qs8_pool_run(v, kind, s, x->data(), q, y->data()); };
                      });
  }
}

void register_add_quantize() {
  const std::pair<const char*, AddShape> layers[] = {
      {"recognition/35x35x32", AddShape{35, 35, 32, 35, 35, 32, 35, 35, 32}},
      {"recognition/17x17x64_shortcut32", AddShape{17, 17, 64, 17, 17, 64, 17, 17, 32}},
      {"recognition/4x4x256_branch3x3", AddShape{4, 4, 256, 3, 3, 256, 4, 4, 256}},
  };
  const VariantList<F32AddVariant> fv = f32_add_variants();
  const VariantList<Qs8AddVariant> qv = qs8_add_variants();
  for (const auto& l : layers) {
    const AddShape s = l.second;
    const size_t na = size_t(s.a_h) * s.a_w * s.a_c, nb = size_t(s.b_h) * s.b_w * s.b_c;
    const size_t no = size_t(s.out_h) * s.out_w * s.out_c;
    register_variants("f32_add/" + std::string(l.first), fv, 4.0 * (na + nb + no) * 1e-9, "GBps",
                      [=](const F32AddVariant& v) {
                        auto a = std::make_shared<std::vector<float>>(random_values<float>(na));
                        auto b = std::make_shared<std::vector<float>>(random_values<float>(nb));
                        auto y = std::make_shared<std::vector<float>>(no);
                        return [=, &v] { f32_add_run(v, s, a->data(), b->data(), Activation::kRelu, 0.f, y->data()); };
                      });
    register_variants("qs8_add/" + std::string(l.first), qv, 1.0 * (na + nb + no) * 1e-9, "GBps",
                      [=](const Qs8AddVariant& v) {
                        auto a = std::make_shared<std::vector<int8_t>>(random_values<int8_t>(na));
                        auto b = std::make_shared<std::vector<int8_t>>(random_values<int8_t>(nb));
                        auto y = std::make_shared<std::vector<int8_t>>(no);
                        Qs8AddQuant q;
                        q.a_zero_point = -7, q.b_zero_point = 12, q.output_zero_point = -128;
                        q.a_scale = 0.8f, q.b_scale = 0.55f;
                        return [=, &v] { qs8_add_run(v, s, a->data(), b->data(), q, y->data()); };
                      });
  }
  const VariantList<Qs8QuantizeVariant> zv = qs8_quantize_variants();
  for (const auto& l : {std::make_pair("recognition/150x150x3", size_t{150 * 150 * 3}),
                        std::make_pair("detector/416x416x3", size_t{416 * 416 * 3})}) {
    const size_t n = l.second;
    register_variants("qs8_quantize/" + std::string(l.first), zv, 5.0 * n * 1e-9, "GBps",
                      [=](const Qs8QuantizeVariant& v) {
                        auto x = std::make_shared<std::vector<float>>(random_values<float>(n));
                        auto y = std::make_shared<std::vector<int8_t>>(n);
                        return [=, &v] { v.ukernel(n, x->data(), 1.f / 128, 3, y->data()); };
                      });
  }
}

void register_all() {
#if defined(__x86_64__)
  register_peak("peak/f32_fma_avx512", Isa::kAvx512, 32, peak_fma_avx512);
  register_peak("peak/f32_fma_avx2", Isa::kAvx2, 16, peak_fma_avx2);
  register_peak("peak/qs8_vpdpbusd_avx512vnni", Isa::kAvx512Vnni, 128, peak_dpbusd_avx512);
#endif
  const VariantList<F32ConvVariant> fv = f32_conv_variants();
  const size_t nf = fv.size();
  const VariantList<Qs8ConvVariant> qv = qs8_conv_variants();
  const size_t nq = qv.size();
  for (const char* net : {"recognition", "detector", "landmark"}) {
    const auto layers = load_shapes(std::string(FG_SOURCE_DIR) + "/bench/shapes/" + net + ".txt");
    for (size_t i = 0; i < nf; ++i)
      if (cpu_has_isa(fv[i].isa)) register_net<F32ConvVariant, F32Case>("f32", net, fv[i], layers);
    for (size_t i = 0; i < nq; ++i)
      if (cpu_has_isa(qv[i].isa)) register_net<Qs8ConvVariant, Qs8Case>("qs8", net, qv[i], layers);
  }
  register_dwconv();
  register_pool();
  register_add_quantize();
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
