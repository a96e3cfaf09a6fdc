// Per net, in one run: native f32 vs native int8, single thread. The int8 models are made
// at startup from the f32 files (calibrated on the bundled sample chips; speed does not
// depend on the calibration). Prints the f32/int8 ratio of thread CPU time per net at the end
// (on a shared machine compare the CPU column, not wall time).
//   build/<dir>/bench/bench_int8 --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <time.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/quantize/quantize.h"

namespace {

struct NetModels {
  fg::Model f32, int8;
  fg::Status status;
};

std::map<std::string, std::unique_ptr<NetModels>> g_models;
std::map<std::string, double> g_mean_ms;  // "<net>/<dtype>" -> last measured mean (thread CPU)

// Thread CPU time: the machine is shared, so wall time includes other processes' slices.
double thread_cpu_ms() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) * 1e-6;
}

NetModels& models_for(const std::string& net) {
  auto& slot = g_models[net];
  if (slot) return *slot;
  slot = std::make_unique<NetModels>();
  NetModels& m = *slot;
  m.status = fg::model_load_file(std::string(FG_MODEL_DIR) + "/" + net + ".fgm", &m.f32);
  std::vector<std::vector<float>> calib;
  for (const char* p : {"amy", "howard", "penny", "raj"}) {
    for (int i = 1; m.status && i <= 3; ++i) {
      calib.emplace_back();
      m.status = fg::calibration_input_from_image(
          m.f32, std::string(FG_SOURCE_DIR) + "/samples/faces/" + p + "/" + p + std::to_string(i) + ".png",
          &calib.back());
    }
  }
  if (m.status) m.status = fg::quantize_model_in_memory(m.f32, calib, fg::QuantizeOptions{}, &m.int8);
  return m;
}

void run_net(benchmark::State& state, const std::string& net, bool int8) {
  NetModels& m = models_for(net);
  fg::Net n;
  fg::Status s = m.status;
  if (s) {
    fg::NetOptions opt;
    opt.backend = fg::Backend::kNative;
    s = fg::net_prepare(int8 ? m.int8 : m.f32, opt, &n);
  }
  if (!s) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  const fg::TensorInfo& in = n.model->tensors[n.model->inputs[0]];
  float* x = fg::net_input(n);
  for (int64_t i = 0; i < in.elements; ++i) x[i] = static_cast<float>((i * 37) % 255) / 255.f - 0.5f;
  const double t0 = thread_cpu_ms();
  for (auto _ : state) {
    fg::net_run(n);
    benchmark::DoNotOptimize(fg::net_output(n)[0]);
  }
  const double ms = thread_cpu_ms() - t0;
  if (state.iterations() > 0) g_mean_ms[net + (int8 ? "/int8" : "/f32")] = ms / static_cast<double>(state.iterations());
  state.counters["arena_KiB"] = static_cast<double>(fg::net_arena_bytes(n)) / 1024.0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* nets[] = {"recognition", "detector", "landmark68"};
  for (const char* net : nets) {
    for (bool int8 : {false, true}) {
      const std::string name = std::string(net) + (int8 ? "/native_int8" : "/native_f32");
      benchmark::RegisterBenchmark(name.c_str(), [net, int8](benchmark::State& st) { run_net(st, net, int8); })
          ->Unit(benchmark::kMillisecond)
          ->MinTime(1.0);
    }
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const char* net : nets) {
    const auto f = g_mean_ms.find(std::string(net) + "/f32"), q = g_mean_ms.find(std::string(net) + "/int8");
    if (f != g_mean_ms.end() && q != g_mean_ms.end())
      std::printf("%-12s native f32 %8.3f ms  native int8 %8.3f ms  int8 speedup %.2fx (thread CPU, last repetition)\n", net,
                  f->second, q->second, f->second / q->second);
  }
  return 0;
}
