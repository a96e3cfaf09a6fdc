// Native backend, int8 ops on the qs8 kernels: dense conv and fully connected (1x1 conv on a
// 1x1 input) on kernels/conv, depthwise on kernels/dwconv, both with the fused residual in
// the epilogue; pools and global average pool on kernels/pool; add on kernels/eltwise.
// Parameters come from runtime/core/quantize_ops.h, as in the reference backend, and every qs8
// kernel follows the reference rounding rule, so results are bit-identical to it.
#include <vector>

#include "kernels/conv/conv_variants.h"
#include "kernels/dwconv/dwconv.h"
#include "kernels/eltwise/eltwise.h"
#include "kernels/eltwise/lut.h"
#include "kernels/pool/pool.h"
#include "runtime/core/backends/native/native_backend_internal.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

struct Qs8ConvState : OpState {
  const Qs8ConvVariant* variant = nullptr;
  const Qs8DwconvVariant* dw_variant = nullptr;
  Conv2dShape shape{};
  Qs8ConvSetup setup;
  AlignedBuffer packed;
  // The dense conv's row-pointer table (conv.h, qs8_conv_rows_build), sized at prepare and
  // filled by the first run for the input's address in the arena, which never moves after
  // net_prepare: later runs skip the per-tile pointer arithmetic (5-11% of the detector).
  // Refilled if the input address ever differs; empty (tiles build their own) past kMaxRows.
  mutable AlignedBuffer rows_buf;
  mutable const int8_t* rows_input = nullptr;
  const int8_t** rows() const { return reinterpret_cast<const int8_t**>(rows_buf.data()); }
};

// 8 MiB of pointers at most (the detector's 414x414 stem needs 4.1 MiB, the whole net 4.6).
constexpr size_t kMaxRows = size_t{1} << 20;

// One dense conv's arguments, shared read-only by the threads running its ranges.
struct Qs8ConvTask {
  const Qs8ConvState* st;
  const int8_t* input;
  Qs8ConvParams params;
  int8_t* output;
};

void run_qs8_conv_range(void* context, size_t begin, size_t end) {
  const Qs8ConvTask& t = *static_cast<const Qs8ConvTask*>(context);
  qs8_conv_run_range(*t.st->variant, t.st->shape, t.input, t.st->packed.data(), t.params, t.output,
                     static_cast<int>(begin), static_cast<int>(end),
                     t.st->rows());
}

// Dense convs split across the net's threads when it has a pool (bit-identical, conv.h);
// depthwise and the leaky table stay on the caller.
void run_qs8_conv(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8ConvState&>(*op.state);
  Qs8ConvParams p = st.setup.params;
  if (op.in[3]) p.residual = arena_in<int8_t>(op, arena, 1);
  int8_t* y = arena_out<int8_t>(op, arena);
  if (st.dw_variant) {
    qs8_dwconv_run(*st.dw_variant, st.shape, arena_in<int8_t>(op, arena), st.packed.data(), p, y);
  } else {
    const int8_t* x = arena_in<int8_t>(op, arena);
    if (st.rows() && st.rows_input != x) {  // before the threads: they only read it
      qs8_conv_rows_build(*st.variant, st.shape, x, st.packed.data(), st.rows());
      st.rows_input = x;
    }
    Qs8ConvTask task{&st, x, p, y};
    const size_t n = static_cast<size_t>(qs8_conv_outer_count(*st.variant, st.shape));
    ThreadPool* pool = conv_split_pool(op, st.shape, kMinMacsToSplitQs8);
    parallel_ranges(pool, run_qs8_conv_range, &task, n, parallel_grain(n, pool ? pool->threads() : 1));
  }
  // Leaky ReLU = the table of qs8_conv_setup, looked up with tbl on NEON (kernels/eltwise/lut.h).
  if (st.setup.leaky) qs8_lut_pick().ukernel(st.setup.leaky_table, static_cast<size_t>(op.out->elements), y);
}

Status prepare_qs8_conv(PreparedOp* op) {
  auto st = std::make_unique<Qs8ConvState>();
  FG_RETURN_IF_ERROR(qs8_conv_setup(*op, &st->setup));
  st->shape = op->info.type == OpType::kFullyConnected ? fc_conv_shape_of(*op) : conv_shape_of(*op);
  const auto* w = static_cast<const int8_t*>(op->in[1]->data);
  const auto* bias = op->in[2] ? static_cast<const int32_t*>(op->in[2]->data) : nullptr;
  if (op->info.type == OpType::kDepthwiseConv2d) {
    FG_RETURN_IF_ERROR(dwconv_check(st->shape));
    st->dw_variant = &qs8_dwconv_pick_for(w, static_cast<size_t>(st->shape.kernel_h) * st->shape.kernel_w * st->shape.in_c);
    if (!st->packed.resize(qs8_dwconv_packed_size(st->shape))) return Status::error("out of memory packing weights");
    FG_RETURN_IF_ERROR(qs8_dwconv_pack(st->shape, w, bias, st->setup.quant, st->packed.data()));
    op->kernel_name = st->dw_variant->name;
  } else {
    FG_RETURN_IF_ERROR(conv_check(st->shape));
    std::vector<int8_t> cropped;
    if (conv_crop_dead_taps(st->shape, w, &st->shape, &cropped)) w = cropped.data();
    const Conv2dShape& cs = st->shape;
    st->variant = &qs8_conv_pick_for(w, static_cast<size_t>(cs.kernel_h) * cs.kernel_w * cs.in_c * cs.out_c);
    if (!st->packed.resize(qs8_conv_packed_size(st->shape, st->variant->nr, st->variant->kr)))
      return Status::error("out of memory packing weights");
    FG_RETURN_IF_ERROR(qs8_conv_pack(st->shape, st->variant->nr, w, bias, st->setup.quant, st->packed.data(),
                                     st->variant->kr));
    op->kernel_name = st->variant->name;
    const size_t rows = qs8_conv_rows_size(*st->variant, st->shape);
    // Without the table (too large, or no memory) every tile builds its own: same results.
    if (rows <= kMaxRows && !st->rows_buf.resize(rows * sizeof(const int8_t*))) st->rows_buf = AlignedBuffer();
  }
  op->state = std::move(st);
  op->run = run_qs8_conv;
  return Status::ok();
}

