// A loaded, validated model: tensors and ops in execution order, weights in one aligned
// buffer. model_load_* checks every offset, count, shape and quantization parameter of the
// file (docs/model-format.md) and every op's shapes, so the executor can run it blind.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/op_shapes.h"
#include "runtime/base/aligned_buffer.h"
#include "runtime/core/model_format.h"
#include "runtime/base/status.h"

namespace fg {

struct TensorInfo {
  std::string name;
  DType dtype = DType::kF32;
  TensorRole role = TensorRole::kActivation;
  int rank = 0;
  int dims[kMaxTensorRank] = {1, 1, 1, 1};
  int64_t elements = 0;
  const void* data = nullptr;  // constants only; points into Model::bytes
  QuantKind quant = QuantKind::kNone;
  float scale = 0.f;
  int32_t zero_point = 0;
  const float* channel_scales = nullptr;  // kPerChannel: dims[rank-1] scales

  int64_t bytes() const { return elements * dtype_size(dtype); }
  const float* f32() const { return static_cast<const float*>(data); }
};

struct OpInfo {
  OpType type = OpType::kConv2d;
  Activation activation = Activation::kNone;
  float leaky_alpha = 0.f;
  int inputs[kMaxOpInputs] = {-1, -1, -1, -1};
  int output = -1;
  int kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
};

struct Model {
  std::string net_name;
  std::vector<TensorInfo> tensors;
  std::vector<OpInfo> ops;
  std::vector<int> inputs;   // tensor indices with role kInput, in file order
  std::vector<int> outputs;  // role kOutput
  uint32_t checksum = 0;     // the file's CRC-32: identifies the exact weights
  AlignedBuffer bytes;       // the whole file

  int find_tensor(const std::string& name) const;
};

// Upper bounds that keep a hostile file from asking for absurd work or memory.
constexpr uint32_t kMaxModelTensors = 4096;
constexpr uint32_t kMaxModelOps = 4096;
constexpr int kMaxDim = 1 << 16;
constexpr int64_t kMaxTensorElements = int64_t{1} << 28;
constexpr uint64_t kMaxModelFileBytes = uint64_t{1} << 31;

[[nodiscard]] Status model_load_file(const std::string& path, Model* out);
// CRC-32 of a whole file (>= header size) with its checksum field read as zero.
uint32_t model_checksum(const uint8_t* file, size_t size);
// `bytes` is copied; `what` names the source in error messages.
[[nodiscard]] Status model_load_bytes(const void* bytes, size_t size, const std::string& what,
                                      Model* out);

}  // namespace fg
