// Portable depthwise micro-kernels (one output pixel, all channels; the row entry runs the
// pixel kernel along the run, advancing the tap pointers).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include "kernels/common/op_shapes.h"
#include "kernels/common/qs8_rounding.h"
#include "kernels/dwconv/dwconv.h"

namespace fg {

void f32_dwconv_c16__scalar(int c, int c_pad, int taps, const float* const* a,
                            const float* packed, float* out, const float* res,
                            const F32ConvParams& p) {
  for (int ch = 0; ch < c; ++ch) {
    float acc = packed[ch];
    for (int t = 0; t < taps; ++t) acc += a[t][ch] * packed[(1 + t) * c_pad + ch];
    if (res) acc += res[ch];
    out[ch] = apply_activation(acc, p.activation, p.leaky_alpha);
  }
}

void qs8_dwconv_c16__scalar(int c, int c_pad, int taps, const int8_t* const* a,
                            const void* packed, int8_t* out, const int8_t* res,
                            const Qs8ConvParams& p) {
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  for (int ch = 0; ch < c; ++ch) {
    int32_t acc = bias[ch];
    for (int t = 0; t < taps; ++t) acc += a[t][ch] * w[t * c_pad + ch];
    out[ch] = qs8_conv_output(acc, scale[ch], res ? res + ch : nullptr, p);
  }
}

namespace {

// The pixel kernel on n pixels, tap pointers advanced by step bytes each time.
template <typename T, typename Res, typename Pixel>
void along_row(int n, size_t step, int c, int taps, const T* const* a, T* out, const Res* res,
               Pixel pixel) {
  const T* b[kMaxConvTaps];
  for (int t = 0; t < taps; ++t) b[t] = a[t];
  for (int i = 0; i < n; ++i, out += c) {
    pixel(b, out, res ? res + static_cast<size_t>(i) * c : nullptr);
    for (int t = 0; t < taps; ++t)
      b[t] = reinterpret_cast<const T*>(reinterpret_cast<const char*>(b[t]) + step);
  }
}

}  // namespace

void f32_dwconv_row_c16__scalar(int n, size_t step, int c, int c_pad, int taps,
                                const float* const* a, const float* packed, float* out,
                                const float* res, const F32ConvParams& p) {
  along_row(n, step, c, taps, a, out, res, [&](const float* const* b, float* o, const float* r) {
    f32_dwconv_c16__scalar(c, c_pad, taps, b, packed, o, r, p);
  });
}

void qs8_dwconv_row_c16__scalar(int n, size_t step, int c, int c_pad, int taps,
                                const int8_t* const* a, const void* packed, int8_t* out,
                                const int8_t* res, const Qs8ConvParams& p) {
  along_row(n, step, c, taps, a, out, res, [&](const int8_t* const* b, int8_t* o, const int8_t* r) {
    qs8_dwconv_c16__scalar(c, c_pad, taps, b, packed, o, r, p);
  });
}

}  // namespace fg
