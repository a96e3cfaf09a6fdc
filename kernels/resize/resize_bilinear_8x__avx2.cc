// AVX2 bilinear resize: 8 output values (pixels x channels, flattened) per step.
// Each needed canvas row is converted to float once, interpolated horizontally with
// gathers into a row of out_w*out_channels values, and kept in a two-row cache (upscaling
// reuses rows). A strong downscale skips the float row: it gathers the 2 samples of each
// output value straight from the source bytes (interpolate_row_direct); the vertical blend and normalisation are vector mul/add/div (no FMA), so
// every value is rounded exactly as in the scalar reference: the results are bit-identical.
// This file is built with -mfma and GCC contracts mul+add intrinsics into FMA by default
// (-ffp-contract=fast, even in ISO C++ mode); FMA would round differently from the reference.
#include "kernels/common/strict_fp.h"
#include <immintrin.h>

#include <algorithm>
#include <cstring>

#include "kernels/resize/resize.h"

namespace fg {

namespace {

struct Tables {
  float* i0;    // [n] index of the left sample in the float canvas row (exact small ints)
  float* i1;    // [n] index of the right sample
  float* fx;    // [n]
  float* mean;  // [n] mean of the element's channel
  float* div;   // [n]
  float* h[2];  // [n] horizontally interpolated rows (cache)
  float* row;   // [canvas_w * oc] one canvas row as float, channel-mapped, zero padding
  // Downscaling (a 320 px face crop to 80 px) reads only 2 of every ~8 canvas values: then
  // interpolate_row_direct gathers those bytes from the source row instead of converting the
  // whole row first. Byte offsets of the left / right sample within a source row, -1 in the
  // padding; exact small integers stored as float (like i0/i1). sparse: tables are filled.
  bool sparse = false;
  float* o0;  // [n]
  float* o1;  // [n]
};

// Sparse rows: h[k] = a + (b - a) * fx from the source bytes at o0/o1 (0 in the padding) --
// the same float values and expression as load_canvas_row + interpolate_row: bit-identical.
// The 4-byte gathers read up to 3 bytes past a sample; on the image's last row they could
// leave the buffer, so that row takes the scalar loop.
void interpolate_row_direct(const ResizeBilinearParams& p, const Tables& t, size_t n, int cy, float* h) {
  const int sy = cy - p.src_top;
  if (sy < 0 || sy >= p.src_h) {
    std::memset(h, 0, sizeof(float) * n);
    return;
  }
  const uint8_t* s = p.src + (size_t)sy * p.src_stride;
  size_t k = 0;
  if (sy + 1 < p.src_h) {
    const __m256i zero = _mm256_setzero_si256(), low = _mm256_set1_epi32(0xFF);
    const int* base = reinterpret_cast<const int*>(s);
    for (; k + 8 <= n; k += 8) {
      const __m256i j0 = _mm256_cvttps_epi32(_mm256_loadu_ps(t.o0 + k));
      const __m256i j1 = _mm256_cvttps_epi32(_mm256_loadu_ps(t.o1 + k));
      const __m256i m0 = _mm256_cmpgt_epi32(j0, _mm256_set1_epi32(-1));
      const __m256i m1 = _mm256_cmpgt_epi32(j1, _mm256_set1_epi32(-1));
      const __m256i g0 = _mm256_mask_i32gather_epi32(zero, base, j0, m0, 1);
      const __m256i g1 = _mm256_mask_i32gather_epi32(zero, base, j1, m1, 1);
      const __m256 a = _mm256_cvtepi32_ps(_mm256_and_si256(g0, low));
      const __m256 b = _mm256_cvtepi32_ps(_mm256_and_si256(g1, low));
      const __m256 f = _mm256_loadu_ps(t.fx + k);
      _mm256_storeu_ps(h + k, _mm256_add_ps(a, _mm256_mul_ps(_mm256_sub_ps(b, a), f)));
    }
  }
  for (; k < n; ++k) {
    const int j0 = (int)t.o0[k], j1 = (int)t.o1[k];
    const float a = j0 < 0 ? 0.f : s[j0], b = j1 < 0 ? 0.f : s[j1];
    h[k] = a + (b - a) * t.fx[k];
  }
}

// Canvas row `cy` as float with out_channels per pixel; the padding columns stay zero.
void load_canvas_row(const ResizeBilinearParams& p, int cy, float* row) {
  const int oc = p.out_channels;
  const int sy = cy - p.src_top;
  float* dst = row + (size_t)p.src_left * oc;
  if (sy < 0 || sy >= p.src_h) {
    std::memset(dst, 0, sizeof(float) * (size_t)p.src_w * oc);
    return;
  }
  const uint8_t* s = p.src + (size_t)sy * p.src_stride;
  bool identity = p.src_channels == oc;
  for (int c = 0; c < oc; ++c) identity = identity && p.channel_map[c] == c;
  if (identity) {
    const size_t n = (size_t)p.src_w * oc;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(s + i));
      _mm256_storeu_ps(dst + i, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(b)));
    }
    for (; i < n; ++i) dst[i] = s[i];
    return;
  }
  for (int x = 0; x < p.src_w; ++x)
    for (int c = 0; c < oc; ++c) dst[x * oc + c] = s[x * p.src_channels + p.channel_map[c]];
}

