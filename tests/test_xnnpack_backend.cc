// The XNNPACK backend against the reference backend: single-op graphs built here (every
// op kind, with the awkward cases: padded pools, zero-extending adds, leaky ReLU, asymmetric
// conv padding), then the three real nets on the bundled golden inputs. f32: max abs <= 1e-4.
// int8 graphs: tests/test_xnnpack_qs8.cc.
#include <algorithm>
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/core/model_writer.h"
#include "test_util.h"
#ifdef FG_HAVE_XNNPACK
#include "runtime/core/backends/xnnpack/xnnpack_internal.h"
#endif

using namespace fg;
using namespace fg_test;

namespace {

constexpr float kTolerance = 1e-4f;

#ifdef FG_HAVE_XNNPACK

// Deterministic values in [-1, 1): negative on purpose (max pool padding, ReLU, leaky).
std::vector<float> pseudo_random(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1664525u + 1013904223u;
    v[i] = static_cast<float>(seed >> 8) / static_cast<float>(1u << 24) * 2.f - 1.f;
  }
  return v;
}

float* tensor_ptr(Net& net, int t) { return reinterpret_cast<float*>(net.arena.data() + net.tensor_offset[t]); }

// Runs `mb` (one op, graph inputs filled with pseudo-random values) on the reference and the
// XNNPACK backend; returns the max abs difference of the output.
float xnnpack_vs_reference(ModelBuilder& mb, const std::string& label) {
  const std::vector<uint8_t> bytes = mb.serialize();
  Model model;
  Status s = model_load_bytes(bytes.data(), bytes.size(), label, &model);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  Net ref, xnn;
  s = net_prepare(model, NetOptions{}, &ref);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  NetOptions opt;
  opt.backend = Backend::kXnnpack;
  s = net_prepare(model, opt, &xnn);
  REQUIRE_MESSAGE(s.is_ok(), label << ": " << s.message());
  uint32_t seed = 7;
  for (int t : model.inputs) {
    const std::vector<float> x = pseudo_random(static_cast<size_t>(model.tensors[t].elements), seed++);
    std::copy(x.begin(), x.end(), tensor_ptr(ref, t));
    std::copy(x.begin(), x.end(), tensor_ptr(xnn, t));
  }
  net_run(ref);
  net_run(xnn);
  const size_t n = static_cast<size_t>(model.tensors[model.outputs[0]].elements);
  const float err = max_abs_diff(net_output(xnn), net_output(ref), n);
  CHECK_MESSAGE(err <= kTolerance, label << " (" << std::string(xnn.ops.back().kernel_name) << "): max abs error " << err);
  return err;
}

struct Window {
  int k, stride, top, left, bottom, right;
};

void set_window(OpRecord* op, const Window& w) {
  op->kernel_h = op->kernel_w = w.k;
  op->stride_h = op->stride_w = w.stride;
  op->pad_top = w.top; op->pad_left = w.left; op->pad_bottom = w.bottom; op->pad_right = w.right;
}

int window_out(int in, const Window& w, bool vertical) {
  const int span = in + (vertical ? w.top + w.bottom : w.left + w.right) - w.k;
  return span / w.stride + 1;
}

