// XNNPACK backend (Debian's libxnnpack, operator API): compiled only when libxnnpack was
// found, which defines FG_HAVE_XNNPACK=1 for fg_runtime and its users.
#pragma once
#include "runtime/core/executor.h"

namespace fg {

// f32 graphs, and int8 graphs with per-channel weights (qc8). Creates (packs) the op's
// XNNPACK operators and binds them to `arena`, the net's activation arena (see
// xnnpack_backend.cc for why it must be the real one).
[[nodiscard]] Status xnnpack_prepare_op(const Model& model, uint8_t* arena, PreparedOp* op);

}  // namespace fg
