// The three face-api nets as facegate graphs, built from their TF.js weights.
// Each builder follows ../shared/reference/ARCHITECTURE.md (§1, §2, §4) and names its
// activations like the reference's per-layer dumps ("conv32_1/add+relu", "dense0/conv0").
#pragma once
#include "runtime/core/graph_builder.h"
#include "tools/convert/tfjs_weights.h"

#include <string>
#include <vector>

namespace fg {

// Reads a net's tensors by name and shape: the first failure is kept in `status` and zeros of
// the asked shape are returned, so a builder runs to the end and reports one clear error.
struct WeightReader {
  const TfjsWeights& w;
  Status status = Status::ok();
  std::vector<float> get(const std::string& name, const std::vector<int>& shape) {
    const TfjsTensor* t = nullptr;
    Status s = w.get(name, shape, &t);
    if (!s) {
      if (status) status = s;
      size_t n = 1;
      for (int d : shape) n *= static_cast<size_t>(d);
      return std::vector<float>(n, 0.f);
    }
    return t->values;
  }
};

// ResNet-29 encoder, 150x150x3 -> 128. conv + "scale" layers folded: W' = W*s, b' = b*s + t.
[[nodiscard]] Status build_recognition_net(const TfjsWeights& w, ModelBuilder* out);
// Tiny YOLOv2 face detector at input_size x input_size (multiple of 32) -> [G,G,25].
[[nodiscard]] Status build_detector_net(const TfjsWeights& w, int input_size, ModelBuilder* out);
// YuNet (models/yunet) at input_size x input_size (multiple of 32) -> 3 outputs
// [N/8][N/8][16], [N/16][N/16][16], [N/32][N/32][16] (tools/convert/net_yunet.cc).
[[nodiscard]] Status build_yunet_net(const TfjsWeights& w, int input_size, ModelBuilder* out);
// 68-point landmark net, 112x112x3 -> 136.
[[nodiscard]] Status build_landmark68_net(const TfjsWeights& w, ModelBuilder* out);

}  // namespace fg
