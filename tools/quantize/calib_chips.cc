// fg_calib_chips: every face of some photos -> aligned 150x150 colour chips, the encoder's
// calibration inputs (models/calibration/faces/README.md). Run once by hand; its PNGs are
// committed, so a build never depends on the f32 detector's or the landmarks' float order.
//   fg_calib_chips --models DIR --out DIR [--score S] PHOTO...
// Chip name: <photo stem>_face<k>.png, k in the detector's order (highest score first). Same
// path as the eval: f32 detector + f32 landmarks + the dlib-style aligned chip (kAlign).
// Exit 0 done, 2 usage, 3 bad input (model, image).
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/vision/aligner.h"
#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/image.h"

namespace {

int usage(const char* why) {
  if (why) std::fprintf(stderr, "fg_calib_chips: %s\n", why);
  std::fprintf(stderr, "usage: fg_calib_chips --models DIR --out DIR [--score S (default 0.5)] PHOTO...\n");
  return 2;
}

std::string stem(const std::string& path) {
  const size_t slash = path.rfind('/');
  std::string n = slash == std::string::npos ? path : path.substr(slash + 1);
  const size_t dot = n.rfind('.');
  return dot == std::string::npos ? n : n.substr(0, dot);
}

}  // namespace

int main(int argc, char** argv) {
  std::string models, out;
  double score = 0.5;
  std::vector<std::string> photos;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage(nullptr), 0;
    if (a.rfind("--", 0) != 0) { photos.push_back(a); continue; }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    char* end = nullptr;
    if (a == "--models") models = v;
    else if (a == "--out") out = v;
    else if (a == "--score") {
      score = std::strtod(v.c_str(), &end);
      if (*end || !(score > 0 && score < 1)) return usage("--score must be in (0, 1)");
    } else return usage(("unknown option " + a).c_str());
  }
  if (models.empty() || out.empty() || photos.empty()) return usage("--models, --out and photos are required");
  fg::FacePipelineOptions po;
  po.embed = false;
  po.detector.score_threshold = static_cast<float>(score);
  fg::FacePipeline p;
  fg::Status s = fg::face_pipeline_open(models, po, &p);
  if (!s) return std::fprintf(stderr, "fg_calib_chips: %s\n", s.message().c_str()), 3;
  ::mkdir(out.c_str(), 0755);
  int total = 0;
  for (const std::string& photo : photos) {
    fg::Image img, chip;
    std::vector<fg::PipelineFace> faces;
    if (!(s = fg::image_load(photo, 3, &img)) || !(s = fg::face_pipeline_run(p, img, &faces)))
      return std::fprintf(stderr, "fg_calib_chips: %s\n", s.message().c_str()), 3;
    for (size_t k = 0; k < faces.size(); ++k) {
      if (!(s = fg::align_face_chip(img, faces[k].landmarks, po.chip, &chip)))
        return std::fprintf(stderr, "fg_calib_chips: %s\n", s.message().c_str()), 3;
      const std::string name = out + "/" + stem(photo) + "_face" + std::to_string(k) + ".png";
      if (!(s = fg::image_write_png(name, chip)))
        return std::fprintf(stderr, "fg_calib_chips: %s\n", s.message().c_str()), 3;
      std::printf("%s  score %.3f  box %.0f,%.0f %.0fx%.0f\n", name.c_str(), faces[k].box.score, faces[k].box.x,
                  faces[k].box.y, faces[k].box.width, faces[k].box.height);
      ++total;
    }
  }
  std::printf("fg_calib_chips: %d chips from %zu photos\n", total, photos.size());
  return 0;
}
