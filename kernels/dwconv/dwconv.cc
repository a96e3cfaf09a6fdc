// Depthwise conv: validation, packing, the row/edge driver and the variant list.
#include "kernels/dwconv/dwconv.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "kernels/common/op_shapes.h"
#include "kernels/common/shape_check.h"

namespace fg {
namespace {

int c_pad_of(const Conv2dShape& s) {
  return (s.in_c + kDwconvChannelTile - 1) / kDwconvChannelTile * kDwconvChannelTile;
}

const F32DwconvVariant kF32[] = {
#if defined(__x86_64__)
    {"f32_dwconv_c16__avx512", Isa::kAvx512, f32_dwconv_c16__avx512, f32_dwconv_row_c16__avx512},
    {"f32_dwconv_c16__avx2", Isa::kAvx2, f32_dwconv_c16__avx2, f32_dwconv_row_c16__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"f32_dwconv_c16__neon", Isa::kNeon, f32_dwconv_c16__neon, f32_dwconv_row_c16__neon},
#endif
    {"f32_dwconv_c16__scalar", Isa::kScalar, f32_dwconv_c16__scalar, f32_dwconv_row_c16__scalar},
};
const Qs8DwconvVariant kQs8[] = {
#if defined(__x86_64__)
    {"qs8_dwconv_c16__avx512", Isa::kAvx512, qs8_dwconv_c16__avx512, qs8_dwconv_row_c16__avx512},
    {"qs8_dwconv_c16__avx2", Isa::kAvx2, qs8_dwconv_c16__avx2, qs8_dwconv_row_c16__avx2},
#elif defined(__aarch64__) || defined(__arm__)
#if defined(__aarch64__)
    {"qs8_dwconv_c16pair__neon", Isa::kNeon, qs8_dwconv_c16pair__neon, qs8_dwconv_row_c16pair__neon, true},
#endif
    {"qs8_dwconv_c16__neon", Isa::kNeon, qs8_dwconv_c16__neon, qs8_dwconv_row_c16__neon},
#endif
    {"qs8_dwconv_c16__scalar", Isa::kScalar, qs8_dwconv_c16__scalar, qs8_dwconv_row_c16__scalar},
};


// a[t] = input pixel of tap t for output (oy, ox), or `zero`.
void fill_taps(const Conv2dShape& s, const char* in, size_t pixel_bytes, const char* zero,
               int oy, int ox, const char** a) {
  int t = 0;
  for (int ky = 0; ky < s.kernel_h; ++ky) {
    const int iy = oy * s.stride_h + ky - s.pad_top;
    for (int kx = 0; kx < s.kernel_w; ++kx, ++t) {
      const int ix = ox * s.stride_w + kx - s.pad_left;
      a[t] = (iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w)
                 ? in + (static_cast<size_t>(iy) * s.in_w + ix) * pixel_bytes : zero;
    }
  }
}

// Walks the output: edge(off, a) for each pixel whose window touches the padding, and
// interior(off, n, a) for each run of n pixels of a row whose windows lie wholly inside
// the input (a = taps of the run's first pixel, off = its output element offset). Rows
// whose windows reach the top or bottom padding are all edge: their padded taps point at
// the fixed padding row, which must not advance with the run.
template <typename Edge, typename Interior>
void walk_output(const Conv2dShape& s, const char* in, size_t pixel_bytes, const char* zero,
                 Edge edge, Interior interior) {
  // interior columns [lo, hi): ox * stride_w - pad_left >= 0 and the window's last
  // column ox * stride_w - pad_left + kernel_w - 1 < in_w
  const int last = s.in_w - s.kernel_w + s.pad_left;
  int lo = std::min((s.pad_left + s.stride_w - 1) / s.stride_w, s.out_w);
  int hi = last < 0 ? 0 : std::min(last / s.stride_w + 1, s.out_w);
  hi = std::max(hi, lo);
  const char* a[kMaxConvTaps];
  for (int oy = 0; oy < s.out_h; ++oy) {
    const int iy0 = oy * s.stride_h - s.pad_top;
    const bool rows_inside = iy0 >= 0 && iy0 + s.kernel_h <= s.in_h;
    const int run_lo = rows_inside ? lo : s.out_w, run_hi = rows_inside ? hi : s.out_w;
    const size_t row_off = static_cast<size_t>(oy) * s.out_w;
    for (int ox = 0; ox < run_lo; ++ox) {
      fill_taps(s, in, pixel_bytes, zero, oy, ox, a);
      edge((row_off + ox) * s.out_c, a);
    }
    if (run_lo < run_hi) {
      fill_taps(s, in, pixel_bytes, zero, oy, run_lo, a);
      interior((row_off + run_lo) * s.out_c, run_hi - run_lo, a);
    }
    for (int ox = run_hi; ox < s.out_w; ++ox) {
      fill_taps(s, in, pixel_bytes, zero, oy, ox, a);
      edge((row_off + ox) * s.out_c, a);
    }
  }
}

}  // namespace

VariantList<F32DwconvVariant> f32_dwconv_variants() { return kF32; }
VariantList<Qs8DwconvVariant> qs8_dwconv_variants() { return kQs8; }
const F32DwconvVariant& f32_dwconv_pick() { return pick_variant(kF32); }
const Qs8DwconvVariant& qs8_dwconv_pick() { return pick_variant(kQs8); }

const Qs8DwconvVariant& qs8_dwconv_pick_for(const int8_t* weights, size_t n) {
  const Qs8DwconvVariant& best = qs8_dwconv_pick();
  bool has_min = false;
  for (size_t i = 0; i < n && !has_min; ++i) has_min = weights[i] == -128;
  if (!best.pairs || !has_min) return best;
  for (const Qs8DwconvVariant& v : kQs8)
    if (!v.pairs && cpu_has_isa(v.isa)) return v;
  return best;  // unreachable: the scalar variant is always listed and runnable
}

Status dwconv_check(const Conv2dShape& s) {
  if (!s.depthwise || s.in_c != s.out_c)
    return Status::error("dwconv shape: needs depthwise == true and in_c == out_c");
  return conv_window_check(s).with_context("dwconv");
}

size_t f32_dwconv_packed_size(const Conv2dShape& s) {
  return static_cast<size_t>(c_pad_of(s)) * (2 + s.kernel_h * s.kernel_w);
}

void f32_dwconv_pack(const Conv2dShape& s, const float* weights, const float* bias,
                     float* packed) {
  const int cp = c_pad_of(s), taps = s.kernel_h * s.kernel_w;
  std::memset(packed, 0, sizeof(float) * f32_dwconv_packed_size(s));
  for (int c = 0; c < s.in_c; ++c) packed[c] = bias ? bias[c] : 0.f;
  for (int t = 0; t < taps; ++t)
    for (int c = 0; c < s.in_c; ++c) packed[(1 + t) * cp + c] = weights[t * s.in_c + c];
}

size_t qs8_dwconv_packed_size(const Conv2dShape& s) {
  return static_cast<size_t>(c_pad_of(s)) * (8 + s.kernel_h * s.kernel_w + 1);
}

Status qs8_dwconv_pack(const Conv2dShape& s, const int8_t* weights, const int32_t* bias,
                       const Qs8ConvQuant& q, void* packed) {
  if (q.input_zero_point < -128 || q.input_zero_point > 127)
    return Status::error("qs8 dwconv: input zero point outside [-128, 127]");
  if (!q.weight_scales) return Status::error("qs8 dwconv: weight scales missing");
  if (!(q.input_scale > 0.f) || !(q.output_scale > 0.f) || !std::isfinite(q.input_scale) ||
      !std::isfinite(q.output_scale))
    return Status::error("qs8 dwconv: input/output scale must be finite and positive");
  const int cp = c_pad_of(s), taps = s.kernel_h * s.kernel_w;
  std::memset(packed, 0, qs8_dwconv_packed_size(s));
  int32_t* bias_s = static_cast<int32_t*>(packed);
  float* scale = reinterpret_cast<float*>(bias_s + cp);
  int8_t* w = reinterpret_cast<int8_t*>(scale + cp);
  for (int c = 0; c < s.in_c; ++c) {
    const float sw = q.weight_scales[c];
    if (!(sw > 0.f) || !std::isfinite(sw))
      return Status::error("qs8 dwconv: weight scale of channel " + std::to_string(c) +
                           " must be finite and positive");
    int32_t sum = 0;
    for (int t = 0; t < taps; ++t) sum += weights[t * s.in_c + c];
    const long long b = (bias ? bias[c] : 0) - static_cast<long long>(q.input_zero_point) * sum;
    if (b < INT32_MIN || b > INT32_MAX)
      return Status::error("qs8 dwconv: bias of channel " + std::to_string(c) +
                           " overflows int32 after folding the zero point");
    bias_s[c] = static_cast<int32_t>(b);
    scale[c] = qs8_conv_scale(q, c);
    for (int t = 0; t < taps; ++t) w[t * cp + c] = weights[t * s.in_c + c];
  }
  std::memset(w + static_cast<size_t>(taps) * cp, static_cast<int8_t>(q.input_zero_point), cp);
  return Status::ok();
}

void f32_dwconv_run(const F32DwconvVariant& v, const Conv2dShape& s, const float* input,
                    const float* packed, const F32ConvParams& p, float* output) {
  const int cp = c_pad_of(s), taps = s.kernel_h * s.kernel_w;
  const char* zero = reinterpret_cast<const char*>(packed + static_cast<size_t>(cp) * (1 + taps));
  const size_t pixel_bytes = sizeof(float) * s.in_c;
  walk_output(
      s, reinterpret_cast<const char*>(input), pixel_bytes, zero,
      [&](size_t off, const char* const* a) {
        v.ukernel(s.in_c, cp, taps, reinterpret_cast<const float* const*>(a), packed,
                  output + off, p.residual ? p.residual + off : nullptr, p);
      },
      [&](size_t off, int n, const char* const* a) {
        v.row(n, pixel_bytes * s.stride_w, s.in_c, cp, taps, reinterpret_cast<const float* const*>(a),
              packed, output + off, p.residual ? p.residual + off : nullptr, p);
      });
}

void qs8_dwconv_run(const Qs8DwconvVariant& v, const Conv2dShape& s, const int8_t* input,
                    const void* packed, const Qs8ConvParams& p, int8_t* output) {
  const int cp = c_pad_of(s), taps = s.kernel_h * s.kernel_w;
  const char* zero = static_cast<const char*>(packed) + static_cast<size_t>(cp) * (8 + taps);
  const size_t pixel_bytes = s.in_c;
  walk_output(
      s, reinterpret_cast<const char*>(input), pixel_bytes, zero,
      [&](size_t off, const char* const* a) {
        v.ukernel(s.in_c, cp, taps, reinterpret_cast<const int8_t* const*>(a), packed,
                  output + off, p.residual ? p.residual + off : nullptr, p);
      },
      [&](size_t off, int n, const char* const* a) {
        v.row(n, pixel_bytes * s.stride_w, s.in_c, cp, taps, reinterpret_cast<const int8_t* const*>(a),
              packed, output + off, p.residual ? p.residual + off : nullptr, p);
      });
}

}  // namespace fg
