// XNNPACK backend: every op through Debian's libxnnpack (2022 snapshot, operator API). This
// file: the f32 ops and what both halves share; int8 graphs go to xnnpack_qs8.cc.
//
// One op of our graph becomes a short list of XNNPACK operators, created (weights packed)
// at prepare time and run in order:
//   conv / depthwise conv  -> convolution2d_nhwc_f32 [+ leaky_relu_nc_f32 in place]
//   max / avg pool         -> max|average_pooling2d_nhwc_f32 [+ leaky_relu]
//   add (zero-extending)   -> [constant_pad_nd_x32 per smaller input] + add_nd_f32 [+ leaky_relu]
//   global avg pool        -> global_average_pooling_nwc_f32 (width = h*w)
//   fully connected        -> fully_connected_nc_f32 (XNN_FLAG_TRANSPOSE_WEIGHTS: ours is [in][out])
// ReLU is the operators' output clamp [0, +inf].
//
// Binding: XNNPACK's setup step takes the activation pointers and builds indirection
// buffers from them; a later setup with another base only records the offset (a_offset),
// and the kernels add it to every indirection pointer *except those equal to the op's zero
// (padding) buffer*. So the first setup must use the real arena: pointers made from a
// placeholder base point into unrelated memory, and one that happens to equal a zero
// buffer's address is silently read as padding (the likely cause of recognition embeddings
// off by up to 3e-3 in CI under qemu-user, whose guest memory is compact; deduced from
// XNNPACK's source, not reproduced). net_prepare allocates the arena before
// the ops and passes it in; the buffer never moves afterwards (moving a Net moves the
// pointer, not the bytes). run() still re-binds if handed another arena; a failed re-bind
// (only out of memory) writes NaN to the op's output so it cannot pass unnoticed.
// Threads: the net's pool (xnn_pool) at setup and run, null when single-threaded.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/eltwise/lut.h"
#include "runtime/core/backends/xnnpack/xnnpack_backend.h"
#include "runtime/core/backends/xnnpack/xnnpack_internal.h"

