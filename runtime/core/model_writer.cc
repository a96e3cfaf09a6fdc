#include "runtime/core/model_writer.h"

#include <cstdio>
#include <cstring>

#include "runtime/core/model.h"

namespace fg {
namespace {
uint64_t align_up(uint64_t v) { return (v + kModelAlignment - 1) / kModelAlignment * kModelAlignment; }
}  // namespace

int ModelBuilder::add_tensor(const std::string& name, DType dtype, TensorRole role, std::vector<int> dims) {
  Tensor t;
  std::snprintf(t.record.name, kTensorNameBytes, "%s", name.c_str());
  t.record.dtype = static_cast<uint8_t>(dtype);
  t.record.role = static_cast<uint8_t>(role);
  t.record.rank = static_cast<uint8_t>(dims.size());
  for (int d = 0; d < kMaxTensorRank; ++d)
    t.record.dims[d] = d < static_cast<int>(dims.size()) ? dims[d] : 1;
  tensors.push_back(std::move(t));
  return static_cast<int>(tensors.size()) - 1;
}

int ModelBuilder::add_constant_raw(const std::string& name, DType dtype, std::vector<int> dims,
                                   const void* data, size_t bytes) {
  const int id = add_tensor(name, dtype, TensorRole::kConstant, std::move(dims));
  auto& d = tensors[id].data;
  d.resize(bytes);
  if (bytes) std::memcpy(d.data(), data, bytes);
  return id;
}

int ModelBuilder::add_constant_f32(const std::string& name, std::vector<int> dims,
                                   const std::vector<float>& values) {
  return add_constant_raw(name, DType::kF32, std::move(dims), values.data(), values.size() * sizeof(float));
}

OpRecord ModelBuilder::make_op(OpType type, std::vector<int> inputs, int output) {
  OpRecord op{};
  op.type = static_cast<uint16_t>(type);
  for (int i = 0; i < kMaxOpInputs; ++i)
    op.inputs[i] = i < static_cast<int>(inputs.size()) ? inputs[i] : -1;
  op.output = output;
  op.kernel_h = op.kernel_w = op.stride_h = op.stride_w = 1;
  return op;
}

std::vector<uint8_t> ModelBuilder::serialize() const {
  FileHeader h{};
  std::memcpy(h.magic, kModelMagic, sizeof kModelMagic);
  h.version = kModelVersion;
  h.header_bytes = sizeof(FileHeader);
  std::snprintf(h.net_name, kNetNameBytes, "%s", net_name.c_str());
  h.tensor_count = static_cast<uint32_t>(tensors.size());
  h.op_count = static_cast<uint32_t>(ops.size());
  h.tensors_offset = sizeof(FileHeader);
  h.ops_offset = h.tensors_offset + tensors.size() * sizeof(TensorRecord);
  h.data_offset = align_up(h.ops_offset + ops.size() * sizeof(OpRecord));

  // Lay out the data section: each blob and each scale table 64-byte aligned.
  std::vector<TensorRecord> records;
  uint64_t cursor = 0;
  for (const Tensor& t : tensors) {
    TensorRecord r = t.record;
    if (!t.data.empty()) {
      r.data_offset = cursor;
      r.data_bytes = t.data.size();
      cursor = align_up(cursor + t.data.size());
    }
    if (!t.channel_scales.empty()) {
      r.scales_offset = cursor;
      cursor = align_up(cursor + t.channel_scales.size() * sizeof(float));
    }
    records.push_back(r);
  }
  h.data_bytes = cursor;
  h.file_bytes = h.data_offset + h.data_bytes;

  std::vector<uint8_t> out(h.file_bytes, 0);
  std::memcpy(out.data() + h.tensors_offset, records.data(), records.size() * sizeof(TensorRecord));
  if (!ops.empty()) std::memcpy(out.data() + h.ops_offset, ops.data(), ops.size() * sizeof(OpRecord));
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& t = tensors[i];
    if (!t.data.empty())
      std::memcpy(out.data() + h.data_offset + records[i].data_offset, t.data.data(), t.data.size());
    if (!t.channel_scales.empty())
      std::memcpy(out.data() + h.data_offset + records[i].scales_offset, t.channel_scales.data(),
                  t.channel_scales.size() * sizeof(float));
  }
  std::memcpy(out.data(), &h, sizeof h);
  h.checksum = model_checksum(out.data(), out.size());
  std::memcpy(out.data(), &h, sizeof h);
  return out;
}

Status ModelBuilder::write_file(const std::string& path) const {
  const std::vector<uint8_t> bytes = serialize();
  const std::string tmp = path + ".tmp";
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::error(path + ": cannot open for writing");
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (std::fclose(f) != 0 || !ok) {
    std::remove(tmp.c_str());
    return Status::error(path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) return Status::error(path + ": rename failed");
  return Status::ok();
}

}  // namespace fg
