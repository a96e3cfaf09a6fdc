// Native backend: our SIMD kernels (best variant for this CPU), weights packed once here at
// prepare time. f32: dense conv and fully connected (a 1x1 conv on a 1x1 input) on
// kernels/conv, depthwise on kernels/dwconv, pools and global average pool on kernels/pool,
// zero-extending add on kernels/eltwise. A conv with a residual input (fused by the
// executor's pass, runtime/core/residual_fusion.h) adds it in the kernel epilogue. Dense convs run on
// the net's thread pool when it has one (NetOptions::threads). int8 ops:
// native_backend_qs8.cc.
#include <vector>

#include "kernels/conv/conv_variants.h"
#include "kernels/dwconv/dwconv.h"
#include "kernels/eltwise/eltwise.h"
#include "kernels/pool/pool.h"
#include "runtime/core/backends/native/native_backend_internal.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

struct F32ConvState : OpState {
  const F32ConvVariant* variant = nullptr;
  const F32DwconvVariant* dw_variant = nullptr;
  Conv2dShape shape{};
  F32ConvParams params;
  AlignedBuffer packed;
};

F32ConvParams params_with_residual(const PreparedOp& op, const F32ConvState& st, const uint8_t* arena) {
  F32ConvParams p = st.params;
  if (op.in[3]) p.residual = arena_in<float>(op, arena, 1);
  return p;
}

// One dense conv's arguments, shared read-only by the threads running its ranges.
struct F32ConvTask {
  const F32ConvState* st;
  const float* input;
  F32ConvParams params;
  float* output;
};

void run_f32_conv_range(void* context, size_t begin, size_t end) {
  const F32ConvTask& t = *static_cast<const F32ConvTask*>(context);
  f32_conv_run_range(*t.st->variant, t.st->shape, t.input, reinterpret_cast<const float*>(t.st->packed.data()),
                     t.params, t.output, static_cast<int>(begin), static_cast<int>(end));
}

// Split across the net's threads when it has a pool (conv.h: any split is bit-identical).
void run_f32_conv(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const F32ConvState&>(*op.state);
  F32ConvTask task{&st, arena_in<float>(op, arena), params_with_residual(op, st, arena), arena_out<float>(op, arena)};
  const size_t n = static_cast<size_t>(f32_conv_outer_count(*st.variant, st.shape));
  ThreadPool* pool = conv_split_pool(op, st.shape, kMinMacsToSplitF32);
  parallel_ranges(pool, run_f32_conv_range, &task, n, parallel_grain(n, pool ? pool->threads() : 1));
}

void run_f32_dwconv(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const F32ConvState&>(*op.state);
  f32_dwconv_run(*st.dw_variant, st.shape, arena_in<float>(op, arena),
                 reinterpret_cast<const float*>(st.packed.data()), params_with_residual(op, st, arena),
                 arena_out<float>(op, arena));
}

// Dense conv, fully connected and depthwise: pack once, run on the best variant.
Status prepare_f32_conv(PreparedOp* op) {
  auto st = std::make_unique<F32ConvState>();
  const bool fc = op->info.type == OpType::kFullyConnected;
  const bool depthwise = op->info.type == OpType::kDepthwiseConv2d;
  st->shape = fc ? fc_conv_shape_of(*op) : conv_shape_of(*op);
  st->params.activation = op->info.activation;
  st->params.leaky_alpha = op->info.leaky_alpha;
  const float* bias = op->in[2] ? op->in[2]->f32() : nullptr;
  if (depthwise) {
    FG_RETURN_IF_ERROR(dwconv_check(st->shape));
    st->dw_variant = &f32_dwconv_pick();
    if (!st->packed.resize(f32_dwconv_packed_size(st->shape) * sizeof(float)))
      return Status::error("out of memory packing weights");
    f32_dwconv_pack(st->shape, op->in[1]->f32(), bias, reinterpret_cast<float*>(st->packed.data()));
    op->kernel_name = st->dw_variant->name;
    op->run = run_f32_dwconv;
  } else {
    FG_RETURN_IF_ERROR(conv_check(st->shape));
    st->variant = &f32_conv_pick();
    const float* w = op->in[1]->f32();
    std::vector<float> cropped;
    if (conv_crop_dead_taps(st->shape, w, &st->shape, &cropped)) w = cropped.data();
    if (!st->packed.resize(f32_conv_packed_size(st->shape, st->variant->nr) * sizeof(float)))
      return Status::error("out of memory packing weights");
    f32_conv_pack(st->shape, st->variant->nr, w, bias, reinterpret_cast<float*>(st->packed.data()));
    op->kernel_name = st->variant->name;
    op->run = run_f32_conv;
  }
  op->state = std::move(st);
  return Status::ok();
}