namespace fg {
namespace {

const char* xnn_status_text(xnn_status s) {
  switch (s) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "XNNPACK not initialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
  }
  return "unknown status";
}

Status xnn_init_once() {
  static const xnn_status init = xnn_initialize(nullptr);
  return xnn_check(init, "initialize");
}

constexpr float kInf = std::numeric_limits<float>::infinity();
float clamp_min(Activation a) { return a == Activation::kRelu ? 0.f : -kInf; }

xnn_status bind_leaky(const PreparedOp& op, XnnOpState& st, float* out) {
  return st.leaky ? xnn_setup_leaky_relu_nc_f32(st.ops.back(), pixels_of(*op.out), out, out, xnn_pool(op))
                  : xnn_status_success;
}

// Conv, max pool and average pool share one setup signature (operator, batch, h, w, in,
// out, threadpool); a fused leaky ReLU, when present, runs in place on the output.
using SetupSpatialF32 = xnn_status (*)(xnn_operator_t, size_t, size_t, size_t, const float*, float*, pthreadpool_t);

template <SetupSpatialF32 kSetup>
xnn_status bind_spatial(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  const TensorInfo& x = *op.in[0];
  float* out = arena_out<float>(op, arena);
  const xnn_status s = kSetup(st.ops[0], 1, x.dims[0], x.dims[1], arena_in<float>(op, arena), out, xnn_pool(op));
  return s == xnn_status_success ? bind_leaky(op, st, out) : s;
}

xnn_status bind_global_avg_pool(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_global_average_pooling_nwc_f32(st.ops[0], 1, pixels_of(*op.in[0]), arena_in<float>(op, arena),
                                                  arena_out<float>(op, arena), xnn_pool(op));
}

xnn_status bind_fully_connected(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_fully_connected_nc_f32(st.ops[0], 1, arena_in<float>(op, arena), arena_out<float>(op, arena),
                                          xnn_pool(op));
}

xnn_status bind_add(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  const float* operand[2];
  size_t k = 0;
  AddPadPlan plan(op);
  for (int i = 0; i < 2; ++i) {
    operand[i] = arena_in<float>(op, arena, i);
    if (!st.pad_input[i]) continue;
    float* padded = reinterpret_cast<float*>(st.scratch[i].data());
    const xnn_status s = xnn_setup_constant_pad_nd_x32(st.ops[k++], 3, plan.in_shape[i], plan.before, plan.after[i],
                                                       operand[i], padded, xnn_pool(op));
    if (s != xnn_status_success) return s;
    operand[i] = padded;
  }
  float* out = arena_out<float>(op, arena);
  const xnn_status s = xnn_setup_add_nd_f32(st.ops[k], 3, plan.out_shape, 3, plan.out_shape, operand[0], operand[1],
                                            out, xnn_pool(op));
  return s == xnn_status_success ? bind_leaky(op, st, out) : s;
}

Status create_conv(const PreparedOp& op, XnnOpState* st, float out_min) {
  const OpInfo& i = op.info;
  const Conv2dShape s = conv_shape_of(op);
  const float* bias = op.in[2] ? op.in[2]->f32() : nullptr;
  xnn_operator_t o = nullptr;
  xnn_status r;
  if (s.depthwise) {
    // Depthwise filters are HWGo with multiplier 1: exactly our [kh][kw][c].
    r = xnn_create_convolution2d_nhwc_f32(i.pad_top, i.pad_right, i.pad_bottom, i.pad_left, s.kernel_h, s.kernel_w,
                                          s.stride_h, s.stride_w, 1, 1, s.in_c, 1, 1, s.in_c, s.out_c,
                                          op.in[1]->f32(), bias, out_min, kInf, XNN_FLAG_DEPTHWISE_CONVOLUTION, &o);
  } else {
    const std::vector<float> w = hwio_to_ohwi(s, op.in[1]->f32());  // XNNPACK packs a copy
    r = xnn_create_convolution2d_nhwc_f32(i.pad_top, i.pad_right, i.pad_bottom, i.pad_left, s.kernel_h, s.kernel_w,
                                          s.stride_h, s.stride_w, 1, 1, 1, s.in_c, s.out_c, s.in_c, s.out_c,
                                          w.data(), bias, out_min, kInf, 0, &o);
  }
  FG_RETURN_IF_ERROR(xnn_check(r, "create convolution2d_nhwc_f32"));
  st->ops.push_back(o);
  st->bind = bind_spatial<xnn_setup_convolution2d_nhwc_f32>;
  return Status::ok();
}

Status create_pool(const PreparedOp& op, XnnOpState* st, float out_min) {
  const OpInfo& i = op.info;
  const size_t c = static_cast<size_t>(channels_of(*op.in[0]));
  xnn_operator_t o = nullptr;
  xnn_status r;
  if (i.type == OpType::kMaxPool2d) {
    r = xnn_create_max_pooling2d_nhwc_f32(i.pad_top, i.pad_right, i.pad_bottom, i.pad_left, i.kernel_h, i.kernel_w,
                                          i.stride_h, i.stride_w, 1, 1, c, c, c, out_min, kInf, 0, &o);
    st->bind = bind_spatial<xnn_setup_max_pooling2d_nhwc_f32>;
  } else {
    // With padding, XNNPACK divides each window by its count of real cells (as ours does).
    r = xnn_create_average_pooling2d_nhwc_f32(i.pad_top, i.pad_right, i.pad_bottom, i.pad_left, i.kernel_h,
                                              i.kernel_w, i.stride_h, i.stride_w, c, c, c, out_min, kInf, 0, &o);
    st->bind = bind_spatial<xnn_setup_average_pooling2d_nhwc_f32>;
  }
  FG_RETURN_IF_ERROR(xnn_check(r, "create pooling2d_nhwc_f32"));
  st->ops.push_back(o);
  return Status::ok();
}

// XNNPACK's add broadcasts but never zero-extends, so an input smaller than the output is
// first padded (zeros at the bottom/right/last channels) into a scratch buffer of its own.
Status create_add(const PreparedOp& op, XnnOpState* st, float out_min) {
  FG_RETURN_IF_ERROR(xnn_plan_add_scratch(op, sizeof(float), st));
  for (int k = 0; k < 2; ++k) {
    if (!st->pad_input[k]) continue;
    const float zero = 0.f;
    xnn_operator_t o = nullptr;
    FG_RETURN_IF_ERROR(xnn_check(xnn_create_constant_pad_nd_x32(&zero, 0, &o), "create constant_pad_nd_x32"));
    st->ops.push_back(o);
  }
  xnn_operator_t o = nullptr;
  FG_RETURN_IF_ERROR(xnn_check(xnn_create_add_nd_f32(out_min, kInf, 0, &o), "create add_nd_f32"));
  st->ops.push_back(o);
  st->bind = bind_add;
  return Status::ok();
}

Status create_global_avg_pool(const PreparedOp& op, XnnOpState* st, float out_min) {
  const size_t c = static_cast<size_t>(channels_of(*op.in[0]));
  xnn_operator_t o = nullptr;
  FG_RETURN_IF_ERROR(xnn_check(xnn_create_global_average_pooling_nwc_f32(c, c, c, out_min, kInf, 0, &o),
                               "create global_average_pooling_nwc_f32"));
  st->ops.push_back(o);
  st->bind = bind_global_avg_pool;
  return Status::ok();
}

Status create_fully_connected(const PreparedOp& op, XnnOpState* st, float out_min) {
  const size_t in = static_cast<size_t>(op.in[1]->dims[0]);
  const size_t out = static_cast<size_t>(op.in[1]->dims[1]);
  const float* bias = op.in[2] ? op.in[2]->f32() : nullptr;
  xnn_operator_t o = nullptr;
  FG_RETURN_IF_ERROR(xnn_check(xnn_create_fully_connected_nc_f32(in, out, in, out, op.in[1]->f32(), bias, out_min,
                                                                 kInf, XNN_FLAG_TRANSPOSE_WEIGHTS, &o),
                               "create fully_connected_nc_f32"));
  st->ops.push_back(o);
  st->bind = bind_fully_connected;
  return Status::ok();
}

// The liveness ops (docs/liveness.md): rows of `c` channels, one value per channel.
xnn_status bind_prelu(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_prelu_nc_f32(st.ops[0], pixels_of(*op.out), arena_in<float>(op, arena), arena_out<float>(op, arena),
                                xnn_pool(op));
}

xnn_status bind_sigmoid(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_sigmoid_nc_f32(st.ops[0], pixels_of(*op.out), arena_in<float>(op, arena),
                                  arena_out<float>(op, arena), xnn_pool(op));
}

xnn_status bind_softmax(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_softmax_nc_f32(st.ops[0], 1, arena_in<float>(op, arena), arena_out<float>(op, arena), xnn_pool(op));
}

// x [pixels][c] * s [1][c], broadcast by XNNPACK's multiply.
xnn_status bind_mul_channel(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  const size_t x_shape[2] = {pixels_of(*op.out), static_cast<size_t>(channels_of(*op.out))};
  const size_t s_shape[2] = {1, x_shape[1]};
  return xnn_setup_multiply_nd_f32(st.ops[0], 2, x_shape, 2, s_shape, arena_in<float>(op, arena, 0),
                                   arena_in<float>(op, arena, 1), arena_out<float>(op, arena), xnn_pool(op));
}

Status create_channel_op(const PreparedOp& op, XnnOpState* st) {
  const size_t c = static_cast<size_t>(channels_of(*op.out));
  xnn_operator_t o = nullptr;
  xnn_status r = xnn_status_invalid_parameter;
  switch (op.info.type) {
    case OpType::kPRelu:
      r = xnn_create_prelu_nc_f32(c, c, c, op.in[1]->f32(), 0, &o);  // packs a copy of the slopes
      st->bind = bind_prelu;
      break;
    case OpType::kMulChannel:
      r = xnn_create_multiply_nd_f32(-kInf, kInf, 0, &o);
      st->bind = bind_mul_channel;
      break;
    case OpType::kSigmoid:
      r = xnn_create_sigmoid_nc_f32(c, c, c, 0, &o);
      st->bind = bind_sigmoid;
      break;
    case OpType::kSoftmax:
      r = xnn_create_softmax_nc_f32(c, c, c, 0, &o);
      st->bind = bind_softmax;
      break;
    default: break;
  }
  FG_RETURN_IF_ERROR(xnn_check(r, "create prelu/multiply/sigmoid/softmax f32"));
  st->ops.push_back(o);
  return Status::ok();
}

void run_xnnpack(const PreparedOp& op, uint8_t* arena) {
  XnnOpState& st = static_cast<XnnOpState&>(*op.state);
  if (st.bound_arena != arena) {
    if (st.bind(op, st, arena) != xnn_status_success) {
      st.bound_arena = nullptr;
      uint8_t* out = arena_out<uint8_t>(op, arena);
      if (op.out->dtype == DType::kF32) {
        for (int64_t i = 0; i < op.out->elements; ++i) reinterpret_cast<float*>(out)[i] = std::nanf("");
      } else {
        std::memset(out, 0x80, static_cast<size_t>(op.out->bytes()));  // int8: all -128
      }
      return;
    }
    st.bound_arena = arena;
  }
  for (xnn_operator_t o : st.ops) xnn_run_operator(o, xnn_pool(op));
  if (!st.leaky_table.empty()) {
    int8_t* out = arena_out<int8_t>(op, arena);
    qs8_lut_pick().ukernel(st.leaky_table.data(), static_cast<size_t>(op.out->elements), out);
  }
}

}  // namespace

