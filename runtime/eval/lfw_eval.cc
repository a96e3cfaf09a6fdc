#include "runtime/eval/lfw_eval.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <numeric>
#include <set>
#include <sstream>
#include <thread>

namespace fg {

Status lfw_parse_pairs(const std::string& path, std::vector<LfwPair>* pairs, int* num_folds) {
  std::ifstream in(path);
  if (!in) return Status::error(path + ": cannot open pairs file");
  int folds = 0, per = 0;
  if (!(in >> folds >> per) || folds < 1 || folds > 100 || per < 1 || per > 100000)
    return Status::error(path + ": first line must be '<folds> <pairs per half-fold>'");
  std::string line;
  std::getline(in, line);  // rest of the header line
  pairs->clear();
  for (int f = 0; f < folds; ++f) {
    for (int k = 0; k < 2 * per; ++k) {
      if (!std::getline(in, line))
        return Status::error(path + ": ends early in fold " + std::to_string(f + 1) + " (expected " +
                             std::to_string(2 * per) + " pairs per fold)");
      std::istringstream ls(line);
      std::vector<std::string> t;
      for (std::string w; ls >> w;) t.push_back(w);
      LfwPair p;
      p.fold = f;
      p.same = k < per;
      char* end = nullptr;
      auto num = [&](const std::string& s, int* v) {
        const long x = std::strtol(s.c_str(), &end, 10);
        if (*end || x < 1 || x > 9999) return false;
        *v = (int)x;
        return true;
      };
      const bool ok = p.same ? (t.size() == 3 && num(t[1], &p.n1) && num(t[2], &p.n2))
                             : (t.size() == 4 && num(t[1], &p.n1) && num(t[3], &p.n2));
      if (!ok)
        return Status::error(path + ": malformed " + (p.same ? "matched" : "mismatched") + " pair line '" + line +
                             "' in fold " + std::to_string(f + 1));
      p.name1 = t[0];
      p.name2 = p.same ? t[0] : t[2];
      if (p.name1.find('/') != std::string::npos || p.name2.find('/') != std::string::npos)
        return Status::error(path + ": a name may not contain '/': '" + line + "'");
      pairs->push_back(p);
    }
  }
  *num_folds = folds;
  return Status::ok();
}

std::string lfw_image_path(const std::string& dir, const std::string& name, int n) {
  char num[16];
  std::snprintf(num, sizeof num, "_%04d.jpg", n);
  return dir + "/" + name + "/" + name + num;
}

double best_threshold(const std::vector<double>& distance, const std::vector<bool>& same,
                      const std::vector<bool>& mask, double* accuracy) {
  std::vector<int> idx;
  for (size_t i = 0; i < distance.size(); ++i)
    if (mask[i]) idx.push_back((int)i);
  if (idx.empty()) {
    if (accuracy) *accuracy = 0;
    return 0;
  }
  std::sort(idx.begin(), idx.end(), [&](int a, int b) { return distance[a] < distance[b]; });
  // Threshold below every distance: all "different"; correct = #different pairs.
  int correct = 0;
  for (int i : idx) correct += same[i] ? 0 : 1;
  int best = correct;
  double best_t = distance[idx[0]] - 1e-6;
  for (size_t k = 0; k < idx.size();) {
    size_t e = k;  // a run of equal distances moves across the threshold together
    while (e < idx.size() && distance[idx[e]] == distance[idx[k]]) {
      correct += same[idx[e]] ? 1 : -1;
      ++e;
    }
    if (correct > best) {
      best = correct;
      best_t = e < idx.size() ? 0.5 * (distance[idx[k]] + distance[idx[e]]) : distance[idx[k]] + 1e-6;
    }
    k = e;
  }
  if (accuracy) *accuracy = (double)best / idx.size();
  return best_t;
}

double tar_at_far(const std::vector<RocPoint>& roc, double far, double* tau) {
  double best = 0, t = 0;
  for (const RocPoint& p : roc)
    if (p.far <= far && p.tar >= best) best = p.tar, t = p.threshold;
  if (tau) *tau = t;
  return best;
}

Status verification_k_fold(const std::vector<double>& distance, const std::vector<bool>& same,
                           const std::vector<int>& fold, VerificationReport* out) {
  const size_t n = distance.size();
  if (n == 0 || same.size() != n || fold.size() != n)
    return Status::error("verification: need the same non-zero number of distances, labels and folds");
  for (double d : distance)
    if (!std::isfinite(d)) return Status::error("verification: non-finite distance");
  *out = VerificationReport{};
  const std::set<int> folds(fold.begin(), fold.end());
  out->threshold_from_same_fold = folds.size() == 1;
  for (int f : folds) {
    std::vector<bool> train(n), test(n);
    for (size_t i = 0; i < n; ++i) {
      test[i] = fold[i] == f;
      train[i] = out->threshold_from_same_fold || fold[i] != f;
    }
    FoldResult r;
    r.fold = f;
    r.threshold = best_threshold(distance, same, train, nullptr);
    int correct = 0;
    for (size_t i = 0; i < n; ++i) {
      if (!test[i]) continue;
      ++r.pairs;
      correct += ((distance[i] <= r.threshold) == same[i]) ? 1 : 0;
    }
    r.accuracy = (double)correct / r.pairs;
    out->folds.push_back(r);
  }
  double sum = 0;
  for (const FoldResult& r : out->folds) sum += r.accuracy;
  out->mean_accuracy = sum / out->folds.size();
  double ss = 0;
  for (const FoldResult& r : out->folds) ss += (r.accuracy - out->mean_accuracy) * (r.accuracy - out->mean_accuracy);
  out->std_accuracy = out->folds.size() > 1 ? std::sqrt(ss / (out->folds.size() - 1)) : 0;
  out->best_tau = best_threshold(distance, same, std::vector<bool>(n, true), &out->best_tau_accuracy);

  // ROC over every pair: sweep the threshold up through the sorted distances.
  std::vector<int> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](int a, int b) { return distance[a] < distance[b]; });
  for (size_t i = 0; i < n; ++i) (same[i] ? out->same_pairs : out->different_pairs)++;
  const double ns = std::max(1, out->same_pairs), nd = std::max(1, out->different_pairs);
  int ta = 0, fa = 0;
  out->roc.push_back({distance[idx[0]] - 1e-6, 0, 0});
  for (size_t k = 0; k < n;) {
    size_t e = k;
    while (e < n && distance[idx[e]] == distance[idx[k]]) (same[idx[e++]] ? ta : fa)++;
    out->roc.push_back({distance[idx[k]], fa / nd, ta / ns});
    k = e;
  }
  out->tar_at_far_1e2 = tar_at_far(out->roc, 1e-2, &out->tau_at_far_1e2);
  out->tar_at_far_1e3 = tar_at_far(out->roc, 1e-3, &out->tau_at_far_1e3);
  return Status::ok();
}

