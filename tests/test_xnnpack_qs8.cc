// The XNNPACK backend on int8 graphs: every int8 op it runs, checked against our qs8
// reference kernels (kernels/reference/qs8_ops.h) applied to the very int8 inputs XNNPACK
// saw (read back from its arena), so each op is judged on its own. XNNPACK rounds its own
// way (docs: xnnpack_qs8.cc), so the bound is 1 LSB; the number of differing values is shown.
// Graphs: f32 input -> quantize -> [op(s)] -> dequantize -> f32 output.
#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "kernels/reference/qs8_ops.h"
#include "runtime/core/executor.h"
#include "runtime/core/quantize_ops.h"
#include "runtime/core/model_writer.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

#ifndef FG_HAVE_XNNPACK
TEST_CASE("xnnpack qs8: not in this build") { MESSAGE("SKIPPED: built without libxnnpack"); }
#else

namespace {

uint32_t next(uint32_t* seed) { return *seed = *seed * 1664525u + 1013904223u; }

struct Q8Graph {
  ModelBuilder mb;
  int input = -1;  // f32
  int x = -1;      // its int8 quantization
  Model model;
  Net net;

  Q8Graph(std::vector<int> dims, float sx, int zx) {
    mb.net_name = "t";
    input = mb.add_tensor("input", DType::kF32, TensorRole::kInput, dims);
    x = act("x", dims, sx, zx);
    mb.ops.push_back(ModelBuilder::make_op(OpType::kQuantize, {input}, x));
  }
  int act(const std::string& name, std::vector<int> dims, float scale, int zero_point) {
    const int t = mb.add_tensor(name, DType::kI8, TensorRole::kActivation, dims);
    mb.tensors[t].record.quant = static_cast<uint8_t>(QuantKind::kPerTensor);
    mb.tensors[t].record.scale = scale;
    mb.tensors[t].record.zero_point = zero_point;
    return t;
  }
  // Symmetric per-channel int8 weights (last dim = channels), values in [-127, 127].
  int weights(const std::string& name, std::vector<int> dims, uint32_t seed) {
    size_t n = 1;
    for (int d : dims) n *= static_cast<size_t>(d);
    std::vector<int8_t> v(n);
    for (int8_t& q : v) q = static_cast<int8_t>(static_cast<int>(next(&seed) >> 8) % 255 - 127);
    const int t = mb.add_constant_raw(name, DType::kI8, dims, v.data(), v.size());
    mb.tensors[t].record.quant = static_cast<uint8_t>(QuantKind::kPerChannel);
    for (int c = 0; c < dims.back(); ++c) mb.tensors[t].channel_scales.push_back(0.002f + 0.0003f * (c % 7));
    return t;
  }
  int bias(const std::string& name, int n, uint32_t seed) {
    std::vector<int32_t> v(static_cast<size_t>(n));
    for (int32_t& b : v) b = static_cast<int32_t>(next(&seed) >> 16) % 4001 - 2000;
    return mb.add_constant_raw(name, DType::kI32, {n}, v.data(), v.size() * 4);
  }
  // Closes the graph with a dequantize of `y`, loads it and runs it once on XNNPACK.
  void run(int y) {
    std::vector<int> dims(mb.tensors[y].record.dims, mb.tensors[y].record.dims + mb.tensors[y].record.rank);
    const int out = mb.add_tensor("out", DType::kF32, TensorRole::kOutput, dims);
    mb.ops.push_back(ModelBuilder::make_op(OpType::kDequantize, {y}, out));
    const std::vector<uint8_t> bytes = mb.serialize();
    Status s = model_load_bytes(bytes.data(), bytes.size(), "qs8 graph", &model);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    NetOptions opt;
    opt.backend = Backend::kXnnpack;
    opt.keep_all_activations = true;
    s = net_prepare(model, opt, &net);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    uint32_t seed = 99;
    float* in = net_input(net);
    for (int64_t i = 0; i < model.tensors[input].elements; ++i)
      in[i] = (static_cast<float>(next(&seed) >> 8) / static_cast<float>(1u << 24) * 2.f - 1.f) * 1.5f;
    net_run(net);
  }
  const int8_t* q(int t) const { return reinterpret_cast<const int8_t*>(net.arena.data() + net.tensor_offset[t]); }
  const TensorInfo& info(int t) const { return model.tensors[t]; }
  const int8_t* w(int t) const { return static_cast<const int8_t*>(model.tensors[t].data); }
};

// Largest |a - b| in LSB; CHECKs it is <= 1 and reports how many values differ.
int compare_q(const int8_t* got, const int8_t* want, size_t n, const std::string& label) {
  int worst = 0;
  size_t differ = 0;
  for (size_t i = 0; i < n; ++i) {
    const int d = std::abs(static_cast<int>(got[i]) - static_cast<int>(want[i]));
    worst = std::max(worst, d);
    differ += d != 0;
  }
  CHECK_MESSAGE(worst <= 1, label << ": max diff " << worst << " LSB");
  // A case whose outputs all saturate would prove nothing.
  std::vector<int8_t> distinct(want, want + n);
  std::sort(distinct.begin(), distinct.end());
  CHECK_MESSAGE(std::unique(distinct.begin(), distinct.end()) - distinct.begin() >= std::min<size_t>(n, 4),
                label << ": too few distinct reference values to be a meaningful case");
  MESSAGE(label << ": max diff " << worst << " LSB, " << differ << " of " << n << " values differ");
  return worst;
}

void conv_case(bool depthwise, int h, int w, int c, int cout, int k, int stride, int pad, Activation act) {
  Q8Graph g({h, w, c}, 0.012f, -7);
  if (depthwise) cout = c;
  const int f = depthwise ? g.weights("w", {k, k, c}, 5) : g.weights("w", {k, k, c, cout}, 5);
  const int b = g.bias("b", cout, 6);
  const int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
  const int y = g.act("y", {oh, ow, cout}, 0.05f, 4);
  OpRecord op = ModelBuilder::make_op(depthwise ? OpType::kDepthwiseConv2d : OpType::kConv2d, {g.x, f, b}, y);
  op.kernel_h = op.kernel_w = k;
  op.stride_h = op.stride_w = stride;
  op.pad_top = op.pad_left = op.pad_bottom = op.pad_right = pad;
  op.activation = static_cast<uint8_t>(act);
  op.leaky_alpha = 0.1f;
  g.mb.ops.push_back(op);
  g.run(y);
  const Conv2dShape s{h, w, c, oh, ow, cout, k, k, stride, stride, pad, pad, depthwise};
  if (act == Activation::kLeakyRelu) {  // intermediate quantization + table (quantize_ops.h)
    Qs8ConvSetup setup;
    REQUIRE(qs8_conv_setup(g.net.ops[1], &setup).is_ok());
    REQUIRE(setup.leaky);
    std::vector<int8_t> want(static_cast<size_t>(g.info(y).elements));
    qs8_conv2d__reference(s, g.q(g.x), g.w(f), static_cast<const int32_t*>(g.info(b).data), setup.quant,
                          setup.params, want.data());
    qs8_apply_table(setup.leaky_table, want.size(), want.data());
    compare_q(g.q(y), want.data(), want.size(), depthwise ? "qc8 depthwise conv + leaky" : "qc8 dense conv + leaky");
    return;
  }
  const TensorInfo& xi = g.info(g.x);
  const TensorInfo& yi = g.info(y);
  Qs8ConvQuant q{xi.zero_point, xi.scale, g.info(f).channel_scales, yi.scale};
  Qs8ConvParams p;
  p.output_zero_point = yi.zero_point;
  p.output_min = act == Activation::kRelu ? static_cast<int8_t>(std::max(-128, yi.zero_point)) : -128;
  std::vector<int8_t> want(static_cast<size_t>(yi.elements));
  qs8_conv2d__reference(s, g.q(g.x), g.w(f), static_cast<const int32_t*>(g.info(b).data), q, p, want.data());
  compare_q(g.q(y), want.data(), want.size(), depthwise ? "qc8 depthwise conv" : "qc8 dense conv");
}

}  // namespace

