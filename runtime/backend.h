// Per-op kernel selection. Each backend fills PreparedOp::run (+ state) for one op, or
// returns an error naming what it cannot run. backend.cc routes by Backend.
#pragma once
#include "runtime/executor.h"

namespace fg {

// `arena` is the net's activation arena, already allocated at its final address (a moved
// Net keeps the same buffer): backends that bind pointers at prepare time (XNNPACK) use it.
[[nodiscard]] Status backend_prepare_op(Backend backend, const Model& model, uint8_t* arena, PreparedOp* op);

// The oracle: kernels/reference loops, f32 only.
[[nodiscard]] Status reference_prepare_op(const Model& model, PreparedOp* op);

// Our SIMD kernels, best variant for this CPU; reference loops for ops without one yet.
[[nodiscard]] Status native_prepare_op(const Model& model, PreparedOp* op);

// Shapes of an op in the kernels' terms (shared by every backend).
Conv2dShape conv_shape_of(const PreparedOp& op);
Pool2dShape pool_shape_of(const PreparedOp& op);
AddShape add_shape_of(const PreparedOp& op);

template <typename T>
inline const T* arena_in(const PreparedOp& op, const uint8_t* arena, int i = 0) {
  return reinterpret_cast<const T*>(arena + op.in_offset[i]);
}
template <typename T>
inline T* arena_out(const PreparedOp& op, uint8_t* arena) {
  return reinterpret_cast<T*>(arena + op.out_offset);
}

}  // namespace fg
