// Native backend: our SIMD kernels (kernels/conv, best variant for this CPU), weights packed
// once here at prepare time. Ops without a native kernel yet run the reference loop.
#include <vector>

#include "kernels/conv/conv_variants.h"
#include "runtime/backend.h"

namespace fg {
namespace {

struct F32ConvState : OpState {
  const F32ConvVariant* variant = nullptr;
  Conv2dShape shape{};
  F32ConvParams params;
  AlignedBuffer packed;
};

void run_f32_conv(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const F32ConvState&>(*op.state);
  f32_conv_run(*st.variant, st.shape, arena_in<float>(op, arena),
               reinterpret_cast<const float*>(st.packed.data()), st.params, arena_out<float>(op, arena));
}

Status prepare_f32_conv(PreparedOp* op) {
  auto st = std::make_unique<F32ConvState>();
  st->variant = f32_conv_pick();
  st->shape = conv_shape_of(*op);
  FG_RETURN_IF_ERROR(conv_check(st->shape));
  st->params.activation = op->info.activation;
  st->params.leaky_alpha = op->info.leaky_alpha;
  const size_t floats = f32_conv_packed_size(st->shape, st->variant->nr);
  if (!st->packed.resize(floats * sizeof(float))) return Status::error("out of memory packing weights");
  f32_conv_pack(st->shape, st->variant->nr, op->in[1]->f32(), op->in[2] ? op->in[2]->f32() : nullptr,
                reinterpret_cast<float*>(st->packed.data()));
  op->kernel_name = st->variant->name;
  op->state = std::move(st);
  op->run = run_f32_conv;
  return Status::ok();
}

}  // namespace

Status native_prepare_op(const Model& model, PreparedOp* op) {
  if (op->in[0]->dtype == DType::kF32 && op->info.type == OpType::kConv2d) return prepare_f32_conv(op);
  return reference_prepare_op(model, op);
}

}  // namespace fg