void conv_case(bool depthwise, int h, int w, int cin, int cout, Window win, Activation act, bool bias) {
  ModelBuilder mb;
  mb.net_name = "t";
  const int x = mb.add_tensor("x", DType::kF32, TensorRole::kInput, {h, w, cin});
  if (depthwise) cout = cin;
  const size_t wn = static_cast<size_t>(win.k) * win.k * cin * (depthwise ? 1 : cout);
  const int f = depthwise ? mb.add_constant_f32("w", {win.k, win.k, cin}, pseudo_random(wn, 3))
                          : mb.add_constant_f32("w", {win.k, win.k, cin, cout}, pseudo_random(wn, 3));
  const int b = bias ? mb.add_constant_f32("b", {cout}, pseudo_random(static_cast<size_t>(cout), 5)) : -1;
  const int y = mb.add_tensor("y", DType::kF32, TensorRole::kOutput,
                              {window_out(h, win, true), window_out(w, win, false), cout});
  OpRecord op = ModelBuilder::make_op(depthwise ? OpType::kDepthwiseConv2d : OpType::kConv2d,
                                      bias ? std::vector<int>{x, f, b} : std::vector<int>{x, f}, y);
  set_window(&op, win);
  op.activation = static_cast<uint8_t>(act);
  op.leaky_alpha = 0.1f;
  mb.ops.push_back(op);
  xnnpack_vs_reference(mb, depthwise ? "depthwise conv" : "dense conv");
}

void pool_case(bool max, int h, int w, int c, Window win) {
  ModelBuilder mb;
  mb.net_name = "t";
  const int x = mb.add_tensor("x", DType::kF32, TensorRole::kInput, {h, w, c});
  const int y = mb.add_tensor("y", DType::kF32, TensorRole::kOutput,
                              {window_out(h, win, true), window_out(w, win, false), c});
  OpRecord op = ModelBuilder::make_op(max ? OpType::kMaxPool2d : OpType::kAvgPool2d, {x}, y);
  set_window(&op, win);
  mb.ops.push_back(op);
  xnnpack_vs_reference(mb, max ? "max pool" : "average pool");
}

// A model has exactly one input, so the two addends are made from it by VALID convs whose
// kernel size sets their extent (those run on XNNPACK too; the add is the point).
void add_case(std::vector<int> a_dims, std::vector<int> b_dims, Activation act) {
  ModelBuilder mb;
  mb.net_name = "t";
  std::vector<int> out(3);
  for (int d = 0; d < 3; ++d) out[d] = std::max(a_dims[d], b_dims[d]);
  const int x = mb.add_tensor("x", DType::kF32, TensorRole::kInput, {out[0], out[1], 2});
  int addend[2];
  const std::vector<int>* dims[2] = {&a_dims, &b_dims};
  for (int i = 0; i < 2; ++i) {
    const int kh = 1 + out[0] - (*dims[i])[0], kw = 1 + out[1] - (*dims[i])[1], c = (*dims[i])[2];
    const int w = mb.add_constant_f32("w" + std::to_string(i), {kh, kw, 2, c},
                                      pseudo_random(static_cast<size_t>(kh) * kw * 2 * c, 11 + i));
    addend[i] = mb.add_tensor("addend" + std::to_string(i), DType::kF32, TensorRole::kActivation, *dims[i]);
    OpRecord conv = ModelBuilder::make_op(OpType::kConv2d, {x, w}, addend[i]);
    conv.kernel_h = kh;
    conv.kernel_w = kw;
    mb.ops.push_back(conv);
  }
  const int y = mb.add_tensor("y", DType::kF32, TensorRole::kOutput, out);
  OpRecord op = ModelBuilder::make_op(OpType::kAdd, {addend[0], addend[1]}, y);
  op.activation = static_cast<uint8_t>(act);
  op.leaky_alpha = 0.2f;
  mb.ops.push_back(op);
  xnnpack_vs_reference(mb, "add");
}

#endif  // FG_HAVE_XNNPACK

}  // namespace

#ifndef FG_HAVE_XNNPACK

TEST_CASE("xnnpack backend: not in this build") {
  MESSAGE("SKIPPED: built without libxnnpack (FG_HAVE_XNNPACK undefined); checking the error path only");
  ModelBuilder mb;
  mb.net_name = "t";
  const int x = mb.add_tensor("x", DType::kF32, TensorRole::kInput, {4});
  const int y = mb.add_tensor("y", DType::kF32, TensorRole::kOutput, {2});
  const int w = mb.add_constant_f32("w", {4, 2}, std::vector<float>(8, 1.f));
  mb.ops.push_back(ModelBuilder::make_op(OpType::kFullyConnected, {x, w}, y));
  const std::vector<uint8_t> bytes = mb.serialize();
  Model model;
  REQUIRE(model_load_bytes(bytes.data(), bytes.size(), "t", &model).is_ok());
  NetOptions opt;
  opt.backend = Backend::kXnnpack;
  Net net;
  CHECK_FALSE(net_prepare(model, opt, &net).is_ok());
}

