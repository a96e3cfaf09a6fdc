#include "runtime/eval/door_eval.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

#include "runtime/vision/face_photo.h"

namespace fg {

Status door_eval_embed(const DoorEvalRun& run, const std::vector<std::string>& paths,
                       const std::vector<uint32_t>& seeds, DoorTransform t, bool gallery_side,
                       std::vector<DoorEvalFace>* out) {
  if (!gallery_side && seeds.size() != paths.size()) return Status::error("door eval: one seed per probe");
  const int threads = std::max(1, std::min(run.threads, 64));
  out->assign(paths.size(), DoorEvalFace{});
  std::vector<FacePipeline> pipes(threads);
  FacePipelineOptions popt = run.pipeline;
  popt.embed = true;
  for (FacePipeline& p : pipes) FG_RETURN_IF_ERROR(face_pipeline_open(run.model_dir, popt, &p));
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  size_t done = 0;  // under mu
  Status first_error;
  auto work = [&](FacePipeline* p) {
    Image img, probe;
    PipelineFace face;
    for (size_t i; !failed && (i = next++) < paths.size();) {
      DoorEvalFace& r = (*out)[i];
      Status s = image_load(paths[i], 3, &img);
      if (s && gallery_side) s = face_embed_photo(*p, img, &face, &r.found);
      if (s && !gallery_side) {
        s = door_transform_apply(img, t, seeds[i], &probe);
        if (s) s = face_embed_largest(*p, probe, &face, &r.found);
      }
      if (s && r.found) std::copy(face.embedding, face.embedding + kEmbeddingDim, r.embedding);
      std::lock_guard<std::mutex> lock(mu);
      if (!s) {
        if (!failed) first_error = s.with_context(paths[i]);
        failed = true;
      } else if (run.on_image_done) {
        run.on_image_done(++done, paths.size());
      }
    }
  };
  std::vector<std::thread> pool;
  for (int k = 1; k < threads; ++k) pool.emplace_back(work, &pipes[k]);
  work(&pipes[0]);
  for (std::thread& th : pool) th.join();
  return failed ? first_error : Status::ok();
}

Status door_eval_score(const std::vector<DoorEvalFace>& gallery, const std::vector<DoorEvalFace>& probe,
                       const std::vector<bool>& same, const std::vector<int>& fold, double door_tau,
                       DoorConditionReport* out) {
  const size_t n = same.size();
  if (gallery.size() != n || probe.size() != n || fold.size() != n || n == 0)
    return Status::error("door eval: gallery, probe, same and fold must have one entry per pair");
  *out = DoorConditionReport{};
  out->pairs = (int)n;
  out->door_tau = door_tau;
  std::vector<double> dist(n);
  for (size_t i = 0; i < n; ++i) {
    out->probes_found += probe[i].found;
    out->gallery_found += gallery[i].found;
    const bool both = probe[i].found && gallery[i].found;
    dist[i] = both ? embedding_distance(gallery[i].embedding, probe[i].embedding, DistanceMetric::kSquaredL2)
                   : kDoorMissDistance;
    const bool accept = both && dist[i] <= door_tau;
    if (same[i]) {
      ++out->genuine_pairs;
      out->genuine_accepts += accept;
    } else {
      ++out->impostor_pairs;
      out->impostor_accepts += accept;
    }
  }
  out->detection_rate = (double)out->probes_found / n;
  out->fmr_at_door_tau = out->impostor_pairs ? (double)out->impostor_accepts / out->impostor_pairs : 0;
  out->tar_at_door_tau = out->genuine_pairs ? (double)out->genuine_accepts / out->genuine_pairs : 0;
  FG_RETURN_IF_ERROR(verification_k_fold(dist, same, fold, &out->verification));
  out->tau_at_fmr_1e3 = out->verification.tau_at_far_1e3;
  return Status::ok();
}

}  // namespace fg
