// Portable int8 distances, exact int32 sums (see the bound in distance.h).
#include "kernels/distance/distance.h"

namespace fg {

void s8_l2sq__scalar(size_t n, size_t dim, const int8_t* query, const void* rows,
                     size_t row_stride, int32_t* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride);
    int32_t a0 = 0, a1 = 0;
    size_t d = 0;
    for (; d + 2 <= dim; d += 2) {
      const int32_t e0 = int32_t(query[d]) - r[d], e1 = int32_t(query[d + 1]) - r[d + 1];
      a0 += e0 * e0;
      a1 += e1 * e1;
    }
    if (d < dim) a0 += (int32_t(query[d]) - r[d]) * (int32_t(query[d]) - r[d]);
    out[i] = a0 + a1;
  }
}

void s8_dot__scalar(size_t n, size_t dim, const int8_t* query, const void* rows,
                    size_t row_stride, int32_t* out) {
  const uint8_t* base = static_cast<const uint8_t*>(rows);
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = reinterpret_cast<const int8_t*>(base + i * row_stride);
    int32_t a0 = 0, a1 = 0;
    size_t d = 0;
    for (; d + 2 <= dim; d += 2) {
      a0 += int32_t(query[d]) * r[d];
      a1 += int32_t(query[d + 1]) * r[d + 1];
    }
    if (d < dim) a0 += int32_t(query[d]) * r[d];
    out[i] = a0 + a1;
  }
}

}  // namespace fg
