// The semantics of int8 graphs, derived once from a model's quantization parameters and
// shared by every backend (reference and native must agree bit for bit; docs/quantization.md).
//
// Boundary: an int8 model keeps an f32 input and f32 outputs. Its first op is kQuantize
// (q = round_half_even(x / s) + z, clamped), its last ops kDequantize (x = s * (q - z)), so
// callers (pipeline, CLI, tests) feed and read floats whatever the model's dtype.
// Leaky relu (the detector) has no int8 kernel epilogue: the conv writes an intermediate
// quantization whose range is the output's with the negative side divided by alpha, then a
// 256-entry table maps it to the output (qs8_leaky_setup).
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/common/qs8_rounding.h"
#include "runtime/core/executor.h"

namespace fg {

// real = scale * (q - zero_point)
struct QuantParams {
  float scale = 1.f;
  int32_t zero_point = 0;
};

inline QuantParams quant_of(const TensorInfo& t) { return {t.scale, t.zero_point}; }

inline int8_t qs8_quantize_value(float x, QuantParams q) {
  return qs8_round_clamp(x / q.scale, q.zero_point, -128, 127);
}
inline float qs8_dequantize_value(int8_t q, QuantParams p) {
  return p.scale * static_cast<float>(static_cast<int32_t>(q) - p.zero_point);
}
void qs8_quantize_run(const float* x, size_t n, QuantParams q, int8_t* y);
void qs8_dequantize_run(const int8_t* x, size_t n, QuantParams q, float* y);

// Asymmetric int8 parameters covering [lo, hi] (widened to contain 0, so 0 is exact).
QuantParams quant_params_for_range(float lo, float hi);

// Everything a qs8 conv / depthwise / fully connected op needs besides packed weights.
// `weight_scales` backs `quant.weight_scales` (keep the struct in place after setup).
struct Qs8ConvSetup {
  std::vector<float> weight_scales;
  Qs8ConvQuant quant;
  Qs8ConvParams params;    // residual pointer left null: set per run from the arena
  bool leaky = false;      // then params target the intermediate quantization and
  int8_t leaky_table[256];  // leaky_table[q + 128] is the output value
};
[[nodiscard]] Status qs8_conv_setup(const PreparedOp& op, Qs8ConvSetup* out);
// In place on n values: y = table[y + 128].
void qs8_apply_table(const int8_t* table, size_t n, int8_t* y);

// int8 liveness ops (docs/liveness.md). PReLU and channel multiply are one per-channel
// rescale in Q16 fixed point, the same integer formula in every backend:
//   d = x - zx;  y = clamp(zy + ((d * (d > 0 ? pos[c] : neg[c]) + 2^15) >> 16), -128, 127)
// PReLU: pos = round(2^16 sx / sy), neg[c] = round(2^16 alpha[c] sx / sy); channel multiply:
// pos = neg = round(2^16 sx s[c] / sy), s[c] the dequantized scale of this run. Multipliers
// saturate at +-2^23 (a ratio of 128: never met by calibrated ranges), so d * m fits int32.
// Integer lanes, so the loop vectorises (a per-channel table lookup did not: 39% of the int8
// MiniFASNetV1SE's time). Sigmoid (on [c] vectors only) is one 256-entry table.
// Channel counts here are odd (13, 26, 103...): one pixel's row is too short a loop, so the
// multipliers are tiled to a period of whole pixels >= kQs8ScaleSpan values and the tensor
// runs in spans of that period.
int32_t qs8_q16_multiplier(double ratio);
constexpr size_t kQs8ScaleSpan = 256;
size_t qs8_scale_period(size_t channels);                        // channels * ceil(256 / channels)
void qs8_scale_tile(const int32_t* m, size_t channels, int32_t* tiled);  // tiled[qs8_scale_period]
// n values (whole pixels); pos / neg hold `period` tiled multipliers.
void qs8_channel_scale_run(size_t n, size_t period, const int8_t* x, int32_t zx, const int32_t* pos,
                           const int32_t* neg, int32_t zy, int8_t* y);
struct Qs8PReluSetup {
  std::vector<int32_t> pos, neg;  // tiled
  int32_t input_zero_point = 0, output_zero_point = 0;
};
[[nodiscard]] Status qs8_prelu_setup(const PreparedOp& op, Qs8PReluSetup* out);
// sigmoid: table[q + 128] = quantize_out(1 / (1 + exp(-dequantize_in(q)))).
void qs8_sigmoid_table(const PreparedOp& op, int8_t table[256]);
// x [pixels][channels] * s[c] (validator: channels <= 1024).
void qs8_mul_channel_run(const PreparedOp& op, const int8_t* x, const int8_t* s, int8_t* y);

Qs8AddQuant qs8_add_quant_of(const PreparedOp& op);
// Average and max pool; global average pool passes its [h][w][c] input as one window.
Qs8PoolQuant qs8_pool_quant_of(const PreparedOp& op);
// Global average pool as a pool over the whole map (one output pixel).
Pool2dShape global_pool_shape_of(const PreparedOp& op);
// Fully connected as a 1x1 conv on a 1x1 input.
Conv2dShape fc_conv_shape_of(const PreparedOp& op);

}  // namespace fg
