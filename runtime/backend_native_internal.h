// Shared by the native backend's files: backend_native.cc (dispatch, f32 ops) and
// backend_native_qs8.cc (int8 ops).
#pragma once
#include "runtime/backend.h"

namespace fg {

// int8 ops (and the f32<->int8 converts) on the qs8 kernels.
[[nodiscard]] Status native_prepare_qs8_op(const Model& model, PreparedOp* op);

// The pool kernels' drivers take windows of at most this many cells; a larger global
// average pool falls back to the reference loop.
constexpr int kNativeMaxPoolCells = 256;

}  // namespace fg
