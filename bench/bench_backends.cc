// Per-net latency of every backend (reference, native, xnnpack), single thread, in ONE run
// so the ratios are trustworthy; a summary table (median ms, ratio to xnnpack) follows the
// usual Google Benchmark output. The summary uses CPU time: it is the single-thread cost
// even when other processes share the cores (wall time then is not).
//   build/release/bench/bench_backends --benchmark_repetitions=5
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
#include <vector>

#include "runtime/cpu_features.h"
#include "runtime/executor.h"

namespace {

// "<net>_int8" runs too when FG_MODEL_DIR holds such a file (fg_quantize output).
const char* const kNets[] = {"recognition", "detector", "landmark68",
                             "recognition_int8", "detector_int8", "landmark68_int8"};
const fg::Backend kBackends[] = {fg::Backend::kReference, fg::Backend::kNative, fg::Backend::kXnnpack};

void run_net(benchmark::State& state, const std::string& net_name, fg::Backend backend) {
  fg::Model model;
  fg::Status s = fg::model_load_file(std::string(FG_MODEL_DIR) + "/" + net_name + ".fgm", &model);
  fg::Net net;
  if (s) {
    fg::NetOptions opt;
    opt.backend = backend;
    s = fg::net_prepare(model, opt, &net);
  }
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
  std::map<std::string, std::vector<double>> ms;  // "net/backend" -> per-repetition ms
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration && !r.error_occurred && r.iterations > 0)
        ms[r.run_name.function_name].push_back(r.GetAdjustedCPUTime());
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
  benchmark::Initialize(&argc, argv);
  std::printf("cpu: %s\n", fg::cpu_features_summary().c_str());
  for (const char* net : kNets)
    for (fg::Backend b : kBackends) {
      if (std::strstr(net, "_int8") && !std::ifstream(std::string(FG_MODEL_DIR) + "/" + net + ".fgm")) continue;
      const std::string name = std::string(net) + "/" + fg::backend_name(b);
      benchmark::RegisterBenchmark(name.c_str(), [net, b](benchmark::State& st) { run_net(st, net, b); })
          ->Unit(benchmark::kMillisecond)
          ->MinTime(b == fg::Backend::kReference ? 2.0 : 1.0);
    }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  print_summary(reporter);
  benchmark::Shutdown();
  return 0;
}
