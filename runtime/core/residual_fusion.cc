#include "runtime/core/residual_fusion.h"

namespace fg {
namespace {

bool same_shape(const TensorInfo& a, const TensorInfo& b) {
  if (a.rank != b.rank) return false;
  for (int d = 0; d < a.rank; ++d)
    if (a.dims[d] != b.dims[d]) return false;
  return true;
}

}  // namespace

int fuse_conv_residual_adds(const Model& model, std::vector<OpInfo>* ops) {
  std::vector<OpInfo>& v = *ops;
  // readers[t]: how many op inputs read tensor t; reader[t]: the last of them.
  std::vector<int> readers(model.tensors.size(), 0), reader(model.tensors.size(), -1);
  for (size_t i = 0; i < v.size(); ++i)
    for (int in : v[i].inputs)
      if (in >= 0) ++readers[in], reader[in] = static_cast<int>(i);
  std::vector<bool> removed(v.size(), false);
  int fused = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    const OpInfo& conv = v[i];
    if (conv.type != OpType::kConv2d && conv.type != OpType::kDepthwiseConv2d) continue;
    if (conv.activation != Activation::kNone || conv.inputs[3] >= 0) continue;
    const int t = conv.output;
    if (model.tensors[t].role != TensorRole::kActivation || readers[t] != 1) continue;
    const int j = reader[t];
    const OpInfo& add = v[j];
    if (add.type != OpType::kAdd || add.inputs[0] == add.inputs[1]) continue;
    const int other = add.inputs[0] == t ? add.inputs[1] : add.inputs[0];
    const TensorInfo& y = model.tensors[t];
    if (!same_shape(y, model.tensors[other]) || !same_shape(y, model.tensors[add.output])) continue;
    if (model.tensors[other].dtype != y.dtype) continue;
    OpInfo f = conv;
    f.inputs[3] = other;
    f.output = add.output;
    f.activation = add.activation;
    f.leaky_alpha = add.leaky_alpha;
    v[j] = f;
    removed[i] = true;
    ++fused;
  }
  std::vector<OpInfo> out;
  out.reserve(v.size() - fused);
  for (size_t i = 0; i < v.size(); ++i)
    if (!removed[i]) out.push_back(v[i]);
  v.swap(out);
  return fused;
}

}  // namespace fg
