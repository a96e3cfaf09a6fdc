// The encoder stage: an RGB (or gray) face crop -> 128-D descriptor.
// Wraps the recognition model + a prepared Net; the crop is padded to a square, resized to
// 150x150 and normalised exactly as face-api does (runtime/vision/preprocess.h).
#pragma once
#include <string>

#include "runtime/core/executor.h"
#include "runtime/vision/image.h"

namespace fg {

constexpr int kEmbeddingDim = 128;

struct FaceEncoder {
  Model model;
  Net net;
};

// threads: NetOptions::threads of the encoder net (1 = single thread, 0 = all cores).
[[nodiscard]] Status face_encoder_open(const std::string& model_path, Backend backend, FaceEncoder* enc,
                                       int threads = 1);
// `crop` is the whole face region (any size; 150x150 chips pass straight through).
[[nodiscard]] Status face_encoder_embed(FaceEncoder& enc, const Image& crop, float out[kEmbeddingDim]);
// Runs the net on an already preprocessed 150x150x3 tensor.
void face_encoder_embed_tensor(FaceEncoder& enc, const float* input, float out[kEmbeddingDim]);

// Identifies the encoder in a gallery header ("recognition-f32-1a2b3c4d": net name, weight
// type, model file CRC-32), so a gallery refuses embeddings made by other weights.
std::string encoder_model_id(const Model& m);

// ||a - b||², the distance verification thresholds (tau).
float embedding_distance_sq(const float* a, const float* b, int dim = kEmbeddingDim);

}  // namespace fg