TEST_CASE("xnnpack qs8: quantize, dequantize and qc8 convolutions") {
  conv_case(false, 9, 8, 5, 7, 3, 2, 1, Activation::kRelu);
  conv_case(false, 7, 7, 16, 32, 3, 1, 1, Activation::kNone);
  conv_case(false, 6, 5, 24, 9, 1, 1, 0, Activation::kRelu);
  conv_case(true, 8, 9, 6, 6, 3, 1, 1, Activation::kNone);
  conv_case(true, 10, 10, 17, 17, 3, 2, 1, Activation::kRelu);
  conv_case(false, 8, 8, 16, 32, 3, 1, 1, Activation::kLeakyRelu);  // the detector's epilogue
  conv_case(true, 8, 8, 16, 16, 3, 1, 1, Activation::kLeakyRelu);

  // The boundary ops, on the last graph's shapes.
  Q8Graph g({5, 4, 3}, 0.013f, 9);
  g.run(g.x);
  const TensorInfo& xi = g.info(g.x);
  std::vector<int8_t> want(static_cast<size_t>(xi.elements));
  int worst_dq = 0;
  for (size_t i = 0; i < want.size(); ++i) {
    want[i] = qs8_round_clamp(net_input(g.net)[i] / xi.scale, xi.zero_point, -128, 127);
    const float dq = xi.scale * static_cast<float>(g.q(g.x)[i] - xi.zero_point);
    worst_dq = std::max(worst_dq, dq == net_output(g.net)[i] ? 0 : 1);
  }
  compare_q(g.q(g.x), want.data(), want.size(), "quantize (convert_nc_f32_qs8)");
  CHECK_MESSAGE(worst_dq == 0, "dequantize (convert_nc_qs8_f32) is not s * (q - z) exactly");
}

