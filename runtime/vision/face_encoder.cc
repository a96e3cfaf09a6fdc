#include "runtime/vision/face_encoder.h"

#include <algorithm>
#include <cstdio>

#include "runtime/vision/preprocess.h"

namespace fg {

Status face_encoder_open(const std::string& model_path, Backend backend, FaceEncoder* enc, int threads) {
  FG_RETURN_IF_ERROR(model_load_file(model_path, &enc->model));
  if (enc->model.net_name != "recognition")
    return Status::error(model_path + ": is a '" + enc->model.net_name + "' model, not the recognition net");
  const TensorInfo& in = enc->model.tensors[enc->model.inputs[0]];
  const TensorInfo& out = enc->model.tensors[enc->model.outputs[0]];
  if (in.elements != 150 * 150 * 3 || out.elements != kEmbeddingDim)
    return Status::error(model_path + ": recognition net must map 150x150x3 to 128");
  NetOptions opt;
  opt.backend = backend;
  opt.threads = threads;
  return net_prepare(enc->model, opt, &enc->net);
}

void face_encoder_embed_tensor(FaceEncoder& enc, const float* input, float out[kEmbeddingDim]) {
  std::copy(input, input + 150 * 150 * 3, net_input(enc.net));
  net_run(enc.net);
  std::copy(net_output(enc.net), net_output(enc.net) + kEmbeddingDim, out);
}

Status face_encoder_embed(FaceEncoder& enc, const Image& crop, float out[kEmbeddingDim]) {
  FG_RETURN_IF_ERROR(preprocess_face_for_recognition(crop, net_input(enc.net)));
  net_run(enc.net);
  std::copy(net_output(enc.net), net_output(enc.net) + kEmbeddingDim, out);
  return Status::ok();
}

std::string encoder_model_id(const Model& m) {
  bool int8 = false;
  for (const TensorInfo& t : m.tensors) int8 = int8 || t.quant != QuantKind::kNone;
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", static_cast<unsigned>(m.checksum));
  return m.net_name + (int8 ? "-int8-" : "-f32-") + crc;
}

float embedding_distance_sq(const float* a, const float* b, int dim) {
  float s = 0.f;
  for (int i = 0; i < dim; ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return s;
}

}  // namespace fg
