// Native backend, the int8 liveness nets' per-channel rescales (quantize_ops.h gives the
// formula): PReLU after most convs and the squeeze-excite channel multiply touch every
// activation value, so they run on kernels/eltwise/qs8_scale.h (16-bit lanes). The
// multipliers are the reference backend's, computed by the same functions, split into int16
// halves and tiled once at prepare (PReLU) or per run from a 256-entry table over the gate's
// int8 values (channel multiply: the gate changes every run): bit-identical to reference.
#include <vector>

#include "kernels/eltwise/qs8_scale.h"
#include "runtime/core/backends/native/native_backend_internal.h"
#include "runtime/core/quantize_ops.h"

namespace fg {
namespace {

struct Qs8ScaleState : OpState {
  const Qs8ScaleVariant* variant = nullptr;
  size_t channels = 0, period = 0;
  int32_t zx = 0, zy = 0;
  std::vector<int16_t> pos_hi, pos_lo, neg_hi, neg_lo;  // PReLU: `period` tiled values
  int16_t gate_hi[256], gate_lo[256];                   // channel multiply: by gate value + 128
};

void tile_split(const int32_t* m, size_t channels, size_t period, std::vector<int16_t>* hi,
                std::vector<int16_t>* lo) {
  hi->resize(period);
  lo->resize(period);
  for (size_t i = 0; i < period; ++i) qs8_scale_split(m[i % channels], &(*hi)[i], &(*lo)[i]);
}

void run_prelu(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8ScaleState&>(*op.state);
  const Qs8ScaleParams p{st.pos_hi.data(), st.pos_lo.data(), st.neg_hi.data(), st.neg_lo.data(), st.zx, st.zy};
  qs8_scale_run(*st.variant, static_cast<size_t>(op.out->elements), st.period, arena_in<int8_t>(op, arena), p,
                arena_out<int8_t>(op, arena));
}

void run_mul_channel(const PreparedOp& op, uint8_t* arena) {
  const auto& st = static_cast<const Qs8ScaleState&>(*op.state);
  const int8_t* s = arena_in<int8_t>(op, arena, 1);
  int16_t hi[kQs8ScaleMaxPeriod], lo[kQs8ScaleMaxPeriod];  // prepare: period <= the max
  for (size_t c = 0; c < st.channels; ++c) {
    const int k = static_cast<int>(s[c]) + 128;
    for (size_t i = c; i < st.period; i += st.channels) hi[i] = st.gate_hi[k], lo[i] = st.gate_lo[k];
  }
  const Qs8ScaleParams p{hi, lo, hi, lo, st.zx, st.zy};
  qs8_scale_run(*st.variant, static_cast<size_t>(op.out->elements), st.period, arena_in<int8_t>(op, arena, 0), p,
                arena_out<int8_t>(op, arena));
}

}  // namespace

Status native_prepare_qs8_scale_op(const Model& model, PreparedOp* op) {
  const TensorInfo& x = *op->in[0];
  auto st = std::make_unique<Qs8ScaleState>();
  st->channels = static_cast<size_t>(x.dims[x.rank - 1]);
  st->period = qs8_scale_tile_period(st->channels);
  if (st->channels == 0 || st->period > kQs8ScaleMaxPeriod) return reference_prepare_op(model, op);
  st->variant = &qs8_scale_pick();
  st->zx = x.zero_point;
  st->zy = op->out->zero_point;
  if (op->info.type == OpType::kPRelu) {
    Qs8PReluSetup setup;  // tiled to its own period of whole pixels: the first `channels` are per channel
    FG_RETURN_IF_ERROR(qs8_prelu_setup(*op, &setup));
    tile_split(setup.pos.data(), st->channels, st->period, &st->pos_hi, &st->pos_lo);
    tile_split(setup.neg.data(), st->channels, st->period, &st->neg_hi, &st->neg_lo);
    op->run = run_prelu;
  } else {  // kMulChannel: the multiplier of qs8_mul_channel_run for every gate value
    const QuantParams qs = quant_of(*op->in[1]);
    const double ratio = static_cast<double>(x.scale) / op->out->scale;
    for (int q = -128; q <= 127; ++q)
      qs8_scale_split(qs8_q16_multiplier(ratio * qs8_dequantize_value(static_cast<int8_t>(q), qs)),
                      &st->gate_hi[q + 128], &st->gate_lo[q + 128]);
    op->run = run_mul_channel;
  }
  op->kernel_name = st->variant->name;
  op->state = std::move(st);
  return Status::ok();
}

}  // namespace fg