Status xnn_check(xnn_status s, const char* what) {
  if (s == xnn_status_success) return Status::ok();
  return Status::error(std::string("XNNPACK ") + what + ": " + xnn_status_text(s));
}

Status xnn_plan_add_scratch(const PreparedOp& op, size_t element_bytes, XnnOpState* st) {
  const TensorInfo& y = *op.out;
  for (int k = 0; k < 2; ++k) {
    const TensorInfo& t = *op.in[k];
    if (t.rank != 3 || y.rank != 3) return Status::error("xnnpack add: expected [h][w][c] tensors");
    for (int d = 0; d < 3; ++d)
      if (t.dims[d] > y.dims[d]) return Status::error("xnnpack add: an input is larger than the output");
    st->pad_input[k] = t.dims[0] != y.dims[0] || t.dims[1] != y.dims[1] || t.dims[2] != y.dims[2];
    if (st->pad_input[k] && !st->scratch[k].resize(static_cast<size_t>(y.elements) * element_bytes + XNN_EXTRA_BYTES))
      return Status::error("out of memory for an add scratch buffer");
  }
  return Status::ok();
}

Status xnn_finish_prepare(std::unique_ptr<XnnOpState> st, uint8_t* arena, PreparedOp* op) {
  FG_RETURN_IF_ERROR(xnn_check(st->bind(*op, *st, arena), "setup"));
  st->bound_arena = arena;
  op->state = std::move(st);
  op->run = run_xnnpack;
  return Status::ok();
}

