// The passive liveness score (runtime/vision/liveness.h: two crops, two MiniFASNets) per face,
// f32 vs int8 nets, and each net alone, single thread, on a bundled 320x320 frame (the door
// demo's size). Thread CPU time: the machine is shared.
//   build/release/bench/bench_liveness --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>

#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/liveness.h"

namespace fg {
namespace {

struct Fixture {
  Image img;
  FaceBox box;
  bool ok = false;
  Fixture() {
    FacePipelineOptions po;
    po.embed = false;
    FacePipeline p;
    if (!face_pipeline_open(FG_MODEL_DIR, po, &p) ||
        !image_load(std::string(FG_SOURCE_DIR) + "/samples/frames/amy3.png", 3, &img))
      return;
    std::vector<FaceBox> boxes;
    if (!face_pipeline_detect(p, img, &boxes) || boxes.empty()) return;
    box = boxes[0];
    ok = true;
  }
};

const Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_LivenessScore(benchmark::State& state) {
  const bool int8 = state.range(0) != 0;
  const Fixture& f = fixture();
  LivenessNets nets;
  if (!f.ok || !liveness_open(FG_MODEL_DIR, Backend::kNative, &nets, int8)) {
    state.SkipWithError("models or the sample frame missing");
    return;
  }
  float score = 0.f;
  for (auto _ : state) {
    if (!liveness_score(nets, f.img, f.box, &score)) state.SkipWithError("liveness_score failed");
    benchmark::DoNotOptimize(score);
  }
  state.SetLabel(int8 ? "int8 nets" : "f32 nets");
}
BENCHMARK(BM_LivenessScore)->Arg(0)->Arg(1)->MeasureProcessCPUTime()->Unit(benchmark::kMicrosecond);

// One net on a prepared input (no crop / resize): x2.7 = 0, x4.0 = 1.
void BM_LivenessNet(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const bool int8 = state.range(1) != 0;
  Model m;
  Net net;
  NetOptions o;
  o.backend = Backend::kNative;
  if (!model_load_file(std::string(FG_MODEL_DIR) + "/" + liveness_model_file(which, int8), &m) ||
      !net_prepare(m, o, &net)) {
    state.SkipWithError("model missing");
    return;
  }
  float* x = net_input(net);
  for (int i = 0; i < 80 * 80 * 3; ++i) x[i] = static_cast<float>((i * 37) % 256);
  for (auto _ : state) {
    net_run(net);
    benchmark::DoNotOptimize(net_output(net, 0)[1]);
  }
  state.SetLabel(liveness_model_file(which, int8));
}
BENCHMARK(BM_LivenessNet)->Args({0, 0})->Args({0, 1})->Args({1, 0})->Args({1, 1})->MeasureProcessCPUTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace fg
BENCHMARK_MAIN();
