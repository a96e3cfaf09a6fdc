// Reference backend: every op straight to kernels/reference (f32).
#include "runtime/backend.h"

namespace fg {
namespace {

void run_conv(const PreparedOp& op, uint8_t* arena) {
  const TensorInfo* bias = op.in[2];
  f32_conv2d__reference(conv_shape_of(op), arena_in<float>(op, arena), op.in[1]->f32(),
                        bias ? bias->f32() : nullptr, op.info.activation, op.info.leaky_alpha,
                        arena_out<float>(op, arena));
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
}

}  // namespace

Status reference_prepare_op(const Model& model, PreparedOp* op) {
  if (op->in[0]->dtype != DType::kF32)
    return Status::error("the reference backend runs f32 graphs only");
  op->kernel_name = "reference";
  switch (op->info.type) {
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d: op->run = run_conv; break;
    case OpType::kMaxPool2d: op->run = run_max_pool; break;
    case OpType::kAvgPool2d: op->run = run_avg_pool; break;
    case OpType::kAdd: op->run = run_add; break;
    case OpType::kGlobalAvgPool: op->run = run_global_avg_pool; break;
    case OpType::kFullyConnected: op->run = run_fully_connected; break;
  }
  return Status::ok();
}

}  // namespace fg
