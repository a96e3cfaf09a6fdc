#include "kernels/reference/f32_ops.h"

#include <cfloat>

namespace fg {

void f32_conv2d__reference(const Conv2dShape& s, const float* input, const float* weights,
                           const float* bias, Activation act, float leaky_alpha, float* output) {
  for (int oy = 0; oy < s.out_h; ++oy) {
    for (int ox = 0; ox < s.out_w; ++ox) {
      float* out = output + (static_cast<size_t>(oy) * s.out_w + ox) * s.out_c;
      for (int oc = 0; oc < s.out_c; ++oc) {
        float acc = 0.f;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h + ky - s.pad_top;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.kernel_w; ++kx) {
            const int ix = ox * s.stride_w + kx - s.pad_left;
            if (ix < 0 || ix >= s.in_w) continue;
            const float* in = input + (static_cast<size_t>(iy) * s.in_w + ix) * s.in_c;
            if (s.depthwise) {
              acc += in[oc] * weights[(static_cast<size_t>(ky) * s.kernel_w + kx) * s.out_c + oc];
            } else {
              const float* w =
                  weights + (static_cast<size_t>(ky) * s.kernel_w + kx) * s.in_c * s.out_c + oc;
              for (int ic = 0; ic < s.in_c; ++ic) acc += in[ic] * w[static_cast<size_t>(ic) * s.out_c];
            }
          }
        }
        if (bias) acc += bias[oc];
        out[oc] = apply_activation(acc, act, leaky_alpha);
      }
    }
  }
}

void f32_pool2d__reference(PoolKind kind, const Pool2dShape& s, const float* input,
                           float* output) {
  for (int oy = 0; oy < s.out_h; ++oy) {
    for (int ox = 0; ox < s.out_w; ++ox) {
      for (int c = 0; c < s.channels; ++c) {
        float best = -FLT_MAX, sum = 0.f;
        int count = 0;
        for (int ky = 0; ky < s.kernel_h; ++ky) {
          const int iy = oy * s.stride_h + ky - s.pad_top;
          if (iy < 0 || iy >= s.in_h) continue;
          for (int kx = 0; kx < s.kernel_w; ++kx) {
            const int ix = ox * s.stride_w + kx - s.pad_left;
            if (ix < 0 || ix >= s.in_w) continue;
            const float v = input[(static_cast<size_t>(iy) * s.in_w + ix) * s.channels + c];
            best = v > best ? v : best;
            sum += v;
            ++count;
          }
        }
        float r = 0.f;
        if (count > 0) r = kind == PoolKind::kMax ? best : sum / static_cast<float>(count);
        output[(static_cast<size_t>(oy) * s.out_w + ox) * s.channels + c] = r;
      }
    }
  }
}

void f32_add_zero_extend__reference(const AddShape& s, const float* a, const float* b,
                                    Activation act, float leaky_alpha, float* output) {
  for (int y = 0; y < s.out_h; ++y) {
    for (int x = 0; x < s.out_w; ++x) {
      for (int c = 0; c < s.out_c; ++c) {
        const float va = (y < s.a_h && x < s.a_w && c < s.a_c)
                             ? a[(static_cast<size_t>(y) * s.a_w + x) * s.a_c + c] : 0.f;
        const float vb = (y < s.b_h && x < s.b_w && c < s.b_c)
                             ? b[(static_cast<size_t>(y) * s.b_w + x) * s.b_c + c] : 0.f;
        output[(static_cast<size_t>(y) * s.out_w + x) * s.out_c + c] =
            apply_activation(va + vb, act, leaky_alpha);
      }
    }
  }
}

void f32_global_avg_pool__reference(int h, int w, int c, const float* input, float* output) {
  for (int ch = 0; ch < c; ++ch) {
    float sum = 0.f;
    for (int i = 0; i < h * w; ++i) sum += input[static_cast<size_t>(i) * c + ch];
    output[ch] = sum / static_cast<float>(h * w);
  }
}

void f32_fully_connected__reference(int in, int out, const float* input, const float* weights,
                                    const float* bias, float* output) {
  for (int o = 0; o < out; ++o) {
    float acc = 0.f;
    for (int i = 0; i < in; ++i) acc += input[i] * weights[static_cast<size_t>(i) * out + o];
    output[o] = bias ? acc + bias[o] : acc;
  }
}

}  // namespace fg