struct Qs8PoolState : OpState {
  const Qs8PoolVariant* variant = nullptr;
  PoolKind kind = PoolKind::kMax;
  Pool2dShape shape{};
  Qs8PoolQuant quant;
};

void run_qs8_pool(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8PoolState&>(*op.state);
  qs8_pool_run(*st.variant, st.kind, st.shape, arena_in<int8_t>(op, arena), st.quant, arena_out<int8_t>(op, arena));
}

Status prepare_qs8_pool(const Model& model, PreparedOp* op) {
  auto st = std::make_unique<Qs8PoolState>();
  const bool global = op->info.type == OpType::kGlobalAvgPool;
  st->shape = global ? global_pool_shape_of(*op) : pool_shape_of(*op);
  if (st->shape.kernel_h * st->shape.kernel_w > kNativeMaxPoolCells) return reference_prepare_op(model, op);
  FG_RETURN_IF_ERROR(pool_check(st->shape));
  st->kind = op->info.type == OpType::kMaxPool2d ? PoolKind::kMax : PoolKind::kAverage;
  st->quant = qs8_pool_quant_of(*op);
  st->variant = &qs8_pool_pick();
  op->kernel_name = st->variant->name;
  op->state = std::move(st);
  op->run = run_qs8_pool;
  return Status::ok();
}

struct Qs8AddState : OpState {
  const Qs8AddVariant* variant = nullptr;
  AddShape shape{};
  Qs8AddQuant quant;
};

void run_qs8_add(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8AddState&>(*op.state);
  qs8_add_run(*st.variant, st.shape, arena_in<int8_t>(op, arena, 0), arena_in<int8_t>(op, arena, 1), st.quant,
              arena_out<int8_t>(op, arena));
}

Status prepare_qs8_add(PreparedOp* op) {
  auto st = std::make_unique<Qs8AddState>();
  st->shape = add_shape_of(*op);
  FG_RETURN_IF_ERROR(add_check(st->shape));
  st->quant = qs8_add_quant_of(*op);
  st->variant = &qs8_add_pick();
  op->kernel_name = st->variant->name;
  op->state = std::move(st);
  op->run = run_qs8_add;
  return Status::ok();
}

struct Qs8QuantizeState : OpState {
  const Qs8QuantizeVariant* variant = nullptr;
  QuantParams quant;
};

void run_qs8_quantize(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8QuantizeState&>(*op.state);
  st.variant->ukernel(static_cast<size_t>(op.out->elements), arena_in<float>(op, arena), st.quant.scale,
                      st.quant.zero_point, arena_out<int8_t>(op, arena));
}

// The graph's f32 -> int8 input convert (the reference loop divides one value at a time).
Status prepare_qs8_quantize(const Model& model, PreparedOp* op) {
  if (op->in[0]->dtype != DType::kF32 || op->out->dtype != DType::kI8) return reference_prepare_op(model, op);
  auto st = std::make_unique<Qs8QuantizeState>();
  st->quant = quant_of(*op->out);
  st->variant = &qs8_quantize_pick();
  op->kernel_name = st->variant->name;
  op->state = std::move(st);
  op->run = run_qs8_quantize;
  return Status::ok();
}

}  // namespace

Status native_prepare_qs8_op(const Model& model, PreparedOp* op) {
  switch (op->info.type) {
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d:
    case OpType::kFullyConnected: return prepare_qs8_conv(op);
    case OpType::kMaxPool2d:
    case OpType::kAvgPool2d:
    case OpType::kGlobalAvgPool: return prepare_qs8_pool(model, op);
    case OpType::kAdd: return prepare_qs8_add(op);
    case OpType::kQuantize: return prepare_qs8_quantize(model, op);
    case OpType::kUpsampleNearest:  // backend_upsample.cc
    case OpType::kDequantize: break;  // 256 values at the graph's end: the plain loop
    case OpType::kPRelu:
    case OpType::kMulChannel: return native_prepare_qs8_scale_op(model, op);
    case OpType::kSigmoid:
    case OpType::kSoftmax: break;  // a table on <= 128 values (quantize_ops.h); softmax is f32 only
  }
  return reference_prepare_op(model, op);
}

}  // namespace fg