void interpolate_row(const Tables& t, size_t n, float* h) {
  size_t k = 0;
  for (; k + 8 <= n; k += 8) {
    const __m256i j0 = _mm256_cvttps_epi32(_mm256_loadu_ps(t.i0 + k));
    const __m256i j1 = _mm256_cvttps_epi32(_mm256_loadu_ps(t.i1 + k));
    const __m256 a = _mm256_i32gather_ps(t.row, j0, 4);
    const __m256 b = _mm256_i32gather_ps(t.row, j1, 4);
    const __m256 f = _mm256_loadu_ps(t.fx + k);
    _mm256_storeu_ps(h + k, _mm256_add_ps(a, _mm256_mul_ps(_mm256_sub_ps(b, a), f)));
  }
  for (; k < n; ++k) {
    const float a = t.row[(size_t)t.i0[k]], b = t.row[(size_t)t.i1[k]];
    h[k] = a + (b - a) * t.fx[k];
  }
}

}  // namespace

void u8f32_resize_bilinear_8x__avx2(const ResizeBilinearParams& p, float* scratch, float* out) {
  const int oc = p.out_channels;
  const size_t n = (size_t)p.out_w * oc;
  Tables t;
  t.i0 = scratch;
  t.i1 = t.i0 + n;
  t.fx = t.i1 + n;
  t.mean = t.fx + n;
  t.div = t.mean + n;
  t.h[0] = t.div + n;
  t.h[1] = t.h[0] + n;
  t.row = t.h[1] + n;
  t.o0 = t.row + (size_t)p.canvas_w * oc;
  t.o1 = t.o0 + n;
  std::memset(t.row, 0, sizeof(float) * (size_t)p.canvas_w * oc);

  const float scale_x = (float)p.canvas_w / (float)p.out_w;
  for (int ox = 0; ox < p.out_w; ++ox) {
    const float sx = (float)ox * scale_x;
    const int x0 = std::min(p.canvas_w - 1, (int)sx);
    const int x1 = std::min(p.canvas_w - 1, x0 + 1);
    for (int c = 0; c < oc; ++c) {
      const size_t k = (size_t)ox * oc + c;
      t.i0[k] = (float)(x0 * oc + c);
      t.i1[k] = (float)(x1 * oc + c);
      t.fx[k] = sx - (float)x0;
      t.mean[k] = p.mean[c];
      t.div[k] = p.divisor[c];
    }
  }
  // Sparse rows when a row has more values than the 2n the output reads.
  t.sparse = 2 * n < (size_t)p.src_w * oc;
  if (t.sparse) {
    auto offset = [&](float idx) {
      const int e = (int)idx, x = e / oc - p.src_left;
      return x < 0 || x >= p.src_w ? -1.f : (float)(x * p.src_channels + p.channel_map[e % oc]);
    };
    for (size_t k = 0; k < n; ++k) t.o0[k] = offset(t.i0[k]), t.o1[k] = offset(t.i1[k]);
  }

  int cached[2] = {-1, -1};  // canvas row held by t.h[0], t.h[1]
  auto hrow = [&](int cy, int avoid_slot) -> const float* {
    for (int s = 0; s < 2; ++s)
      if (cached[s] == cy) return t.h[s];
    const int slot = avoid_slot == 0 ? 1 : 0;
    if (t.sparse) {
      interpolate_row_direct(p, t, n, cy, t.h[slot]);
    } else {
      load_canvas_row(p, cy, t.row);
      interpolate_row(t, n, t.h[slot]);
    }
    cached[slot] = cy;
    return t.h[slot];
  };

  const float scale_y = (float)p.canvas_h / (float)p.out_h;
  for (int oy = 0; oy < p.out_h; ++oy) {
    const float sy = (float)oy * scale_y;
    const int y0 = std::min(p.canvas_h - 1, (int)sy);
    const int y1 = std::min(p.canvas_h - 1, y0 + 1);
    const float fy = sy - (float)y0;
    int y1_slot = -1;  // don't evict the bottom row while fetching the top one
    for (int s = 0; s < 2; ++s)
      if (cached[s] == y1) y1_slot = s;
    const float* top = hrow(y0, y1_slot);
    const int top_slot = top == t.h[0] ? 0 : 1;
    const float* bot = hrow(y1, top_slot);
    float* o = out + (size_t)oy * n;
    const __m256 vfy = _mm256_set1_ps(fy);
    size_t k = 0;
    for (; k + 8 <= n; k += 8) {
      const __m256 a = _mm256_loadu_ps(top + k), b = _mm256_loadu_ps(bot + k);
      const __m256 v = _mm256_add_ps(a, _mm256_mul_ps(_mm256_sub_ps(b, a), vfy));
      const __m256 r = _mm256_div_ps(_mm256_sub_ps(v, _mm256_loadu_ps(t.mean + k)),
                                     _mm256_loadu_ps(t.div + k));
      _mm256_storeu_ps(o + k, r);
    }
    for (; k < n; ++k) {
      const float v = top[k] + (bot[k] - top[k]) * fy;
      o[k] = (v - t.mean[k]) / t.div[k];
    }
  }
}

}  // namespace fg
