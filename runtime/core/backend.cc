#include "runtime/core/backend.h"

#ifdef FG_HAVE_XNNPACK
#include "runtime/core/backends/xnnpack/xnnpack_backend.h"
#endif

namespace fg {

Conv2dShape conv_shape_of(const PreparedOp& op) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& y = *op.out;
  Conv2dShape s{};
  s.in_h = x.dims[0]; s.in_w = x.dims[1]; s.in_c = x.dims[2];
  s.out_h = y.dims[0]; s.out_w = y.dims[1]; s.out_c = y.dims[2];
  s.kernel_h = op.info.kernel_h; s.kernel_w = op.info.kernel_w;
  s.stride_h = op.info.stride_h; s.stride_w = op.info.stride_w;
  s.pad_top = op.info.pad_top; s.pad_left = op.info.pad_left;
  s.depthwise = op.info.type == OpType::kDepthwiseConv2d;
  return s;
}

Pool2dShape pool_shape_of(const PreparedOp& op) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& y = *op.out;
  Pool2dShape s{};
  s.in_h = x.dims[0]; s.in_w = x.dims[1]; s.channels = x.dims[2];
  s.out_h = y.dims[0]; s.out_w = y.dims[1];
  s.kernel_h = op.info.kernel_h; s.kernel_w = op.info.kernel_w;
  s.stride_h = op.info.stride_h; s.stride_w = op.info.stride_w;
  s.pad_top = op.info.pad_top; s.pad_left = op.info.pad_left;
  return s;
}

AddShape add_shape_of(const PreparedOp& op) {
  const TensorInfo& a = *op.in[0];
  const TensorInfo& b = *op.in[1];
  const TensorInfo& y = *op.out;
  return AddShape{y.dims[0], y.dims[1], y.dims[2], a.dims[0], a.dims[1], a.dims[2],
                  b.dims[0], b.dims[1], b.dims[2]};
}

Status backend_prepare_op(Backend backend, const Model& model, uint8_t* arena, PreparedOp* op) {
  if (op->info.type == OpType::kUpsampleNearest) return upsample_prepare_op(op);  // same copy on every backend
  switch (backend) {
    case Backend::kReference: return reference_prepare_op(model, op);
    case Backend::kNative: return native_prepare_op(model, op);
    case Backend::kXnnpack:
#ifdef FG_HAVE_XNNPACK
      return xnnpack_prepare_op(model, arena, op);
#else
      (void)arena;
      return Status::error(std::string("backend '") + backend_name(backend) + "' is not available in this build");
#endif
  }
  return Status::error("unknown backend");
}

}  // namespace fg
