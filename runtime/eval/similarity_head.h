// Learned similarity on top of the frozen 128-D encoder (docs/similarity-heads.md).
//
// Two heads, both small enough to train in seconds on a board:
//  - BinaryHead: verification as binary classification, y = sigma(sum_k w_k x_k + b) with
//    x_k = |a_k - b_k| (kAbsDiff) or the chi-square term (a_k - b_k)^2 / (|a_k + b_k| + eps)
//    (kChiSquare), trained by logistic regression (full-batch Adam). "same" iff y >= threshold.
//  - LinearAdapter: g(x) = W x (W 128x128, init identity), optionally L2-normalised, trained
//    with the triplet loss max(|g(A)-g(P)|^2 - |g(A)-g(N)|^2 + margin, 0) on hard triplets
//    mined per batch. Applied after the encoder and to the gallery; "same" iff
//    |g(a)-g(b)|^2 <= threshold.
// Both are stored in one small file format (magic, version, kind, CRC-32; see .cc).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "runtime/vision/face_encoder.h"
#include "runtime/base/status.h"

namespace fg {

constexpr int kHeadDim = kEmbeddingDim;

// ---- binary-classification head ----

enum class HeadFeature : uint32_t { kAbsDiff = 0, kChiSquare = 1 };
const char* head_feature_name(HeadFeature f);

struct BinaryHead {
  HeadFeature feature = HeadFeature::kAbsDiff;
  std::vector<float> w = std::vector<float>(kHeadDim, 0.f);
  float bias = 0.f;
  float threshold = 0.5f;  // on y, chosen for target_far on the training pairs
  float target_far = 1e-3f;
};

// The 128 features of a pair (order-independent in a, b).
void head_features(HeadFeature feature, const float* a, const float* b, float* x);
// y = P(same person).
double binary_head_score(const BinaryHead& head, const float* a, const float* b);

struct HeadPair {
  const float* a = nullptr;
  const float* b = nullptr;
  bool same = false;
};

// Mean binary cross-entropy over `x` (n rows of kHeadDim features) plus 0.5*l2*|w|^2;
// gradients written when grad_w / grad_b are non-null. Exposed for the gradient check.
double binary_head_loss(const std::vector<float>& w, float bias, const std::vector<float>& x,
                        const std::vector<uint8_t>& same, double l2, std::vector<double>* grad_w,
                        double* grad_b);

struct BinaryTrainOptions {
  HeadFeature feature = HeadFeature::kAbsDiff;
  int epochs = 300;  // full-batch Adam steps
  double learning_rate = 0.05;
  double l2 = 1e-4;
  float target_far = 1e-3f;
};

using TrainProgress = std::function<void(int step, int steps, double loss)>;

// Error when there is no same or no different pair, or an option is out of range.
[[nodiscard]] Status binary_head_train(const std::vector<HeadPair>& pairs, const BinaryTrainOptions& options,
                                       BinaryHead* out, const TrainProgress& progress = nullptr);

// ---- triplet-loss linear adaptation ----

struct LinearAdapter {
  std::vector<float> w = identity();  // row-major kHeadDim x kHeadDim: g = W x
  bool l2_normalize = true;
  float threshold = 0.38f;  // on |g(a)-g(b)|^2, chosen for target_far on the training pairs
  float target_far = 1e-3f;
  static std::vector<float> identity();
};

void adapter_apply(const LinearAdapter& adapter, const float* in, float* out);
double adapter_distance_sq(const LinearAdapter& adapter, const float* a, const float* b);

struct Triplet {
  int anchor = 0, positive = 0, negative = 0;
};

enum class NegativeMining { kHardest, kSemiHard };

// For every (anchor, positive) of the same label among `g` (n rows of kHeadDim, already
// mapped), picks one negative that violates the margin, d(A,P) + margin > d(A,N):
// kHardest the nearest negative; kSemiHard the nearest one farther than the positive
// (d(A,P) < d(A,N) < d(A,P) + margin), else the nearest violating one. Pairs with no
// violating negative give no triplet (their loss is zero anyway).
std::vector<Triplet> mine_triplets(const std::vector<float>& g, const std::vector<int>& label, double margin,
                                   NegativeMining mining);

// Mean triplet loss over `triplets` of the inputs `x` (n rows) mapped by W (+ L2 norm), plus
// 0.5*decay*|W - I|^2; gradient w.r.t. W written when grad is non-null.
double triplet_loss(const std::vector<float>& w, bool l2_normalize, const std::vector<float>& x,
                    const std::vector<Triplet>& triplets, double margin, double decay,
                    std::vector<double>* grad);

struct TripletTrainOptions {
  bool l2_normalize = true;
  double margin = 0.2;
  NegativeMining mining = NegativeMining::kSemiHard;
  int epochs = 20;
  int people_per_batch = 32;
  int images_per_person = 4;
  double learning_rate = 1e-3;
  double decay = 1e-3;  // pulls W towards identity
  uint32_t seed = 1;
  float target_far = 1e-3f;
};

// `emb` is n rows of kHeadDim, `person` their labels; people with one image only serve as
// negatives. Error when fewer than two people have two images. The threshold is chosen
// afterwards by the caller (head_threshold_for_far) on pairs it trusts.
[[nodiscard]] Status adapter_train(const std::vector<float>& emb, const std::vector<int>& person,
                                   const TripletTrainOptions& options, LinearAdapter* out,
                                   const TrainProgress& progress = nullptr);

// The smallest "same" threshold with FAR <= far over the pairs' scores, for a score where
// larger = more similar (binary y) or, when distance is true, smaller = more similar.
double head_threshold_for_far(const std::vector<double>& score, const std::vector<uint8_t>& same, double far,
                              bool distance);

// ---- the file ----

enum class HeadKind : uint32_t { kBinary = 1, kTripletAdapter = 2 };

struct SimilarityHead {
  HeadKind kind = HeadKind::kBinary;
  BinaryHead binary;
  LinearAdapter adapter;
};

// true = same person; *score is y (binary) or the adapted squared distance.
bool similarity_head_decide(const SimilarityHead& head, const float* a, const float* b, double* score);

[[nodiscard]] Status similarity_head_save(const std::string& path, const SimilarityHead& head);
[[nodiscard]] Status similarity_head_load(const std::string& path, SimilarityHead* out);
// From bytes (the loader's checks without the file system; used by tests).
[[nodiscard]] Status similarity_head_parse(const std::vector<uint8_t>& bytes, SimilarityHead* out);
std::vector<uint8_t> similarity_head_serialize(const SimilarityHead& head);

}  // namespace fg
