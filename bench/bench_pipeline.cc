// Per-stage and whole-frame latency of the face pipeline on a 640x480 frame with one face
// (tests/data/pipeline/angry.jpg, 300x250, centred on a grey canvas).
//   detect/<size>  preprocess + tiny detector + decode/NMS (160/320/416; other sizes need
//                  models/detector<N>.fgm, skipped when absent)
//   landmarks      landmark crop + preprocess + landmark net + decode, one face
//   align          similarity fit + 150x150 bilinear chip
//   encode         recognition preprocess + encoder (from the aligned chip)
//   frame/<backend>/<mode>  everything for the frame (detect @416, one face)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/preprocess.h"

using namespace fg;

namespace {

const Image& frame640() {
  static Image frame;
  if (frame.empty()) {
    Image face;
    const std::string path = std::string(FG_SOURCE_DIR) + "/tests/data/pipeline/angry.jpg";
    if (!image_load(path, 3, &face)) {
      std::fprintf(stderr, "bench_pipeline: cannot load %s\n", path.c_str());
      return frame;
    }
    frame = image_make(640, 480, 3);
    std::fill(frame.pixels.begin(), frame.pixels.end(), 128);
    const int ox = (640 - face.width) / 2, oy = (480 - face.height) / 2;
    for (int y = 0; y < face.height; ++y)
      std::copy(face.row(y), face.row(y) + face.width * 3, frame.row(oy + y) + ox * 3);
  }
  return frame;
}

bool open(FacePipeline* p, Backend backend, DescriptorMode mode, int size, benchmark::State& state) {
  FacePipelineOptions opt;
  opt.backend = backend;
  opt.mode = mode;
  opt.detector.input_size = size;
  Status s = face_pipeline_open(FG_MODEL_DIR, opt, p);
  if (!s) state.SkipWithError(s.message().c_str());
  return s.is_ok() && !frame640().empty();
}

void BM_Detect(benchmark::State& state) {
  FacePipeline p;
  if (!open(&p, Backend::kNative, DescriptorMode::kAlign, (int)state.range(0), state)) return;
  std::vector<FaceBox> boxes;
  for (auto _ : state) {
    if (!face_pipeline_detect(p, frame640(), &boxes)) state.SkipWithError("detect failed");
  }
  state.counters["faces"] = (double)boxes.size();
}
BENCHMARK(BM_Detect)->Arg(160)->Arg(320)->Arg(416)->Unit(benchmark::kMillisecond)->UseRealTime();

// One face from a detect @416, for the per-face stages.
bool first_face(FacePipeline& p, PipelineFace* face, benchmark::State& state) {
  std::vector<PipelineFace> faces;
  if (!face_pipeline_run(p, frame640(), &faces) || faces.empty()) {
    state.SkipWithError("no face in the bench frame");
    return false;
  }
  *face = faces[0];
  return true;
}

void BM_Landmarks(benchmark::State& state) {
  FacePipeline p;
  PipelineFace face;
  if (!open(&p, Backend::kNative, DescriptorMode::kAlign, 416, state) || !first_face(p, &face, state)) return;
  for (auto _ : state) {
    if (!face_pipeline_landmarks(p, frame640(), face.box, &face)) state.SkipWithError("landmarks failed");
  }
}
BENCHMARK(BM_Landmarks)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Align(benchmark::State& state) {
  FacePipeline p;
  PipelineFace face;
  if (!open(&p, Backend::kNative, DescriptorMode::kAlign, 416, state) || !first_face(p, &face, state)) return;
  Image chip;
  for (auto _ : state) {
    if (!align_face_chip(frame640(), face.landmarks, p.options.chip, &chip)) state.SkipWithError("align failed");
  }
}
BENCHMARK(BM_Align)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_Encode(benchmark::State& state) {
  FacePipeline p;
  PipelineFace face;
  if (!open(&p, Backend::kNative, DescriptorMode::kAlign, 416, state) || !first_face(p, &face, state)) return;
  Image chip;
  if (!align_face_chip(frame640(), face.landmarks, p.options.chip, &chip)) return state.SkipWithError("align");
  float e[kEmbeddingDim];
  for (auto _ : state) {
    if (!face_encoder_embed(p.encoder, chip, e)) state.SkipWithError("encode failed");
  }
}
BENCHMARK(BM_Encode)->Unit(benchmark::kMillisecond)->UseRealTime();

// range(0): backend (0 reference, 1 native); range(1): mode (0 crop, 1 align).
void BM_WholeFrame(benchmark::State& state) {
  FacePipeline p;
  const Backend backend = state.range(0) ? Backend::kNative : Backend::kReference;
  const DescriptorMode mode = state.range(1) ? DescriptorMode::kAlign : DescriptorMode::kCrop;
  if (!open(&p, backend, mode, 416, state)) return;
  state.SetLabel(std::string(backend_name(backend)) + "/" + descriptor_mode_name(mode));
  std::vector<PipelineFace> faces;
  for (auto _ : state) {
    if (!face_pipeline_run(p, frame640(), &faces)) state.SkipWithError("pipeline failed");
  }
  state.counters["faces"] = (double)faces.size();
}
BENCHMARK(BM_WholeFrame)
    ->Args({1, 0})
    ->Args({1, 1})
    ->Args({0, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
