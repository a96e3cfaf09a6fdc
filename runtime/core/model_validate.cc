#include "runtime/core/model_validate.h"

#include <string>
#include <vector>

namespace fg {
namespace {

constexpr int kMaxKernel = 16;
constexpr int kMaxStride = 8;
constexpr int kMaxMulChannels = 1024;  // qs8_mul_channel_run's per-run multiplier array

bool is_activation(const TensorInfo& t) {
  return t.role == TensorRole::kActivation || t.role == TensorRole::kInput ||
         t.role == TensorRole::kOutput;
}

std::string shape_str(const TensorInfo& t) {
  std::string s = "[";
  for (int d = 0; d < t.rank; ++d) s += (d ? "," : "") + std::to_string(t.dims[d]);
  return s + "]";
}

struct OpChecker {
  const Model& m;
  const OpInfo& op;
  std::string where;

  Status fail(const std::string& what) const { return Status::error(where + ": " + what); }

  const TensorInfo* input(int i) const { return op.inputs[i] < 0 ? nullptr : &m.tensors[op.inputs[i]]; }
  const TensorInfo& out() const { return m.tensors[op.output]; }

  Status expect_shape(const TensorInfo& t, int rank, const int* dims, const char* what) const {
    bool ok = t.rank == rank;
    for (int d = 0; ok && d < rank; ++d) ok = t.dims[d] == dims[d];
    if (ok) return Status::ok();
    std::string want = "[";
    for (int d = 0; d < rank; ++d) want += (d ? "," : "") + std::to_string(dims[d]);
    return fail(std::string(what) + " " + t.name + " has shape " + shape_str(t) + ", expected " + want + "]");
  }

  Status check_window(int in_h, int in_w, int* out_h, int* out_w) const {
    if (op.kernel_h < 1 || op.kernel_h > kMaxKernel || op.kernel_w < 1 || op.kernel_w > kMaxKernel)
      return fail("kernel size out of range 1..16");
    if (op.stride_h < 1 || op.stride_h > kMaxStride || op.stride_w < 1 || op.stride_w > kMaxStride)
      return fail("stride out of range 1..8");
    if (op.pad_top < 0 || op.pad_top >= op.kernel_h || op.pad_bottom < 0 || op.pad_bottom >= op.kernel_h ||
        op.pad_left < 0 || op.pad_left >= op.kernel_w || op.pad_right < 0 || op.pad_right >= op.kernel_w)
      return fail("padding must be 0..kernel-1");
    *out_h = window_output_size(in_h, op.kernel_h, op.stride_h, op.pad_top, op.pad_bottom);
    *out_w = window_output_size(in_w, op.kernel_w, op.stride_w, op.pad_left, op.pad_right);
    if (*out_h < 1 || *out_w < 1) return fail("window larger than the padded input");
    return Status::ok();
  }

  Status check_constant(const TensorInfo* t, DType dtype, const char* what) const {
    if (!t) return fail(std::string("missing ") + what);
    if (t->role != TensorRole::kConstant) return fail(std::string(what) + " must be a constant");
    if (t->dtype != dtype) return fail(std::string(what) + " has the wrong dtype");
    return Status::ok();
  }

  // Bias dtype follows the activations: f32 for f32 graphs, int32 for int8 ones.
  DType bias_dtype(const TensorInfo& x) const { return x.dtype == DType::kF32 ? DType::kF32 : DType::kI32; }

  Status check_conv(bool depthwise) const {
    const TensorInfo& x = *input(0);
    if (x.rank != 3) return fail("conv input must be [h,w,c]");
    int oh, ow;
    FG_RETURN_IF_ERROR(check_window(x.dims[0], x.dims[1], &oh, &ow));
    FG_RETURN_IF_ERROR(check_constant(input(1), x.dtype, "filter"));
    const TensorInfo& w = *input(1);
    const int cin = x.dims[2];
    const int cout = depthwise ? cin : w.dims[3];
    if (depthwise) {
      const int want[3] = {op.kernel_h, op.kernel_w, cin};
      FG_RETURN_IF_ERROR(expect_shape(w, 3, want, "filter"));
    } else {
      if (w.rank != 4) return fail("filter must be [kh,kw,cin,cout]");
      const int want[4] = {op.kernel_h, op.kernel_w, cin, w.dims[3]};
      FG_RETURN_IF_ERROR(expect_shape(w, 4, want, "filter"));
    }
    if (const TensorInfo* b = input(2)) {
      FG_RETURN_IF_ERROR(check_constant(b, bias_dtype(x), "bias"));
      const int want[1] = {cout};
      FG_RETURN_IF_ERROR(expect_shape(*b, 1, want, "bias"));
    }
    const int want[3] = {oh, ow, cout};
    if (const TensorInfo* r = input(3)) {  // fused residual: act(conv(x) + r)
      if (!is_activation(*r)) return fail("residual must be an activation");
      if (r->dtype != x.dtype) return fail("residual dtype differs from the input dtype");
      FG_RETURN_IF_ERROR(expect_shape(*r, 3, want, "residual"));
    }
    return expect_shape(out(), 3, want, "output");
  }

