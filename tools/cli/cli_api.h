// The CLI on the public API (include/facegate/facegate.hpp, docs/api.md): verify, compare,
// embed, detect, enroll and identify embed through facegate::Pipeline, so the CLI and a
// library user get the same numbers from one code path. Commands with options the API does
// not cover (eval: jitter, multi-view, landmark refinement; train-head / verify-head) stay
// on runtime/vision.
#pragma once
#include <string>
#include <vector>

#include "facegate/facegate.hpp"
#include "tools/cli/cli.h"

namespace fg::cli {

// The pipeline options (pipeline_options_from_args: --models, --backend, --precision,
// --input-size, --score, --net-threads, --align|--crop, --template, --padding) and --flip
// -> API options. The model folder is the CLI's (--models, $FG_MODEL_DIR, next to the
// binary). Returns 0 or an exit code (message printed).
int api_options_from_args(const std::string& command, const Args& args, facegate::PipelineOptions* out);

// Pipeline::open; 0 or kExitFailure (message printed).
int api_open(const facegate::PipelineOptions& options, facegate::Pipeline* out);

// Loads `path` and runs every stage (`with_embeddings` false: boxes + landmarks only) on it;
// 0 or kExitFailure (message printed, naming the file).
int api_faces(facegate::Pipeline& pipe, const std::string& path, bool with_embeddings, facegate::Image* image,
              std::vector<facegate::Face>* faces);

// Index of the face with the largest box (verify's "the face"), -1 when none.
int api_largest_face(const std::vector<facegate::Face>& faces);

}  // namespace fg::cli
