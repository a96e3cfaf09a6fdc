// Portable f32 distances: four independent accumulators so the compiler can overlap the
// additions (and auto-vectorise on targets that allow it); tails run one element at a time.
#include "kernels/distance/distance.h"

namespace fg {

void f32_l2sq__scalar(size_t n, size_t dim, const float* query, const void* rows,
                      size_t row_stride, float* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const float* r = reinterpret_cast<const float*>(base + i * row_stride);
    float a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f;
    size_t d = 0;
    for (; d + 4 <= dim; d += 4) {
      const float e0 = query[d] - r[d], e1 = query[d + 1] - r[d + 1];
      const float e2 = query[d + 2] - r[d + 2], e3 = query[d + 3] - r[d + 3];
      a0 += e0 * e0; a1 += e1 * e1; a2 += e2 * e2; a3 += e3 * e3;
    }
    for (; d < dim; ++d) a0 += (query[d] - r[d]) * (query[d] - r[d]);
    out[i] = (a0 + a1) + (a2 + a3);
  }
}

void f32_dot__scalar(size_t n, size_t dim, const float* query, const void* rows,
                     size_t row_stride, float* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const float* r = reinterpret_cast<const float*>(base + i * row_stride);
    float a0 = 0.f, a1 = 0.f, a2 = 0.f, a3 = 0.f;
    size_t d = 0;
    for (; d + 4 <= dim; d += 4) {
      a0 += query[d] * r[d]; a1 += query[d + 1] * r[d + 1];
      a2 += query[d + 2] * r[d + 2]; a3 += query[d + 3] * r[d + 3];
    }
    for (; d < dim; ++d) a0 += query[d] * r[d];
    out[i] = (a0 + a1) + (a2 + a3);
  }
}

}  // namespace fg
