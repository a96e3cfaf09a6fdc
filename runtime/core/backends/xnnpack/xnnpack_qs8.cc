// XNNPACK backend, int8 half: our qs8 graphs (int8 asymmetric activations, symmetric
// per-channel int8 weights, int32 bias) on the 2022 snapshot's quantized operators.
//   conv / depthwise conv -> convolution2d_nhwc_qc8 (per-channel kernel scales)
//   fully connected       -> convolution2d_nhwc_qc8 as a 1x1 conv on a 1x1 image (the
//                            snapshot has no qc8 fully-connected; qs8 FC is per-tensor only)
//   conv + fused residual -> convolution2d_nhwc_qc8 into scratch + add_nd_qs8 (no fusion in XNNPACK)
//   add (zero-extending)  -> [constant_pad_nd_x8 with the input's zero point] + add_nd_qs8
//   max pool              -> max_pooling2d_nhwc_s8 (input and output quantisation must match)
//   global avg pool       -> global_average_pooling_nwc_qs8
//   leaky ReLU            -> the conv writes an intermediate quantization, then our 256-entry
//                            table maps it (qs8_conv_setup; the snapshot's leaky ReLU is qu8 only)
//   quantize / dequantize -> convert_nc_f32_qs8 / convert_nc_qs8_f32 (the f32 boundary)
//   avg pool              -> our reference qs8 loop: the snapshot only has qu8 average pooling
// ReLU is the output clamp [max(-128, zy), 127]. Rounding: XNNPACK's own (x86 qc8: f32
// requantisation, round half to even, like docs/kernels.md; add: fixed-point multipliers),
// so results may differ from ours by 1 LSB.
#include <algorithm>
#include <vector>

#include "runtime/core/quantize_ops.h"
#include "runtime/core/backends/xnnpack/xnnpack_internal.h"

