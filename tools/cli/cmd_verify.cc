// facegate verify: 1:1 on two whole photos (largest face of each), exit code = verdict.
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "tools/cli/annotate.h"
#include "tools/cli/cli.h"

namespace fg::cli {
namespace {

// Squared-distance thresholds: the best global tau of `facegate eval lfw` (all 6000 pairs,
// native backend) per descriptor mode: 0.379 align (5-point), 0.383 crop. face-api's
// FaceMatcher uses 0.6 Euclidean = 0.36 squared.
constexpr float kVerifyTauAlign = 0.38f;
constexpr float kVerifyTauCrop = 0.38f;

struct Side {
  std::string path;
  int faces = 0;
  PipelineFace face;
};

// 0 ok; kExitFailure (message printed) on a bad file; sets side->faces = 0 when none found.
int embed_largest(FacePipeline& pipe, Side* side) {
  Image img;
  std::vector<PipelineFace> faces;
  Status s = image_load(side->path, 3, &img);
  if (s) s = face_pipeline_run(pipe, img, &faces);
  if (!s) return failure(s.message());
  side->faces = (int)faces.size();
  if (!faces.empty()) side->face = faces[largest_face(faces)];
  return kExitOk;
}

}  // namespace

int cmd_verify(int argc, char** argv) {
  // verify --head FILE ...: the learned-similarity head decides (cmd_train_head.cc).
  for (int i = 2; i + 1 < argc; ++i) {
    if (std::string(argv[i]) != "--head") continue;
    std::vector<char*> rest = {argv[0], const_cast<char*>("verify-head"), argv[i + 1]};
    for (int j = 2; j < argc; ++j)
      if (j != i && j != i + 1) rest.push_back(argv[j]);
    return cmd_verify_head(static_cast<int>(rest.size()), rest.data());
  }
  Args args;
  std::string error;
  std::set<std::string> values = kPipelineValueOptions;
  values.insert("annotate");
  if (!parse_args(argc, argv, 2, values, {"json", "help", "align", "crop"}, &args, &error))
    return usage_error("verify", error);
  FacePipelineOptions opt;
  if (args.has("help")) {
    std::printf(
        "usage: facegate verify [--tau T] [--align|--crop] [--json] [--input-size N] [--score T]\n"
        "                       [--backend B] [--models DIR] [--head HEAD] PHOTO1 PHOTO2\n"
        "--head HEAD: decide with a trained similarity head (facegate train-head) instead of tau.\n"
        "--annotate OUT.jpg: both photos side by side, faces, landmarks, distance and verdict drawn.\n"
        "1:1 verification: the largest face of each photo is embedded (--align: dlib-style\n"
        "aligned chip; --crop: face-api's axis-aligned crop; default %s) and the\n"
        "squared L2 distance is compared with tau (default %.2f align / %.2f crop).\n"
        "Exit code 0: same person, 1: different, 2: usage, 3: bad input or no face found\n"
        "(the message names the photo).\n",
        descriptor_mode_name(opt.mode), kVerifyTauAlign, kVerifyTauCrop);
    return kExitOk;
  }
  if (args.positional.size() != 2) return usage_error("verify", "give exactly two photos");
  std::string model_dir;
  if (int rc = pipeline_options_from_args("verify", args, &opt, &model_dir)) return rc;
  float tau = opt.mode == DescriptorMode::kAlign ? kVerifyTauAlign : kVerifyTauCrop;
  if (!parse_tau(args, &tau)) return usage_error("verify", "--tau must be a finite number in 0..100");
  FacePipeline pipe;
  if (Status s = face_pipeline_open(model_dir, opt, &pipe); !s) return failure(s.message());
  Side side[2];
  for (int i = 0; i < 2; ++i) {
    side[i].path = args.positional[i];
    if (int rc = embed_largest(pipe, &side[i])) return rc;
  }
  for (const Side& s : side)
    if (s.faces == 0) return failure("no face found in " + s.path);
  const float d = embedding_distance_sq(side[0].face.embedding, side[1].face.embedding);
  const bool same = d <= tau;
  if (!args.value("annotate").empty())
    if (int rc = annotate_verify(args.value("annotate"), side[0].path, side[0].face, side[1].path, side[1].face, d, tau, same))
      return rc;
  if (args.has("json")) {
    std::printf("{\"image1\": \"%s\", \"image2\": \"%s\", \"faces1\": %d, \"faces2\": %d, ", side[0].path.c_str(),
                side[1].path.c_str(), side[0].faces, side[1].faces);
    for (int i = 0; i < 2; ++i) {
      const FaceBox& b = side[i].face.box;
      std::printf("\"box%d\": [%.2f, %.2f, %.2f, %.2f], ", i + 1, b.x, b.y, b.width, b.height);
    }
    std::printf("\"mode\": \"%s\", \"distance_sq\": %.6f, \"tau\": %.4f, \"same\": %s}\n",
                descriptor_mode_name(opt.mode), d, tau, same ? "true" : "false");
  } else {
    std::printf("%s (%d face%s) vs %s (%d face%s): distance_sq %.4f tau %.2f [%s] -> %s\n", side[0].path.c_str(),
                side[0].faces, side[0].faces == 1 ? "" : "s", side[1].path.c_str(), side[1].faces,
                side[1].faces == 1 ? "" : "s", d, tau, descriptor_mode_name(opt.mode),
                same ? "same person" : "different people");
  }
  return same ? kExitOk : kExitNegative;
}

}  // namespace fg::cli
