// Native backend, the liveness nets' per-channel ops (docs/liveness.md): PReLU after most
// convs and the squeeze-excite multiply touch every activation value, so they run on the
// SIMD variants of kernels/eltwise/channelwise.h. Sigmoid (the SE gate, <= 128 values) and
// softmax (3 values) are too small to matter and use the reference loops.
#include "kernels/eltwise/channelwise.h"
#include "kernels/reference/f32_channel_ops.h"
#include "runtime/core/backends/native/native_backend_internal.h"

namespace fg {
namespace {

struct F32ChannelState : OpState {
  const F32ChannelVariant* variant = nullptr;
  size_t pixels = 0, channels = 0;
};

void run_prelu(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const F32ChannelState&>(*op.state);
  st.variant->ukernel(st.pixels, st.channels, arena_in<float>(op, arena), op.in[1]->f32(), arena_out<float>(op, arena));
}

void run_mul_channel(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const F32ChannelState&>(*op.state);
  st.variant->ukernel(st.pixels, st.channels, arena_in<float>(op, arena, 0), arena_in<float>(op, arena, 1),
                      arena_out<float>(op, arena));
}

}  // namespace

Status native_prepare_f32_channel_op(const Model& model, PreparedOp* op) {
  if (op->info.type == OpType::kSigmoid || op->info.type == OpType::kSoftmax) return reference_prepare_op(model, op);
  auto st = std::make_unique<F32ChannelState>();
  st->channels = static_cast<size_t>(op->out->dims[op->out->rank - 1]);
  st->pixels = static_cast<size_t>(op->out->elements) / st->channels;
  const bool prelu = op->info.type == OpType::kPRelu;
  st->variant = prelu ? &f32_prelu_pick() : &f32_mul_channel_pick();
  op->kernel_name = st->variant->name;
  op->run = prelu ? run_prelu : run_mul_channel;
  op->state = std::move(st);
  return Status::ok();
}

}  // namespace fg