  // int8 graphs: activations carry one scale / zero point; weights are per-channel or
  // per-tensor; leaky relu only on convs (a lookup table after the conv, quantization.md);
  // max pool keeps its input's quantization (it only selects values).
  Status check_int8() const {
    for (int i = 0; i < kMaxOpInputs; ++i) {
      const TensorInfo* t = input(i);
      if (t && is_activation(*t) && t->dtype == DType::kI8 && t->quant != QuantKind::kPerTensor)
        return fail(std::string("int8 activation ") + t->name + " needs per-tensor quantization");
    }
    if (out().dtype == DType::kI8 && out().quant != QuantKind::kPerTensor)
      return fail("int8 output needs per-tensor quantization");
    if (input(0)->dtype != DType::kI8) return Status::ok();
    if (op.activation == Activation::kLeakyRelu) {
      if (op.type != OpType::kConv2d && op.type != OpType::kDepthwiseConv2d)
        return fail("int8 leaky relu is supported on conv ops only");
      if (!(op.leaky_alpha > 0.f && op.leaky_alpha < 1.f)) return fail("int8 leaky relu needs 0 < alpha < 1");
    }
    if (op.type == OpType::kMaxPool2d &&
        (out().scale != input(0)->scale || out().zero_point != input(0)->zero_point))
      return fail("int8 max pool output must keep the input's scale and zero point");
    return Status::ok();
  }

  Status check_convert() const {
    const TensorInfo& x = *input(0);
    const bool quantize = op.type == OpType::kQuantize;
    if (x.dtype != (quantize ? DType::kF32 : DType::kI8) || out().dtype != (quantize ? DType::kI8 : DType::kF32))
      return fail(quantize ? "quantize maps f32 to int8" : "dequantize maps int8 to f32");
    if (op.activation != Activation::kNone) return fail("quantize/dequantize take no activation");
    return expect_shape(out(), x.rank, x.dims, "output");
  }

  Status check_pool() const {
    const TensorInfo& x = *input(0);
    if (x.rank != 3) return fail("pool input must be [h,w,c]");
    int oh, ow;
    FG_RETURN_IF_ERROR(check_window(x.dims[0], x.dims[1], &oh, &ow));
    const int want[3] = {oh, ow, x.dims[2]};
    return expect_shape(out(), 3, want, "output");
  }

  Status check_add() const {
    const TensorInfo* b = input(1);
    if (!b || !is_activation(*b)) return fail("add needs two activation inputs");
    const TensorInfo& a = *input(0);
    if (a.rank != 3 || b->rank != 3) return fail("add inputs must be [h,w,c]");
    int want[3];
    for (int d = 0; d < 3; ++d) want[d] = a.dims[d] > b->dims[d] ? a.dims[d] : b->dims[d];
    return expect_shape(out(), 3, want, "output");
  }

  // Only selects values: the factor sits in stride_h == stride_w (1..8), nothing else is set.
  Status check_upsample() const {
    const TensorInfo& x = *input(0);
    if (x.rank != 3) return fail("upsample input must be [h,w,c]");
    if (op.stride_h != op.stride_w || op.stride_h < 1 || op.stride_h > 8)
      return fail("upsample factor (stride) must be equal in h and w, 1..8");
    if (op.activation != Activation::kNone) return fail("upsample takes no activation");
    if (x.dtype == DType::kI8 && (out().scale != x.scale || out().zero_point != x.zero_point))
      return fail("int8 upsample output must keep the input's scale and zero point");
    const int want[3] = {x.dims[0] * op.stride_h, x.dims[1] * op.stride_w, x.dims[2]};
    return expect_shape(out(), 3, want, "output");
  }

  Status check_fully_connected() const {
    const TensorInfo& x = *input(0);
    // [1,1,n] reads as [n]: a conv ending on a 1x1 map feeds the fc directly (no reshape op).
    if (x.rank != 1 && !(x.rank == 3 && x.dims[0] == 1 && x.dims[1] == 1))
      return fail("fully connected input must be a vector (or [1,1,n])");
    const int in_n = x.dims[x.rank - 1];
    FG_RETURN_IF_ERROR(check_constant(input(1), x.dtype, "weights"));
    const TensorInfo& w = *input(1);
    if (w.rank != 2 || w.dims[0] != in_n) return fail("weights must be [in,out] with in = input size");
    if (const TensorInfo* b = input(2)) {
      FG_RETURN_IF_ERROR(check_constant(b, bias_dtype(x), "bias"));
      const int want[1] = {w.dims[1]};
      FG_RETURN_IF_ERROR(expect_shape(*b, 1, want, "bias"));
    }
    const int want[1] = {w.dims[1]};
    return expect_shape(out(), 1, want, "output");
  }

