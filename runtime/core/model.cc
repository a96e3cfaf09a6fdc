#include "runtime/core/model.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "runtime/base/crc32.h"
#include "runtime/core/model_validate.h"

namespace fg {
namespace {

std::string fmt(const char* f, unsigned long long a = 0, unsigned long long b = 0,
                unsigned long long c = 0) {
  char buf[256];
  std::snprintf(buf, sizeof buf, f, a, b, c);
  return buf;
}

// [offset, offset + bytes) lies inside [lo, hi), without overflow.
bool range_within(uint64_t offset, uint64_t bytes, uint64_t lo, uint64_t hi) {
  return offset >= lo && offset <= hi && bytes <= hi - offset;
}

Status parse_header(const uint8_t* p, size_t size, FileHeader* h) {
  if (size < sizeof(FileHeader))
    return Status::error(fmt("file is %llu bytes, shorter than the %llu-byte header (truncated?)",
                             size, sizeof(FileHeader)));
  std::memcpy(h, p, sizeof *h);
  if (std::memcmp(h->magic, kModelMagic, sizeof kModelMagic) != 0)
    return Status::error("not a facegate model file (bad magic; expected \"FGMODEL\")");
  if (h->version != kModelVersion)
    return Status::error(fmt("model format version %llu is not supported (this build reads %llu)",
                             h->version, kModelVersion));
  if (h->header_bytes != sizeof(FileHeader))
    return Status::error(fmt("header size %llu, expected %llu", h->header_bytes, sizeof(FileHeader)));
  if (h->file_bytes != size)
    return Status::error(fmt("file is %llu bytes but its header says %llu (truncated or padded)",
                             size, h->file_bytes));
  if (h->tensor_count == 0 || h->tensor_count > kMaxModelTensors)
    return Status::error(fmt("tensor count %llu out of range 1..%llu", h->tensor_count, kMaxModelTensors));
  if (h->op_count == 0 || h->op_count > kMaxModelOps)
    return Status::error(fmt("op count %llu out of range 1..%llu", h->op_count, kMaxModelOps));
  const uint64_t end = h->file_bytes;
  if (!range_within(h->tensors_offset, uint64_t{h->tensor_count} * sizeof(TensorRecord),
                    sizeof(FileHeader), end))
    return Status::error("tensor table lies outside the file");
  if (!range_within(h->ops_offset, uint64_t{h->op_count} * sizeof(OpRecord), sizeof(FileHeader), end))
    return Status::error("op table lies outside the file");
  if (h->data_offset % kModelAlignment != 0 || h->data_offset > end || h->data_bytes != end - h->data_offset ||
      h->data_offset < h->ops_offset + uint64_t{h->op_count} * sizeof(OpRecord) ||
      h->data_offset < h->tensors_offset + uint64_t{h->tensor_count} * sizeof(TensorRecord))
    return Status::error("data section must follow the tables, be 64-byte aligned and end the file");
  if (h->flags != 0) return Status::error("unknown header flags");
  for (uint8_t b : h->reserved)
    if (b) return Status::error("reserved header bytes must be zero");
  const uint32_t crc = model_checksum(p, size);
  if (crc != h->checksum)
    return Status::error(fmt("checksum mismatch (file says %08llx, contents give %08llx): the file "
                             "is corrupted", h->checksum, crc));
  if (h->net_name[kNetNameBytes - 1] != '\0') return Status::error("net name not terminated");
  return Status::ok();
}

Status parse_tensor(const TensorRecord& r, int index, const FileHeader& h, const uint8_t* base,
                    TensorInfo* t) {
  const std::string where = "tensor " + std::to_string(index);
  if (std::memchr(r.name, '\0', kTensorNameBytes) == nullptr)
    return Status::error(where + ": name not terminated");
  t->name = r.name;
  const std::string named = where + " (" + t->name + ")";
  if (r.dtype > static_cast<uint8_t>(DType::kI32)) return Status::error(named + ": unknown dtype");
  if (r.role > static_cast<uint8_t>(TensorRole::kOutput)) return Status::error(named + ": unknown role");
  if (r.quant > static_cast<uint8_t>(QuantKind::kPerChannel))
    return Status::error(named + ": unknown quantization kind");
  if (r.rank < 1 || r.rank > kMaxTensorRank) return Status::error(named + ": rank must be 1..4");
  t->dtype = static_cast<DType>(r.dtype);
  t->role = static_cast<TensorRole>(r.role);
  t->quant = static_cast<QuantKind>(r.quant);
  t->rank = r.rank;
  t->elements = 1;
  for (int d = 0; d < kMaxTensorRank; ++d) {
    const int v = r.dims[d];
    if (d >= r.rank ? v != 1 : (v < 1 || v > kMaxDim))
      return Status::error(named + fmt(": dimension %llu is %llu (allowed 1..65536, unused = 1)",
                                       d, static_cast<unsigned long long>(static_cast<int64_t>(v))));
    t->dims[d] = v;
    t->elements *= v;
    if (t->elements > kMaxTensorElements) return Status::error(named + ": too many elements");
  }
  if (t->role == TensorRole::kConstant) {
    if (r.data_bytes != static_cast<uint64_t>(t->bytes()))
      return Status::error(named + fmt(": holds %llu bytes, its shape needs %llu", r.data_bytes, t->bytes()));
    if (!range_within(r.data_offset, r.data_bytes, 0, h.data_bytes) || r.data_offset % kModelAlignment)
      return Status::error(named + fmt(": data [%llu, +%llu) outside the %llu-byte data section "
                                       "or misaligned", r.data_offset, r.data_bytes, h.data_bytes));
    t->data = base + h.data_offset + r.data_offset;
  } else if (r.data_bytes != 0) {
    return Status::error(named + ": only constants may carry data");
  }
  if (t->quant != QuantKind::kNone) {
    if (t->dtype != DType::kI8 && t->dtype != DType::kI32)
      return Status::error(named + ": only integer tensors are quantized");
    if (!(std::isfinite(r.scale) && r.scale > 0.f) && t->quant == QuantKind::kPerTensor)
      return Status::error(named + ": quantization scale must be finite and > 0");
    if (r.zero_point < -128 || r.zero_point > 127)
      return Status::error(named + ": zero point outside int8 range");
    t->scale = r.scale;
    t->zero_point = r.zero_point;
    if (t->quant == QuantKind::kPerChannel) {
      const uint64_t n = static_cast<uint64_t>(t->dims[t->rank - 1]);
      if (!range_within(r.scales_offset, n * 4, 0, h.data_bytes) || r.scales_offset % 4)
        return Status::error(named + ": per-channel scales outside the data section");
      t->channel_scales = reinterpret_cast<const float*>(base + h.data_offset + r.scales_offset);
      for (uint64_t c = 0; c < n; ++c)
        if (!(std::isfinite(t->channel_scales[c]) && t->channel_scales[c] > 0.f))
          return Status::error(named + ": per-channel scale must be finite and > 0");
    }
  } else if (t->dtype == DType::kI8) {
    return Status::error(named + ": int8 tensor without quantization parameters");
  }
  return Status::ok();
}

Status parse_op(const OpRecord& r, int index, int tensor_count, OpInfo* op) {
  const std::string where = "op " + std::to_string(index);
  if (r.type < 1 || r.type > kOpTypeLast) return Status::error(where + ": unknown op type");
  if (r.activation > static_cast<uint8_t>(Activation::kLeakyRelu))
    return Status::error(where + ": unknown activation");
  op->type = static_cast<OpType>(r.type);
  op->activation = static_cast<Activation>(r.activation);
  op->leaky_alpha = r.leaky_alpha;
  if (!std::isfinite(op->leaky_alpha)) return Status::error(where + ": leaky alpha not finite");
  for (int i = 0; i < kMaxOpInputs; ++i) {
    if (r.inputs[i] < -1 || r.inputs[i] >= tensor_count)
      return Status::error(where + ": input tensor index out of range");
    op->inputs[i] = r.inputs[i];
  }
  if (r.output < 0 || r.output >= tensor_count) return Status::error(where + ": output index out of range");
  op->output = r.output;
  op->kernel_h = r.kernel_h; op->kernel_w = r.kernel_w;
  op->stride_h = r.stride_h; op->stride_w = r.stride_w;
  op->pad_top = r.pad_top; op->pad_left = r.pad_left;
  op->pad_bottom = r.pad_bottom; op->pad_right = r.pad_right;
  return Status::ok();
}

}  // namespace

uint32_t model_checksum(const uint8_t* file, size_t size) {
  FileHeader h;
  std::memcpy(&h, file, sizeof h);
  h.checksum = 0;
  const uint32_t crc = crc32(&h, sizeof h);
  return crc32(file + sizeof h, size - sizeof h, crc);
}

int Model::find_tensor(const std::string& name) const {
  for (size_t i = 0; i < tensors.size(); ++i)
    if (tensors[i].name == name) return static_cast<int>(i);
  return -1;
}

Status model_load_bytes(const void* bytes, size_t size, const std::string& what, Model* out) {
  Model m;
  if (size > kMaxModelFileBytes) return Status::error(what + ": file too large");
  if (!m.bytes.resize(size)) return Status::error(what + ": out of memory");
  if (size) std::memcpy(m.bytes.data(), bytes, size);
  const uint8_t* p = m.bytes.data();
  FileHeader h;
  Status s = parse_header(p, size, &h);
  if (!s) return s.with_context(what);
  m.net_name = h.net_name;
  m.checksum = h.checksum;
  m.tensors.resize(h.tensor_count);
  for (uint32_t i = 0; i < h.tensor_count; ++i) {
    TensorRecord r;
    std::memcpy(&r, p + h.tensors_offset + i * sizeof(TensorRecord), sizeof r);
    s = parse_tensor(r, static_cast<int>(i), h, p, &m.tensors[i]);
    if (!s) return s.with_context(what);
    if (m.tensors[i].role == TensorRole::kInput) m.inputs.push_back(static_cast<int>(i));
    if (m.tensors[i].role == TensorRole::kOutput) m.outputs.push_back(static_cast<int>(i));
  }
  m.ops.resize(h.op_count);
  for (uint32_t i = 0; i < h.op_count; ++i) {
    OpRecord r;
    std::memcpy(&r, p + h.ops_offset + i * sizeof(OpRecord), sizeof r);
    s = parse_op(r, static_cast<int>(i), static_cast<int>(h.tensor_count), &m.ops[i]);
    if (!s) return s.with_context(what);
  }
  s = model_validate_graph(m);
  if (!s) return s.with_context(what);
  *out = std::move(m);
  return Status::ok();
}

Status model_load_file(const std::string& path, Model* out) {
  std::ifstream f(path, std::ios::binary | std::ios::ate);
  if (!f) return Status::error(path + ": cannot open model file");
  const std::streamoff size = f.tellg();
  if (size < 0) return Status::error(path + ": cannot read model file");
  if (static_cast<uint64_t>(size) > kMaxModelFileBytes) return Status::error(path + ": file too large");
  std::vector<char> buf(static_cast<size_t>(size));
  f.seekg(0);
  if (size > 0 && !f.read(buf.data(), size)) return Status::error(path + ": read failed");
  return model_load_bytes(buf.data(), buf.size(), path, out);
}

}  // namespace fg
