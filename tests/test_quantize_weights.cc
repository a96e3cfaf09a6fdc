// The int8 weight range the ARM pair kernels rely on (kernels/conv/conv.h, c16): every
// quantized weight in [-127, 127], never -128, so that a pair of int8 products fits int16.
// Checked on the shipped int8 models (the files the runtime loads) and on a model quantized
// here, plus: the native backend then runs every int8 conv with the best conv variant of
// this CPU, never the -128 fallback (on a Pi 4 class core that is the c16 kernel).
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/conv/conv_variants.h"
#include "runtime/core/executor.h"
#include "runtime/quantize/quantize.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

// Per-channel int8 weight constants (conv / fc weights): min, max, and how many channels
// reach |q| = 127 (the quantizer maps each channel's max |w| there, so the range is used).
struct WeightStats {
  int tensors = 0, lo = 0, hi = 0;
  long channels = 0, full = 0;
};

WeightStats weight_stats(const Model& m) {
  WeightStats st;
  for (const TensorInfo& t : m.tensors) {
    if (t.dtype != DType::kI8 || t.data == nullptr || t.quant != QuantKind::kPerChannel) continue;
    ++st.tensors;
    const int channels = t.dims[t.rank - 1];
    std::vector<int> amax(static_cast<size_t>(channels), 0);
    const int8_t* q = static_cast<const int8_t*>(t.data);
    for (int64_t i = 0; i < t.elements; ++i) {
      st.lo = std::min<int>(st.lo, q[i]);
      st.hi = std::max<int>(st.hi, q[i]);
      amax[i % channels] = std::max(amax[i % channels], std::abs(int{q[i]}));
    }
    for (int a : amax) st.channels += a > 0, st.full += a == 127;
  }
  return st;
}

void check_model(const Model& m, const std::string& label) {
  const WeightStats st = weight_stats(m);
  INFO(label);
  CHECK(st.tensors > 0);
  CHECK(st.lo >= -127);  // -128 would send the conv to the c4 fallback on a Pi 4
  CHECK(st.hi <= 127);
  CHECK((st.lo == -127 || st.hi == 127));
  CHECK(st.full == st.channels);

  // Every int8 conv of the native backend gets the best variant (not the -128 fallback).
  Net net;
  NetOptions opt;
  opt.backend = Backend::kNative;
  Status s = net_prepare(m, opt, &net);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  const std::string best = qs8_conv_pick().name;
  int convs = 0;
  for (const PreparedOp& op : net.ops) {
    const std::string k = op.kernel_name;
    if (k.rfind("qs8_conv_", 0) != 0) continue;
    ++convs;
    CHECK_MESSAGE(k == best, op.info.output << ": " << k << " instead of " << best);
  }
  CHECK(convs > 0);
}

TEST_CASE("shipped int8 models: weights in [-127, 127], every int8 conv on the best kernel") {
  for (const char* f : {"recognition_int8.fgm", "detector_int8.fgm", "landmark68_int8.fgm"}) {
    Model m;
    Status s = model_load_file(model_dir() + "/" + f, &m);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    check_model(m, f);
  }
}

// The quantizer itself (not only the files it once wrote): landmark68 on one calibration
// input, so the check sees today's quantize_model.
TEST_CASE("quantize_model keeps weights in [-127, 127]") {
  Model f32;
  Status s = model_load_file(model_dir() + "/landmark68.fgm", &f32);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  std::vector<float> in;
  s = calibration_input_from_image(f32, sample_face("amy", 1), &in);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  Model q;
  s = quantize_model_in_memory(f32, {in}, QuantizeOptions{}, &q);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  check_model(q, "landmark68 quantized in memory");
}

}  // namespace
