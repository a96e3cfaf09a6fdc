#include "runtime/quantize/quantize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "runtime/core/residual_fusion.h"
#include "runtime/vision/image.h"
#include "runtime/vision/preprocess.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

// Histogram resolution for the percentile: 4096 bins over [min, max] put the percentile
// within 1/4096 of the range, far below one int8 step (1/255).
constexpr int kHistogramBins = 4096;

struct Histogram {
  float lo = std::numeric_limits<float>::infinity();
  float hi = -std::numeric_limits<float>::infinity();
  std::vector<uint64_t> bins;
  uint64_t count = 0;
};

Status prepare_calibration_net(const Model& m, const QuantizeOptions& o, Net* net) {
  NetOptions opt;
  opt.backend = o.calibration_backend;
  opt.keep_all_activations = true;  // every tensor readable after a run (and no fusion)
  return net_prepare(m, opt, net);
}

bool is_activation_tensor(const TensorInfo& t) { return t.role != TensorRole::kConstant; }

// Value at fraction `f` of the sorted samples, read from the histogram (bin edge).
float histogram_quantile(const Histogram& h, double f, bool from_top) {
  const double width = (static_cast<double>(h.hi) - h.lo) / kHistogramBins;
  const double target = f * static_cast<double>(h.count);
  uint64_t seen = 0;
  for (int i = 0; i < kHistogramBins; ++i) {
    const int b = from_top ? kHistogramBins - 1 - i : i;
    seen += h.bins[b];
    if (static_cast<double>(seen) > target)
      return static_cast<float>(from_top ? h.lo + width * (b + 1) : h.lo + width * b);
  }
  return from_top ? h.lo : h.hi;
}

void set_quant(ModelBuilder& mb, int id, QuantParams q) {
  TensorRecord& r = mb.tensors[id].record;
  r.quant = static_cast<uint8_t>(QuantKind::kPerTensor);
  r.scale = q.scale;
  r.zero_point = q.zero_point;
}

std::vector<int> dims_of(const TensorInfo& t) { return std::vector<int>(t.dims, t.dims + t.rank); }

// Per-channel symmetric int8 over the last dimension; returns the new constant's index.
int add_weights_qc8(ModelBuilder& mb, const TensorInfo& w, std::vector<float>* scales) {
  const int channels = w.dims[w.rank - 1];
  const float* v = w.f32();
  std::vector<float> amax(static_cast<size_t>(channels), 0.f);
  for (int64_t i = 0; i < w.elements; ++i) amax[i % channels] = std::max(amax[i % channels], std::fabs(v[i]));
  scales->resize(static_cast<size_t>(channels));
  for (int c = 0; c < channels; ++c) (*scales)[c] = amax[c] > 0.f ? amax[c] / 127.f : 1.f;
  std::vector<int8_t> q(static_cast<size_t>(w.elements));
  for (int64_t i = 0; i < w.elements; ++i) {
    const float r = std::nearbyint(v[i] / (*scales)[i % channels]);
    q[i] = static_cast<int8_t>(std::min(127.f, std::max(-127.f, r)));
  }
  const int id = mb.add_constant_raw(w.name, DType::kI8, dims_of(w), q.data(), q.size());
  TensorRecord& r = mb.tensors[id].record;
  r.quant = static_cast<uint8_t>(QuantKind::kPerChannel);
  r.scale = *std::max_element(scales->begin(), scales->end());
  mb.tensors[id].channel_scales = *scales;
  return id;
}

// int32 bias in units of s_x * s_w[c].
int add_bias_i32(ModelBuilder& mb, const TensorInfo& b, float input_scale, const std::vector<float>& w_scales) {
  std::vector<int32_t> q(static_cast<size_t>(b.elements));
  for (int64_t c = 0; c < b.elements; ++c) {
    const double r = std::nearbyint(static_cast<double>(b.f32()[c]) / (static_cast<double>(input_scale) * w_scales[c]));
    q[c] = static_cast<int32_t>(std::min(2147483647.0, std::max(-2147483647.0, r)));
  }
  return mb.add_constant_raw(b.name, DType::kI32, dims_of(b), q.data(), q.size() * sizeof(int32_t));
}

