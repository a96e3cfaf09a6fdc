// AVX2 pooling: 8 channels per step; the channel tail goes to the scalar kernel.
// The row entry runs the pixel code along the run, each cell pointer offset by the pixel's
// input step (same operations, same order); qs8 max 2x2 stride 2 on 16 channels packs two
// pixels per register instead (max is exact, so the result is the same).
// qs8 results must be bit-identical across variants (docs/kernels.md): no FMA contraction.
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include "kernels/pool/pool.h"

namespace fg {

namespace {
// One output pixel whose cells are a[i] + xo.
inline void f32_pool_c8__avx2_px(PoolKind kind, int c, int n, const float* const* a,
                                 size_t xo, float* out) {
  const __m256 count = _mm256_set1_ps(static_cast<float>(n));
  int ch = 0;
  for (; ch + 8 <= c; ch += 8) {
    __m256 best = _mm256_loadu_ps(a[0] + xo + ch), sum = _mm256_setzero_ps();
    for (int i = 0; i < n; ++i) {
      const __m256 v = _mm256_loadu_ps(a[i] + xo + ch);
      best = _mm256_max_ps(best, v);
      sum = _mm256_add_ps(sum, v);
    }
    _mm256_storeu_ps(out + ch, kind == PoolKind::kMax ? best : _mm256_div_ps(sum, count));
  }
  if (ch < c) {
    const float* rest[256];
    for (int i = 0; i < n; ++i) rest[i] = a[i] + xo + ch;
    f32_pool__scalar(kind, c - ch, n, rest, out + ch);
  }
}
}  // namespace

void f32_pool_c8__avx2(PoolKind kind, int c, int n, const float* const* a, float* out) {
  f32_pool_c8__avx2_px(kind, c, n, a, 0, out);
}

void f32_pool_row_c8__avx2(PoolKind kind, int m, size_t step, int c, int n,
                           const float* const* a, float* out) {
  const size_t xs = step / sizeof(float);
  for (int i = 0; i < m; ++i, out += c) f32_pool_c8__avx2_px(kind, c, n, a, i * xs, out);
}

namespace {
// One output pixel whose cells are a[i] + xo.
inline void qs8_pool_c8__avx2_px(PoolKind kind, int c, int n, const int8_t* const* a,
                                 size_t xo, int8_t* out, const Qs8PoolQuant& q) {
  const __m256 mul = _mm256_set1_ps(q.scale_ratio / static_cast<float>(n));
  const __m256i zx = _mm256_set1_epi32(q.input_zero_point);
  const __m256 lo = _mm256_set1_ps(static_cast<float>(q.output_min - q.output_zero_point));
  const __m256 hi = _mm256_set1_ps(static_cast<float>(q.output_max - q.output_zero_point));
  int ch = 0;
  for (; ch + 8 <= c; ch += 8) {
    __m256i best = _mm256_set1_epi32(-128), sum = _mm256_setzero_si256();
    for (int i = 0; i < n; ++i) {
      const __m256i v = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a[i] + xo + ch)));
      best = _mm256_max_epi32(best, v);
      sum = _mm256_add_epi32(sum, _mm256_sub_epi32(v, zx));
    }
    __m256i r = best;
    if (kind == PoolKind::kAverage) {
      __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(sum), mul);
      v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
      r = _mm256_add_epi32(_mm256_cvtps_epi32(v), _mm256_set1_epi32(q.output_zero_point));
    }
    const __m128i r16 = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out + ch), _mm_packs_epi16(r16, r16));
  }
  if (ch < c) {
    const int8_t* rest[256];
    for (int i = 0; i < n; ++i) rest[i] = a[i] + xo + ch;
    qs8_pool__scalar(kind, c - ch, n, rest, out + ch, q);
  }
}
}  // namespace

void qs8_pool_c8__avx2(PoolKind kind, int c, int n, const int8_t* const* a, int8_t* out,
                       const Qs8PoolQuant& q) {
  qs8_pool_c8__avx2_px(kind, c, n, a, 0, out, q);
}

namespace {

// qs8 max, 16 channels, cells a[0], a[0] + 16, a[2], a[2] + 16, step 32 (the detector's
// 2x2 stride 2 pool): a pixel is one 128-bit lane, so one ymm holds two. Two outputs per
// step: max of the two cell rows, then of even and odd input pixels. Returns pixels done.
int qs8_max_pairs_c16(int m, const int8_t* const* a, int8_t* out) {
  const int8_t* r0 = a[0];
  const int8_t* r1 = a[2];
  auto load = [](const int8_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
  int j = 0;
  for (; j + 2 <= m; j += 2) {
    const size_t o = 32 * static_cast<size_t>(j);
    const __m256i v0 = _mm256_max_epi8(load(r0 + o), load(r1 + o));
    const __m256i v1 = _mm256_max_epi8(load(r0 + o + 32), load(r1 + o + 32));
    const __m256i even = _mm256_permute2x128_si256(v0, v1, 0x20);
    const __m256i odd = _mm256_permute2x128_si256(v0, v1, 0x31);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16 * static_cast<size_t>(j)),
                        _mm256_max_epi8(even, odd));
  }
  return j;
}

}  // namespace

void qs8_pool_row_c8__avx2(PoolKind kind, int m, size_t step, int c, int n,
                           const int8_t* const* a, int8_t* out, const Qs8PoolQuant& q) {
  int i = 0;
  if (kind == PoolKind::kMax && c == 16 && n == 4 && step == 32 && a[1] == a[0] + 16 &&
      a[3] == a[2] + 16)
    i = qs8_max_pairs_c16(m, a, out);
  for (; i < m; ++i) qs8_pool_c8__avx2_px(kind, c, n, a, i * step, out + static_cast<size_t>(i) * c, q);
}

}  // namespace fg
