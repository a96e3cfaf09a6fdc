// Reference backend: every op straight to kernels/reference (f32 and qs8), the oracle the
// native backend is checked against. int8 op parameters come from runtime/core/quantize_ops.h, the
// same derivation the native backend uses, so both round identically.
#include <vector>

#include "kernels/reference/f32_channel_ops.h"
#include "kernels/reference/f32_ops.h"
#include "kernels/reference/qs8_ops.h"
#include "runtime/core/backend.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

// ---- f32 ----

void run_conv(const PreparedOp& op, uint8_t* arena) {
  const TensorInfo* bias = op.in[2];
  float* y = arena_out<float>(op, arena);
  if (!op.in[3]) {
    f32_conv2d__reference(conv_shape_of(op), arena_in<float>(op, arena), op.in[1]->f32(),
                          bias ? bias->f32() : nullptr, op.info.activation, op.info.leaky_alpha, y);
    return;
  }
  // Fused residual: act(conv(x) + r), the activation after the sum.
  f32_conv2d__reference(conv_shape_of(op), arena_in<float>(op, arena), op.in[1]->f32(),
                        bias ? bias->f32() : nullptr, Activation::kNone, 0.f, y);
  const float* r = arena_in<float>(op, arena, 1);
  for (int64_t i = 0; i < op.out->elements; ++i)
    y[i] = apply_activation(y[i] + r[i], op.info.activation, op.info.leaky_alpha);
}

void run_max_pool(const PreparedOp& op, uint8_t* arena) {
  f32_pool2d__reference(PoolKind::kMax, pool_shape_of(op), arena_in<float>(op, arena),
                        arena_out<float>(op, arena));
}

void run_avg_pool(const PreparedOp& op, uint8_t* arena) {
  f32_pool2d__reference(PoolKind::kAverage, pool_shape_of(op), arena_in<float>(op, arena),
                        arena_out<float>(op, arena));
}

void run_add(const PreparedOp& op, uint8_t* arena) {
  f32_add_zero_extend__reference(add_shape_of(op), arena_in<float>(op, arena, 0),
                                 arena_in<float>(op, arena, 1), op.info.activation,
                                 op.info.leaky_alpha, arena_out<float>(op, arena));
}

void run_global_avg_pool(const PreparedOp& op, uint8_t* arena) {
  const TensorInfo& x = *op.in[0];
  f32_global_avg_pool__reference(x.dims[0], x.dims[1], x.dims[2], arena_in<float>(op, arena),
                                 arena_out<float>(op, arena));
}

void run_fully_connected(const PreparedOp& op, uint8_t* arena) {
  const TensorInfo* bias = op.in[2];
  f32_fully_connected__reference(op.in[1]->dims[0], op.in[1]->dims[1], arena_in<float>(op, arena),
                                 op.in[1]->f32(), bias ? bias->f32() : nullptr,
                                 arena_out<float>(op, arena));
  // The squeeze-excite's first fc is fc + ReLU (MiniFASNet, docs/liveness.md).
  float* y = arena_out<float>(op, arena);
  if (op.info.activation != Activation::kNone)
    for (int64_t i = 0; i < op.out->elements; ++i) y[i] = apply_activation(y[i], op.info.activation, op.info.leaky_alpha);
}

size_t channels_of_out(const PreparedOp& op) { return static_cast<size_t>(op.out->dims[op.out->rank - 1]); }
size_t pixels_of_out(const PreparedOp& op) { return static_cast<size_t>(op.out->elements) / channels_of_out(op); }

void run_prelu(const PreparedOp& op, uint8_t* arena) {
  f32_prelu__reference(pixels_of_out(op), channels_of_out(op), arena_in<float>(op, arena), op.in[1]->f32(),
                       arena_out<float>(op, arena));
}

void run_mul_channel(const PreparedOp& op, uint8_t* arena) {
  f32_mul_channel__reference(pixels_of_out(op), channels_of_out(op), arena_in<float>(op, arena, 0),
                             arena_in<float>(op, arena, 1), arena_out<float>(op, arena));
}

