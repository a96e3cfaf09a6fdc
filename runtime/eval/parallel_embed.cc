#include "runtime/eval/parallel_embed.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

namespace fg {

Status parallel_embed(const ParallelEmbedOptions& options, size_t count, const std::vector<std::string>& paths,
                      const std::function<Status(FacePipeline& pipeline, size_t i)>& embed_item) {
  if (!paths.empty() && paths.size() != count) return Status::error("parallel embed: one path per item, or none");
  const int threads = std::max(1, std::min(options.threads, 64));
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
    for (size_t i; !failed && (i = next++) < count;) {
      Status s = embed_item(*p, i);
      if (!s) {
        std::lock_guard<std::mutex> lock(mu);
        if (!failed) first_error = paths.empty() ? s : s.with_context(paths[i]);
        failed = true;
      } else if (options.on_item_done) {
        std::lock_guard<std::mutex> lock(mu);
        options.on_item_done(++done, count);
      }
    }
  };
  std::vector<std::thread> pool;
  for (int k = 1; k < threads; ++k) pool.emplace_back(work, &pipes[k]);
  work(&pipes[0]);
  for (std::thread& th : pool) th.join();
  return failed ? first_error : Status::ok();
}

}  // namespace fg
