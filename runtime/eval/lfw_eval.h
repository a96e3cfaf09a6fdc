// LFW verification protocol (View 2, pairs.txt) and the k-fold statistics behind it.
//
// pairs.txt: first line "<folds> <n>", then per fold n matched lines "name i j" followed by
// n mismatched lines "name1 i name2 j"; images are <dir>/<name>/<name>_<iiii>.jpg.
// Protocol: for each fold, the threshold tau that maximises accuracy on the OTHER folds is
// applied to that fold ("same" iff d <= tau); report the mean and std of the fold
// accuracies. The ROC and TAR@FAR are over all pairs at once (no cross-validation).
//
// lfw_embed_images runs the face pipeline over the distinct images of the chosen pairs with
// one FacePipeline per thread. An image where the detector finds no face near the centre
// (max_centre_offset: a face further out is someone else) is never dropped:
// the detector output is decoded again at a lower score threshold, and if still nothing,
// its embedding comes from a fixed centre box (kLfwFallbackBox, where the deep-funneled LFW
// images put the face) run through landmarks + descriptor, and it is counted.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/base/status.h"

namespace fg {

struct LfwPair {
  std::string name1, name2;
  int n1 = 0, n2 = 0;
  bool same = false;
  int fold = 0;  // 0-based
};

[[nodiscard]] Status lfw_parse_pairs(const std::string& path, std::vector<LfwPair>* pairs, int* num_folds);
std::string lfw_image_path(const std::string& dir, const std::string& name, int n);

// ---- statistics on distances (any verification set) ----

struct RocPoint {
  double threshold = 0, far = 0, tar = 0;
};

struct FoldResult {
  int fold = 0;
  double threshold = 0;  // chosen on the other folds
  double accuracy = 0;   // on this fold
  int pairs = 0;
};

struct VerificationReport {
  std::vector<FoldResult> folds;
  bool threshold_from_same_fold = false;  // only one fold selected: no held-out estimate
  double mean_accuracy = 0, std_accuracy = 0;  // std: sample (n-1) over folds
  double best_tau = 0, best_tau_accuracy = 0;  // one threshold fitted on every pair
  std::vector<RocPoint> roc;                   // one point per distinct distance, FAR ascending
  double tar_at_far_1e2 = 0, tau_at_far_1e2 = 0;
  double tar_at_far_1e3 = 0, tau_at_far_1e3 = 0;
  int same_pairs = 0, different_pairs = 0;
};

// The threshold maximising accuracy of "same iff d <= tau" over the selected pairs
// (mask[i] true); the midpoint of the first best gap between sorted distances.
double best_threshold(const std::vector<double>& distance, const std::vector<bool>& same,
                      const std::vector<bool>& mask, double* accuracy);

// distance/same/fold are per pair; folds are whatever distinct values `fold` holds.
[[nodiscard]] Status verification_k_fold(const std::vector<double>& distance, const std::vector<bool>& same,
                                         const std::vector<int>& fold, VerificationReport* out);

// Highest TAR among ROC points with FAR <= far (threshold in *tau).
double tar_at_far(const std::vector<RocPoint>& roc, double far, double* tau);

// ---- running the pipeline over LFW ----

struct LfwImageResult {
  float embedding[kEmbeddingDim] = {};
  int faces_found = 0;     // at the pipeline's score threshold
  bool low_score = false;  // none near the centre at the threshold, one at kLfwRetryScoreThreshold
  bool fallback = false;   // none even then: the centre box was used
  bool off_centre = false; // faces found, but all too far from the centre to be the subject
  FaceBox box;             // the box embedded (picked detection or the fallback box)
  Point2 eye_left, eye_right;  // eye centres (landmarks 36-41, 42-47), frame pixels
};

constexpr double kLfwRetryScoreThreshold = 0.2;

// LFW's subject is the face at the image centre (the images are cropped around it). A face
// whose box centre lies further than this fraction of the smaller image side from the image
// centre is someone else: at detector input 160, 10 of 7701 images have only such a face
// (offsets 61-114 px of 250; the next largest is 49) because the subject was missed, and 8
// of the 53 errors at the default's tau came from them.
constexpr double kLfwMaxCentreOffset = 0.2;

// Relative (x, y, w, h) of the fallback box in a deep-funneled 250x250 LFW image: the
// median detector box (input 160) over 150 LFW images.
extern const double kLfwFallbackBox[4];

// LFW faces fill ~half of the 250x250 frame: the detector finds far more of them at input
// 160 (1.7% missed on a 300-image sample) than at 416 (13%), and 7x cheaper.
constexpr int kLfwDetectorInputSize = 160;

struct LfwRunOptions {
  std::string model_dir;
  FacePipelineOptions pipeline;
  int threads = 2;
  // Faces further than this from the centre (fraction of the smaller side) are not the
  // subject; 0 keeps any face (the nearest to the centre).
  double max_centre_offset = kLfwMaxCentreOffset;
  // Called after each image with (images done, total): the CLI's progress line. From any
  // worker thread, one call at a time (under the embedder's lock).
  std::function<void(size_t done, size_t total)> on_image_done;
  LfwRunOptions() { pipeline.detector.input_size = kLfwDetectorInputSize; }
};

// Embeds every path (decoded as RGB); results[i] belongs to paths[i]. Picks, per image, the
// detected face whose centre is nearest the image centre, among those within
// max_centre_offset of it; with none there, the same at kLfwRetryScoreThreshold; then the
// fallback box.
[[nodiscard]] Status lfw_embed_images(const LfwRunOptions& options, const std::vector<std::string>& paths,
                                      std::vector<LfwImageResult>* results);

}  // namespace fg