void run_sigmoid(const PreparedOp& op, uint8_t* arena) {
  f32_sigmoid__reference(static_cast<size_t>(op.out->elements), arena_in<float>(op, arena), arena_out<float>(op, arena));
}

void run_softmax(const PreparedOp& op, uint8_t* arena) {
  f32_softmax__reference(static_cast<size_t>(op.out->elements), arena_in<float>(op, arena), arena_out<float>(op, arena));
}

// ---- int8 ----

void run_quantize(const PreparedOp& op, uint8_t* arena) {
  qs8_quantize_run(arena_in<float>(op, arena), static_cast<size_t>(op.out->elements), quant_of(*op.out),
                   arena_out<int8_t>(op, arena));
}

void run_dequantize(const PreparedOp& op, uint8_t* arena) {
  qs8_dequantize_run(arena_in<int8_t>(op, arena), static_cast<size_t>(op.out->elements), quant_of(*op.in[0]),
                     arena_out<float>(op, arena));
}

struct Qs8ConvRefState : OpState {
  Qs8ConvSetup setup;
  Conv2dShape shape{};
};

// Dense, depthwise and fully connected (a 1x1 conv on a 1x1 input).
void run_qs8_conv(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8ConvRefState&>(*op.state);
  Qs8ConvParams p = st.setup.params;
  if (op.in[3]) p.residual = arena_in<int8_t>(op, arena, 1);
  const TensorInfo* bias = op.in[2];
  int8_t* y = arena_out<int8_t>(op, arena);
  qs8_conv2d__reference(st.shape, arena_in<int8_t>(op, arena), static_cast<const int8_t*>(op.in[1]->data),
                        bias ? static_cast<const int32_t*>(bias->data) : nullptr, st.setup.quant, p, y);
  if (st.setup.leaky) qs8_apply_table(st.setup.leaky_table, static_cast<size_t>(op.out->elements), y);
}

Status prepare_qs8_conv(PreparedOp* op) {
  auto st = std::make_unique<Qs8ConvRefState>();
  FG_RETURN_IF_ERROR(qs8_conv_setup(*op, &st->setup));
  st->shape = op->info.type == OpType::kFullyConnected ? fc_conv_shape_of(*op) : conv_shape_of(*op);
  op->state = std::move(st);
  op->run = run_qs8_conv;
  return Status::ok();
}

void run_qs8_max_pool(const PreparedOp& op, uint8_t* arena) {
  qs8_pool2d__reference(PoolKind::kMax, pool_shape_of(op), arena_in<int8_t>(op, arena), qs8_pool_quant_of(op),
                        arena_out<int8_t>(op, arena));
}

void run_qs8_avg_pool(const PreparedOp& op, uint8_t* arena) {
  qs8_pool2d__reference(PoolKind::kAverage, pool_shape_of(op), arena_in<int8_t>(op, arena),
                        qs8_pool_quant_of(op), arena_out<int8_t>(op, arena));
}

void run_qs8_global_avg_pool(const PreparedOp& op, uint8_t* arena) {
  qs8_pool2d__reference(PoolKind::kAverage, global_pool_shape_of(op), arena_in<int8_t>(op, arena),
                        qs8_pool_quant_of(op), arena_out<int8_t>(op, arena));
}

void run_qs8_add(const PreparedOp& op, uint8_t* arena) {
  qs8_add_zero_extend__reference(add_shape_of(op), arena_in<int8_t>(op, arena, 0), arena_in<int8_t>(op, arena, 1),
                                 qs8_add_quant_of(op), arena_out<int8_t>(op, arena));
}

// The int8 liveness ops (quantize_ops.h), shared by native and XNNPACK.
struct Qs8PReluState : OpState {
  Qs8PReluSetup setup;
};

