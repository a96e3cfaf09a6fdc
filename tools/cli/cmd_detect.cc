// facegate detect: whole photo -> boxes, scores, 68 landmarks. Also the pipeline option
// parsing shared by detect / embed / verify / eval (declared in cli.h).
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "tools/cli/annotate.h"
#include "tools/cli/cli.h"
#include "tools/cli/cli_api.h"
#include "tools/cli/json_out.h"

namespace fg::cli {

// Only what pipeline_options_from_args reads; a command adds its own (--tau, --plot...), so an
// option no command part uses is "unknown" rather than silently ignored.
const std::set<std::string> kPipelineValueOptions = {"models", "backend", "precision", "input-size", "score", "padding",
                                                     "template", "net-threads"};
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

void print_pipeline_options_help(HelpScope scope) {
  std::printf(
      "pipeline options (the same names and defaults in every command, docs/cli.md):\n"
      "  --models DIR       model folder (default: $FG_MODEL_DIR, else next to the binary:\n"
      "                     ../models, ../share/facegate/models)\n"
      "  --backend B        native (default: facegate's SIMD kernels), xnnpack, reference\n"
      "  --precision P      f32 (default) or int8 (the quantized models <name>_int8.fgm)\n"
      "  --net-threads N    threads inside each net (default 1; 0 = all cores)\n");
  if (scope == HelpScope::kEncoder) return;
  std::printf(
      "  --input-size N     detector resolution, multiple of 32 (default 416; other sizes need\n"
      "                     detector<N>.fgm)\n"
      "  --score T          keep detections with score > T, in [0, 1) (default 0.5)\n");
  if (scope == HelpScope::kDetection) return;
  std::printf(
      "embedding options:\n"
      "  --align            encoder input: the dlib-style aligned chip (default)\n"
      "  --face-crop        encoder input: face-api's axis-aligned crop instead\n"
      "  --template 5|68    the aligned chip is fitted to 5 (default) or 68 landmarks\n"
      "  --padding P        the aligned chip's margin, 0..2 (default 0.25)\n"
      "  --flip             average with the mirror image's embedding (one more encoder run)\n");
}

namespace {

// The mean of the 6 landmarks of an eye (iBUG 36..41 left, 42..47 right).
Point2 eye_centre(const facegate::Landmarks& l, int first) {
  Point2 c{0, 0};
  for (int i = first; i < first + 6; ++i) c.x += l[i].x, c.y += l[i].y;
  c.x /= 6, c.y /= 6;
  return c;
}

Json face_json(const facegate::Face& f) {
  Json j;
  j["score"] = json_fixed(f.box.score, 6);
  j["box"] = json_box(f.box.x, f.box.y, f.box.width, f.box.height);
  Json pts = Json::array();
  for (const facegate::Point& p : f.landmarks) pts.push_back(Json::array({json_fixed(p.x, 2), json_fixed(p.y, 2)}));
  j["landmarks68"] = std::move(pts);
  return j;
}

}  // namespace

int cmd_detect(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> values = kPipelineValueOptions;
  values.insert("annotate");
  for (const char* v : {"padding", "template"}) values.erase(v);  // detect runs no aligner
  if (!parse_args(argc, argv, 2, values, {"json", "help"}, &args, &error))
    return usage_error("detect", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate detect [--json] [pipeline options] IMG...\n"
        "Finds faces in whole photos (tiny face detector, NMS IoU 0.4) and their 68 landmarks.\n"
        "  --json             boxes, scores and landmarks (image pixels) as JSON (docs/json.md)\n"
        "  --annotate OUT.jpg boxes, scores and landmarks drawn on the image (one image only)\n"
        "Exit code 0 (also when no face is found), 2 usage, 3 bad image or model.\n");
    print_pipeline_options_help(HelpScope::kDetection);
    return kExitOk;
  }
  if (args.positional.empty()) return usage_error("detect", "give at least one image");
  const std::string annotate = args.value("annotate");
  if (!annotate.empty() && args.positional.size() != 1) return usage_error("detect", "--annotate takes one image");
  facegate::PipelineOptions opt;
  if (int rc = api_options_from_args("detect", args, &opt)) return rc;
  opt.nets = facegate::Nets::kDetection;  // no encoder: 22 MB of weights detect never uses
  facegate::Pipeline pipe;
  if (int rc = api_open(opt, &pipe)) return rc;
  const bool json = args.has("json");
  Json out = Json::array();
  std::vector<facegate::Face> faces;
  for (size_t k = 0; k < args.positional.size(); ++k) {
    const std::string& path = args.positional[k];
    facegate::Image img;
    if (int rc = api_faces(pipe, path, false, &img, &faces)) return rc;  // no encoder run
    if (!annotate.empty())
      if (int rc = annotate_detect(annotate, img, faces)) return rc;
    if (json) {
      Json j;
      j["image"] = path;
      j["width"] = img.width;
      j["height"] = img.height;
      j["input_size"] = opt.detector_input_size;
      j["faces"] = Json::array();
      for (const facegate::Face& f : faces) j["faces"].push_back(face_json(f));
      out.push_back(std::move(j));
      continue;
    }
    std::printf("%s: %zu face%s\n", path.c_str(), faces.size(), faces.size() == 1 ? "" : "s");
    for (size_t i = 0; i < faces.size(); ++i) {
      const facegate::Face& f = faces[i];
      const Point2 le = eye_centre(f.landmarks, 36), re = eye_centre(f.landmarks, 42);
      std::printf("  face %zu: score %.3f box x %.1f y %.1f w %.1f h %.1f  eyes (%.1f, %.1f) (%.1f, %.1f)\n", i,
                  f.box.score, f.box.x, f.box.y, f.box.width, f.box.height, le.x, le.y, re.x, re.y);
    }
  }
  if (json) json_print(out);
  return kExitOk;
}

}  // namespace fg::cli
