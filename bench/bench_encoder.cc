// Encoder latency per backend (median of repetitions): the baseline later kernels must beat.
//   build/release/bench/bench_encoder --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

#include "runtime/cpu_features.h"
#include "runtime/executor.h"

namespace {

void run_net(benchmark::State& state, const char* file, fg::Backend backend) {
  fg::Model model;
  fg::Status s = fg::model_load_file(std::string(FG_MODEL_DIR) + "/" + file, &model);
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
  for (auto _ : state) {
    fg::net_run(net);
    benchmark::DoNotOptimize(fg::net_output(net)[0]);
  }
  state.counters["arena_KiB"] = static_cast<double>(fg::net_arena_bytes(net)) / 1024.0;
}

void BM_recognition_reference(benchmark::State& st) { run_net(st, "recognition.fgm", fg::Backend::kReference); }
void BM_detector416_reference(benchmark::State& st) { run_net(st, "detector.fgm", fg::Backend::kReference); }
void BM_landmark68_reference(benchmark::State& st) { run_net(st, "landmark68.fgm", fg::Backend::kReference); }

void BM_recognition_native(benchmark::State& st) { run_net(st, "recognition.fgm", fg::Backend::kNative); }
void BM_detector416_native(benchmark::State& st) { run_net(st, "detector.fgm", fg::Backend::kNative); }
void BM_landmark68_native(benchmark::State& st) { run_net(st, "landmark68.fgm", fg::Backend::kNative); }

BENCHMARK(BM_recognition_native)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_detector416_native)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_landmark68_native)->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_recognition_reference)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_detector416_reference)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_landmark68_reference)->Unit(benchmark::kMillisecond)->MinTime(1.0);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::printf("cpu: %s\n", fg::cpu_features_summary().c_str());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
