// facegate detect: whole photo -> boxes, scores, 68 landmarks. Also the pipeline option
// parsing shared by detect / embed / verify / eval (declared in cli.h).
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "tools/cli/annotate.h"
#include "tools/cli/cli.h"

namespace fg::cli {

const std::set<std::string> kPipelineValueOptions = {"models", "backend", "precision", "input-size", "score", "padding",
                                                     "template", "tau", "pairs", "folds", "plot", "threads",
                                                     "net-threads"};
// --json is a flag for detect/embed/verify and takes a file for eval.

int pipeline_options_from_args(const std::string& command, const Args& args, FacePipelineOptions* opt,
                               std::string* model_dir) {
  Args a = args;
  // The pipeline commands default to the native (SIMD) backend; --backend reference for the oracle.
  if (a.value("backend").empty()) a.values["backend"] = "native";
  std::string error;
  if (!backend_from_args(a, &opt->backend, &error)) return usage_error(command, error);
  if (!a.value("input-size").empty()) {
    float v;
    if (!parse_float(a.value("input-size"), &v) || v < 32 || v > 1024 || (int)v != v || (int)v % 32)
      return usage_error(command, "--input-size must be a multiple of 32 (160, 224, 320, 416, 608)");
    opt->detector.input_size = (int)v;
  }
  if (!a.value("score").empty()) {
    float v;
    if (!parse_float(a.value("score"), &v) || v < 0.f || v >= 1.f)
      return usage_error(command, "--score must be in [0, 1)");
    opt->detector.score_threshold = v;
  }
  if (!a.value("net-threads").empty()) {
    float v;
    if (!parse_float(a.value("net-threads"), &v) || v < 0 || v > 256 || (int)v != v)
      return usage_error(command, "--net-threads must be 0..256 (0 = all cores)");
    opt->net_threads = (int)v;
  }
  const std::string precision = a.value("precision", "f32");
  if (precision != "f32" && precision != "int8") return usage_error(command, "--precision must be f32 or int8");
  opt->int8 = precision == "int8";
  if (a.has("align") && a.has("crop")) return usage_error(command, "--align and --crop exclude each other");
  if (a.has("align")) opt->mode = DescriptorMode::kAlign;
  if (a.has("crop")) opt->mode = DescriptorMode::kCrop;
  if (!a.value("padding").empty()) {
    float v;
    if (!parse_float(a.value("padding"), &v) || v < 0.f || v > 2.f)
      return usage_error(command, "--padding must be in [0, 2] (dlib's default 0.25)");
    opt->chip.padding = v;
  }
  const std::string tmpl = a.value("template", "5");
  if (tmpl != "5" && tmpl != "68") return usage_error(command, "--template must be 5 or 68");
  opt->chip.tmpl = tmpl == "5" ? FaceChipTemplate::kFivePoint : FaceChipTemplate::kSixtyEightPoint;
  const std::string det = model_path(a, "detector.fgm");
  *model_dir = det.substr(0, det.find_last_of('/'));
  return kExitOk;
}

namespace {

void print_face_json(const PipelineFace& f, bool last) {
  std::printf("    {\"score\": %.6f, \"box\": {\"x\": %.3f, \"y\": %.3f, \"width\": %.3f, \"height\": %.3f},\n",
              f.box.score, f.box.x, f.box.y, f.box.width, f.box.height);
  std::printf("     \"landmarks68\": [");
  for (size_t i = 0; i < f.landmarks.size(); ++i)
    std::printf("%s[%.2f, %.2f]", i ? ", " : "", f.landmarks[i].x, f.landmarks[i].y);
  std::printf("]}%s\n", last ? "" : ",");
}

}  // namespace

int cmd_detect(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> values = kPipelineValueOptions;
  values.insert("annotate");
  if (!parse_args(argc, argv, 2, values, {"json", "help"}, &args, &error))
    return usage_error("detect", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate detect [--json] [--input-size N] [--score T] [--backend B] [--models DIR]\n"
        "                       [--net-threads N (threads per net; 0 = all cores)] IMG...\n"
        "Finds faces in whole photos (tiny face detector, NMS IoU 0.4) and their 68 landmarks.\n"
        "  --input-size N  detector resolution, multiple of 32 (default 416; other sizes need\n"
        "                  models/detector<N>.fgm)\n"
        "  --score T       keep boxes with score > T (default 0.5)\n"
        "  --json          boxes, scores and landmarks (frame pixels) as JSON\n"
        "  --annotate OUT.jpg  the image with boxes, scores and landmarks drawn (one image only)\n"
        "Exit code 0 (also when no face is found), 2 usage, 3 bad image or model.\n");
    return kExitOk;
  }
  if (args.positional.empty()) return usage_error("detect", "give at least one image");
  const std::string annotate = args.value("annotate");
  if (!annotate.empty() && args.positional.size() != 1) return usage_error("detect", "--annotate takes one image");
  FacePipelineOptions opt;
  opt.embed = false;
  std::string model_dir;
  if (int rc = pipeline_options_from_args("detect", args, &opt, &model_dir)) return rc;
  FacePipeline pipe;
  if (Status s = face_pipeline_open(model_dir, opt, &pipe); !s) return failure(s.message());
  const bool json = args.has("json");
  if (json) std::printf("[\n");
  std::vector<PipelineFace> faces;
  for (size_t k = 0; k < args.positional.size(); ++k) {
    const std::string& path = args.positional[k];
    Image img;
    Status s = image_load(path, 3, &img);
    if (s) s = face_pipeline_run(pipe, img, &faces);
    if (!s) return failure(s.message());
    if (!annotate.empty())
      if (int rc = annotate_detect(annotate, img, faces)) return rc;
    if (json) {
      std::printf("  {\"image\": \"%s\", \"width\": %d, \"height\": %d, \"input_size\": %d, \"faces\": [\n",
                  path.c_str(), img.width, img.height, opt.detector.input_size);
      for (size_t i = 0; i < faces.size(); ++i) print_face_json(faces[i], i + 1 == faces.size());
      std::printf("  ]}%s\n", k + 1 == args.positional.size() ? "" : ",");
      continue;
    }
    std::printf("%s: %zu face%s\n", path.c_str(), faces.size(), faces.size() == 1 ? "" : "s");
    for (size_t i = 0; i < faces.size(); ++i) {
      const PipelineFace& f = faces[i];
      const Point2 le = landmarks_mean(f.landmarks, 36, 42), re = landmarks_mean(f.landmarks, 42, 48);
      std::printf("  face %zu: score %.3f box x %.1f y %.1f w %.1f h %.1f  eyes (%.1f, %.1f) (%.1f, %.1f)\n", i,
                  f.box.score, f.box.x, f.box.y, f.box.width, f.box.height, le.x, le.y, re.x, re.y);
    }
  }
  if (json) std::printf("]\n");
  return kExitOk;
}

}  // namespace fg::cli
