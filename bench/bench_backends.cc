// Per-net latency of every backend (reference, native, xnnpack), in ONE run so the ratios
// are trustworthy; two summary tables follow the usual Google Benchmark output:
// - single thread (median CPU ms, ratio to xnnpack): CPU time is the single-thread cost even
//   when other processes share the cores (wall time then is not);
// - 1 thread vs all hardware threads (NetOptions::threads = hardware_concurrency) for native
//   and xnnpack, f32 and int8: median WALL ms for both and the speed-up, wall / wall (CPU
//   time sums over threads, so it says nothing about latency there). Benchmarks named
//   "<net>/<backend>/threads:N" are the multi-thread runs.
//   build/release/bench/bench_backends --benchmark_repetitions=10 --benchmark_min_time=0.2
// (repetitions are randomly interleaved by default; see main).
// Filter with --benchmark_filter=recognition etc. The reference backend is naive on purpose
// and slow (seconds per detector frame): --benchmark_filter=-reference skips it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "runtime/base/cpu_features.h"
#include "runtime/core/executor.h"

namespace {

// "<net>_int8" runs too when FG_MODEL_DIR holds such a file (fg_quantize output).
const char* const kNets[] = {"recognition", "detector", "landmark68",
                             "recognition_int8", "detector_int8", "landmark68_int8"};
const fg::Backend kBackends[] = {fg::Backend::kReference, fg::Backend::kNative, fg::Backend::kXnnpack};

// Threads for the multi-thread rows: every hardware thread.
int all_threads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

void run_net(benchmark::State& state, const std::string& net_name, fg::Backend backend, int threads) {
  fg::Model model;
  fg::Status s = fg::model_load_file(std::string(FG_MODEL_DIR) + "/" + net_name + ".fgm", &model);
  fg::Net net;
  if (s) {
    fg::NetOptions opt;
    opt.backend = backend;
    opt.threads = threads;
    s = fg::net_prepare(model, opt, &net);
  }
  if (s && fg::net_threads(net) != threads) s = fg::Status::error("no thread pool in this build");
  if (!s) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  const fg::TensorInfo& in = model.tensors[model.inputs[0]];
  float* x = fg::net_input(net);
  for (int64_t i = 0; i < in.elements; ++i) x[i] = static_cast<float>((i * 37) % 255) / 255.f - 0.5f;
  fg::net_run(net);  // warm-up (XNNPACK binds its operators to the arena on the first run)
  for (auto _ : state) {
    fg::net_run(net);
    benchmark::DoNotOptimize(fg::net_output(net)[0]);
  }
}

// Console output as usual, plus every run's time per iteration kept for the summary.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  std::map<std::string, std::vector<double>> ms;       // "net/backend[/threads:N]" -> CPU ms per repetition
  std::map<std::string, std::vector<double>> wall_ms;  // the same, wall-clock ms
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred && r.iterations > 0) {
        ms[r.run_name.function_name].push_back(r.GetAdjustedCPUTime());
        wall_ms[r.run_name.function_name].push_back(r.GetAdjustedRealTime());
      }
    ConsoleReporter::ReportRuns(runs);
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void print_summary(const CollectingReporter& rep) {
  std::printf("\nmedian CPU ms per net, single thread (ratio = backend time / xnnpack time)\n");
  std::printf("%-12s %12s %12s %12s %10s %10s\n", "net", "reference", "native", "xnnpack", "ref/xnn",
              "native/xnn");
  for (const char* net : kNets) {
    if (std::strstr(net, "_int8") && !std::ifstream(std::string(FG_MODEL_DIR) + "/" + net + ".fgm")) continue;
    double t[3] = {0, 0, 0};
    for (int b = 0; b < 3; ++b) {
      auto it = rep.ms.find(std::string(net) + "/" + fg::backend_name(kBackends[b]));
      if (it != rep.ms.end() && !it->second.empty()) t[b] = median(it->second);
    }
    auto cell = [](double v) { return v > 0 ? v : -1.0; };
    std::printf("%-12s %12.3f %12.3f %12.3f %10.2f %10.2f\n", net, cell(t[0]), cell(t[1]), cell(t[2]),
                t[0] > 0 && t[2] > 0 ? t[0] / t[2] : -1.0, t[1] > 0 && t[2] > 0 ? t[1] / t[2] : -1.0);
  }
  std::printf("(-1 = not run or failed)\n");
}

std::string threads_suffix(int threads) { return threads > 1 ? "/threads:" + std::to_string(threads) : ""; }

double median_of(const std::map<std::string, std::vector<double>>& m, const std::string& key) {
  auto it = m.find(key);
  return it != m.end() && !it->second.empty() ? median(it->second) : -1.0;
}

