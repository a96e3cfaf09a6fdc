// Builds a model file in memory and writes it (the converter, the quantizer and the tests use
// it). The builder does no validation of its own: model_load_bytes() on the result does.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/model_format.h"
#include "runtime/base/status.h"

namespace fg {

struct ModelBuilder {
  struct Tensor {
    TensorRecord record{};
    std::vector<uint8_t> data;           // constants
    std::vector<float> channel_scales;   // per-channel quantization
  };
  std::string net_name;
  std::vector<Tensor> tensors;
  std::vector<OpRecord> ops;

  // Returns the new tensor's index. dims: outermost first, up to 4.
  int add_tensor(const std::string& name, DType dtype, TensorRole role, std::vector<int> dims);
  int add_constant_f32(const std::string& name, std::vector<int> dims, const std::vector<float>& values);
  int add_constant_raw(const std::string& name, DType dtype, std::vector<int> dims, const void* data,
                       size_t bytes);
  // An op with default fields (stride 1, no padding, no activation, inputs absent).
  static OpRecord make_op(OpType type, std::vector<int> inputs, int output);

  // The file's bytes: header, tables, aligned data, checksum.
  std::vector<uint8_t> serialize() const;
  [[nodiscard]] Status write_file(const std::string& path) const;
};

}  // namespace fg