TEST_CASE("xnnpack qs8: fully connected as a 1x1 qc8 conv") {
  Q8Graph g({37}, 0.02f, 3);
  const int f = g.weights("w", {37, 11}, 8);
  const int b = g.bias("b", 11, 9);
  const int y = g.act("y", {11}, 0.07f, -2);
  g.mb.ops.push_back(ModelBuilder::make_op(OpType::kFullyConnected, {g.x, f, b}, y));
  g.run(y);
  const Conv2dShape s{1, 1, 37, 1, 1, 11, 1, 1, 1, 1, 0, 0, false};
  Qs8ConvQuant q{g.info(g.x).zero_point, g.info(g.x).scale, g.info(f).channel_scales, g.info(y).scale};
  Qs8ConvParams p;
  p.output_zero_point = g.info(y).zero_point;
  std::vector<int8_t> want(11);
  qs8_conv2d__reference(s, g.q(g.x), g.w(f), static_cast<const int32_t*>(g.info(b).data), q, p, want.data());
  compare_q(g.q(y), want.data(), want.size(), "qc8 fully connected");
}

TEST_CASE("xnnpack qs8: max pool and global average pool") {
  {
    Q8Graph g({13, 12, 5}, 0.01f, -20);
    const int y = g.act("y", {6, 6, 5}, 0.01f, -20);
    OpRecord op = ModelBuilder::make_op(OpType::kMaxPool2d, {g.x}, y);
    op.kernel_h = op.kernel_w = 3;
    op.stride_h = op.stride_w = 2;
    op.pad_bottom = op.pad_right = 1;
    g.mb.ops.push_back(op);
    g.run(y);
    const Pool2dShape s{13, 12, 5, 6, 6, 3, 3, 2, 2, 0, 0};
    Qs8PoolQuant q;
    q.input_zero_point = q.output_zero_point = -20;
    std::vector<int8_t> want(6 * 6 * 5);
    qs8_pool2d__reference(PoolKind::kMax, s, g.q(g.x), q, want.data());
    compare_q(g.q(y), want.data(), want.size(), "s8 max pool");
  }
  {
    Q8Graph g({7, 5, 19}, 0.01f, 5);
    const int y = g.act("y", {19}, 0.004f, -3);
    g.mb.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {g.x}, y));
    g.run(y);
    const Pool2dShape s{7, 5, 19, 1, 1, 7, 5, 1, 1, 0, 0};
    Qs8PoolQuant q;
    q.input_zero_point = 5;
    q.output_zero_point = -3;
    q.scale_ratio = 0.01f / 0.004f;
    std::vector<int8_t> want(19);
    qs8_pool2d__reference(PoolKind::kAverage, s, g.q(g.x), q, want.data());
    compare_q(g.q(y), want.data(), want.size(), "qs8 global average pool");
  }
}