Status xnnpack_prepare_op(const Model& model, uint8_t* arena, PreparedOp* op) {
  FG_RETURN_IF_ERROR(xnn_init_once());
  if (op->in[0]->dtype == DType::kI8 || op->out->dtype == DType::kI8) return xnnpack_prepare_qs8_op(model, arena, op);
  if (op->in[0]->dtype != DType::kF32) return Status::error("xnnpack backend: f32 or int8 graphs only");
  auto st = std::make_unique<XnnOpState>();
  const Activation act = op->info.activation;
  const float out_min = clamp_min(act);
  switch (op->info.type) {
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d:
      FG_RETURN_IF_ERROR(create_conv(*op, st.get(), out_min));
      op->kernel_name = "xnn_convolution2d_nhwc_f32";
      break;
    case OpType::kMaxPool2d:
      FG_RETURN_IF_ERROR(create_pool(*op, st.get(), out_min));
      op->kernel_name = "xnn_max_pooling2d_nhwc_f32";
      break;
    case OpType::kAvgPool2d:
      FG_RETURN_IF_ERROR(create_pool(*op, st.get(), out_min));
      op->kernel_name = "xnn_average_pooling2d_nhwc_f32";
      break;
    case OpType::kAdd:
      FG_RETURN_IF_ERROR(create_add(*op, st.get(), out_min));
      op->kernel_name = st->pad_input[0] || st->pad_input[1] ? "xnn_constant_pad_nd_x32+xnn_add_nd_f32"
                                                              : "xnn_add_nd_f32";
      break;
    case OpType::kGlobalAvgPool:
      FG_RETURN_IF_ERROR(create_global_avg_pool(*op, st.get(), out_min));
      op->kernel_name = "xnn_global_average_pooling_nwc_f32";
      break;
    case OpType::kFullyConnected:
      FG_RETURN_IF_ERROR(create_fully_connected(*op, st.get(), out_min));
      op->kernel_name = "xnn_fully_connected_nc_f32";
      break;
    case OpType::kPRelu:
    case OpType::kMulChannel:
    case OpType::kSigmoid:
    case OpType::kSoftmax:
      FG_RETURN_IF_ERROR(create_channel_op(*op, st.get()));
      op->kernel_name = op->info.type == OpType::kPRelu       ? "xnn_prelu_nc_f32"
                        : op->info.type == OpType::kMulChannel ? "xnn_multiply_nd_f32"
                        : op->info.type == OpType::kSigmoid    ? "xnn_sigmoid_nc_f32"
                                                               : "xnn_softmax_nc_f32";
      break;
    default:
      return Status::error("xnnpack f32: unsupported op type " + std::to_string(static_cast<int>(op->info.type)));
  }
  if (act == Activation::kLeakyRelu) {
    const size_t c = static_cast<size_t>(channels_of(*op->out));
    xnn_operator_t o = nullptr;
    FG_RETURN_IF_ERROR(xnn_check(xnn_create_leaky_relu_nc_f32(c, c, c, op->info.leaky_alpha, 0, &o),
                                 "create leaky_relu_nc_f32"));
    st->ops.push_back(o);
    st->leaky = true;
  }
  return xnn_finish_prepare(std::move(st), arena, op);
}

}  // namespace fg