// Deep-funneled LFW centres the face; per-coordinate std of the detected boxes is ~0.03-0.05.
const double kLfwFallbackBox[4] = {0.23, 0.31, 0.53, 0.52};

namespace {

// The box nearest the image centre within max_offset (fraction of the smaller side; 0 = any
// distance), or -1.
int face_nearest_centre(const std::vector<FaceBox>& boxes, int w, int h, double max_offset) {
  int best = -1;
  double best_d = 0;
  const double limit = max_offset * std::min(w, h);
  for (size_t i = 0; i < boxes.size(); ++i) {
    const double dx = boxes[i].x + boxes[i].width / 2 - w / 2.0, dy = boxes[i].y + boxes[i].height / 2 - h / 2.0;
    const double d = dx * dx + dy * dy;
    if (max_offset > 0 && d > limit * limit) continue;
    if (best < 0 || d < best_d) best = (int)i, best_d = d;
  }
  return best;
}

Status embed_one(FacePipeline& p, double max_offset, const std::string& path, Image& img,
                 std::vector<FaceBox>& boxes, PipelineFace& face, LfwImageResult* r) {
  FG_RETURN_IF_ERROR(image_load(path, 3, &img));
  FG_RETURN_IF_ERROR(face_pipeline_detect(p, img, &boxes));
  r->faces_found = (int)boxes.size();
  int pick = face_nearest_centre(boxes, img.width, img.height, max_offset);
  r->off_centre = !boxes.empty() && pick < 0;
  if (pick < 0) {
    // Re-decode the same detector output with a lower score threshold (no second net run):
    // LFW always holds a face, so a weak box at the centre beats the blind centre box.
    TinyDetectorOptions low = p.options.detector;
    low.score_threshold = kLfwRetryScoreThreshold;
    FG_RETURN_IF_ERROR(tiny_detector_decode(net_output(p.detector_net), low.input_size / 32, low, img.width,
                                            img.height, &boxes));
    pick = face_nearest_centre(boxes, img.width, img.height, max_offset);
    r->low_score = pick >= 0;
  }
  FaceBox box;
  if (pick >= 0) {
    box = boxes[pick];
  } else {
    r->fallback = true;
    box.x = kLfwFallbackBox[0] * img.width;
    box.y = kLfwFallbackBox[1] * img.height;
    box.width = kLfwFallbackBox[2] * img.width;
    box.height = kLfwFallbackBox[3] * img.height;
  }
  FG_RETURN_IF_ERROR(face_pipeline_landmarks(p, img, box, &face));
  FG_RETURN_IF_ERROR(face_pipeline_embed(p, img, &face));
  r->box = box;
  r->eye_left = landmarks_mean(face.landmarks, 36, 42);
  r->eye_right = landmarks_mean(face.landmarks, 42, 48);
  std::copy(face.embedding, face.embedding + kEmbeddingDim, r->embedding);
  return Status::ok();
}

}  // namespace

Status lfw_embed_images(const LfwRunOptions& options, const std::vector<std::string>& paths,
                        std::vector<LfwImageResult>* results) {
  const int threads = std::max(1, std::min(options.threads, 64));
  results->assign(paths.size(), LfwImageResult{});
  std::vector<FacePipeline> pipes(threads);
  FacePipelineOptions popt = options.pipeline;
  popt.embed = true;
  for (FacePipeline& p : pipes) FG_RETURN_IF_ERROR(face_pipeline_open(options.model_dir, popt, &p));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  size_t done = 0;  // under mu
  Status first_error;
  auto work = [&](FacePipeline* p) {
    Image img;
    std::vector<FaceBox> boxes;
    PipelineFace face;
    for (size_t i; !failed && (i = next++) < paths.size();) {
      Status s = embed_one(*p, options.max_centre_offset, paths[i], img, boxes, face, &(*results)[i]);
      if (!s) {
        std::lock_guard<std::mutex> lock(mu);
        if (!failed) first_error = s.with_context(paths[i]);
        failed = true;
      } else if (options.on_image_done) {
        std::lock_guard<std::mutex> lock(mu);
        options.on_image_done(++done, paths.size());
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, &pipes[t]);
  work(&pipes[0]);
  for (std::thread& t : pool) t.join();
  return failed ? first_error : Status::ok();
}

}  // namespace fg