namespace fg {
namespace {

int8_t output_min_of(const PreparedOp& op) {
  return op.info.activation == Activation::kRelu ? static_cast<int8_t>(std::max(-128, op.out->zero_point)) : -128;
}

xnn_status bind_conv(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  // Fully connected runs as a 1x1 conv: a rank-1 input is a 1x1 image.
  const TensorInfo& x = *op.in[0];
  const size_t h = x.rank == 3 ? x.dims[0] : 1, w = x.rank == 3 ? x.dims[1] : 1;
  if (!op.in[3])
    return xnn_setup_convolution2d_nhwc_qc8(st.ops[0], 1, h, w, arena_in<int8_t>(op, arena),
                                            arena_out<int8_t>(op, arena), xnn_pool(op));
  // Residual: conv -> scratch, then scratch + residual -> output.
  int8_t* conv_out = reinterpret_cast<int8_t*>(st.scratch[0].data());
  const xnn_status s = xnn_setup_convolution2d_nhwc_qc8(st.ops[0], 1, h, w, arena_in<int8_t>(op, arena), conv_out,
                                                        xnn_pool(op));
  if (s != xnn_status_success) return s;
  const size_t n = static_cast<size_t>(op.out->elements);
  return xnn_setup_add_nd_qs8(st.ops[1], 1, &n, 1, &n, conv_out, arena_in<int8_t>(op, arena, 1),
                              arena_out<int8_t>(op, arena), xnn_pool(op));
}

xnn_status bind_max_pool(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  const TensorInfo& x = *op.in[0];
  return xnn_setup_max_pooling2d_nhwc_s8(st.ops[0], 1, x.dims[0], x.dims[1], arena_in<int8_t>(op, arena),
                                         arena_out<int8_t>(op, arena), xnn_pool(op));
}

xnn_status bind_global_avg_pool(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_global_average_pooling_nwc_qs8(st.ops[0], 1, pixels_of(*op.in[0]), arena_in<int8_t>(op, arena),
                                                  arena_out<int8_t>(op, arena), xnn_pool(op));
}

xnn_status bind_add(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  const int8_t* operand[2];
  size_t k = 0;
  AddPadPlan plan(op);
  for (int i = 0; i < 2; ++i) {
    operand[i] = arena_in<int8_t>(op, arena, i);
    if (!st.pad_input[i]) continue;
    int8_t* padded = reinterpret_cast<int8_t*>(st.scratch[i].data());
    const xnn_status s = xnn_setup_constant_pad_nd_x8(st.ops[k++], 3, plan.in_shape[i], plan.before, plan.after[i],
                                                      operand[i], padded, xnn_pool(op));
    if (s != xnn_status_success) return s;
    operand[i] = padded;
  }
  return xnn_setup_add_nd_qs8(st.ops[k], 3, plan.out_shape, 3, plan.out_shape, operand[0], operand[1],
                              arena_out<int8_t>(op, arena), xnn_pool(op));
}

xnn_status bind_quantize(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_convert_nc_f32_qs8(st.ops[0], pixels_of(*op.out), arena_in<float>(op, arena),
                                      arena_out<int8_t>(op, arena), xnn_pool(op));
}

xnn_status bind_dequantize(const PreparedOp& op, XnnOpState& st, uint8_t* arena) {
  return xnn_setup_convert_nc_qs8_f32(st.ops[0], pixels_of(*op.out), arena_in<int8_t>(op, arena),
                                      arena_out<float>(op, arena), xnn_pool(op));
}

// The f32 <-> int8 boundary of an int8 graph. XNNPACK quantizes as x * (1/s), ours as x / s:
// the two can differ by 1 LSB next to a rounding tie.
Status create_convert(const PreparedOp& op, XnnOpState* st, bool quantize) {
  const TensorInfo& q = quantize ? *op.out : *op.in[0];
  const size_t c = static_cast<size_t>(channels_of(*op.out));
  xnn_operator_t o = nullptr;
  const xnn_status r =
      quantize ? xnn_create_convert_nc_f32_qs8(c, c, c, q.scale, static_cast<int8_t>(q.zero_point), -128, 127, 0, &o)
               : xnn_create_convert_nc_qs8_f32(c, c, c, q.scale, static_cast<int8_t>(q.zero_point), 0, &o);
  FG_RETURN_IF_ERROR(xnn_check(r, quantize ? "create convert_nc_f32_qs8" : "create convert_nc_qs8_f32"));
  st->ops.push_back(o);
  st->bind = quantize ? bind_quantize : bind_dequantize;
  return Status::ok();
}

Status create_conv(const PreparedOp& op, XnnOpState* st) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& w = *op.in[1];
  if (w.zero_point != 0) return Status::error("xnnpack qc8 conv: weights must be symmetric (zero point 0)");
  const int32_t* bias = op.in[2] ? static_cast<const int32_t*>(op.in[2]->data) : nullptr;
  const OpInfo& i = op.info;
  Conv2dShape s{};
  uint32_t groups = 1, flags = 0;
  std::vector<int8_t> ohwi;
  const int8_t* filter = static_cast<const int8_t*>(w.data);
  if (i.type == OpType::kFullyConnected) {
    s.kernel_h = s.kernel_w = s.stride_h = s.stride_w = 1;
    s.in_c = w.dims[0];
    s.out_c = w.dims[1];
  } else {
    s = conv_shape_of(op);
  }
  if (i.type == OpType::kDepthwiseConv2d) {
    groups = static_cast<uint32_t>(s.in_c);  // HWGo with multiplier 1 = our [kh][kw][c]
    flags = XNN_FLAG_DEPTHWISE_CONVOLUTION;
  } else {
    ohwi = hwio_to_ohwi(s, filter);  // XNNPACK packs a copy
    filter = ohwi.data();
  }
  const size_t group_in = groups == 1 ? s.in_c : 1, group_out = groups == 1 ? s.out_c : 1;
  // Scales, clamp and (leaky relu) the intermediate quantization + table: the same setup
  // the reference and native backends use.
  Qs8ConvSetup q;
  FG_RETURN_IF_ERROR(qs8_conv_setup(op, &q));
  if (q.leaky) st->leaky_table.assign(q.leaky_table, q.leaky_table + 256);
  const TensorInfo* residual = op.in[3];
  if (residual) {
    // XNNPACK cannot fuse the residual: the conv alone is requantized to a range that holds
    // out - residual (anything beyond it saturates into values the final clamp removes anyway),
    // then add_nd_qs8 adds the residual. Two roundings instead of one: up to ~2 LSB off ours.
    if (q.leaky) return Status::error("xnnpack qs8: leaky relu with a fused residual is not supported");
    const TensorInfo& y = *op.out;
    const float y_lo = y.scale * static_cast<float>(-128 - y.zero_point), y_hi = y.scale * static_cast<float>(127 - y.zero_point);
    const float r_lo = residual->scale * static_cast<float>(-128 - residual->zero_point);
    const float r_hi = residual->scale * static_cast<float>(127 - residual->zero_point);
    const QuantParams mid = quant_params_for_range(y_lo - r_hi, y_hi - r_lo);
    q.quant.output_scale = mid.scale;
    q.params.output_zero_point = mid.zero_point;
    q.params.output_min = -128;
    q.params.output_max = 127;
    if (!st->scratch[0].resize(static_cast<size_t>(y.elements) + XNN_EXTRA_BYTES))
      return Status::error("out of memory for a residual scratch buffer");
  }
  xnn_operator_t o = nullptr;
  FG_RETURN_IF_ERROR(xnn_check(
      xnn_create_convolution2d_nhwc_qc8(i.pad_top, i.pad_right, i.pad_bottom, i.pad_left, s.kernel_h, s.kernel_w,
                                        s.stride_h, s.stride_w, 1, 1, groups, group_in, group_out, s.in_c, s.out_c,
                                        static_cast<int8_t>(x.zero_point), x.scale, q.weight_scales.data(), filter,
                                        bias, static_cast<int8_t>(q.params.output_zero_point), q.quant.output_scale,
                                        q.params.output_min, q.params.output_max, flags, &o),
      "create convolution2d_nhwc_qc8"));
  st->ops.push_back(o);
  if (residual) {
    const TensorInfo& y = *op.out;
    FG_RETURN_IF_ERROR(xnn_check(xnn_create_add_nd_qs8(static_cast<int8_t>(q.params.output_zero_point),
                                                       q.quant.output_scale, static_cast<int8_t>(residual->zero_point),
                                                       residual->scale, static_cast<int8_t>(y.zero_point), y.scale,
                                                       output_min_of(op), 127, 0, &o),
                                 "create add_nd_qs8 (residual)"));
    st->ops.push_back(o);
  }
  st->bind = bind_conv;
  return Status::ok();
}

Status create_add(const PreparedOp& op, XnnOpState* st) {
  FG_RETURN_IF_ERROR(xnn_plan_add_scratch(op, 1, st));
  for (int k = 0; k < 2; ++k) {
    if (!st->pad_input[k]) continue;
    // "Reads as zero" in real terms is the input's zero point in int8.
    const int8_t zero = static_cast<int8_t>(op.in[k]->zero_point);
    xnn_operator_t o = nullptr;
    FG_RETURN_IF_ERROR(xnn_check(xnn_create_constant_pad_nd_x8(&zero, 0, &o), "create constant_pad_nd_x8"));
    st->ops.push_back(o);
  }
  const TensorInfo& a = *op.in[0];
  const TensorInfo& b = *op.in[1];
  const TensorInfo& y = *op.out;
  xnn_operator_t o = nullptr;
  FG_RETURN_IF_ERROR(xnn_check(xnn_create_add_nd_qs8(static_cast<int8_t>(a.zero_point), a.scale,
                                                     static_cast<int8_t>(b.zero_point), b.scale,
                                                     static_cast<int8_t>(y.zero_point), y.scale, output_min_of(op),
                                                     127, 0, &o),
                               "create add_nd_qs8"));
  st->ops.push_back(o);
  st->bind = bind_add;
  return Status::ok();
}

Status create_max_pool(const PreparedOp& op, XnnOpState* st) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& y = *op.out;
  if (x.scale != y.scale || x.zero_point != y.zero_point)
    return Status::error("xnnpack s8 max pool: output quantisation must equal the input's");
  const OpInfo& i = op.info;
  const size_t c = static_cast<size_t>(channels_of(x));
  xnn_operator_t o = nullptr;
  FG_RETURN_IF_ERROR(xnn_check(xnn_create_max_pooling2d_nhwc_s8(i.pad_top, i.pad_right, i.pad_bottom, i.pad_left,
                                                                i.kernel_h, i.kernel_w, i.stride_h, i.stride_w, 1, 1,
                                                                c, c, c, output_min_of(op), 127, 0, &o),
                               "create max_pooling2d_nhwc_s8"));
  st->ops.push_back(o);
  st->bind = bind_max_pool;
  return Status::ok();
}

