// Distance kernels: one 128-D query against 1k / 100k / 1M rows, every variant this CPU can
// run, as rows/s and GB/s of embedding bytes read; plus a plain memory scan (a summing read
// of a 256 MB buffer) in the same binary, so `pct_mem_bw` = kernel GB/s / scan GB/s is a
// ratio measured in one run. A `gallery_stride` case scans int8 rows with the gallery's
// record stride (256 B per 128-D record: embedding + metadata), as gallery_identify does.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "kernels/distance/distance.h"
#include "runtime/base/cpu_features.h"

namespace fg {
namespace {

constexpr size_t kDim = 128;
constexpr size_t kScanBytes = size_t(256) << 20;

// Sums 64-bit words with 4 independent accumulators (the compiler vectorises it): the
// machine's achievable read bandwidth for a plain streaming loop.
uint64_t sum_words(const uint64_t* p, size_t n) {
  uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  for (size_t i = 0; i + 4 <= n; i += 4) a0 += p[i], a1 += p[i + 1], a2 += p[i + 2], a3 += p[i + 3];
  return a0 + a1 + a2 + a3;
}

const std::vector<uint64_t>& scan_buffer() {
  static std::vector<uint64_t> buf(kScanBytes / 8, 0x0101010101010101ull);
  return buf;
}

double g_mem_gbps = 0;  // best of a few scans, measured before the benchmarks run

double measure_mem_gbps() {
  const std::vector<uint64_t>& buf = scan_buffer();
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    const auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(sum_words(buf.data(), buf.size()));
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, kScanBytes / s / 1e9);
  }
  return best;
}

void BM_MemoryScan(benchmark::State& state) {
  const std::vector<uint64_t>& buf = scan_buffer();
  for (auto _ : state) benchmark::DoNotOptimize(sum_words(buf.data(), buf.size()));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kScanBytes));
  state.counters["GB/s"] = benchmark::Counter(double(kScanBytes) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// Rows are random and shared by every variant of a dtype (allocated once per size/stride).
const std::vector<uint8_t>& rows_for(DistanceDtype dtype, size_t n, size_t stride) {
  static std::map<std::tuple<int, size_t, size_t>, std::vector<uint8_t>> cache;
  std::vector<uint8_t>& v = cache[{int(dtype), n, stride}];
  if (v.empty()) {
    v.resize(n * stride);
    std::mt19937 rng(42);
    if (dtype == DistanceDtype::kS8) {
      for (uint8_t& b : v) b = uint8_t(rng());
    } else {
      std::uniform_real_distribution<float> u(-0.3f, 0.3f);
      for (size_t i = 0; i < v.size() / 4; ++i) {
        const float x = u(rng);
        std::memcpy(&v[4 * i], &x, 4);
      }
    }
  }
  return v;
}

void run_variant(benchmark::State& state, const DistanceVariant* v, size_t n, size_t stride) {
  const size_t elem = v->dtype == DistanceDtype::kF32 ? 4 : 1;
  const std::vector<uint8_t>& rows = rows_for(v->dtype, n, stride);
  std::vector<float> qf(kDim, 0.1f), outf(n);
  std::vector<int8_t> qs(kDim, 3);
  std::vector<int32_t> outs(n);
  for (auto _ : state) {
    if (v->f32) v->f32(n, kDim, qf.data(), rows.data(), stride, outf.data());
    else v->s8(n, kDim, qs.data(), rows.data(), stride, outs.data());
    benchmark::ClobberMemory();
  }
  const double bytes = double(n) * kDim * elem;  // embedding bytes the kernel needs
  state.counters["rows/s"] = benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GB/s"] = benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["pct_mem_bw"] =
      benchmark::Counter(bytes * 1e-9 / g_mem_gbps * 100.0, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace
}  // namespace fg

int main(int argc, char** argv) {
  using namespace fg;
  benchmark::Initialize(&argc, argv);
  g_mem_gbps = measure_mem_gbps();
  benchmark::AddCustomContext("cpu", cpu_features_summary());
  benchmark::AddCustomContext("mem_scan_GBps", std::to_string(g_mem_gbps));
  benchmark::RegisterBenchmark("BM_MemoryScan/256MB", BM_MemoryScan)->Unit(benchmark::kMillisecond)->UseRealTime();
  std::string skipped;
  for (const DistanceVariant& v : distance_variants()) {
    if (!cpu_has_isa(v.isa)) {
      skipped += std::string(v.name) + " ";
      continue;
    }
    const size_t dense = kDim * (v.dtype == DistanceDtype::kF32 ? 4 : 1);
    for (size_t n : {size_t(1000), size_t(100000), size_t(1000000)})
      benchmark::RegisterBenchmark((std::string(v.name) + "/rows:" + std::to_string(n)).c_str(),
                                   run_variant, &v, n, dense)
          ->Unit(benchmark::kMicrosecond)->UseRealTime();
    if (v.dtype == DistanceDtype::kS8 && v.kind == DistanceKind::kL2sq)
      benchmark::RegisterBenchmark((std::string(v.name) + "/gallery_stride256/rows:1000000").c_str(),
                                   run_variant, &v, size_t(1000000), size_t(256))
          ->Unit(benchmark::kMicrosecond)->UseRealTime();
  }
  if (!skipped.empty()) benchmark::AddCustomContext("skipped (CPU lacks ISA)", skipped);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
