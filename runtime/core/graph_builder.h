// A thin layer over ModelBuilder that tracks activation shapes, so the per-net builders
// read like the layer tables in ../shared/reference/ARCHITECTURE.md.
#pragma once
#include <string>
#include <vector>

#include "runtime/core/model_validate.h"
#include "runtime/core/model_writer.h"

namespace fg {

struct Pads {
  int top = 0, left = 0, bottom = 0, right = 0;
};

// TensorFlow SAME padding for a square window: out = ceil(in/s), the extra row/column goes
// to the bottom/right.
inline Pads tf_same_pads(int in_h, int in_w, int k, int s) {
  auto axis = [&](int in, int* before, int* after) {
    const int out = (in + s - 1) / s;
    const int total = (out - 1) * s + k - in > 0 ? (out - 1) * s + k - in : 0;
    *before = total / 2;
    *after = total - *before;
  };
  Pads p;
  axis(in_h, &p.top, &p.bottom);
  axis(in_w, &p.left, &p.right);
  return p;
}

struct GraphBuilder {
  ModelBuilder mb;

  const int* dims(int t) const { return mb.tensors[t].record.dims; }
  int input(const std::string& name, int h, int w, int c) {
    return mb.add_tensor(name, DType::kF32, TensorRole::kInput, {h, w, c});
  }
  // filter: [k][k][cin][cout] (dense) or [k][k][c] (depthwise); bias may be empty.
  int conv(const std::string& name, int x, bool depthwise, int k, int cout, const std::vector<float>& filter,
           const std::vector<float>& bias, int stride, Pads pads, Activation act, float alpha = 0.f) {
    const int cin = dims(x)[2];
    const int f = depthwise ? mb.add_constant_f32(name + ":w", {k, k, cin}, filter)
                            : mb.add_constant_f32(name + ":w", {k, k, cin, cout}, filter);
    const int b = bias.empty() ? -1 : mb.add_constant_f32(name + ":b", {depthwise ? cin : cout}, bias);
    const int oh = window_output_size(dims(x)[0], k, stride, pads.top, pads.bottom);
    const int ow = window_output_size(dims(x)[1], k, stride, pads.left, pads.right);
    const int y = mb.add_tensor(name, DType::kF32, TensorRole::kActivation, {oh, ow, depthwise ? cin : cout});
    OpRecord op = ModelBuilder::make_op(depthwise ? OpType::kDepthwiseConv2d : OpType::kConv2d, {x, f, b}, y);
    set_window(&op, k, stride, pads);
    op.activation = static_cast<uint8_t>(act);
    op.leaky_alpha = alpha;
    mb.ops.push_back(op);
    return y;
  }
  int pool(const std::string& name, int x, bool max, int k, int stride, Pads pads) {
    const int oh = window_output_size(dims(x)[0], k, stride, pads.top, pads.bottom);
    const int ow = window_output_size(dims(x)[1], k, stride, pads.left, pads.right);
    const int y = mb.add_tensor(name, DType::kF32, TensorRole::kActivation, {oh, ow, dims(x)[2]});
    OpRecord op = ModelBuilder::make_op(max ? OpType::kMaxPool2d : OpType::kAvgPool2d, {x}, y);
    set_window(&op, k, stride, pads);
    mb.ops.push_back(op);
    return y;
  }
  // Zero-extending add (see f32_add_zero_extend__reference).
  int add(const std::string& name, int a, int b, Activation act) {
    int d[3];
    for (int i = 0; i < 3; ++i) d[i] = dims(a)[i] > dims(b)[i] ? dims(a)[i] : dims(b)[i];
    const int y = mb.add_tensor(name, DType::kF32, TensorRole::kActivation, {d[0], d[1], d[2]});
    OpRecord op = ModelBuilder::make_op(OpType::kAdd, {a, b}, y);
    op.activation = static_cast<uint8_t>(act);
    mb.ops.push_back(op);
    return y;
  }
  int global_avg_pool(const std::string& name, int x) {
    const int y = mb.add_tensor(name, DType::kF32, TensorRole::kActivation, {dims(x)[2]});
    mb.ops.push_back(ModelBuilder::make_op(OpType::kGlobalAvgPool, {x}, y));
    return y;
  }
  int fully_connected(const std::string& name, int x, int out, const std::vector<float>& weights,
                      const std::vector<float>& bias) {
    const int in = dims(x)[0];
    const int w = mb.add_constant_f32(name + ":w", {in, out}, weights);
    const int b = bias.empty() ? -1 : mb.add_constant_f32(name + ":b", {out}, bias);
    const int y = mb.add_tensor(name, DType::kF32, TensorRole::kActivation, {out});
    mb.ops.push_back(ModelBuilder::make_op(OpType::kFullyConnected, {x, w, b}, y));
    return y;
  }
  void mark_output(int t) { mb.tensors[t].record.role = static_cast<uint8_t>(TensorRole::kOutput); }

 private:
  static void set_window(OpRecord* op, int k, int stride, Pads p) {
    op->kernel_h = op->kernel_w = k;
    op->stride_h = op->stride_w = stride;
    op->pad_top = p.top; op->pad_left = p.left; op->pad_bottom = p.bottom; op->pad_right = p.right;
  }
};

}  // namespace fg