Status create_global_avg_pool(const PreparedOp& op, XnnOpState* st) {
  const TensorInfo& x = *op.in[0];
  const TensorInfo& y = *op.out;
  const size_t c = static_cast<size_t>(channels_of(x));
  xnn_operator_t o = nullptr;
  FG_RETURN_IF_ERROR(xnn_check(
      xnn_create_global_average_pooling_nwc_qs8(c, c, c, static_cast<int8_t>(x.zero_point), x.scale,
                                                static_cast<int8_t>(y.zero_point), y.scale, output_min_of(op), 127,
                                                0, &o),
      "create global_average_pooling_nwc_qs8"));
  st->ops.push_back(o);
  st->bind = bind_global_avg_pool;
  return Status::ok();
}

}  // namespace

Status xnnpack_prepare_qs8_op(const Model& model, uint8_t* arena, PreparedOp* op) {
  if (op->info.type == OpType::kQuantize || op->info.type == OpType::kDequantize) {
    auto st = std::make_unique<XnnOpState>();
    const bool quantize = op->info.type == OpType::kQuantize;
    FG_RETURN_IF_ERROR(create_convert(*op, st.get(), quantize));
    op->kernel_name = quantize ? "xnn_convert_nc_f32_qs8" : "xnn_convert_nc_qs8_f32";
    return xnn_finish_prepare(std::move(st), arena, op);
  }
  if (op->in[0]->dtype != DType::kI8 || op->out->dtype != DType::kI8)
    return Status::error("xnnpack qs8: int8 input and output expected");
  const bool is_conv = op->info.type == OpType::kConv2d || op->info.type == OpType::kDepthwiseConv2d ||
                       op->info.type == OpType::kFullyConnected;
  if (op->info.activation == Activation::kLeakyRelu && !is_conv)
    return Status::error("xnnpack qs8: int8 leaky ReLU only after a conv (this XNNPACK has no s8 leaky ReLU)");
  auto st = std::make_unique<XnnOpState>();
  switch (op->info.type) {
    case OpType::kConv2d:
    case OpType::kDepthwiseConv2d:
    case OpType::kFullyConnected:
      FG_RETURN_IF_ERROR(create_conv(*op, st.get()));
      op->kernel_name = op->in[3] ? "xnn_convolution2d_nhwc_qc8+xnn_add_nd_qs8" : "xnn_convolution2d_nhwc_qc8";
      break;
    case OpType::kAdd:
      FG_RETURN_IF_ERROR(create_add(*op, st.get()));
      op->kernel_name = st->pad_input[0] || st->pad_input[1] ? "xnn_constant_pad_nd_x8+xnn_add_nd_qs8"
                                                              : "xnn_add_nd_qs8";
      break;
    case OpType::kMaxPool2d:
      FG_RETURN_IF_ERROR(create_max_pool(*op, st.get()));
      op->kernel_name = "xnn_max_pooling2d_nhwc_s8";
      break;
    case OpType::kGlobalAvgPool:
      FG_RETURN_IF_ERROR(create_global_avg_pool(*op, st.get()));
      op->kernel_name = "xnn_global_average_pooling_nwc_qs8";
      break;
    case OpType::kPRelu:
    case OpType::kSigmoid:
    case OpType::kMulChannel:
      // The int8 liveness ops are a fixed-point rescale / a table (quantize_ops.h): the same code as the
      // reference backend, so every backend gives the same bytes for them.
      FG_RETURN_IF_ERROR(reference_prepare_op(model, op));
      op->kernel_name = "reference qs8 prelu / sigmoid / channel multiply (liveness)";
      return Status::ok();
    case OpType::kAvgPool2d:
      // No s8/qs8 average pooling in this XNNPACK (qu8 only): our reference loop runs it.
      FG_RETURN_IF_ERROR(reference_prepare_op(model, op));
      op->kernel_name = "reference qs8 avg pool (no XNNPACK op)";
      return Status::ok();
    default:
      return Status::error("xnnpack qs8: unsupported op type " + std::to_string(static_cast<int>(op->info.type)));
  }
  return xnn_finish_prepare(std::move(st), arena, op);
}

}  // namespace fg
