// People-disjoint 10-fold evaluation of the learned similarity heads on LFW pairs
// (docs/similarity-heads.md). For fold i the test set is fold i's official pairs; every
// person appearing in them is removed from training: the heads train on the images of the
// remaining people, and the decision threshold is chosen (best accuracy, as in the LFW
// protocol) on the other folds' pairs whose two people are both outside fold i.
// Methods on identical splits: plain squared-L2 tau, the binary head, tau on triplet-adapted
// embeddings, and tau on L2-normalised embeddings (the adapter's starting point).
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "runtime/eval/lfw_eval.h"
#include "runtime/eval/similarity_head.h"
#include "runtime/base/status.h"

namespace fg {

struct SimilarityDataset {
  struct Pair {
    int a = 0, b = 0;  // image indices
    bool same = false;
    int fold = 0;
  };
  std::vector<std::string> paths;  // image index -> file
  std::vector<int> person;         // image index -> person index
  std::vector<std::string> names;  // person index -> name
  std::vector<Pair> pairs;
  std::vector<float> emb;  // image index -> kHeadDim floats (filled by the caller)
};

// Images and pairs of LFW pairs.txt entries (emb left empty).
void similarity_dataset_from_pairs(const std::vector<LfwPair>& pairs, const std::string& lfw_dir,
                                   SimilarityDataset* out);

// Labelled pairs among the images with image_mask[i]: every same-person pair (at most
// max_same_per_person per person) and as many different-person pairs drawn at random.
std::vector<HeadPair> similarity_training_pairs(const SimilarityDataset& d, const std::vector<uint8_t>& image_mask,
                                                int max_same_per_person, uint32_t seed);

struct SimilarityEvalOptions {
  BinaryTrainOptions binary;
  TripletTrainOptions triplet;
  int max_same_per_person = 20;
  uint32_t seed = 7;
};

struct MethodFolds {
  std::string name;
  std::vector<double> accuracy;  // per fold
  double mean = 0, std = 0;      // std: sample (n-1)
  double train_seconds = 0;      // summed over folds
};

struct SimilarityEvalReport {
  std::vector<MethodFolds> methods;    // plain tau, binary head, triplet-adapted tau, L2-normalised tau
  std::vector<int> train_images;       // per fold
  std::vector<int> train_pairs;        // binary head training pairs per fold
  std::vector<int> dropped_threshold_pairs;  // other-fold pairs dropped: a person of fold i in them
};

// Error when a fold has no test pair or training is impossible.
[[nodiscard]] Status similarity_eval_folds(const SimilarityDataset& d, const SimilarityEvalOptions& options,
                                           SimilarityEvalReport* out,
                                           const std::function<void(const std::string&)>& log = nullptr);

}  // namespace fg
