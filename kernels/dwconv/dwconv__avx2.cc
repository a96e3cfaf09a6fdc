// AVX2 depthwise micro-kernels: 16 channels per step (two ymm). The last partial step
// masks its loads and stores (f32: vmaskmov; qs8: through a 16-byte stack copy), so nothing
// is read or written past channel c; weights, bias and scales are padded to c_pad.
// qs8 takes taps two at a time: interleaving the int16 activations and weights of taps t
// and t+1 lets vpmaddwd form x_t*w_t + x_t1*w_t1 per channel in int32 (exact: at most
// 2 * 16384). The in-lane interleave leaves the sums as channels {0-3, 8-11} and
// {4-7, 12-15}; one lane permute at the end restores the order.
// The row entry walks channel blocks outside and pixels inside and keeps a block's weights
// (qs8: already widened and tap-paired) in registers or on the stack along the run; f32
// takes 8 channels per block there so nine weight vectors fit the 16 registers. Per
// channel it does the same operations in the same order as the pixel entry.
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include <cstring>

#include "kernels/common/op_shapes.h"
#include "kernels/dwconv/dwconv.h"

namespace fg {
namespace {

// Lane mask with the first `left` (clamped to [0, 8]) of 8 int32 lanes set.
inline __m256i mask8(int left) {
  static const int32_t kOnes[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
  left = left < 0 ? 0 : left > 8 ? 8 : left;
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kOnes + 8 - left));
}

inline __m256 activate8(__m256 v, const F32ConvParams& p) {
  if (p.activation == Activation::kRelu) return _mm256_max_ps(v, _mm256_setzero_ps());
  if (p.activation == Activation::kLeakyRelu)
    return _mm256_max_ps(v, _mm256_mul_ps(v, _mm256_set1_ps(p.leaky_alpha)));
  return v;
}

// 16 int8 from p, or the first n < 16 of them (rest zero) without reading past p + n.
template <bool kTail>
inline __m128i load16(const int8_t* p, int n) {
  if (!kTail) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  alignas(16) int8_t buf[16] = {0};
  std::memcpy(buf, p, n);
  return _mm_load_si128(reinterpret_cast<const __m128i*>(buf));
}

template <bool kTail>
void f32_block16(int n, int c_pad, int taps, const float* const* a, const float* packed,
                 int ch, float* out, const float* res, const F32ConvParams& p) {
  const __m256i m0 = mask8(n), m1 = mask8(n - 8);
  auto load = [&](const float* src, int half) {
    return kTail ? _mm256_maskload_ps(src + 8 * half, half ? m1 : m0) : _mm256_loadu_ps(src + 8 * half);
  };
  __m256 acc0 = _mm256_loadu_ps(packed + ch), acc1 = _mm256_loadu_ps(packed + ch + 8);
  for (int t = 0; t < taps; ++t) {
    const float* x = a[t] + ch;
    const float* w = packed + (1 + t) * c_pad + ch;
    acc0 = _mm256_fmadd_ps(load(x, 0), _mm256_loadu_ps(w), acc0);
    acc1 = _mm256_fmadd_ps(load(x, 1), _mm256_loadu_ps(w + 8), acc1);
  }
  if (res) {
    acc0 = _mm256_add_ps(acc0, load(res + ch, 0));
    acc1 = _mm256_add_ps(acc1, load(res + ch, 1));
  }
  acc0 = activate8(acc0, p), acc1 = activate8(acc1, p);
  if (kTail) {
    _mm256_maskstore_ps(out + ch, m0, acc0);
    _mm256_maskstore_ps(out + ch + 8, m1, acc1);
  } else {
    _mm256_storeu_ps(out + ch, acc0);
    _mm256_storeu_ps(out + ch + 8, acc1);
  }
}

// The rule of qs8_ops.h on 8 int32 sums; r = 8 residual bytes (or unused).
inline __m256i requant8(__m256i acc, const float* scale, bool has_res, __m128i r,
                        const Qs8ConvParams& p) {
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(scale));
  if (has_res) {
    const __m256i rz = _mm256_sub_epi32(_mm256_cvtepi8_epi32(r), _mm256_set1_epi32(p.residual_zero_point));
    v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_cvtepi32_ps(rz), _mm256_set1_ps(p.residual_scale)));
  }
  v = _mm256_max_ps(v, _mm256_set1_ps(static_cast<float>(p.output_min - p.output_zero_point)));
  v = _mm256_min_ps(v, _mm256_set1_ps(static_cast<float>(p.output_max - p.output_zero_point)));
  return _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(p.output_zero_point));
}

template <bool kTail>
inline void qs8_finish16(__m256i lo, __m256i hi, int n, const int32_t* bias, const float* scale,
                         int ch, int8_t* out, const int8_t* res, const Qs8ConvParams& p);