OpRecord record_of(const OpInfo& op, const int (&inputs)[kMaxOpInputs], int output) {
  OpRecord r = ModelBuilder::make_op(op.type, {inputs[0], inputs[1], inputs[2], inputs[3]}, output);
  r.activation = static_cast<uint8_t>(op.activation);
  r.leaky_alpha = op.leaky_alpha;
  r.kernel_h = op.kernel_h; r.kernel_w = op.kernel_w;
  r.stride_h = op.stride_h; r.stride_w = op.stride_w;
  r.pad_top = op.pad_top; r.pad_left = op.pad_left; r.pad_bottom = op.pad_bottom; r.pad_right = op.pad_right;
  return r;
}

}  // namespace

Status calibration_input_from_image(const Model& m, const std::string& path, std::vector<float>* out) {
  if (m.inputs.size() != 1) return Status::error("calibration needs a model with one input");
  const TensorInfo& in = m.tensors[m.inputs[0]];
  Image img;
  FG_RETURN_IF_ERROR(image_load(path, 3, &img));
  out->assign(static_cast<size_t>(in.elements), 0.f);
  if (m.net_name == "recognition") {
    if (in.elements != 150 * 150 * 3) return Status::error("recognition input must be 150x150x3");
    return preprocess_face_for_recognition(img, out->data()).with_context(path);
  }
  NetInputSpec spec;
  if (m.net_name == "liveness") {
    // The anti-spoof nets (runtime/vision/liveness.h): the whole image is the crop (the
    // calibration frames' faces are large, so both x2.7 and x4.0 crops clamp to the frame),
    // 80x80 BGR in 0..255.
    if (in.elements != 80 * 80 * 3) return Status::error("liveness input must be 80x80x3");
    spec.size = 80;
    return preprocess_region(img, 0, 0, img.width, img.height, spec, PixelOrder::kBgr, out->data()).with_context(path);
  }
  if (m.net_name == "landmark68") spec = landmark_input_spec();
  else if (m.net_name == "detector") spec = tiny_detector_input_spec(in.dims[0]);
  else return Status::error("no calibration preprocessing for net '" + m.net_name + "'");
  if (in.rank != 3 || in.dims[0] != spec.size || in.dims[1] != spec.size || in.dims[2] != 3)
    return Status::error("model input shape does not match the " + m.net_name + " preprocessing");
  return preprocess_image(img, spec, out->data()).with_context(path);
}

Status calibrate_ranges(const Model& m, const std::vector<std::vector<float>>& inputs, const QuantizeOptions& o,
                        std::vector<TensorRange>* ranges) {
  if (inputs.empty()) return Status::error("calibration needs at least one input");
  if (!(o.percentile > 50.f && o.percentile <= 100.f)) return Status::error("percentile must be in (50, 100]");
  Net net;
  FG_RETURN_IF_ERROR(prepare_calibration_net(m, o, &net));
  const TensorInfo& in = m.tensors[m.inputs[0]];
  std::vector<Histogram> h(m.tensors.size());
  // Pass 1: min / max. Pass 2 (percentile < 100): histograms over [min, max].
  const int passes = o.percentile < 100.f ? 2 : 1;
  for (int pass = 0; pass < passes; ++pass) {
    for (const std::vector<float>& x : inputs) {
      if (x.size() != static_cast<size_t>(in.elements)) return Status::error("calibration input has the wrong size");
      std::copy(x.begin(), x.end(), net_input(net));
      net_run(net);
      for (size_t t = 0; t < m.tensors.size(); ++t) {
        if (!is_activation_tensor(m.tensors[t])) continue;
        const float* v = net_tensor(net, static_cast<int>(t));
        const int64_t n = m.tensors[t].elements;
        Histogram& H = h[t];
        if (pass == 0) {
          for (int64_t i = 0; i < n; ++i) {
            if (!std::isfinite(v[i])) return Status::error("non-finite activation in " + m.tensors[t].name);
            H.lo = std::min(H.lo, v[i]);
            H.hi = std::max(H.hi, v[i]);
          }
          continue;
        }
        if (H.bins.empty()) H.bins.assign(kHistogramBins, 0);
        const double width = (static_cast<double>(H.hi) - H.lo) / kHistogramBins;
        for (int64_t i = 0; i < n; ++i) {
          int b = width > 0 ? static_cast<int>((v[i] - H.lo) / width) : 0;
          H.bins[std::min(kHistogramBins - 1, std::max(0, b))]++;
        }
        H.count += static_cast<uint64_t>(n);
      }
    }
  }
  ranges->assign(m.tensors.size(), TensorRange{});
  const double tail = (100.0 - o.percentile) / 100.0;
  for (size_t t = 0; t < m.tensors.size(); ++t) {
    if (!is_activation_tensor(m.tensors[t])) continue;
    const Histogram& H = h[t];
    TensorRange r{H.lo, H.hi};
    if (passes == 2 && H.count > 0 && H.hi > H.lo) {
      r.lo = histogram_quantile(H, tail, false);
      r.hi = histogram_quantile(H, tail, true);
    }
    (*ranges)[t] = r;
  }
  return Status::ok();
}

