// The one list of distance variants (dispatch, tests and bench read it), run-time pick,
// and the top-k helper.
#include <algorithm>

#include "kernels/distance/distance.h"

namespace fg {

#define FG_DECLARE_DISTANCE(isa)                                                            \
  void f32_l2sq__##isa(size_t, size_t, const float*, const void*, size_t, float*);          \
  void f32_dot__##isa(size_t, size_t, const float*, const void*, size_t, float*);           \
  void s8_l2sq__##isa(size_t, size_t, const int8_t*, const void*, size_t, int32_t*);        \
  void s8_dot__##isa(size_t, size_t, const int8_t*, const void*, size_t, int32_t*);

FG_DECLARE_DISTANCE(scalar)
#if defined(__x86_64__)
FG_DECLARE_DISTANCE(sse41)
FG_DECLARE_DISTANCE(avx2)
FG_DECLARE_DISTANCE(avx512)
void s8_l2sq__avx512vnni(size_t, size_t, const int8_t*, const void*, size_t, int32_t*);
void s8_dot__avx512vnni(size_t, size_t, const int8_t*, const void*, size_t, int32_t*);
#endif
#if defined(__aarch64__) || defined(__arm__)
FG_DECLARE_DISTANCE(neon)
#endif
#if defined(__aarch64__)
void s8_l2sq__neondot(size_t, size_t, const int8_t*, const void*, size_t, int32_t*);
void s8_dot__neondot(size_t, size_t, const int8_t*, const void*, size_t, int32_t*);
#endif
#undef FG_DECLARE_DISTANCE

namespace {

constexpr DistanceDtype kF32 = DistanceDtype::kF32;
constexpr DistanceDtype kS8 = DistanceDtype::kS8;
constexpr DistanceKind kL2 = DistanceKind::kL2sq;
constexpr DistanceKind kDot = DistanceKind::kDot;

#define FG_F32(kind, fn, isa) DistanceVariant{#fn, isa, kF32, kind, fn, nullptr}
#define FG_S8(kind, fn, isa) DistanceVariant{#fn, isa, kS8, kind, nullptr, fn}

const DistanceVariant kVariants[] = {
#if defined(__x86_64__)
      FG_F32(kL2, f32_l2sq__avx512, Isa::kAvx512),
      FG_F32(kL2, f32_l2sq__avx2, Isa::kAvx2),
      FG_F32(kL2, f32_l2sq__sse41, Isa::kSse41),
      FG_F32(kDot, f32_dot__avx512, Isa::kAvx512),
      FG_F32(kDot, f32_dot__avx2, Isa::kAvx2),
      FG_F32(kDot, f32_dot__sse41, Isa::kSse41),
      FG_S8(kL2, s8_l2sq__avx512vnni, Isa::kAvx512Vnni),
      FG_S8(kL2, s8_l2sq__avx512, Isa::kAvx512),
      FG_S8(kL2, s8_l2sq__avx2, Isa::kAvx2),
      FG_S8(kL2, s8_l2sq__sse41, Isa::kSse41),
      FG_S8(kDot, s8_dot__avx512vnni, Isa::kAvx512Vnni),
      FG_S8(kDot, s8_dot__avx512, Isa::kAvx512),
      FG_S8(kDot, s8_dot__avx2, Isa::kAvx2),
      FG_S8(kDot, s8_dot__sse41, Isa::kSse41),
#endif
#if defined(__aarch64__)
      FG_S8(kL2, s8_l2sq__neondot, Isa::kNeonDot),
      FG_S8(kDot, s8_dot__neondot, Isa::kNeonDot),
#endif
#if defined(__aarch64__) || defined(__arm__)
      FG_F32(kL2, f32_l2sq__neon, Isa::kNeon),
      FG_F32(kDot, f32_dot__neon, Isa::kNeon),
      FG_S8(kL2, s8_l2sq__neon, Isa::kNeon),
      FG_S8(kDot, s8_dot__neon, Isa::kNeon),
#endif
      FG_F32(kL2, f32_l2sq__scalar, Isa::kScalar),
      FG_F32(kDot, f32_dot__scalar, Isa::kScalar),
      FG_S8(kL2, s8_l2sq__scalar, Isa::kScalar),
      FG_S8(kDot, s8_dot__scalar, Isa::kScalar),
};
#undef FG_F32
#undef FG_S8

// Max-heap order: the worst kept hit (largest distance, then largest index) on top.
bool hit_less(const DistanceHit& a, const DistanceHit& b) {
  return a.distance < b.distance || (a.distance == b.distance && a.index < b.index);
}

}  // namespace

VariantList<DistanceVariant> distance_variants() { return kVariants; }

const DistanceVariant& distance_pick(DistanceDtype dtype, DistanceKind kind) {
  const DistanceVariant* scalar = nullptr;
  for (const DistanceVariant& v : distance_variants()) {
    if (v.dtype != dtype || v.kind != kind) continue;
    if (cpu_has_isa(v.isa)) return v;  // best first, and scalar is always runnable
    if (v.isa == Isa::kScalar) scalar = &v;
  }
  return *scalar;
}

void top_k_reset(TopK* top, size_t k) {
  top->k = k;
  top->heap.clear();
  top->heap.reserve(k);
}

void top_k_push(TopK* top, const float* distances, size_t n, size_t first_index) {
  if (top->k == 0) return;
  std::vector<DistanceHit>& heap = top->heap;
  for (size_t i = 0; i < n; ++i) {
    const DistanceHit hit{first_index + i, distances[i]};
    if (hit.distance != hit.distance) continue;  // NaN never ranks
    if (heap.size() < top->k) {
      heap.push_back(hit);
      std::push_heap(heap.begin(), heap.end(), hit_less);
    } else if (hit_less(hit, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), hit_less);
      heap.back() = hit;
      std::push_heap(heap.begin(), heap.end(), hit_less);
    }
  }
}

std::vector<DistanceHit> top_k_finish(TopK* top) {
  std::vector<DistanceHit> out;
  out.swap(top->heap);
  std::sort_heap(out.begin(), out.end(), hit_less);
  return out;
}

std::vector<DistanceHit> distance_top_k(const float* distances, size_t n, size_t k) {
  TopK top;
  top_k_reset(&top, k);
  top_k_push(&top, distances, n, 0);
  return top_k_finish(&top);
}

}  // namespace fg
