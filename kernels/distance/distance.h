// Distance kernel family: one query embedding against N gallery rows.
//
// Contract (every variant, every ISA):
//   row i starts at  (const uint8_t*)rows + i * row_stride   (row_stride in BYTES)
//   f32 l2sq:  out[i] = sum_d (query[d] - row_i[d])^2         (float accumulation)
//   f32 dot:   out[i] = sum_d  query[d] * row_i[d]
//   s8  l2sq:  out[i] = sum_d (query[d] - row_i[d])^2         (exact int32)
//   s8  dot:   out[i] = sum_d  query[d] * row_i[d]            (exact int32)
// - Reads: exactly query[0, dim) and row_i[0, dim) for i < n; never a byte past the end
//   (tails use scalar loops or masked loads), so rows may sit at the very end of an mmap.
// - Alignment: none required. row_stride >= dim * sizeof(element); for f32 rows the stride
//   must be a multiple of 4 (rows are read as float).  n == 0 writes nothing.
// - int8 rows are symmetric-quantised with ONE scale shared by the whole gallery (value =
//   q * scale, zero point 0), so distances compare directly in the int32 domain and the
//   caller multiplies the result by scale^2 once (l2sq and dot alike). Any int8 value is accepted,
//   -128 included; int32 sums are exact while dim <= kS8MaxDim ((-128-127)^2 * 33025 <
//   2^31), so every SIMD variant equals the scalar reference bit for bit.
// - f32 variants may reorder the sum (several accumulators, FMA): they agree with the
//   reference within a relative 1e-5 of sum_d |term_d|, not bit for bit.
//
// Variants are listed once in distance_variants() (best first); dispatch, tests and the
// benchmark all iterate that list. Names follow `<dtype>_<kernel>__<isa>`.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/common/variant_list.h"

namespace fg {

constexpr size_t kS8MaxDim = 32768;

typedef void (*F32DistanceFn)(size_t n, size_t dim, const float* query, const void* rows,
                              size_t row_stride, float* out);
typedef void (*S8DistanceFn)(size_t n, size_t dim, const int8_t* query, const void* rows,
                             size_t row_stride, int32_t* out);

enum class DistanceDtype : int { kF32 = 0, kS8 = 1 };
enum class DistanceKind : int { kL2sq = 0, kDot = 1 };

struct DistanceVariant {
  const char* name;  // "s8_l2sq__avx2"
  Isa isa;           // what the CPU must support (cpu_has_isa)
  DistanceDtype dtype;
  DistanceKind kind;
  F32DistanceFn f32;  // set when dtype == kF32
  S8DistanceFn s8;    // set when dtype == kS8
};

// Every variant compiled into this binary, best ISA first within each (dtype, kind).
VariantList<DistanceVariant> distance_variants();
// The first variant of (dtype, kind) the CPU can run (honours FG_MAX_ISA); never null,
// the scalar variant is always present.
const DistanceVariant& distance_pick(DistanceDtype dtype, DistanceKind kind);

// Naive references (the oracle the variants are tested against; never optimise).
void f32_l2sq__reference(size_t n, size_t dim, const float* query, const void* rows,
                         size_t row_stride, float* out);
void f32_dot__reference(size_t n, size_t dim, const float* query, const void* rows,
                        size_t row_stride, float* out);
void s8_l2sq__reference(size_t n, size_t dim, const int8_t* query, const void* rows,
                        size_t row_stride, int32_t* out);
void s8_dot__reference(size_t n, size_t dim, const int8_t* query, const void* rows,
                       size_t row_stride, int32_t* out);

// ---- top-k: the k smallest distances, streamed over blocks of rows ----
struct DistanceHit {
  size_t index;    // row index as given by first_index + position
  float distance;
};
// Keeps the k smallest (distance, index) pairs seen; ties go to the lower index, so the
// result does not depend on how the rows were split into blocks. NaN distances are skipped.
struct TopK {
  size_t k = 0;
  std::vector<DistanceHit> heap;  // max-heap on (distance, index), size <= k
};
void top_k_reset(TopK* top, size_t k);
void top_k_push(TopK* top, const float* distances, size_t n, size_t first_index);
// The kept hits, best (smallest) first. Leaves `top` empty.
std::vector<DistanceHit> top_k_finish(TopK* top);
// One-shot helper: best k of distances[0, n).
std::vector<DistanceHit> distance_top_k(const float* distances, size_t n, size_t k);

}  // namespace fg