TEST_CASE("xnnpack qs8: adds, including zero-extension with the input's zero point") {
  struct Case {
    std::vector<int> a, b;
    Activation act;
  };
  for (const Case& c : {Case{{5, 5, 8}, {5, 5, 8}, Activation::kRelu}, Case{{4, 4, 16}, {4, 4, 8}, Activation::kRelu},
                        Case{{3, 3, 16}, {4, 4, 8}, Activation::kNone}}) {
    std::vector<int> out(3);
    for (int d = 0; d < 3; ++d) out[d] = std::max(c.a[d], c.b[d]);
    Q8Graph g({out[0], out[1], 4}, 0.02f, 1);
    int addend[2];
    const std::vector<int>* dims[2] = {&c.a, &c.b};
    for (int i = 0; i < 2; ++i) {  // addends with their own quantization, from VALID convs
      const int kh = 1 + out[0] - (*dims[i])[0], kw = 1 + out[1] - (*dims[i])[1];
      const int f = g.weights("w" + std::to_string(i), {kh, kw, 4, (*dims[i])[2]}, 20 + i);
      addend[i] = g.act("addend" + std::to_string(i), *dims[i], i ? 0.03f : 0.045f, i ? -11 : 6);
      OpRecord conv = ModelBuilder::make_op(OpType::kConv2d, {g.x, f}, addend[i]);
      conv.kernel_h = kh;
      conv.kernel_w = kw;
      g.mb.ops.push_back(conv);
    }
    const int y = g.act("y", out, 0.06f, -5);
    OpRecord op = ModelBuilder::make_op(OpType::kAdd, {addend[0], addend[1]}, y);
    op.activation = static_cast<uint8_t>(c.act);
    g.mb.ops.push_back(op);
    g.run(y);
    const TensorInfo& a = g.info(addend[0]);
    const TensorInfo& b = g.info(addend[1]);
    const TensorInfo& yi = g.info(y);
    Qs8AddQuant q;
    q.a_zero_point = a.zero_point;
    q.b_zero_point = b.zero_point;
    q.output_zero_point = yi.zero_point;
    q.a_scale = a.scale / yi.scale;
    q.b_scale = b.scale / yi.scale;
    q.output_min = c.act == Activation::kRelu ? static_cast<int8_t>(yi.zero_point) : -128;
    const AddShape s{out[0], out[1], out[2], c.a[0], c.a[1], c.a[2], c.b[0], c.b[1], c.b[2]};
    std::vector<int8_t> want(static_cast<size_t>(yi.elements));
    qs8_add_zero_extend__reference(s, g.q(addend[0]), g.q(addend[1]), q, want.data());
    compare_q(g.q(y), want.data(), want.size(), std::string("qs8 add (") + g.net.ops[3].kernel_name + ")");
  }
}

#endif  // FG_HAVE_XNNPACK
