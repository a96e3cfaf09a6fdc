// kUpsampleNearest on every backend: one copy loop, so f32 and int8 results are identical
// across reference, native and XNNPACK (which has no nearest-resize operator).
#include "kernels/reference/upsample_nearest.h"
#include "runtime/core/backend.h"

namespace fg {
namespace {

void run_upsample(const PreparedOp& op, uint8_t* arena) {
  const TensorInfo& x = *op.in[0];
  upsample_nearest__reference(x.dims[0], x.dims[1], x.dims[2], op.info.stride_h,
                              static_cast<size_t>(dtype_size(x.dtype)), arena_in<uint8_t>(op, arena),
                              arena_out<uint8_t>(op, arena));
}

}  // namespace

Status upsample_prepare_op(PreparedOp* op) {
  if (op->in[0]->dtype != DType::kF32 && op->in[0]->dtype != DType::kI8)
    return Status::error("upsample runs f32 and int8 tensors only");
  op->kernel_name = "upsample_nearest__reference";
  op->run = run_upsample;
  return Status::ok();
}

}  // namespace fg