#else

TEST_CASE("xnnpack backend: convolutions match the reference") {
  conv_case(false, 9, 8, 5, 7, {3, 2, 0, 0, 1, 1}, Activation::kRelu, true);   // TF SAME stride 2
  conv_case(false, 7, 7, 3, 16, {3, 1, 0, 0, 0, 0}, Activation::kLeakyRelu, true);
  conv_case(false, 6, 5, 8, 9, {1, 1, 0, 0, 0, 0}, Activation::kNone, false);  // pointwise
  conv_case(false, 15, 15, 3, 4, {7, 4, 0, 0, 2, 1}, Activation::kNone, true);
  conv_case(true, 8, 9, 6, 6, {3, 1, 1, 1, 1, 1}, Activation::kLeakyRelu, false);
  conv_case(true, 10, 10, 17, 17, {3, 2, 0, 1, 1, 0}, Activation::kRelu, true);
}

TEST_CASE("xnnpack backend: pools match the reference (padding never counts)") {
  pool_case(true, 13, 13, 5, {2, 1, 0, 0, 1, 1});  // detector's maxpool5: SAME, stride 1
  pool_case(true, 13, 12, 3, {3, 2, 0, 0, 0, 0});
  pool_case(true, 7, 7, 4, {2, 2, 0, 0, 1, 1});
  pool_case(false, 9, 9, 6, {3, 2, 1, 1, 1, 1});   // padded average: divisor = real cells
  pool_case(false, 8, 8, 3, {2, 2, 0, 0, 0, 0});
}

TEST_CASE("xnnpack backend: adds, including the zero-extending down-block cases") {
  add_case({5, 5, 8}, {5, 5, 8}, Activation::kRelu);
  add_case({4, 4, 16}, {4, 4, 8}, Activation::kRelu);   // shortcut with fewer channels
  add_case({3, 3, 16}, {4, 4, 8}, Activation::kRelu);   // conv branch 1 px smaller, too
  add_case({4, 4, 8}, {3, 3, 16}, Activation::kNone);
  add_case({2, 1, 3}, {1, 2, 3}, Activation::kLeakyRelu);
}

TEST_CASE("xnnpack backend: global average pool and fully connected") {
  {
    ModelBuilder mb;
    mb.net_name = "t";
    const int x = mb.add_tensor("x", DType::kF32, TensorRole::kInput, {7, 5, 19});
    const int y = mb.add_tensor("y", DType::kF32, TensorRole::kOutput, {19});
    mb.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {x}, y));
    xnnpack_vs_reference(mb, "global average pool");
  }
  for (bool bias : {false, true}) {
    ModelBuilder mb;
    mb.net_name = "t";
    const int x = mb.add_tensor("x", DType::kF32, TensorRole::kInput, {37});
    const int w = mb.add_constant_f32("w", {37, 11}, pseudo_random(37 * 11, 9));
    const int b = bias ? mb.add_constant_f32("b", {11}, pseudo_random(11, 4)) : -1;
    const int y = mb.add_tensor("y", DType::kF32, TensorRole::kOutput, {11});
    mb.ops.push_back(ModelBuilder::make_op(OpType::kFullyConnected, bias ? std::vector<int>{x, w, b}
                                                                         : std::vector<int>{x, w}, y));
    xnnpack_vs_reference(mb, bias ? "fully connected + bias" : "fully connected");
  }
}

