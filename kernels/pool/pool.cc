// Pooling: validation, the row/edge driver and the variant list.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include "kernels/pool/pool.h"

#include <algorithm>

namespace fg {
namespace {

const F32PoolVariant kF32[] = {
#if defined(__x86_64__)
    {"f32_pool_c16__avx512", Isa::kAvx512, f32_pool_c16__avx512, f32_pool_row_c16__avx512},
    {"f32_pool_c8__avx2", Isa::kAvx2, f32_pool_c8__avx2, f32_pool_row_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"f32_pool_c16__neon", Isa::kNeon, f32_pool_c16__neon, f32_pool_row_c16__neon},
#endif
    {"f32_pool__scalar", Isa::kScalar, f32_pool__scalar, f32_pool_row__scalar},
};
const Qs8PoolVariant kQs8[] = {
#if defined(__x86_64__)
    {"qs8_pool_c16__avx512", Isa::kAvx512, qs8_pool_c16__avx512, qs8_pool_row_c16__avx512},
    {"qs8_pool_c8__avx2", Isa::kAvx2, qs8_pool_c8__avx2, qs8_pool_row_c8__avx2},
#elif defined(__aarch64__) || defined(__arm__)
    {"qs8_pool_c16__neon", Isa::kNeon, qs8_pool_c16__neon, qs8_pool_row_c16__neon},
#endif
    {"qs8_pool__scalar", Isa::kScalar, qs8_pool__scalar, qs8_pool_row__scalar},
};
constexpr int kMaxPoolCells = 256;

// Real cells of output (oy, ox) in ky, kx order (the reference's summation order).
int fill_cells(const Pool2dShape& s, const char* in, size_t pixel_bytes, int oy, int ox,
               const char** a) {
  int n = 0;
  for (int ky = 0; ky < s.kernel_h; ++ky) {
    const int iy = oy * s.stride_h + ky - s.pad_top;
    if (iy < 0 || iy >= s.in_h) continue;
    for (int kx = 0; kx < s.kernel_w; ++kx) {
      const int ix = ox * s.stride_w + kx - s.pad_left;
      if (ix >= 0 && ix < s.in_w) a[n++] = in + (static_cast<size_t>(iy) * s.in_w + ix) * pixel_bytes;
    }
  }
  return n;
}

// Walks the output: edge(off, n, a) for each pixel whose window reaches the left or right
// padding, interior(off, m, n, a) for each run of m pixels of a row that do not (a = the
// n real cells of the run's first pixel, off = its output element offset).
template <typename Edge, typename Interior>
void walk_output(const Pool2dShape& s, const char* in, size_t pixel_bytes, Edge edge,
                 Interior interior) {
  // interior columns [lo, hi): ox * stride_w - pad_left >= 0 and the window's last
  // column ox * stride_w - pad_left + kernel_w - 1 < in_w
  const int last = s.in_w - s.kernel_w + s.pad_left;
  const int lo = std::min((s.pad_left + s.stride_w - 1) / s.stride_w, s.out_w);
  const int hi = std::max(last < 0 ? 0 : std::min(last / s.stride_w + 1, s.out_w), lo);
  const char* a[kMaxPoolCells];
  for (int oy = 0; oy < s.out_h; ++oy) {
    const size_t row_off = static_cast<size_t>(oy) * s.out_w;
    for (int ox = 0; ox < lo; ++ox)
      edge((row_off + ox) * s.channels, fill_cells(s, in, pixel_bytes, oy, ox, a), a);
    if (lo < hi)
      interior((row_off + lo) * s.channels, hi - lo, fill_cells(s, in, pixel_bytes, oy, lo, a), a);
    for (int ox = hi; ox < s.out_w; ++ox)
      edge((row_off + ox) * s.channels, fill_cells(s, in, pixel_bytes, oy, ox, a), a);
  }
}

}  // namespace

VariantList<F32PoolVariant> f32_pool_variants() { return kF32; }
VariantList<Qs8PoolVariant> qs8_pool_variants() { return kQs8; }
const F32PoolVariant& f32_pool_pick() { return pick_variant(kF32); }
const Qs8PoolVariant& qs8_pool_pick() { return pick_variant(kQs8); }

Status pool_check(const Pool2dShape& s) {
  const int dims[] = {s.in_h, s.in_w, s.channels, s.out_h, s.out_w, s.kernel_h, s.kernel_w, s.stride_h, s.stride_w};
  for (int d : dims)
    if (d < 1 || d > (1 << 16)) return Status::error("pool shape: sizes and strides must be in [1, 65536]");
  if (s.kernel_h * s.kernel_w > kMaxPoolCells) return Status::error("pool shape: window above 256 cells");
  if (s.pad_top < 0 || s.pad_left < 0 || s.pad_top >= s.kernel_h || s.pad_left >= s.kernel_w)
    return Status::error("pool shape: padding must be in [0, kernel size)");
  if ((s.out_h - 1) * s.stride_h - s.pad_top >= s.in_h || (s.out_w - 1) * s.stride_w - s.pad_left >= s.in_w)
    return Status::error("pool shape: an output window lies entirely in the padding");
  return Status::ok();
}

void f32_pool_run(const F32PoolVariant& v, PoolKind kind, const Pool2dShape& s,
                  const float* input, float* output) {
  const size_t pixel_bytes = sizeof(float) * s.channels;
  walk_output(
      s, reinterpret_cast<const char*>(input), pixel_bytes,
      [&](size_t off, int n, const char* const* a) {
        v.ukernel(kind, s.channels, n, reinterpret_cast<const float* const*>(a), output + off);
      },
      [&](size_t off, int m, int n, const char* const* a) {
        v.row(kind, m, pixel_bytes * s.stride_w, s.channels, n,
              reinterpret_cast<const float* const*>(a), output + off);
      });
}

void qs8_pool_run(const Qs8PoolVariant& v, PoolKind kind, const Pool2dShape& s,
                  const int8_t* input, const Qs8PoolQuant& q, int8_t* output) {
  const size_t pixel_bytes = s.channels;
  walk_output(
      s, reinterpret_cast<const char*>(input), pixel_bytes,
      [&](size_t off, int n, const char* const* a) {
        v.ukernel(kind, s.channels, n, reinterpret_cast<const int8_t* const*>(a), output + off, q);
      },
      [&](size_t off, int m, int n, const char* const* a) {
        v.row(kind, m, pixel_bytes * s.stride_w, s.channels, n,
              reinterpret_cast<const int8_t* const*>(a), output + off, q);
      });
}

void f32_pool__scalar(PoolKind kind, int c, int n, const float* const* a, float* out) {
  for (int ch = 0; ch < c; ++ch) {
    float best = a[0][ch], sum = 0.f;
    for (int i = 0; i < n; ++i) {
      best = a[i][ch] > best ? a[i][ch] : best;
      sum += a[i][ch];
    }
    out[ch] = kind == PoolKind::kMax ? best : sum / static_cast<float>(n);
  }
}

void qs8_pool__scalar(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                      const Qs8PoolQuant& q) {
  const float mul = q.scale_ratio / static_cast<float>(n);
  for (int ch = 0; ch < c; ++ch) {
    int32_t best = a[0][ch], sum = 0;
    for (int i = 0; i < n; ++i) {
      best = a[i][ch] > best ? a[i][ch] : best;
      sum += a[i][ch] - q.input_zero_point;
    }
    out[ch] = kind == PoolKind::kMax
                  ? static_cast<int8_t>(best)
                  : qs8_round_clamp(static_cast<float>(sum) * mul, q.output_zero_point,
                                    q.output_min, q.output_max);
  }
}

namespace {

// The pixel kernel on m pixels, cell pointers advanced by step bytes each time.
template <typename T, typename Pixel>
void along_row(int m, size_t step, int c, int n, const T* const* a, T* out, Pixel pixel) {
  const T* b[kMaxPoolCells];
  for (int i = 0; i < n; ++i) b[i] = a[i];
  for (int j = 0; j < m; ++j, out += c) {
    pixel(b, out);
    for (int i = 0; i < n; ++i) b[i] = reinterpret_cast<const T*>(reinterpret_cast<const char*>(b[i]) + step);
  }
}

}  // namespace

void f32_pool_row__scalar(PoolKind kind, int m, size_t step, int c, int n, const float* const* a,
                          float* out) {
  along_row(m, step, c, n, a, out, [&](const float* const* b, float* o) { f32_pool__scalar(kind, c, n, b, o); });
}

void qs8_pool_row__scalar(PoolKind kind, int m, size_t step, int c, int n, const int8_t* const* a,
                          int8_t* out, const Qs8PoolQuant& q) {
  along_row(m, step, c, n, a, out,
            [&](const int8_t* const* b, int8_t* o) { qs8_pool__scalar(kind, c, n, b, o, q); });
}

}  // namespace fg
