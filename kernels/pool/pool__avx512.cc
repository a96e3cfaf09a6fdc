// AVX-512 pooling, masked channel tails (no scalar leftovers, no over-read): f32 16
// channels per step; qs8 max 64 channels per step in int8 (max needs no widening), qs8
// average 16 per step widened to int32 like the scalar twin.
// The row entry runs the pixel code along the run, each cell pointer offset by the pixel's
// input step (same operations, same order); qs8 max 2x2 stride 2 on 16 channels packs four
// pixels per register instead (max is exact, so the result is the same).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
// GCC 12 warns falsely about its own AVX-512 intrinsic headers.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include "kernels/pool/pool.h"

namespace fg {
namespace {

inline __mmask16 tail16(int left) {
  return left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1);
}
inline __mmask64 tail64(int left) {
  return left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1;
}

}  // namespace

namespace {
// One output pixel whose cells are a[i] + xo.
inline void f32_pool_c16__avx512_px(PoolKind kind, int c, int n, const float* const* a,
                                    size_t xo, float* out) {
  const __m512 count = _mm512_set1_ps(static_cast<float>(n));
  for (int ch = 0; ch < c; ch += 16) {
    const __mmask16 m = tail16(c - ch);
    __m512 r;
    if (kind == PoolKind::kMax) {
      r = _mm512_maskz_loadu_ps(m, a[0] + xo + ch);
      for (int i = 1; i < n; ++i) r = _mm512_max_ps(r, _mm512_maskz_loadu_ps(m, a[i] + xo + ch));
    } else {
      __m512 sum = _mm512_setzero_ps();
      for (int i = 0; i < n; ++i) sum = _mm512_add_ps(sum, _mm512_maskz_loadu_ps(m, a[i] + xo + ch));
      r = _mm512_div_ps(sum, count);
    }
    _mm512_mask_storeu_ps(out + ch, m, r);
  }
}
}  // namespace

void f32_pool_c16__avx512(PoolKind kind, int c, int n, const float* const* a, float* out) {
  f32_pool_c16__avx512_px(kind, c, n, a, 0, out);
}

void f32_pool_row_c16__avx512(PoolKind kind, int m, size_t step, int c, int n,
                              const float* const* a, float* out) {
  const size_t xs = step / sizeof(float);
  for (int i = 0; i < m; ++i, out += c) f32_pool_c16__avx512_px(kind, c, n, a, i * xs, out);
}

namespace {
// One output pixel whose cells are a[i] + xo.
inline void qs8_pool_c16__avx512_px(PoolKind kind, int c, int n, const int8_t* const* a,
                                    size_t xo, int8_t* out, const Qs8PoolQuant& q) {
  if (kind == PoolKind::kMax) {
    for (int ch = 0; ch < c; ch += 64) {
      const __mmask64 m = tail64(c - ch);
      __m512i best = _mm512_maskz_loadu_epi8(m, a[0] + xo + ch);
      for (int i = 1; i < n; ++i) best = _mm512_max_epi8(best, _mm512_maskz_loadu_epi8(m, a[i] + xo + ch));
      _mm512_mask_storeu_epi8(out + ch, m, best);
    }
    return;
  }
  const __m512 mul = _mm512_set1_ps(q.scale_ratio / static_cast<float>(n));
  const __m512i zx = _mm512_set1_epi32(q.input_zero_point);
  const __m512i zy = _mm512_set1_epi32(q.output_zero_point);
  const __m512 lo = _mm512_set1_ps(static_cast<float>(q.output_min - q.output_zero_point));
  const __m512 hi = _mm512_set1_ps(static_cast<float>(q.output_max - q.output_zero_point));
  for (int ch = 0; ch < c; ch += 16) {
    const __mmask16 m = tail16(c - ch);
    __m512i sum = _mm512_setzero_si512();
    for (int i = 0; i < n; ++i) {
      const __m512i v = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(m, a[i] + xo + ch));
      sum = _mm512_add_epi32(sum, _mm512_sub_epi32(v, zx));
    }
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(sum), mul);
    v = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
    const __m512i r = _mm512_add_epi32(_mm512_cvtps_epi32(v), zy);
    _mm_mask_storeu_epi8(out + ch, m, _mm512_cvtepi32_epi8(r));
  }
}
}  // namespace

void qs8_pool_c16__avx512(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                          const Qs8PoolQuant& q) {
  qs8_pool_c16__avx512_px(kind, c, n, a, 0, out, q);
}

namespace {

// qs8 max, 16 channels, cells a[0], a[0] + 16, a[2], a[2] + 16, step 32 (the detector's
// 2x2 stride 2 pool): a pixel is one 128-bit lane, so one zmm holds four. Four outputs per
// step: max of the two cell rows, then of even and odd input pixels. Returns pixels done.
int qs8_max_pairs_c16(int m, const int8_t* const* a, int8_t* out) {
  const int8_t* r0 = a[0];
  const int8_t* r1 = a[2];
  int j = 0;
  for (; j + 4 <= m; j += 4) {
    const size_t o = 32 * static_cast<size_t>(j);
    const __m512i v0 = _mm512_max_epi8(_mm512_loadu_si512(r0 + o), _mm512_loadu_si512(r1 + o));
    const __m512i v1 = _mm512_max_epi8(_mm512_loadu_si512(r0 + o + 64), _mm512_loadu_si512(r1 + o + 64));
    const __m512i even = _mm512_shuffle_i64x2(v0, v1, _MM_SHUFFLE(2, 0, 2, 0));
    const __m512i odd = _mm512_shuffle_i64x2(v0, v1, _MM_SHUFFLE(3, 1, 3, 1));
    _mm512_storeu_si512(out + 16 * static_cast<size_t>(j), _mm512_max_epi8(even, odd));
  }
  return j;
}

}  // namespace

void qs8_pool_row_c16__avx512(PoolKind kind, int m, size_t step, int c, int n,
                              const int8_t* const* a, int8_t* out, const Qs8PoolQuant& q) {
  int i = 0;
  if (kind == PoolKind::kMax && c == 16 && n == 4 && step == 32 && a[1] == a[0] + 16 &&
      a[3] == a[2] + 16)
    i = qs8_max_pairs_c16(m, a, out);
  for (; i < m; ++i) qs8_pool_c16__avx512_px(kind, c, n, a, i * step, out + static_cast<size_t>(i) * c, q);
}

}  // namespace fg
