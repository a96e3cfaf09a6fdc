// The native backend against the reference backend: every op type in f32 (tight
// tolerance) and in int8 (bit-exact, every intermediate tensor), residual fusion, and the
// three nets quantized and run on both backends.
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "runtime/core/residual_fusion.h"
#include "runtime/core/executor.h"
#include "runtime/quantize/quantize.h"
#include "test_util.h"
#include "runtime/core/graph_builder.h"

using namespace fg;
using namespace fg_test;

namespace {

std::vector<float> random_values(std::mt19937& rng, size_t n, float amplitude) {
  std::uniform_real_distribution<float> d(-amplitude, amplitude);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

// A small graph using every op: a fusable conv residual, a fusable depthwise residual,
// leaky relu convs, SAME/VALID pools, a zero-extending add (smaller h, w and c), global
// average pool and fully connected with bias.
ModelBuilder every_op_graph(std::mt19937& rng) {
  GraphBuilder g;
  g.mb.net_name = "test";
  auto w = [&](size_t n) { return random_values(rng, n, 0.4f); };
  const int x = g.input("input", 12, 10, 3);
  const int t1 = g.conv("t1", x, false, 3, 16, w(3 * 3 * 3 * 16), w(16), 1, Pads{1, 1, 1, 1}, Activation::kRelu);
  const int t2 = g.conv("t2", t1, false, 3, 16, w(3 * 3 * 16 * 16), w(16), 1, Pads{1, 1, 1, 1}, Activation::kNone);
  const int r1 = g.add("r1", t2, t1, Activation::kRelu);
  const int t3 = g.conv("t3", r1, true, 3, 16, w(3 * 3 * 16), w(16), 2, Pads{1, 1, 1, 1}, Activation::kLeakyRelu,
                        0.1f);
  const int t4 = g.pool("t4", t3, true, 2, 2, tf_same_pads(6, 5, 2, 2));
  const int t5 = g.conv("t5", t4, false, 1, 24, w(16 * 24), w(24), 1, Pads{}, Activation::kLeakyRelu, 0.1f);
  const int t6 = g.pool("t6", t5, false, 2, 1, tf_same_pads(3, 3, 2, 1));
  const int t7 = g.conv("t7", t6, false, 2, 20, w(2 * 2 * 24 * 20), {}, 1, Pads{}, Activation::kNone);
  const int r2 = g.add("r2", t6, t7, Activation::kRelu);  // zero-extends t7 in h, w and c
  const int t8 = g.conv("t8", r2, true, 3, 24, w(3 * 3 * 24), {}, 1, Pads{1, 1, 1, 1}, Activation::kNone);
  const int r3 = g.add("r3", r2, t8, Activation::kNone);  // fusable depthwise residual
  const int gp = g.global_avg_pool("gap", r3);
  const int fc = g.fully_connected("fc", gp, 10, w(24 * 10), w(10));
  g.mark_output(fc);
  return std::move(g.mb);
}

void load_builder(const ModelBuilder& mb, Model* m) {
  const std::vector<uint8_t> bytes = mb.serialize();
  Status s = model_load_bytes(bytes.data(), bytes.size(), "test graph", m);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
}

void prepare(const Model& m, Backend b, bool keep_all, Net* net) {
  NetOptions opt;
  opt.backend = b;
  opt.keep_all_activations = keep_all;
  Status s = net_prepare(m, opt, net);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
}

void run_on(Net& net, const std::vector<float>& x) {
  std::memcpy(net_input(net), x.data(), x.size() * sizeof(float));
  net_run(net);
}

std::vector<float> output_of(const Net& net, const Model& m) {
  const TensorInfo& t = m.tensors[m.outputs[0]];
  return std::vector<float>(net_output(net), net_output(net) + t.elements);
}

// Every int8 tensor of two keep-all runs, byte for byte; returns how many were compared.
int expect_int8_tensors_equal(const Model& m, const Net& a, const Net& b) {
  int compared = 0;
  for (size_t t = 0; t < m.tensors.size(); ++t) {
    const TensorInfo& ti = m.tensors[t];
    if (ti.role == TensorRole::kConstant || ti.dtype != DType::kI8) continue;
    const auto* pa = reinterpret_cast<const int8_t*>(net_tensor(a, static_cast<int>(t)));
    const auto* pb = reinterpret_cast<const int8_t*>(net_tensor(b, static_cast<int>(t)));
    int64_t diffs = 0;
    for (int64_t i = 0; i < ti.elements; ++i) diffs += pa[i] != pb[i];
    CHECK_MESSAGE(diffs == 0, ti.name << ": " << diffs << " of " << ti.elements << " values differ");
    ++compared;
  }
  return compared;
}

std::vector<std::vector<float>> random_inputs(std::mt19937& rng, const Model& m, int count) {
  std::vector<std::vector<float>> v;
  for (int i = 0; i < count; ++i)
    v.push_back(random_values(rng, static_cast<size_t>(m.tensors[m.inputs[0]].elements), 1.f));
  return v;
}

}  // namespace

TEST_CASE("f32: every op on the native backend matches the reference, fused and unfused") {
  std::mt19937 rng(7);
  Model m;
  load_builder(every_op_graph(rng), &m);
  std::vector<OpInfo> ops = m.ops;
  CHECK(fuse_conv_residual_adds(m, &ops) == 2);  // t2+t1 and t8+r2; t7 is smaller than r2
  Net ref, fused, unfused;
  prepare(m, Backend::kReference, false, &ref);
  prepare(m, Backend::kNative, false, &fused);
  prepare(m, Backend::kNative, true, &unfused);
  CHECK(fused.ops.size() == m.ops.size() - 2);
  CHECK(unfused.ops.size() == m.ops.size());
  for (const std::vector<float>& x : random_inputs(rng, m, 3)) {
    run_on(ref, x);
    run_on(fused, x);
    run_on(unfused, x);
    const std::vector<float> r = output_of(ref, m);
    const float e1 = max_abs_diff(output_of(fused, m).data(), r.data(), r.size());
    const float e2 = max_abs_diff(output_of(unfused, m).data(), r.data(), r.size());
    CHECK_MESSAGE(e1 <= 1e-5f, "fused: max abs error " << e1);
    CHECK_MESSAGE(e2 <= 1e-5f, "unfused: max abs error " << e2);
  }
}

TEST_CASE("f32 reference: a conv with a residual input equals conv then add") {
  std::mt19937 rng(11);
  Model m;
  load_builder(every_op_graph(rng), &m);
  // Build the fused model file by hand: the pass's op list written back out.
  std::vector<OpInfo> ops = m.ops;
  fuse_conv_residual_adds(m, &ops);
  Model fused_model;
  {
    ModelBuilder mb;
    mb.net_name = "test";
    for (const TensorInfo& t : m.tensors) {
      const std::vector<int> dims(t.dims, t.dims + t.rank);
      if (t.role == TensorRole::kConstant) mb.add_constant_raw(t.name, t.dtype, dims, t.data, static_cast<size_t>(t.bytes()));
      else mb.add_tensor(t.name, t.dtype, t.role, dims);
    }
    for (const OpInfo& op : ops) {
      OpRecord r = ModelBuilder::make_op(op.type, {op.inputs[0], op.inputs[1], op.inputs[2], op.inputs[3]}, op.output);
      r.activation = static_cast<uint8_t>(op.activation);
      r.leaky_alpha = op.leaky_alpha;
      r.kernel_h = op.kernel_h; r.kernel_w = op.kernel_w; r.stride_h = op.stride_h; r.stride_w = op.stride_w;
      r.pad_top = op.pad_top; r.pad_left = op.pad_left; r.pad_bottom = op.pad_bottom; r.pad_right = op.pad_right;
      mb.ops.push_back(r);
    }
    load_builder(mb, &fused_model);
  }
  Net a, b;
  prepare(m, Backend::kReference, false, &a);
  prepare(fused_model, Backend::kReference, false, &b);
  const std::vector<float> x = random_inputs(rng, m, 1)[0];
  run_on(a, x);
  run_on(b, x);
  const std::vector<float> ya = output_of(a, m);
  CHECK(max_abs_diff(output_of(b, fused_model).data(), ya.data(), ya.size()) <= 1e-5f);
}

TEST_CASE("int8: every op on the native backend is bit-exact with the reference") {
  std::mt19937 rng(3);
  Model m;
  load_builder(every_op_graph(rng), &m);
  // 99% percentile: plenty of values saturate, so the clamps are exercised too.
  for (float percentile : {100.f, 99.f}) {
    QuantizeOptions qo;
    qo.percentile = percentile;
    Model q;
    Status s = quantize_model_in_memory(m, random_inputs(rng, m, 4), qo, &q);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    Net ref, nat, nat_planned;
    prepare(q, Backend::kReference, true, &ref);
    prepare(q, Backend::kNative, true, &nat);
    prepare(q, Backend::kNative, false, &nat_planned);  // shared arena bytes
    for (const std::vector<float>& x : random_inputs(rng, m, 3)) {
      run_on(ref, x);
      run_on(nat, x);
      run_on(nat_planned, x);
      CHECK(expect_int8_tensors_equal(q, ref, nat) >= 10);
      // The output layer runs in f32 (QuantizeOptions::f32_output_layers): tight tolerance.
      const std::vector<float> r = output_of(ref, q);
      CHECK(max_abs_diff(output_of(nat_planned, q).data(), r.data(), r.size()) <= 1e-5f);
    }
  }
}

TEST_CASE("int8: the three nets quantized, native bit-exact with the reference") {
  const std::string golden = test_data_dir() + "/golden/";
  struct Case { const char* file; std::vector<std::string> calib; std::string test; };
  const Case cases[] = {
      {"recognition.fgm",
       {"recog_only__amy_amy1.png__input.f32", "recog_only__howard_howard3.png__input.f32"},
       "recog_only__penny_penny2.png__input.f32"},
      {"landmark68.fgm",
       {"_group_angry.jpg__tiny_face_detector__face0__landmark_input.f32"},
       "_group_bbt4.jpg__tiny_face_detector__face3__landmark_input.f32"},
      {"detector.fgm", {"_group_bbt4.jpg__tiny_input416.f32"}, "_group_bbt4.jpg__tiny_input416.f32"},
  };
  for (const Case& c : cases) {
    const std::string file = c.file;
    CAPTURE(file);
    Model m;
    Status s = model_load_file(model_dir() + "/" + c.file, &m);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    std::vector<std::vector<float>> calib;
    for (const std::string& f : c.calib) calib.push_back(read_f32(golden + f));
    Model q;
    s = quantize_model_in_memory(m, calib, QuantizeOptions{}, &q);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    Net ref, nat;
    prepare(q, Backend::kReference, true, &ref);
    prepare(q, Backend::kNative, true, &nat);
    const std::vector<float> x = read_f32(golden + c.test);
    REQUIRE(x.size() == static_cast<size_t>(m.tensors[m.inputs[0]].elements));
    run_on(ref, x);
    run_on(nat, x);
    const int compared = expect_int8_tensors_equal(q, ref, nat);
    MESSAGE(file << ": " << compared << " int8 tensors bit-exact (native vs reference)");
    const std::vector<float> r = output_of(ref, q);
    CHECK(max_abs_diff(output_of(nat, q).data(), r.data(), r.size()) <= 1e-4f);
  }
}
