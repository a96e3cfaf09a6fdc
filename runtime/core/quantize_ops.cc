// int8 op parameters from tensor quantization (quantize_ops.h). The table and scale
// arithmetic must not be contracted into FMAs: both backends call these same functions, but
// keeping one operation per step keeps them reproducible across compilers too.
#include "kernels/common/strict_fp.h"
#include "runtime/core/quantize_ops.h"

#include <algorithm>
#include <cmath>

#include "runtime/core/backend.h"

namespace fg {

// Same result as qs8_quantize_value for every input, in a form the compiler vectorizes:
// after the clamp |v| <= 255, where adding and subtracting 1.5*2^23 rounds half-to-even
// exactly like lrintf in the default rounding mode. NaN inputs become the zero point here
// (lrint's result would be unspecified); inputs are finite in practice.
void qs8_quantize_run(const float* x, size_t n, QuantParams q, int8_t* y) {
  const float lo = static_cast<float>(-128 - q.zero_point), hi = static_cast<float>(127 - q.zero_point);
  const float magic = 12582912.f;  // 1.5 * 2^23
  for (size_t i = 0; i < n; ++i) {
    float v = x[i] / q.scale;
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    v = v == v ? v : 0.f;
    const float r = (v + magic) - magic;
    y[i] = static_cast<int8_t>(static_cast<int32_t>(r) + q.zero_point);
  }
}

void qs8_dequantize_run(const int8_t* x, size_t n, QuantParams q, float* y) {
  for (size_t i = 0; i < n; ++i) y[i] = qs8_dequantize_value(x[i], q);
}

QuantParams quant_params_for_range(float lo, float hi) {
  double l = std::min(0.0, static_cast<double>(lo));
  double h = std::max(0.0, static_cast<double>(hi));
  if (!(h - l > 1e-8)) h = l + 1e-8;  // a constant-zero tensor still needs a scale > 0
  QuantParams q;
  q.scale = static_cast<float>((h - l) / 255.0);
  const double zp = std::nearbyint(-128.0 - l / static_cast<double>(q.scale));
  q.zero_point = static_cast<int32_t>(std::min(127.0, std::max(-128.0, zp)));
  return q;
}

Status qs8_conv_setup(const PreparedOp& op, Qs8ConvSetup* out) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& w = *op.in[1];
  const TensorInfo& y = *op.out;
  const int channels = w.dims[w.rank - 1];
  out->weight_scales.assign(static_cast<size_t>(channels), w.scale);
  if (w.quant == QuantKind::kPerChannel) out->weight_scales.assign(w.channel_scales, w.channel_scales + channels);
  else if (w.quant != QuantKind::kPerTensor) return Status::error("int8 weights need quantization parameters");

  QuantParams target = quant_of(y);
  out->leaky = op.info.activation == Activation::kLeakyRelu;
  if (out->leaky) {
    // Intermediate: the output range with its negative side stretched by 1/alpha, so the
    // pre-activation values that leaky relu maps into the output range are representable.
    const float lo = y.scale * static_cast<float>(-128 - y.zero_point);
    const float hi = y.scale * static_cast<float>(127 - y.zero_point);
    target = quant_params_for_range(std::min(lo, 0.f) / op.info.leaky_alpha, hi);
    for (int q = -128; q <= 127; ++q) {
      const float r = qs8_dequantize_value(static_cast<int8_t>(q), target);
      const float a = r < 0.f ? r * op.info.leaky_alpha : r;
      out->leaky_table[q + 128] = qs8_quantize_value(a, quant_of(y));
    }
  }
  out->quant.input_zero_point = x.zero_point;
  out->quant.input_scale = x.scale;
  out->quant.weight_scales = out->weight_scales.data();
  out->quant.output_scale = target.scale;
  out->params = Qs8ConvParams{};
  out->params.output_zero_point = target.zero_point;
  out->params.output_min = op.info.activation == Activation::kRelu
                               ? static_cast<int8_t>(std::max(-128, std::min(127, target.zero_point)))
                               : int8_t{-128};
  out->params.output_max = 127;
  if (const TensorInfo* r = op.in[3]) {
    out->params.residual_zero_point = r->zero_point;
    out->params.residual_scale = r->scale / target.scale;
  }
  return Status::ok();
}

void qs8_apply_table(const int8_t* table, size_t n, int8_t* y) {
  for (size_t i = 0; i < n; ++i) y[i] = table[static_cast<int32_t>(y[i]) + 128];
}

