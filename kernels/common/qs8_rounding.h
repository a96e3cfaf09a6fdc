// qs8 quantisation parameters and the one rounding rule every int8 kernel (reference,
// scalar, SIMD) and the graph engine share.
//
// Quantisation: real = scale * (q - zero_point). Activations int8 asymmetric (any zero
// point), weights int8 symmetric per output channel (zero point 0, values in [-127, 127]),
// bias int32 in units of input_scale * weight_scale[oc].
//
// The rounding rule (docs/kernels.md), shared by conv, depthwise conv, avg pool and add:
// a real-valued result v (computed in f32, one operation at a time, no fused multiply-add)
// is clamped to [qmin - zy, qmax - zy] in f32, rounded half-to-even (lrintf in the default
// rounding mode = cvtps2dq = fcvtns), then zy is added. Clamping before rounding keeps
// every conversion in int32 range and equals clamping after it (the bounds are integers).
#pragma once
#include <cmath>
#include <cstdint>

namespace fg {

// Quantisation of one qs8 conv (dense or depthwise), fixed at prepare/pack time.
struct Qs8ConvQuant {
  int32_t input_zero_point = 0;          // zx, in [-128, 127]
  float input_scale = 1.f;               // sx
  const float* weight_scales = nullptr;  // sw[out_c]
  float output_scale = 1.f;              // sy
};

// What a qs8 run needs besides weights: output range and the optional residual.
struct Qs8ConvParams {
  int32_t output_zero_point = 0;  // zy
  int8_t output_min = -128;       // relu: output_min = zy
  int8_t output_max = 127;
  const int8_t* residual = nullptr;  // same shape as the output, or null
  int32_t residual_zero_point = 0;   // zr
  float residual_scale = 1.f;        // sr / sy
};

// The rounding rule. v = real result / output scale, before the zero point.
inline int8_t qs8_round_clamp(float v, int32_t zy, int32_t qmin, int32_t qmax) {
  const float lo = static_cast<float>(qmin - zy), hi = static_cast<float>(qmax - zy);
  v = v < lo ? lo : v;
  v = v > hi ? hi : v;
  return static_cast<int8_t>(static_cast<int32_t>(std::lrint(v)) + zy);
}

// Requantisation scale of channel oc: sx * sw[oc] / sy, computed in this order in f32.
inline float qs8_conv_scale(const Qs8ConvQuant& q, int oc) {
  return q.input_scale * q.weight_scales[oc] / q.output_scale;
}

// Average pool: v = float(sum over real cells of (x - zx)) * (scale_ratio / float(count)),
// scale_ratio = sx / sy. Max pool: the output keeps the input's quantisation.
struct Qs8PoolQuant {
  int32_t input_zero_point = 0;
  int32_t output_zero_point = 0;
  float scale_ratio = 1.f;  // sx / sy (average only)
  int8_t output_min = -128, output_max = 127;
};

// Add: out = requant(float(a - za) * a_scale + float(b - zb) * b_scale), a_scale = sa / sy,
// b_scale = sb / sy.
struct Qs8AddQuant {
  int32_t a_zero_point = 0, b_zero_point = 0, output_zero_point = 0;
  float a_scale = 1.f, b_scale = 1.f;
  int8_t output_min = -128, output_max = 127;  // relu: output_min = output_zero_point
};

// The scalar epilogue of one conv output (dense or depthwise), used by the scalar kernels
// and by SIMD kernels for their leftovers.
inline int8_t qs8_conv_output(int32_t acc, float scale, const int8_t* res,
                              const Qs8ConvParams& p) {
  float v = static_cast<float>(acc) * scale;
  if (res) v = v + static_cast<float>(*res - p.residual_zero_point) * p.residual_scale;
  return qs8_round_clamp(v, p.output_zero_point, p.output_min, p.output_max);
}

}  // namespace fg