TEST_CASE("xnnpack backend: the three nets match the reference and the goldens") {
  const std::string dir = test_data_dir() + "/golden/";
  struct Case {
    const char* model;
    std::vector<std::pair<std::string, std::string>> files;  // input, TF.js golden output
  };
  std::vector<Case> cases(3);
  cases[0].model = "recognition.fgm";
  for (const char* face : {"amy_amy1", "howard_howard3", "penny_penny2", "sheldon_sheldon5"})
    cases[0].files.push_back({dir + "recog_only__" + face + ".png__input.f32", dir + "recog_only__" + face + ".png__descriptor.f32"});
  cases[1].model = "detector.fgm";
  cases[1].files.push_back({dir + "_group_bbt4.jpg__tiny_input416.f32", dir + "_group_bbt4.jpg__tiny_out416.f32"});
  cases[2].model = "landmark68.fgm";
  for (const char* face : {"_group_bbt4.jpg__tiny_face_detector__face0", "_group_bbt4.jpg__tiny_face_detector__face3",
                           "_group_angry.jpg__tiny_face_detector__face0"})
    cases[2].files.push_back({dir + face + "__landmark_input.f32", dir + face + "__landmark68_fc_out.f32"});
  for (const Case& c : cases) {
    const std::string name = c.model;
    Model model;
    Status s = model_load_file(model_dir() + "/" + name, &model);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    Net ref, xnn;
    s = net_prepare(model, NetOptions{}, &ref);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    NetOptions opt;
    opt.backend = Backend::kXnnpack;
    {
      Net staging;  // prepared in one object, moved into another: XNNPACK must follow the arena
      s = net_prepare(model, opt, &staging);
      REQUIRE_MESSAGE(s.is_ok(), name << ": " << s.message());
      xnn = std::move(staging);
    }
    // Bound at prepare to the arena the net runs with: XNNPACK keeps the first setup's
    // pointers and only offsets them later, so a first setup against any other base can
    // alias a padding buffer (xnnpack_backend.cc, "Binding").
    int unbound = 0;
    for (const PreparedOp& op : xnn.ops) {
      const auto* st = dynamic_cast<const XnnOpState*>(op.state.get());
      if (st && st->bound_arena != xnn.arena.data()) ++unbound;
    }
    CHECK_MESSAGE(unbound == 0, name << ": " << unbound << " XNNPACK op(s) not bound to the net's arena at prepare");
    const size_t in_n = static_cast<size_t>(model.tensors[model.inputs[0]].elements);
    const size_t out_n = static_cast<size_t>(model.tensors[model.outputs[0]].elements);
    float worst_ref = 0.f, worst_golden = 0.f;
    for (const auto& f : c.files) {
      const std::vector<float> x = read_f32(f.first);
      const std::vector<float> golden = read_f32(f.second);
      REQUIRE_MESSAGE(x.size() == in_n, f.first);
      REQUIRE_MESSAGE(golden.size() == out_n, f.second);
      std::copy(x.begin(), x.end(), net_input(ref));
      std::copy(x.begin(), x.end(), net_input(xnn));
      net_run(ref);
      net_run(xnn);
      const float err_ref = max_abs_diff(net_output(xnn), net_output(ref), out_n);
      const float err_golden = max_abs_diff(net_output(xnn), golden.data(), out_n);
      CHECK_MESSAGE(err_ref <= kTolerance, name << " " << f.first << ": max abs error vs reference " << err_ref);
      CHECK_MESSAGE(err_golden <= kTolerance, name << " " << f.first << ": max abs error vs golden " << err_golden);
      worst_ref = std::max(worst_ref, err_ref);
      worst_golden = std::max(worst_golden, err_golden);
    }
    MESSAGE(name << " on xnnpack, " << c.files.size() << " input(s): max abs error " << worst_ref
                 << " vs the reference backend, " << worst_golden << " vs the TF.js goldens");
  }
}

#endif  // FG_HAVE_XNNPACK