int32_t qs8_q16_multiplier(double ratio) {
  const double m = std::nearbyint(ratio * 65536.0);
  constexpr double kMax = 8388607.0;  // 2^23 - 1: |d| <= 255, so |d * m| < 2^31
  return static_cast<int32_t>(std::min(kMax, std::max(-kMax, m)));
}

Status qs8_prelu_setup(const PreparedOp& op, Qs8PReluSetup* out) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& y = *op.out;
  if (op.info.type != OpType::kPRelu || !(x.scale > 0.f) || !(y.scale > 0.f))
    return Status::error("int8 prelu needs positive scales");
  const int channels = x.dims[x.rank - 1];
  const double ratio = static_cast<double>(x.scale) / y.scale;
  const float* alpha = op.in[1]->f32();
  const size_t period = qs8_scale_period(static_cast<size_t>(channels));
  out->pos.assign(period, qs8_q16_multiplier(ratio));
  std::vector<int32_t> neg(static_cast<size_t>(channels));
  for (int c = 0; c < channels; ++c) neg[c] = qs8_q16_multiplier(ratio * alpha[c]);
  out->neg.resize(period);
  qs8_scale_tile(neg.data(), neg.size(), out->neg.data());
  out->input_zero_point = x.zero_point;
  out->output_zero_point = y.zero_point;
  return Status::ok();
}

void qs8_sigmoid_table(const PreparedOp& op, int8_t table[256]) {
  const QuantParams qx = quant_of(*op.in[0]), qy = quant_of(*op.out);
  for (int q = -128; q <= 127; ++q) {
    const float r = qs8_dequantize_value(static_cast<int8_t>(q), qx);
    table[q + 128] = qs8_quantize_value(1.f / (1.f + std::exp(-r)), qy);
  }
}

void qs8_mul_channel_run(const PreparedOp& op, const int8_t* x, const int8_t* s, int8_t* y) {
  const TensorInfo& xt = *op.in[0];
  const QuantParams qs = quant_of(*op.in[1]);
  const size_t channels = static_cast<size_t>(xt.dims[xt.rank - 1]);
  const size_t pixels = static_cast<size_t>(xt.elements) / channels;
  const double ratio = static_cast<double>(xt.scale) / op.out->scale;
  int32_t m[1024], tiled[1024 + kQs8ScaleSpan];  // the validator bounds channels to 1024
  for (size_t c = 0; c < channels; ++c) m[c] = qs8_q16_multiplier(ratio * qs8_dequantize_value(s[c], qs));
  qs8_scale_tile(m, channels, tiled);
  qs8_channel_scale_run(pixels * channels, qs8_scale_period(channels), x, xt.zero_point, tiled, tiled,
                        op.out->zero_point, y);
}

Qs8AddQuant qs8_add_quant_of(const PreparedOp& op) {
  const TensorInfo& a = *op.in[0];
  const TensorInfo& b = *op.in[1];
  const TensorInfo& y = *op.out;
  Qs8AddQuant q;
  q.a_zero_point = a.zero_point;
  q.b_zero_point = b.zero_point;
  q.output_zero_point = y.zero_point;
  q.a_scale = a.scale / y.scale;
  q.b_scale = b.scale / y.scale;
  q.output_min = op.info.activation == Activation::kRelu ? static_cast<int8_t>(y.zero_point) : int8_t{-128};
  q.output_max = 127;
  return q;
}

Qs8PoolQuant qs8_pool_quant_of(const PreparedOp& op) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& y = *op.out;
  Qs8PoolQuant q;
  q.input_zero_point = x.zero_point;
  q.output_zero_point = y.zero_point;
  q.scale_ratio = x.scale / y.scale;
  q.output_min = op.info.activation == Activation::kRelu ? static_cast<int8_t>(y.zero_point) : int8_t{-128};
  q.output_max = 127;
  return q;
}

Pool2dShape global_pool_shape_of(const PreparedOp& op) {
  const TensorInfo& x = *op.in[0];
  Pool2dShape s{};
  s.in_h = x.dims[0]; s.in_w = x.dims[1]; s.channels = x.dims[2];
  s.out_h = 1; s.out_w = 1;
  s.kernel_h = x.dims[0]; s.kernel_w = x.dims[1];
  s.stride_h = 1; s.stride_w = 1;
  return s;
}

Conv2dShape fc_conv_shape_of(const PreparedOp& op) {
  const TensorInfo& w = *op.in[1];
  Conv2dShape s{};
  s.in_h = s.in_w = s.out_h = s.out_w = 1;
  s.in_c = w.dims[0];
  s.out_c = w.dims[1];
  s.kernel_h = s.kernel_w = s.stride_h = s.stride_w = 1;
  s.depthwise = false;
  return s;
}

}  // namespace fg
