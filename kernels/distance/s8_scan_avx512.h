// The int8 row scan shared by the AVX-512 distance variants (s8_distance__avx512*.cc).
// Include it inside an anonymous namespace, AFTER defining, in the including file:
//   constexpr size_t kBlock;   // query elements widened to int16 per block
//   template <bool kL2> __m512i step(__m512i acc, const int16_t* q16, const int8_t* r, __mmask32 mask);
// The variants differ only in `step` (vpmaddwd + vpaddd, or the fused VNNI vpdpwssd); the
// including file's own -m flags compile this loop for its ISA.
// Rows are read with masked loads: no byte past a row is touched.
#pragma once

template <bool kL2>
void s8_scan(size_t n, size_t dim, const int8_t* query, const void* rows, size_t row_stride,
             int32_t* out) {
  alignas(64) int16_t q16[kBlock];
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t d0 = 0; d0 < dim; d0 += kBlock) {
    const size_t len = std::min(kBlock, dim - d0);
    const size_t full = len & ~size_t(31), tail = len - full;
    const __mmask32 all = ~__mmask32(0);
    const __mmask32 tail_mask = static_cast<__mmask32>((uint64_t(1) << tail) - 1u);
    for (size_t d = 0; d < kBlock; ++d) q16[d] = d < len ? query[d0 + d] : 0;
    for (size_t i = 0; i < n; ++i) {
      const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride) + d0;
      __m512i a0 = _mm512_setzero_si512(), a1 = _mm512_setzero_si512();
      size_t d = 0;
      for (; d + 64 <= full; d += 64) {
        a0 = step<kL2>(a0, q16 + d, r + d, all);
        a1 = step<kL2>(a1, q16 + d + 32, r + d + 32, all);
      }
      if (d < full) a0 = step<kL2>(a0, q16 + d, r + d, all);
      if (tail) a1 = step<kL2>(a1, q16 + full, r + full, tail_mask);
      const int32_t sum = _mm512_reduce_add_epi32(_mm512_add_epi32(a0, a1));
      out[i] = d0 == 0 ? sum : out[i] + sum;
    }
  }
}