  // The liveness ops: no fused activation, output shaped as the input; the second input is
  // one value per channel. int8 PReLU / channel multiply are a per-channel fixed-point rescale,
  // int8 sigmoid a table (quantize_ops.h); PReLU's alpha stays f32 in int8 graphs; softmax is
  // f32 only (the int8 nets dequantize before it).
  Status check_elementwise() const {
    const TensorInfo& x = *input(0);
    const bool int8 = x.dtype == DType::kI8;
    if (!int8 && x.dtype != DType::kF32) return fail("prelu / channel multiply / sigmoid / softmax take f32 or int8");
    if (int8 && op.type == OpType::kSoftmax) return fail("softmax is f32 only");
    if (op.activation != Activation::kNone) return fail("this op takes no fused activation");
    const int c = x.dims[x.rank - 1];
    const int want_c[1] = {c};
    if (op.type == OpType::kPRelu) {
      FG_RETURN_IF_ERROR(check_constant(input(1), DType::kF32, "alpha"));
      FG_RETURN_IF_ERROR(expect_shape(*input(1), 1, want_c, "alpha"));
    } else if (op.type == OpType::kMulChannel) {
      const TensorInfo* s = input(1);
      if (x.rank != 3) return fail("channel multiply input must be [h,w,c]");
      if (!is_activation(*s) || s->dtype != x.dtype) return fail("channel multiply scale must be an activation of the input's dtype");
      if (int8 && c > kMaxMulChannels) return fail("int8 channel multiply: at most 1024 channels");
      FG_RETURN_IF_ERROR(expect_shape(*s, 1, want_c, "scale"));
    } else if (op.type == OpType::kSoftmax && x.rank != 1) {
      return fail("softmax input must be a vector");
    }
    return expect_shape(out(), x.rank, x.dims, "output");
  }

  Status check() const {
    const int expected_inputs[] = {0, 2, 2, 1, 1, 2, 1, 2, 1, 1, 2, 2, 1, 1, 1};  // minimum per OpType
    const int first_optional[] = {0, 4, 4, 1, 1, 2, 1, 3, 1, 1, 2, 2, 1, 1, 1};   // index of the first absent input
    const int type = static_cast<int>(op.type);
    for (int i = 0; i < kMaxOpInputs; ++i) {
      const bool present = op.inputs[i] >= 0;
      if (i < expected_inputs[type] && !present) return fail("missing input " + std::to_string(i));
      if (i >= first_optional[type] && present) return fail("unexpected input " + std::to_string(i));
    }
    const TensorInfo& x = *input(0);
    if (!is_activation(x)) return fail("first input must be an activation");
    FG_RETURN_IF_ERROR(check_int8());
    if (op.type == OpType::kQuantize || op.type == OpType::kDequantize) return check_convert();
    if (out().dtype != x.dtype) return fail("output dtype differs from input dtype");
    switch (op.type) {
      case OpType::kConv2d: return check_conv(false);
      case OpType::kDepthwiseConv2d: return check_conv(true);
      case OpType::kMaxPool2d:
      case OpType::kAvgPool2d: return check_pool();
      case OpType::kAdd: return check_add();
      case OpType::kGlobalAvgPool: {
        if (x.rank != 3) return fail("global average pool input must be [h,w,c]");
        const int want[1] = {x.dims[2]};
        return expect_shape(out(), 1, want, "output");
      }
      case OpType::kFullyConnected: return check_fully_connected();
      case OpType::kPRelu:
      case OpType::kMulChannel:
      case OpType::kSigmoid:
      case OpType::kSoftmax: return check_elementwise();
      case OpType::kUpsampleNearest: return check_upsample();
      case OpType::kQuantize:
      case OpType::kDequantize: break;  // handled above
    }
    return fail("unknown op");
  }
};

}  // namespace

Status model_validate_graph(const Model& m) {
  if (m.inputs.size() != 1) return Status::error("a model needs exactly one input tensor");
  if (m.outputs.empty()) return Status::error("a model needs at least one output tensor");
  // written[t]: tensor t holds a value at this point of the op sequence.
  std::vector<bool> written(m.tensors.size(), false);
  for (size_t i = 0; i < m.tensors.size(); ++i)
    written[i] = m.tensors[i].role == TensorRole::kConstant || m.tensors[i].role == TensorRole::kInput;
  for (size_t i = 0; i < m.ops.size(); ++i) {
    const OpInfo& op = m.ops[i];
    const std::string where = "op " + std::to_string(i);
    for (int in : op.inputs)
      if (in >= 0 && !written[in])
        return Status::error(where + ": reads tensor " + m.tensors[in].name + " before it is written");
    const TensorInfo& o = m.tensors[op.output];
    if (o.role != TensorRole::kActivation && o.role != TensorRole::kOutput)
      return Status::error(where + ": writes to a constant or the input");
    if (written[op.output]) return Status::error(where + ": tensor " + o.name + " written twice");
    Status s = OpChecker{m, op, where + " (" + o.name + ")"}.check();
    if (!s) return s;
    written[op.output] = true;
  }
  for (int out : m.outputs)
    if (!written[out]) return Status::error("output " + m.tensors[out].name + " is never written");
  return Status::ok();
}

}  // namespace fg
