// Reads a TensorFlow.js weights manifest (*-weights_manifest.json) and its .bin shard(s), and
// dequantizes every tensor exactly as tfjs does (io_utils.decodeWeight):
//   value = float32( double(q) * scale + min )     for uint8-quantized tensors
// raw float32 tensors are copied as stored (little-endian).
#pragma once
#include <map>
#include <string>
#include <vector>

#include "runtime/base/status.h"

namespace fg {

struct TfjsTensor {
  std::vector<int> shape;
  std::vector<float> values;
};

struct TfjsWeights {
  std::map<std::string, TfjsTensor> tensors;
  // The tensor `name` with exactly `shape`, or an error naming what differs.
  [[nodiscard]] Status get(const std::string& name, const std::vector<int>& shape, const TfjsTensor** out) const;
};

// `bin_path` is the concatenated weights file the manifest's "paths" describe.
[[nodiscard]] Status tfjs_weights_load(const std::string& manifest_path, const std::string& bin_path,
                                       TfjsWeights* out);

}  // namespace fg
