// The f32 NEON row entry for max pooling over 4 or 9 cells (f32_pool_max_row__neon.cc).
#pragma once
#include <cstddef>

#include "kernels/common/op_shapes.h"

namespace fg {

// Does the row micro-kernel's job (pool.h, F32PoolRowUkernel) and returns true when kind is
// max, n is 4 or 9 and c % 16 == 0; otherwise returns false and writes nothing.
bool f32_pool_row_max__neon(PoolKind kind, int m, size_t step, int c, int n,
                            const float* const* a, float* out);

}  // namespace fg