void print_threads_summary(const CollectingReporter& rep) {
  const int n = all_threads();
  if (n < 2) {
    std::printf("\n1 hardware thread: no multi-thread rows\n");
    return;
  }
  std::printf("\nmedian WALL ms per net, 1 thread vs %d threads (NetOptions::threads, all hardware threads);\n"
              "speed-up = 1-thread wall / %d-thread wall\n", n, n);
  std::printf("%-12s %-13s %12s %12s %9s\n", "net", "backend", "1 thr wall", "N thr wall", "speed-up");
  for (const char* base : {"recognition", "detector", "landmark68"})
    for (fg::Backend b : {fg::Backend::kNative, fg::Backend::kXnnpack})
      for (const char* precision : {"", "_int8"}) {
        const std::string net = std::string(base) + precision;
        const std::string key = net + "/" + fg::backend_name(b);
        const double t1 = median_of(rep.wall_ms, key), tn = median_of(rep.wall_ms, key + threads_suffix(n));
        if (t1 < 0 && tn < 0) continue;
        const std::string label = std::string(fg::backend_name(b)) + (*precision ? " int8" : " f32");
        std::printf("%-12s %-13s %12.3f %12.3f %9.2f\n", base, label.c_str(), t1, tn,
                    t1 > 0 && tn > 0 ? t1 / tn : -1.0);
      }
  std::printf("(-1 = not run or failed)\n");
}

// --fg_per_op=<net>: per-op CPU-clock profile of the native backend (mean us per op over
// many runs, with the kernel each op was given), to find where the time goes. Timing lives
// here, outside the library's hot path (net_run stays a plain loop).
void print_per_op(const std::string& net_name) {
  fg::Model model;
  fg::Net net;
  fg::NetOptions opt;
  opt.backend = fg::Backend::kNative;
  fg::Status s = fg::model_load_file(std::string(FG_MODEL_DIR) + "/" + net_name + ".fgm", &model);
  if (s) s = fg::net_prepare(model, opt, &net);
  if (!s) {
    std::printf("per-op %s: %s\n", net_name.c_str(), s.message().c_str());
    return;
  }
  const int kRuns = 200;
  std::vector<double> us(net.ops.size(), 0.0);
  uint8_t* arena = net.arena.data();
  for (int r = 0; r < kRuns + 5; ++r)
    for (size_t i = 0; i < net.ops.size(); ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      net.ops[i].run(net.ops[i], arena);
      const auto t1 = std::chrono::steady_clock::now();
      if (r >= 5) us[i] += std::chrono::duration<double, std::micro>(t1 - t0).count() / kRuns;
    }
  double total = 0;
  for (double u : us) total += u;
  std::printf("\nper-op native %s: total %.1f us\n", net_name.c_str(), total);
  for (size_t i = 0; i < net.ops.size(); ++i) {
    const fg::PreparedOp& op = net.ops[i];
    const fg::TensorInfo& x = *op.in[0];
    std::printf("%3zu %-28s %8.1f us %5.1f%%  in", i, op.kernel_name, us[i], 100 * us[i] / total);
    for (int d = 0; d < x.rank; ++d) std::printf(" %lld", static_cast<long long>(x.dims[d]));
    std::printf(" -> out");
    for (int d = 0; d < op.out->rank; ++d) std::printf(" %lld", static_cast<long long>(op.out->dims[d]));
    std::printf("%s\n", op.in[3] ? " +res" : "");
  }
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i)
    if (std::strncmp(argv[i], "--fg_per_op=", 12) == 0) {
      print_per_op(argv[i] + 12);
      return 0;
    }
  // Repetitions run in random order across benchmarks unless told otherwise: this VM's
  // speed drifts by up to 2x over tens of seconds, and back-to-back blocks per net would
  // put the drift into the ratios. Interleaved, every backend sees the same drift.
  std::vector<char*> args(argv, argv + argc);
  bool interleave_given = false;
  for (int i = 1; i < argc; ++i)
    interleave_given |= std::strncmp(argv[i], "--benchmark_enable_random_interleaving", 38) == 0;
  static char kInterleave[] = "--benchmark_enable_random_interleaving=true";
  if (!interleave_given) args.push_back(kInterleave);
  int n_args = static_cast<int>(args.size());
  benchmark::Initialize(&n_args, args.data());
  std::printf("cpu: %s\n", fg::cpu_features_summary().c_str());
  // 1 thread, then (native and xnnpack) all hardware threads timed on the wall clock.
  for (const char* net : kNets)
    for (fg::Backend b : kBackends)
      for (int threads : {1, all_threads()}) {
        if (std::strstr(net, "_int8") && !std::ifstream(std::string(FG_MODEL_DIR) + "/" + net + ".fgm")) continue;
        if (threads > 1 && b == fg::Backend::kReference) continue;
        const std::string name = std::string(net) + "/" + fg::backend_name(b) + threads_suffix(threads);
        auto* bm = benchmark::RegisterBenchmark(
            name.c_str(), [net, b, threads](benchmark::State& st) { run_net(st, net, b, threads); });
        bm->Unit(benchmark::kMillisecond)->MinTime(b == fg::Backend::kReference ? 2.0 : 1.0);
        if (threads > 1) bm->UseRealTime();
        if (all_threads() == 1) break;  // {1, 1}: once
      }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter);
  print_threads_summary(reporter);
  benchmark::Shutdown();
  return 0;
}