struct F32PoolState : OpState {
  const F32PoolVariant* variant = nullptr;
  PoolKind kind = PoolKind::kMax;
  Pool2dShape shape{};
};

void run_f32_pool(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const F32PoolState&>(*op.state);
  f32_pool_run(*st.variant, st.kind, st.shape, arena_in<float>(op, arena), arena_out<float>(op, arena));
}

// Max / average pool, and global average pool as one window over the whole map.
Status prepare_f32_pool(const Model& model, PreparedOp* op) {
  auto st = std::make_unique<F32PoolState>();
  const bool global = op->info.type == OpType::kGlobalAvgPool;
  st->shape = global ? global_pool_shape_of(*op) : pool_shape_of(*op);
  if (st->shape.kernel_h * st->shape.kernel_w > kNativeMaxPoolCells) return reference_prepare_op(model, op);
  FG_RETURN_IF_ERROR(pool_check(st->shape));
  st->kind = op->info.type == OpType::kMaxPool2d ? PoolKind::kMax : PoolKind::kAverage;
  st->variant = &f32_pool_pick();
  op->kernel_name = st->variant->name;
  op->state = std::move(st);
  op->run = run_f32_pool;
  return Status::ok();
}

struct F32AddState : OpState {
  const F32AddVariant* variant = nullptr;
  AddShape shape{};
};

void run_f32_add(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const F32AddState&>(*op.state);
  f32_add_run(*st.variant, st.shape, arena_in<float>(op, arena, 0), arena_in<float>(op, arena, 1),
              op.info.activation, op.info.leaky_alpha, arena_out<float>(op, arena));
}

Status prepare_f32_add(PreparedOp* op) {
  auto st = std::make_unique<F32AddState>();
  st->shape = add_shape_of(*op);
  FG_RETURN_IF_ERROR(add_check(st->shape));
  st->variant = &f32_add_pick();
  op->kernel_name = st->variant->name;
  op->state = std::move(st);
  op->run = run_f32_add;
  return Status::ok();
}

}  // namespace

Status native_prepare_op(const Model& model, PreparedOp* op) {
  if (op->in[0]->dtype == DType::kI8 || op->info.type == OpType::kQuantize) return native_prepare_qs8_op(model, op);
  if (op->in[0]->dtype != DType::kF32) return Status::error("the native backend runs f32 and int8 graphs only");
  switch (op->info.type) {
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d:
    case OpType::kFullyConnected: return prepare_f32_conv(op);
    case OpType::kMaxPool2d:
    case OpType::kAvgPool2d:
    case OpType::kGlobalAvgPool: return prepare_f32_pool(model, op);
    case OpType::kAdd: return prepare_f32_add(op);
    case OpType::kPRelu:
    case OpType::kMulChannel:
    case OpType::kSigmoid:
    case OpType::kSoftmax: return native_prepare_f32_channel_op(model, op);
    case OpType::kUpsampleNearest:  // backend_upsample.cc
    case OpType::kQuantize:
    case OpType::kDequantize: break;
  }
  return Status::error("dequantize reads int8");
}

}  // namespace fg