Status quantize_model(const Model& m, const std::vector<TensorRange>& ranges, const QuantizeOptions& o,
                      ModelBuilder* out) {
  if (ranges.size() != m.tensors.size()) return Status::error("ranges do not match the model");
  if (m.inputs.size() != 1 || m.tensors[m.inputs[0]].dtype != DType::kF32)
    return Status::error("quantize_model needs an f32 model with one input");
  std::vector<OpInfo> ops = m.ops;
  for (const OpInfo& op : ops)
    if (m.tensors[op.output].dtype != DType::kF32) return Status::error("the model is not an f32 model");
  if (o.fuse_residuals) fuse_conv_residual_adds(m, &ops);

  const size_t n = m.tensors.size();
  std::vector<QuantParams> q(n);
  for (size_t t = 0; t < n; ++t)
    if (is_activation_tensor(m.tensors[t])) q[t] = quant_params_for_range(ranges[t].lo, ranges[t].hi);
  for (const OpInfo& op : ops)  // max pool only selects values: it keeps its input's quantization
    if (op.type == OpType::kMaxPool2d || op.type == OpType::kUpsampleNearest) q[op.output] = q[op.inputs[0]];

  ModelBuilder mb;
  mb.net_name = m.net_name;
  std::vector<int> id(n, -1);  // int8 twin of each activation in the new file
  std::vector<bool> used(n, false);
  for (const OpInfo& op : ops) {
    used[op.output] = true;
    for (int i : op.inputs)
      if (i >= 0) used[i] = true;
  }
  // Ops kept in f32: softmax (no int8 softmax), and with QuantizeOptions::f32_output_layers
  // a conv / fully connected layer (no residual) that writes a graph output or feeds only
  // softmax (the liveness nets' logits). They read dequantized copies of their int8 inputs.
  std::vector<bool> f32_op(ops.size(), false);
  std::vector<int> f32_id(n, -1);  // f32 tensors of the new file
  std::vector<int> producer(n, -1);
  for (size_t i = 0; i < ops.size(); ++i) producer[ops[i].output] = static_cast<int>(i);
  for (size_t k = 0; k < ops.size(); ++k) {
    const OpInfo& op = ops[k];
    const bool weighted = op.type == OpType::kConv2d || op.type == OpType::kDepthwiseConv2d ||
                          op.type == OpType::kFullyConnected;
    bool only_softmax_readers = true, has_reader = false;
    for (size_t j = k + 1; j < ops.size(); ++j)
      for (int in : ops[j].inputs)
        if (in == op.output) has_reader = true, only_softmax_readers = only_softmax_readers && ops[j].type == OpType::kSoftmax;
    const bool feeds_output = has_reader ? only_softmax_readers : m.tensors[op.output].role == TensorRole::kOutput;
    f32_op[k] = op.type == OpType::kSoftmax || (o.f32_output_layers && weighted && op.inputs[3] < 0 && feeds_output);
  }
  const int input = m.inputs[0];
  const int f32_input = mb.add_tensor(m.tensors[input].name, DType::kF32, TensorRole::kInput, dims_of(m.tensors[input]));
  for (size_t i = 0; i < ops.size(); ++i) {
    if (!f32_op[i]) continue;
    const TensorInfo& y = m.tensors[ops[i].output];
    f32_id[ops[i].output] = mb.add_tensor(y.name, DType::kF32, y.role == TensorRole::kOutput ? TensorRole::kOutput
                                                                                            : TensorRole::kActivation,
                                          dims_of(y));
  }
  for (size_t t = 0; t < n; ++t) {
    const TensorInfo& ti = m.tensors[t];
    if (!used[t] || ti.role == TensorRole::kConstant || f32_id[t] >= 0) continue;
    const bool boundary = ti.role == TensorRole::kInput || ti.role == TensorRole::kOutput;
    id[t] = mb.add_tensor(boundary ? ti.name + ":q" : ti.name, DType::kI8, TensorRole::kActivation, dims_of(ti));
    set_quant(mb, id[t], q[t]);
  }
  mb.ops.push_back(ModelBuilder::make_op(OpType::kQuantize, {f32_input}, id[input]));
  for (size_t i = 0; i < ops.size(); ++i) {
    const OpInfo& op = ops[i];
    if (f32_op[i]) {
      int in[kMaxOpInputs] = {-1, -1, -1, -1};
      for (int k = 0; k < kMaxOpInputs; ++k) {
        const int t = op.inputs[k];
        if (t < 0) continue;
        const TensorInfo& c = m.tensors[t];
        if (c.role == TensorRole::kConstant) {
          in[k] = mb.add_constant_raw(c.name, DType::kF32, dims_of(c), c.data, static_cast<size_t>(c.bytes()));
        } else if (f32_id[t] >= 0) {
          in[k] = f32_id[t];
        } else {  // an int8 activation: dequantize it once, next to its first f32 reader
          f32_id[t] = mb.add_tensor(c.name.substr(0, kTensorNameBytes - 3) + ":f", DType::kF32,
                                    TensorRole::kActivation, dims_of(c));
          mb.ops.push_back(ModelBuilder::make_op(OpType::kDequantize, {id[t]}, f32_id[t]));
          in[k] = f32_id[t];
        }
      }
      mb.ops.push_back(record_of(op, in, f32_id[op.output]));
      continue;
    }
    for (int t : op.inputs)
      if (t >= 0 && producer[t] >= 0 && f32_op[producer[t]])
        return Status::error("quantize_model: int8 op " + m.tensors[op.output].name + " reads an f32-only result");
    int in[kMaxOpInputs] = {-1, -1, -1, -1};
    in[0] = id[op.inputs[0]];
    const bool weighted = op.type == OpType::kConv2d || op.type == OpType::kDepthwiseConv2d ||
                          op.type == OpType::kFullyConnected;
    if (weighted) {
      std::vector<float> w_scales;
      in[1] = add_weights_qc8(mb, m.tensors[op.inputs[1]], &w_scales);
      if (op.inputs[2] >= 0) in[2] = add_bias_i32(mb, m.tensors[op.inputs[2]], q[op.inputs[0]].scale, w_scales);
      if (op.inputs[3] >= 0) in[3] = id[op.inputs[3]];
    } else if (op.type == OpType::kAdd || op.type == OpType::kMulChannel) {
      in[1] = id[op.inputs[1]];
    } else if (op.type == OpType::kPRelu) {  // alpha stays f32: the int8 op is a table built from it
      const TensorInfo& c = m.tensors[op.inputs[1]];
      in[1] = mb.add_constant_raw(c.name, DType::kF32, dims_of(c), c.data, static_cast<size_t>(c.bytes()));
    }
    mb.ops.push_back(record_of(op, in, id[op.output]));
  }
  for (int t : m.outputs) {
    if (f32_id[t] >= 0) continue;
    const int f32_out = mb.add_tensor(m.tensors[t].name, DType::kF32, TensorRole::kOutput, dims_of(m.tensors[t]));
    mb.ops.push_back(ModelBuilder::make_op(OpType::kDequantize, {id[t]}, f32_out));
  }
  *out = std::move(mb);
  return Status::ok();
}

Status quantize_model_in_memory(const Model& f32_model, const std::vector<std::vector<float>>& inputs,
                                const QuantizeOptions& options, Model* int8_model) {
  std::vector<TensorRange> ranges;
  FG_RETURN_IF_ERROR(calibrate_ranges(f32_model, inputs, options, &ranges));
  ModelBuilder mb;
  FG_RETURN_IF_ERROR(quantize_model(f32_model, ranges, options, &mb));
  const std::vector<uint8_t> bytes = mb.serialize();
  return model_load_bytes(bytes.data(), bytes.size(), f32_model.net_name + " (int8)", int8_model);
}

}  // namespace fg
