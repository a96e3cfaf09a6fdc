// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include "kernels/reference/qs8_ops.h"

namespace fg {

void qs8_conv2d__reference(const Conv2dShape& s, const int8_t* input, const int8_t* weights,
                           const int32_t* bias, const Qs8ConvQuant& q, const Qs8ConvParams& p,
                           int8_t* output) {
  for (int oy = 0; oy < s.out_h; ++oy) {
    for (int ox = 0; ox < s.out_w; ++ox) {
      const size_t pixel = static_cast<size_t>(oy) * s.out_w + ox;
      for (int oc = 0; oc < s.out_c; ++oc) {
        int32_t acc = bias ? bias[oc] : 0;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h + ky - s.pad_top;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.kernel_w; ++kx) {
            const int ix = ox * s.stride_w + kx - s.pad_left;
            if (ix < 0 || ix >= s.in_w) continue;
            const int8_t* in = input + (static_cast<size_t>(iy) * s.in_w + ix) * s.in_c;
            const size_t tap = static_cast<size_t>(ky) * s.kernel_w + kx;
            if (s.depthwise) {
              acc += (in[oc] - q.input_zero_point) * weights[tap * s.out_c + oc];
            } else {
              const int8_t* w = weights + tap * s.in_c * s.out_c + oc;
              for (int ic = 0; ic < s.in_c; ++ic)
                acc += (in[ic] - q.input_zero_point) * w[static_cast<size_t>(ic) * s.out_c];
            }
          }
        }
        float v = static_cast<float>(acc) * qs8_conv_scale(q, oc);
        if (p.residual) {
          const float r = static_cast<float>(p.residual[pixel * s.out_c + oc] -
                                             p.residual_zero_point) * p.residual_scale;
          v = v + r;
        }
        output[pixel * s.out_c + oc] =
            qs8_round_clamp(v, p.output_zero_point, p.output_min, p.output_max);
      }
    }
  }
}

void qs8_pool2d__reference(PoolKind kind, const Pool2dShape& s, const int8_t* input,
                           const Qs8PoolQuant& q, int8_t* output) {
  for (int oy = 0; oy < s.out_h; ++oy) {
    for (int ox = 0; ox < s.out_w; ++ox) {
      for (int c = 0; c < s.channels; ++c) {
        int32_t best = -128, sum = 0, count = 0;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h + ky - s.pad_top;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.kernel_w; ++kx) {
            const int ix = ox * s.stride_w + kx - s.pad_left;
            if (ix < 0 || ix >= s.in_w) continue;
            const int32_t v = input[(static_cast<size_t>(iy) * s.in_w + ix) * s.channels + c];
            best = v > best ? v : best;
            sum += v - q.input_zero_point;
            ++count;
          }
        }
        int8_t r;
        if (kind == PoolKind::kMax) {
          r = static_cast<int8_t>(count > 0 ? best : q.input_zero_point);
        } else {
          const float v = count > 0 ? static_cast<float>(sum) *
                                          (q.scale_ratio / static_cast<float>(count))
                                    : 0.f;
          r = qs8_round_clamp(v, q.output_zero_point, q.output_min, q.output_max);
        }
        output[(static_cast<size_t>(oy) * s.out_w + ox) * s.channels + c] = r;
      }
    }
  }
}

void qs8_add_zero_extend__reference(const AddShape& s, const int8_t* a, const int8_t* b,
                                    const Qs8AddQuant& q, int8_t* output) {
  for (int y = 0; y < s.out_h; ++y) {
    for (int x = 0; x < s.out_w; ++x) {
      for (int c = 0; c < s.out_c; ++c) {
        const int32_t va = (y < s.a_h && x < s.a_w && c < s.a_c)
                               ? a[(static_cast<size_t>(y) * s.a_w + x) * s.a_c + c]
                               : q.a_zero_point;
        const int32_t vb = (y < s.b_h && x < s.b_w && c < s.b_c)
                               ? b[(static_cast<size_t>(y) * s.b_w + x) * s.b_c + c]
                               : q.b_zero_point;
        const float ta = static_cast<float>(va - q.a_zero_point) * q.a_scale;
        const float tb = static_cast<float>(vb - q.b_zero_point) * q.b_scale;
        const float v = ta + tb;
        output[(static_cast<size_t>(y) * s.out_w + x) * s.out_c + c] =
            qs8_round_clamp(v, q.output_zero_point, q.output_min, q.output_max);
      }
    }
  }
}

}  // namespace fg
