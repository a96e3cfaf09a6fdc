// Shape validation and weight packing for the dense conv family (layouts in conv.h).
#include <cmath>
#include <cstring>
#include <string>

#include "kernels/common/shape_check.h"
#include "kernels/conv/conv.h"
#include "kernels/conv/conv_internal.h"

namespace fg {

bool qs8_conv_weights_fit_pairs(const int8_t* w, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (w[i] == -128) return false;
  return true;
}

Status conv_check(const Conv2dShape& s) {
  if (s.depthwise) return Status::error("conv shape: depthwise shape given to the dense conv");
  return conv_window_check(s);
}

size_t f32_conv_packed_size(const Conv2dShape& shape, int nr) {
  const Conv2dShape s = conv_packing_shape(shape);
  const size_t blocks = (s.out_c + nr - 1) / nr;
  return blocks * f32_conv_block_floats(s, nr) + s.in_c;
}

void f32_conv_pack(const Conv2dShape& shape, int nr, const float* weights, const float* bias,
                   float* packed) {
  const Conv2dShape s = conv_packing_shape(shape);
  const size_t taps = static_cast<size_t>(s.kernel_h) * s.kernel_w;
  const int blocks = (s.out_c + nr - 1) / nr;
  float* out = packed;
  for (int b = 0; b < blocks; ++b) {
    for (int j = 0; j < nr; ++j) {
      const int oc = b * nr + j;
      *out++ = (bias && oc < s.out_c) ? bias[oc] : 0.f;
    }
    for (size_t t = 0; t < taps; ++t) {
      for (int ic = 0; ic < s.in_c; ++ic) {
        const float* w = weights + (t * s.in_c + ic) * s.out_c;
        for (int j = 0; j < nr; ++j) {
          const int oc = b * nr + j;
          *out++ = oc < s.out_c ? w[oc] : 0.f;
        }
      }
    }
  }
  std::memset(out, 0, sizeof(float) * s.in_c);  // the padding row
}

size_t qs8_conv_packed_size(const Conv2dShape& shape, int nr, int kr) {
  const Conv2dShape s = conv_packing_shape(shape);
  const size_t blocks = (s.out_c + nr - 1) / nr;
  // The padding row stands for an input pixel: as readable past its end as the input.
  return blocks * qs8_conv_block_bytes(s, nr, kr) + qs8_conv_packed_kc(s.in_c, kr) + kConvInputOverreadBytes;
}

Status qs8_conv_pack(const Conv2dShape& shape, int nr, const int8_t* weights,
                     const int32_t* bias, const Qs8ConvQuant& q, void* packed, int kr) {
  const Conv2dShape s = conv_packing_shape(shape);
  if (kr != 4 && kr != 16) return Status::error("qs8 conv: k-group must be 4 or 16");
  if (kr == 16 && !qs8_conv_weights_fit_pairs(weights, static_cast<size_t>(s.kernel_h) * s.kernel_w *
                                                            s.in_c * s.out_c))
    return Status::error("qs8 conv: weight -128 in a c16 (8-bit pair) layout, which needs [-127, 127]");
  if (q.input_zero_point < -128 || q.input_zero_point > 127)
    return Status::error("qs8 conv: input zero point outside [-128, 127]");
  if (!q.weight_scales) return Status::error("qs8 conv: weight scales missing");
  if (!(q.input_scale > 0.f) || !(q.output_scale > 0.f) || !std::isfinite(q.input_scale) ||
      !std::isfinite(q.output_scale))
    return Status::error("qs8 conv: input/output scale must be finite and positive");
  const size_t taps = static_cast<size_t>(s.kernel_h) * s.kernel_w;
  const int kcp = qs8_conv_packed_kc(s.in_c, kr);
  const int blocks = (s.out_c + nr - 1) / nr;
  uint8_t* out = static_cast<uint8_t*>(packed);
  for (int b = 0; b < blocks; ++b) {
    int32_t* bias_s = reinterpret_cast<int32_t*>(out);
    int32_t* bias_u = bias_s + nr;
    float* scale = reinterpret_cast<float*>(bias_u + nr);
    int8_t* w = reinterpret_cast<int8_t*>(scale + nr);
    for (int j = 0; j < nr; ++j) {
      const int oc = b * nr + j;
      long long sum = 0;
      float sc = 0.f;
      if (oc < s.out_c) {
        const float sw = q.weight_scales[oc];
        if (!(sw > 0.f) || !std::isfinite(sw))
          return Status::error("qs8 conv: weight scale of channel " + std::to_string(oc) +
                               " must be finite and positive");
        sc = qs8_conv_scale(q, oc);
        for (size_t k = 0; k < taps * s.in_c; ++k) sum += weights[k * s.out_c + oc];
      }
      const long long b0 = (bias && oc < s.out_c) ? bias[oc] : 0;
      const long long bs = b0 - q.input_zero_point * sum;
      const long long bu = b0 - (q.input_zero_point + 128ll) * sum;
      if (bs < INT32_MIN || bs > INT32_MAX || bu < INT32_MIN || bu > INT32_MAX)
        return Status::error("qs8 conv: bias of channel " + std::to_string(oc) +
                             " overflows int32 after folding the zero point");
      bias_s[j] = static_cast<int32_t>(bs);
      bias_u[j] = static_cast<int32_t>(bu);
      scale[j] = sc;
    }
    for (size_t t = 0; t < taps; ++t) {
      for (int k = 0; k < kcp; k += kr) {
        const int g = kcp - k < kr ? kcp - k : kr;  // c16: the last group may be 8 wide
        for (int j = 0; j < nr; ++j) {
          const int oc = b * nr + j;
          for (int i = 0; i < g; ++i) {
            const int ic = k + i;
            *w++ = (oc < s.out_c && ic < s.in_c)
                       ? weights[(t * s.in_c + ic) * s.out_c + oc] : int8_t{0};
          }
        }
      }
    }
    out += qs8_conv_block_bytes(s, nr, kr);
  }
  std::memset(out, static_cast<int8_t>(q.input_zero_point), kcp);  // the padding row
  std::memset(out + kcp, 0, kConvInputOverreadBytes);
  return Status::ok();
}

}  // namespace fg
