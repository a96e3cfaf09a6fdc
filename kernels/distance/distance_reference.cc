// Naive reference distances: one accumulator, in order, no tricks. The oracle for tests.
#include "kernels/distance/distance.h"

namespace fg {
namespace {

template <typename T>
const T* row_at(const void* rows, size_t row_stride, size_t i) {
  return reinterpret_cast<const T*>(static_cast<const uint8_t*>(rows) + i * row_stride);
}

}  // namespace

void f32_l2sq__reference(size_t n, size_t dim, const float* query, const void* rows,
                         size_t row_stride, float* out) {
  for (size_t i = 0; i < n; ++i) {
    const float* r = row_at<float>(rows, row_stride, i);
    float sum = 0.f;
    for (size_t d = 0; d < dim; ++d) sum += (query[d] - r[d]) * (query[d] - r[d]);
    out[i] = sum;
  }
}

void f32_dot__reference(size_t n, size_t dim, const float* query, const void* rows,
                        size_t row_stride, float* out) {
  for (size_t i = 0; i < n; ++i) {
    const float* r = row_at<float>(rows, row_stride, i);
    float sum = 0.f;
    for (size_t d = 0; d < dim; ++d) sum += query[d] * r[d];
    out[i] = sum;
  }
}

void s8_l2sq__reference(size_t n, size_t dim, const int8_t* query, const void* rows,
                        size_t row_stride, int32_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = row_at<int8_t>(rows, row_stride, i);
    int32_t sum = 0;
    for (size_t d = 0; d < dim; ++d) {
      const int32_t diff = int32_t(query[d]) - int32_t(r[d]);
      sum += diff * diff;
    }
    out[i] = sum;
  }
}

void s8_dot__reference(size_t n, size_t dim, const int8_t* query, const void* rows,
                       size_t row_stride, int32_t* out) {
  for (size_t i = 0; i < n; ++i) {
    const int8_t* r = row_at<int8_t>(rows, row_stride, i);
    int32_t sum = 0;
    for (size_t d = 0; d < dim; ++d) sum += int32_t(query[d]) * int32_t(r[d]);
    out[i] = sum;
  }
}

}  // namespace fg