template <bool kTail>
void qs8_block16(int n, int c_pad, int taps, const int8_t* const* a, const int32_t* bias,
                 const float* scale, const int8_t* w, int ch, int8_t* out, const int8_t* res,
                 const Qs8ConvParams& p) {
  __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
  int t = 0;
  for (; t + 2 <= taps; t += 2) {
    const __m256i x0 = _mm256_cvtepi8_epi16(load16<kTail>(a[t] + ch, n));
    const __m256i x1 = _mm256_cvtepi8_epi16(load16<kTail>(a[t + 1] + ch, n));
    const __m256i w0 = _mm256_cvtepi8_epi16(load16<false>(w + t * c_pad + ch, 16));
    const __m256i w1 = _mm256_cvtepi8_epi16(load16<false>(w + (t + 1) * c_pad + ch, 16));
    lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), _mm256_unpacklo_epi16(w0, w1)));
    hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), _mm256_unpackhi_epi16(w0, w1)));
  }
  if (t < taps) {  // odd tap count: pair the last tap with zeros
    const __m256i z = _mm256_setzero_si256();
    const __m256i x0 = _mm256_cvtepi8_epi16(load16<kTail>(a[t] + ch, n));
    const __m256i w0 = _mm256_cvtepi8_epi16(load16<false>(w + t * c_pad + ch, 16));
    lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, z), _mm256_unpacklo_epi16(w0, z)));
    hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, z), _mm256_unpackhi_epi16(w0, z)));
  }
  qs8_finish16<kTail>(lo, hi, n, bias, scale, ch, out, res, p);
}

// Adds the bias to the tap sums lo = channels {0-3 | 8-11}, hi = {4-7 | 12-15},
// requantises and stores channels [ch, ch + n).
template <bool kTail>
inline void qs8_finish16(__m256i lo, __m256i hi, int n, const int32_t* bias, const float* scale,
                         int ch, int8_t* out, const int8_t* res, const Qs8ConvParams& p) {
  const __m256i acc0 = _mm256_add_epi32(_mm256_permute2x128_si256(lo, hi, 0x20),
                                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + ch)));
  const __m256i acc1 = _mm256_add_epi32(_mm256_permute2x128_si256(lo, hi, 0x31),
                                        _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias + ch + 8)));
  const __m128i r = res ? load16<kTail>(res + ch, n) : _mm_setzero_si128();
  const __m256i q0 = requant8(acc0, scale + ch, res != nullptr, r, p);
  const __m256i q1 = requant8(acc1, scale + ch + 8, res != nullptr, _mm_srli_si128(r, 8), p);
  const __m128i q16a = _mm_packs_epi32(_mm256_castsi256_si128(q0), _mm256_extracti128_si256(q0, 1));
  const __m128i q16b = _mm_packs_epi32(_mm256_castsi256_si128(q1), _mm256_extracti128_si256(q1, 1));
  const __m128i q8 = _mm_packs_epi16(q16a, q16b);  // values already in [-128, 127]
  if (kTail) {
    alignas(16) int8_t buf[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(buf), q8);
    std::memcpy(out + ch, buf, n);
  } else {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + ch), q8);
  }
}

// Row entry, f32: channels [ch, ch + nch) (nch <= 8) of n pixels. kTaps = 9 keeps the
// weights in registers; 0 = any tap count.
template <bool kTail, int kTaps>
void f32_row_block8(int n, size_t xs, int nch, int c, int c_pad, int taps_rt,
                    const float* const* a, const float* packed, int ch, float* out,
                    const float* res, const F32ConvParams& p) {
  const int taps = kTaps ? kTaps : taps_rt;
  const __m256i m = mask8(nch);
  auto load = [&](const float* src) { return kTail ? _mm256_maskload_ps(src, m) : _mm256_loadu_ps(src); };
  const __m256 bias = _mm256_loadu_ps(packed + ch);
  __m256 w[kTaps ? kTaps : 1];
  const float* x[kTaps ? kTaps : 1];
  if constexpr (kTaps > 0)
    for (int t = 0; t < kTaps; ++t) w[t] = _mm256_loadu_ps(packed + (1 + t) * c_pad + ch), x[t] = a[t] + ch;
  for (int i = 0; i < n; ++i) {
    const size_t xo = i * xs, oo = static_cast<size_t>(i) * c + ch;
    __m256 acc = bias;
    if constexpr (kTaps > 0) {
      for (int t = 0; t < kTaps; ++t) acc = _mm256_fmadd_ps(load(x[t] + xo), w[t], acc);
    } else {
      for (int t = 0; t < taps; ++t)
        acc = _mm256_fmadd_ps(load(a[t] + ch + xo), _mm256_loadu_ps(packed + (1 + t) * c_pad + ch), acc);
    }
    if (res) acc = _mm256_add_ps(acc, load(res + oo));
    acc = activate8(acc, p);
    if (kTail) _mm256_maskstore_ps(out + oo, m, acc);
    else _mm256_storeu_ps(out + oo, acc);
  }
}

