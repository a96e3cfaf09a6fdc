// One scaffold for the evaluations that embed many images (lfw_embed_images, door_eval_embed):
// one FacePipeline per worker thread (a pipeline owns its arenas, so it is never shared),
// images handed out one at a time from an atomic counter, the first error kept and the rest
// of the work abandoned. Each item's result depends only on its index and the pipeline's
// options, never on which thread ran it, so any thread count gives bit-identical results.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/vision/face_pipeline.h"

namespace fg {

struct ParallelEmbedOptions {
  std::string model_dir;
  FacePipelineOptions pipeline;  // opened with embed = true
  int threads = 2;               // clamped to 1..64; the caller's thread runs one of them
  // After each item that succeeded: (done, total), one call at a time (under the runner's lock).
  std::function<void(size_t done, size_t total)> on_item_done;
};

// Calls embed_item(pipeline, i) once for every i in [0, count). An error from item i comes
// back with paths[i] as its context (paths: one per item, or empty for no context).
[[nodiscard]] Status parallel_embed(const ParallelEmbedOptions& options, size_t count,
                                    const std::vector<std::string>& paths,
                                    const std::function<Status(FacePipeline& pipeline, size_t i)>& embed_item);

}  // namespace fg
