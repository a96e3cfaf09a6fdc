// facegate verify: 1:1 on two whole photos (largest face of each), exit code = verdict.
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "tools/cli/annotate.h"
#include "tools/cli/cli.h"
#include "tools/cli/cli_api.h"
#include "tools/cli/json_out.h"

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
  facegate::Face face;  // the largest
};

// 0 ok; kExitFailure (message printed) on a bad file; sets side->faces = 0 when none found.
int embed_largest(facegate::Pipeline& pipe, Side* side) {
  facegate::Image img;
  std::vector<facegate::Face> faces;
  if (int rc = api_faces(pipe, side->path, true, &img, &faces)) return rc;
  side->faces = int(faces.size());
  if (!faces.empty()) side->face = faces[api_largest_face(faces)];
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
  values.insert({"annotate", "tau"});
  if (!parse_args(argc, argv, 2, values, {"json", "help", "align", "crop", "face-crop", "flip"}, &args, &error))
    return usage_error("verify", error);
  FacePipelineOptions opt;
  if (args.has("help")) {
    std::printf(
        "usage: facegate verify [--tau T] [--json] [--head HEAD] [pipeline options] PHOTO1 PHOTO2\n"
        "1:1 verification: the largest face of each photo is embedded (encoder input: %s\n"
        "by default) and the squared L2 distance is compared with tau.\n"
        "  --tau T            same person iff distance_sq <= T, 0..100 (default %.2f)\n"
        "  --json             one JSON object (docs/json.md)\n"
        "  --head HEAD        decide with a trained similarity head (facegate train-head) instead\n"
        "  --crop             the same as --face-crop (kept for scripts written before it)\n"
        "  --annotate OUT.jpg both photos side by side, faces, landmarks, distance and verdict drawn\n"
        "Exit code 0: same person, 1: different, 2: usage, 3: bad input or no face found\n"
        "(the message names the photo).\n",
        descriptor_mode_name(opt.mode), kVerifyTauAlign);
    print_pipeline_options_help();
    return kExitOk;
  }
  if (args.positional.size() != 2) return usage_error("verify", "give exactly two photos");
  if (args.has("face-crop")) {  // --face-crop is verify's --crop, as in embed / enroll / identify
    if (args.has("crop") || args.has("align")) return usage_error("verify", "--align, --crop and --face-crop exclude each other");
    args.flags.erase("face-crop");
    args.flags.insert("crop");
  }
  facegate::PipelineOptions po;
  if (int rc = api_options_from_args("verify", args, &po)) return rc;
  opt.mode = po.descriptor == facegate::Descriptor::kCrop ? DescriptorMode::kCrop : DescriptorMode::kAlign;
  float tau = opt.mode == DescriptorMode::kAlign ? kVerifyTauAlign : kVerifyTauCrop;  // equal today (eval lfw)
  if (!parse_tau(args, &tau)) return usage_error("verify", "--tau must be a finite number in 0..100");
  facegate::Pipeline pipe;
  if (int rc = api_open(po, &pipe)) return rc;
  Side side[2];
  for (int i = 0; i < 2; ++i) {
    side[i].path = args.positional[i];
    if (int rc = embed_largest(pipe, &side[i])) return rc;
  }
  for (const Side& s : side)
    if (s.faces == 0) return failure("no face found in " + s.path);
  const float d = facegate::distance(side[0].face.embedding, side[1].face.embedding);
  const bool same = d <= tau;
  if (!args.value("annotate").empty())
    if (int rc = annotate_verify(args.value("annotate"), side[0].path, side[0].face, side[1].path, side[1].face, d, tau, same))
      return rc;
  if (args.has("json")) {
    Json j;
    j["image1"] = side[0].path;
    j["image2"] = side[1].path;
    j["faces1"] = side[0].faces;
    j["faces2"] = side[1].faces;
    for (int i = 0; i < 2; ++i) {
      const facegate::Box& b = side[i].face.box;
      j["box" + std::to_string(i + 1)] = json_box(b.x, b.y, b.width, b.height);
    }
    j["mode"] = descriptor_mode_name(opt.mode);
    j["distance_sq"] = json_fixed(d, 6);
    j["tau"] = json_fixed(tau, 4);
    j["same"] = same;
    json_print(j);
  } else {
    std::printf("%s (%d face%s) vs %s (%d face%s): distance_sq %.4f tau %.2f [%s] -> %s\n", side[0].path.c_str(),
                side[0].faces, side[0].faces == 1 ? "" : "s", side[1].path.c_str(), side[1].faces,
                side[1].faces == 1 ? "" : "s", d, tau, descriptor_mode_name(opt.mode),
                same ? "same person" : "different people");
  }
  return same ? kExitOk : kExitNegative;
}

}  // namespace fg::cli