template <int kTaps>
void f32_row(int n, size_t step, int c, int c_pad, int taps, const float* const* a,
             const float* packed, float* out, const float* res, const F32ConvParams& p) {
  const size_t xs = step / sizeof(float);
  int ch = 0;
  for (; ch + 8 <= c; ch += 8)
    f32_row_block8<false, kTaps>(n, xs, 8, c, c_pad, taps, a, packed, ch, out, res, p);
  if (ch < c) f32_row_block8<true, kTaps>(n, xs, c - ch, c, c_pad, taps, a, packed, ch, out, res, p);
}

// Row entry, qs8: channels [ch, ch + nch) of n pixels. The weights of taps (2k, 2k+1),
// widened and interleaved, are made once per block (an odd last tap pairs with zeros).
template <bool kTail, int kTaps>
void qs8_row_block16(int n, size_t step, int nch, int c, int c_pad, int taps_rt,
                     const int8_t* const* a, const int32_t* bias, const float* scale,
                     const int8_t* w, int ch, int8_t* out, const int8_t* res,
                     const Qs8ConvParams& p) {
  constexpr int kMaxPairs = kTaps ? (kTaps + 1) / 2 : (kMaxConvTaps + 1) / 2;
  const int taps = kTaps ? kTaps : taps_rt, pairs = (taps + 1) / 2;
  const __m256i z = _mm256_setzero_si256();
  __m256i wl[kMaxPairs], wh[kMaxPairs];
  for (int k = 0; k < pairs; ++k) {
    const int t = 2 * k;
    const __m256i w0 = _mm256_cvtepi8_epi16(load16<false>(w + t * c_pad + ch, 16));
    const __m256i w1 = t + 1 < taps ? _mm256_cvtepi8_epi16(load16<false>(w + (t + 1) * c_pad + ch, 16)) : z;
    wl[k] = _mm256_unpacklo_epi16(w0, w1), wh[k] = _mm256_unpackhi_epi16(w0, w1);
  }
  for (int i = 0; i < n; ++i) {
    const size_t xo = i * step + ch, oo = static_cast<size_t>(i) * c;
    __m256i lo = z, hi = z;
    for (int k = 0; k < pairs; ++k) {
      const int t = 2 * k;
      const __m256i x0 = _mm256_cvtepi8_epi16(load16<kTail>(a[t] + xo, nch));
      const __m256i x1 = t + 1 < taps ? _mm256_cvtepi8_epi16(load16<kTail>(a[t + 1] + xo, nch)) : z;
      lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1), wl[k]));
      hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1), wh[k]));
    }
    qs8_finish16<kTail>(lo, hi, nch, bias, scale, ch, out + oo, res ? res + oo : nullptr, p);
  }
}

template <int kTaps>
void qs8_row(int n, size_t step, int c, int c_pad, int taps, const int8_t* const* a,
             const void* packed, int8_t* out, const int8_t* res, const Qs8ConvParams& p) {
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  int ch = 0;
  for (; ch + 16 <= c; ch += 16)
    qs8_row_block16<false, kTaps>(n, step, 16, c, c_pad, taps, a, bias, scale, w, ch, out, res, p);
  if (ch < c)
    qs8_row_block16<true, kTaps>(n, step, c - ch, c, c_pad, taps, a, bias, scale, w, ch, out, res, p);
}

}  // namespace

void f32_dwconv_c16__avx2(int c, int c_pad, int taps, const float* const* a,
                          const float* packed, float* out, const float* res,
                          const F32ConvParams& p) {
  int ch = 0;
  for (; ch + 16 <= c; ch += 16) f32_block16<false>(16, c_pad, taps, a, packed, ch, out, res, p);
  if (ch < c) f32_block16<true>(c - ch, c_pad, taps, a, packed, ch, out, res, p);
}

void qs8_dwconv_c16__avx2(int c, int c_pad, int taps, const int8_t* const* a,
                          const void* packed, int8_t* out, const int8_t* res,
                          const Qs8ConvParams& p) {
  const int32_t* bias = static_cast<const int32_t*>(packed);
  const float* scale = reinterpret_cast<const float*>(bias + c_pad);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + c_pad);
  int ch = 0;
  for (; ch + 16 <= c; ch += 16) qs8_block16<false>(16, c_pad, taps, a, bias, scale, w, ch, out, res, p);
  if (ch < c) qs8_block16<true>(c - ch, c_pad, taps, a, bias, scale, w, ch, out, res, p);
}

void f32_dwconv_row_c16__avx2(int n, size_t step, int c, int c_pad, int taps,
                              const float* const* a, const float* packed, float* out,
                              const float* res, const F32ConvParams& p) {
  if (taps == 9) f32_row<9>(n, step, c, c_pad, taps, a, packed, out, res, p);
  else f32_row<0>(n, step, c, c_pad, taps, a, packed, out, res, p);
}

void qs8_dwconv_row_c16__avx2(int n, size_t step, int c, int c_pad, int taps,
                              const int8_t* const* a, const void* packed, int8_t* out,
                              const int8_t* res, const Qs8ConvParams& p) {
  if (taps == 9) qs8_row<9>(n, step, c, c_pad, taps, a, packed, out, res, p);
  else qs8_row<0>(n, step, c, c_pad, taps, a, packed, out, res, p);
}

}  // namespace fg
