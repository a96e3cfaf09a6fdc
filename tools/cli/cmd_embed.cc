// facegate embed / compare: descriptors of face crops (embed --crop, compare) or of every
// face in whole photos (embed), and the squared L2 distance of two crops (compare).
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/vision/face_encoder.h"
#include "runtime/vision/face_pipeline.h"
#include "tools/cli/cli.h"
#include "tools/cli/cli_api.h"
#include "tools/cli/json_out.h"

namespace fg::cli {
namespace {

// compare's options: the encoder's (no detector runs on a crop).
const std::set<std::string> kValueOptions = {"models", "backend", "precision", "net-threads", "tau"};
const std::set<std::string> kFlagOptions = {"json", "help"};

// A recognition-only pipeline (embed --crop, compare): the images are the face crops.
int open_encoder(const std::string& command, const Args& args, facegate::Pipeline* pipe) {
  facegate::PipelineOptions o;
  if (int rc = api_options_from_args(command, args, &o)) return rc;
  o.nets = facegate::Nets::kRecognition;
  return api_open(o, pipe);
}

int embed_file(facegate::Pipeline& pipe, const std::string& path, facegate::Embedding* out) {
  facegate::Image img;
  if (facegate::Status s = facegate::load_image(path, &img); !s) return failure(s.message());  // names the file
  if (facegate::Status s = pipe.embed_crop(img.view(), out); !s) return failure(path + ": " + s.message());
  return kExitOk;
}

// One embed record: {"image", ["face", "score", "box",] "embedding"} (face < 0: a crop, no box).
Json embedding_json(const std::string& path, const float* e, int face = -1, const facegate::Box* box = nullptr) {
  Json j;
  j["image"] = path;
  if (face >= 0) {
    j["face"] = face;
    j["score"] = json_fixed(box->score, 6);
    j["box"] = json_box(box->x, box->y, box->width, box->height);
  }
  Json v = Json::array();
  for (int i = 0; i < kEmbeddingDim; ++i) v.push_back(json_significant(e[i], 8));
  j["embedding"] = std::move(v);
  return j;
}

void print_embedding_text(const std::string& path, const float* e, int face = -1) {
  if (face < 0) std::printf("%s", path.c_str());
  else std::printf("%s#%d", path.c_str(), face);
  for (int i = 0; i < kEmbeddingDim; ++i) std::printf(" %.8g", e[i]);
  std::printf("\n");
}

// Whole photos: detect -> landmarks -> descriptor crop / aligned chip -> encoder, per face.
int embed_photos(const Args& args) {
  facegate::PipelineOptions o;
  if (int rc = api_options_from_args("embed", args, &o)) return rc;
  facegate::Pipeline pipe;
  if (int rc = api_open(o, &pipe)) return rc;
  const bool json = args.has("json");
  std::vector<facegate::Face> faces;
  std::vector<std::string> no_face;
  Json out = Json::array();
  for (const std::string& path : args.positional) {
    facegate::Image img;
    if (int rc = api_faces(pipe, path, true, &img, &faces)) return rc;
    if (faces.empty()) no_face.push_back(path);
    for (size_t i = 0; i < faces.size(); ++i) {
      if (json) out.push_back(embedding_json(path, faces[i].embedding.data(), (int)i, &faces[i].box));
      else print_embedding_text(path, faces[i].embedding.data(), (int)i);
    }
  }
  if (json) json_print(out);
  for (const std::string& p : no_face) std::fprintf(stderr, "facegate embed: no face found in %s\n", p.c_str());
  return no_face.empty() ? kExitOk : kExitFailure;
}

}  // namespace

int cmd_embed(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, kPipelineValueOptions, {"json", "help", "crop", "align", "face-crop", "flip"}, &args,
                  &error))
    return usage_error("embed", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate embed [--json] [pipeline options] PHOTO...\n"
        "       facegate embed --crop [--json] [--models DIR] [--backend B] [--precision P]\n"
        "                      [--net-threads N] FACE.png...\n"
        "Prints one 128-D descriptor per face found in each photo (detector -> landmarks ->\n"
        "descriptor input -> encoder; JSON adds the box and score, docs/json.md).\n"
        "  --crop             each image already IS the face crop (non-square crops are\n"
        "                     zero-padded to a square, as face-api does); no detection\n"
        "  --json             one JSON array, a record per face\n"
        "Exit code 3 if a photo has no face (named on stderr) or an image/model is bad.\n");
    print_pipeline_options_help();
    return kExitOk;
  }
  if (args.positional.empty()) return usage_error("embed", "give at least one image");
  if (!args.has("crop")) {
    if (args.has("align") && args.has("face-crop")) return usage_error("embed", "--align and --face-crop exclude each other");
    Args photo = args;  // --face-crop is the pipeline's --crop descriptor mode
    if (photo.has("face-crop")) photo.flags.insert("crop");
    return embed_photos(photo);
  }
  if (args.has("align") || args.has("face-crop") || args.has("flip"))
    return usage_error("embed", "--crop takes the image as the face: --align, --face-crop and --flip do not apply");
  if (int rc = reject_with_crop("embed", args)) return rc;
  Args crop = args;
  crop.flags.erase("crop");  // the pipeline's --crop is the descriptor mode, unused here
  facegate::Pipeline pipe;
  if (int rc = open_encoder("embed", crop, &pipe)) return rc;
  const bool json = args.has("json");
  Json out = Json::array();
  facegate::Embedding e;
  for (size_t i = 0; i < args.positional.size(); ++i) {
    if (int rc = embed_file(pipe, args.positional[i], &e)) return rc;
    if (json) out.push_back(embedding_json(args.positional[i], e.data()));
    else print_embedding_text(args.positional[i], e.data());
  }
  if (json) json_print(out);
  return kExitOk;
}

int cmd_compare(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, kValueOptions, kFlagOptions, &args, &error)) return usage_error("compare", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate compare [--tau T] [--json] [pipeline options] FACE1 FACE2\n"
        "Squared L2 distance of two face crops' descriptors (each image IS the face, as with\n"
        "embed --crop) and the verdict distance_sq <= tau.\n"
        "  --tau T            0..100 (default %.2f, verify's)\n"
        "  --json             one JSON object (docs/json.md)\n"
        "Exit code 0: same person, 1: different, 2: usage, 3: bad input.\n",
        facegate::kDefaultTau);
    print_pipeline_options_help(HelpScope::kEncoder);
    return kExitOk;
  }
  if (args.positional.size() != 2) return usage_error("compare", "give exactly two images");
  float tau = facegate::kDefaultTau;
  if (!parse_tau(args, &tau)) return usage_error("compare", "--tau must be a finite number in 0..100");
  facegate::Pipeline pipe;
  if (int rc = open_encoder("compare", args, &pipe)) return rc;
  facegate::Embedding a, b;
  if (int rc = embed_file(pipe, args.positional[0], &a)) return rc;
  if (int rc = embed_file(pipe, args.positional[1], &b)) return rc;
  const float d = facegate::distance(a, b);
  const bool same = d <= tau;
  if (args.has("json")) {
    Json j;
    j["image1"] = args.positional[0];
    j["image2"] = args.positional[1];
    j["distance_sq"] = json_fixed(d, 6);
    j["tau"] = json_fixed(tau, 4);
    j["same"] = same;
    json_print(j);
  } else {
    std::printf("%s %s distance_sq %.4f tau %.2f -> %s\n", args.positional[0].c_str(), args.positional[1].c_str(),
                d, tau, same ? "same person" : "different people");
  }
  return same ? kExitOk : kExitNegative;
}

}  // namespace fg::cli