void run_qs8_prelu(const PreparedOp& op, uint8_t* arena) {
  const Qs8PReluSetup& s = static_cast<const Qs8PReluState&>(*op.state).setup;
  qs8_channel_scale_run(static_cast<size_t>(op.out->elements), s.pos.size(), arena_in<int8_t>(op, arena),
                        s.input_zero_point, s.pos.data(), s.neg.data(), s.output_zero_point,
                        arena_out<int8_t>(op, arena));
}

Status prepare_qs8_prelu(PreparedOp* op) {
  auto st = std::make_unique<Qs8PReluState>();
  FG_RETURN_IF_ERROR(qs8_prelu_setup(*op, &st->setup));
  op->state = std::move(st);
  op->run = run_qs8_prelu;
  return Status::ok();
}

struct Qs8SigmoidState : OpState {
  int8_t table[256];
};

void run_qs8_sigmoid(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8SigmoidState&>(*op.state);
  const int8_t* x = arena_in<int8_t>(op, arena);
  int8_t* y = arena_out<int8_t>(op, arena);
  for (int64_t i = 0; i < op.out->elements; ++i) y[i] = st.table[static_cast<int32_t>(x[i]) + 128];
}

Status prepare_qs8_sigmoid(PreparedOp* op) {
  auto st = std::make_unique<Qs8SigmoidState>();
  qs8_sigmoid_table(*op, st->table);
  op->state = std::move(st);
  op->run = run_qs8_sigmoid;
  return Status::ok();
}

void run_qs8_mul_channel(const PreparedOp& op, uint8_t* arena) {
  qs8_mul_channel_run(op, arena_in<int8_t>(op, arena, 0), arena_in<int8_t>(op, arena, 1), arena_out<int8_t>(op, arena));
}

Status prepare_qs8(PreparedOp* op) {
  switch (op->info.type) {
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d:
    case OpType::kFullyConnected: return prepare_qs8_conv(op);
    case OpType::kMaxPool2d: op->run = run_qs8_max_pool; break;
    case OpType::kAvgPool2d: op->run = run_qs8_avg_pool; break;
    case OpType::kAdd: op->run = run_qs8_add; break;
    case OpType::kGlobalAvgPool: op->run = run_qs8_global_avg_pool; break;
    case OpType::kDequantize: op->run = run_dequantize; break;
    case OpType::kQuantize: return Status::error("quantize reads f32");
    case OpType::kPRelu: return prepare_qs8_prelu(op);
    case OpType::kSigmoid: return prepare_qs8_sigmoid(op);
    case OpType::kMulChannel: op->run = run_qs8_mul_channel; break;
    case OpType::kSoftmax: return Status::error("softmax is f32 only");
    case OpType::kUpsampleNearest: break;  // backend_upsample.cc
  }
  return Status::ok();
}

}  // namespace

Status reference_prepare_op(const Model& model, PreparedOp* op) {
  op->kernel_name = "reference";
  if (op->info.type == OpType::kQuantize) {
    op->run = run_quantize;
    return Status::ok();
  }
  if (op->in[0]->dtype == DType::kI8) return prepare_qs8(op);
  if (op->in[0]->dtype != DType::kF32) return Status::error("the reference backend runs f32 and int8 graphs only");
  switch (op->info.type) {
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d: op->run = run_conv; break;
    case OpType::kMaxPool2d: op->run = run_max_pool; break;
    case OpType::kAvgPool2d: op->run = run_avg_pool; break;
    case OpType::kAdd: op->run = run_add; break;
    case OpType::kGlobalAvgPool: op->run = run_global_avg_pool; break;
    case OpType::kFullyConnected: op->run = run_fully_connected; break;
    case OpType::kPRelu: op->run = run_prelu; break;
    case OpType::kMulChannel: op->run = run_mul_channel; break;
    case OpType::kSigmoid: op->run = run_sigmoid; break;
    case OpType::kSoftmax: op->run = run_softmax; break;
    case OpType::kUpsampleNearest: break;  // backend_upsample.cc
    case OpType::kQuantize:
    case OpType::kDequantize: return Status::error("dequantize reads int8");
  }
  return Status::ok();
}

}  // namespace fg
