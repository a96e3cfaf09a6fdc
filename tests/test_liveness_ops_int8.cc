// The int8 liveness ops (PReLU and channel multiply as a Q16 per-channel rescale, sigmoid a table:
// runtime/core/quantize_ops.h): a small int8 graph with all three loads and runs on every
// backend, agrees with the f32 ops to within one output step plus the input's rounding, and
// the validator refuses an int8 softmax or a channel multiply with mixed dtypes.
#include <doctest/doctest.h>

#include <cmath>
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/core/model.h"
#include "runtime/core/model_writer.h"

namespace fg {
namespace {

constexpr float kXScale = 0.05f;  // x in [-6.4, 6.35]

struct Built {
  std::vector<uint8_t> bytes;
};

// x f32 [2,3,4] -> quantize -> prelu -> (gap -> sigmoid) -> mul -> dequantize -> y; also y2 =
// dequantize(sigmoid) and y3 = dequantize(prelu). softmax_int8 / scale_f32 break it.
Built build(bool softmax_int8 = false, bool scale_f32 = false) {
  ModelBuilder b;
  b.net_name = "t";
  auto q8 = [&](const char* name, std::vector<int> dims, float scale, int zp) {
    const int t = b.add_tensor(name, DType::kI8, TensorRole::kActivation, dims);
    TensorRecord& r = b.tensors[t].record;
    r.quant = static_cast<uint8_t>(QuantKind::kPerTensor);
    r.scale = scale;
    r.zero_point = zp;
    return t;
  };
  const int x = b.add_tensor("x", DType::kF32, TensorRole::kInput, {2, 3, 4});
  const int xq = q8("xq", {2, 3, 4}, kXScale, 0);
  b.ops.push_back(ModelBuilder::make_op(OpType::kQuantize, {x}, xq));
  const int alpha = b.add_constant_f32("a", {4}, {0.25f, -0.5f, 0.f, 1.5f});
  const int p = q8("p", {2, 3, 4}, 0.075f, 0);
  b.ops.push_back(ModelBuilder::make_op(OpType::kPRelu, {xq, alpha}, p));
  const int g = q8("g", {4}, 0.03f, -30);
  b.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {p}, g));
  const int s = scale_f32 ? b.add_tensor("s", DType::kF32, TensorRole::kActivation, {4}) : q8("s", {4}, 1.f / 255, -128);
  b.ops.push_back(ModelBuilder::make_op(OpType::kSigmoid, {g}, s));
  const int m = q8("m", {2, 3, 4}, 0.08f, 0);
  b.ops.push_back(ModelBuilder::make_op(OpType::kMulChannel, {p, s}, m));
  if (softmax_int8) {
    const int g2 = q8("g2", {4}, 0.03f, 0);
    b.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {m}, g2));
    const int sm = q8("sm", {4}, 1.f / 255, -128);
    b.ops.push_back(ModelBuilder::make_op(OpType::kSoftmax, {g2}, sm));
  }
  const int y = b.add_tensor("y", DType::kF32, TensorRole::kOutput, {2, 3, 4});
  b.ops.push_back(ModelBuilder::make_op(OpType::kDequantize, {m}, y));
  const int y2 = b.add_tensor("y2", DType::kF32, TensorRole::kOutput, {4});
  if (!scale_f32) b.ops.push_back(ModelBuilder::make_op(OpType::kDequantize, {s}, y2));
  const int y3 = b.add_tensor("y3", DType::kF32, TensorRole::kOutput, {2, 3, 4});
  b.ops.push_back(ModelBuilder::make_op(OpType::kDequantize, {p}, y3));
  return {b.serialize()};
}

Status load(const Built& b, Model* m) { return model_load_bytes(b.bytes.data(), b.bytes.size(), "t.fgm", m); }

TEST_CASE("int8 liveness ops: the validator refuses int8 softmax and a mixed-dtype channel multiply") {
  Model m;
  Status s = load(build(true), &m);
  CHECK(!s.is_ok());
  CHECK(s.message().find("softmax") != std::string::npos);
  s = load(build(false, true), &m);
  CHECK(!s.is_ok());
}

TEST_CASE("int8 PReLU / sigmoid / channel multiply follow the f32 ops on every backend") {
  Model m;
  const Status ls = load(build(), &m);
  REQUIRE_MESSAGE(ls.is_ok(), ls.message());
  const float alpha[4] = {0.25f, -0.5f, 0.f, 1.5f};
  std::vector<float> x(24);
  for (int i = 0; i < 24; ++i) x[i] = -6.f + 0.5f * static_cast<float>(i) + 0.013f * static_cast<float>(i % 5);
  // f32 oracle on the quantized input (the Quantize step's rounding is not the ops' error).
  float xr[24], pf[24], gf[4] = {0, 0, 0, 0}, sf[4], mf[24];
  for (int i = 0; i < 24; ++i) {
    xr[i] = kXScale * std::nearbyint(x[i] / kXScale);
    const float a = alpha[i % 4];
    pf[i] = xr[i] > 0.f ? xr[i] : a * xr[i];
  }
  std::vector<float> first;
  for (Backend be : {Backend::kReference, Backend::kNative, Backend::kXnnpack}) {
    NetOptions o;
    o.backend = be;
    Net net;
    const Status ps = net_prepare(m, o, &net);
    if (!ps.is_ok() && be == Backend::kXnnpack && ps.message().find("not available") != std::string::npos) {
      MESSAGE("skipping xnnpack: " << ps.message());
      continue;
    }
    REQUIRE_MESSAGE(ps.is_ok(), ps.message());
    std::copy(x.begin(), x.end(), net_input(net));
    net_run(net);
    const float* y = net_output(net, 0);
    const float* s = net_output(net, 1);
    const float* p = net_output(net, 2);
    // PReLU: half an output step (0.075) and the Q16 multiplier's error (<= 255 / 2^17 step).
    for (int i = 0; i < 24; ++i) CHECK(std::fabs(p[i] - pf[i]) <= 0.075f * 0.51f);
    // Sigmoid of the (int8) pooled values: half an output step (1/255).
    for (int c = 0; c < 4; ++c) {
      gf[c] = 0;
      for (int k = 0; k < 6; ++k) gf[c] += p[k * 4 + c];
      gf[c] /= 6;
      sf[c] = 1.f / (1.f + std::exp(-gf[c]));
      CHECK(std::fabs(s[c] - sf[c]) <= 0.5f / 255 + 0.03f / 4);  // + the gap's own rounding
    }
    // Channel multiply of the int8 operands: half an output step (0.08), plus Q16.
    for (int i = 0; i < 24; ++i) {
      mf[i] = p[i] * s[i % 4];
      CHECK(std::fabs(y[i] - mf[i]) <= 0.08f * 0.51f);
    }
    std::vector<float> all(y, y + 24);
    all.insert(all.end(), s, s + 4);
    all.insert(all.end(), p, p + 24);
    if (first.empty()) first = all;
    CHECK_MESSAGE(all == first, "backend " << backend_name(be) << " differs from the reference");
  }
}

}  // namespace
}  // namespace fg
