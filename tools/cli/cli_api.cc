#include "tools/cli/cli_api.h"

#include "runtime/vision/face_photo.h"

namespace fg::cli {

int api_options_from_args(const std::string& command, const Args& args, facegate::PipelineOptions* out) {
  FacePipelineOptions opt;
  std::string model_dir;
  if (int rc = pipeline_options_from_args(command, args, &opt, &model_dir)) return rc;
  facegate::PipelineOptions o;
  o.model_dir = model_dir;
  o.backend = opt.backend == Backend::kReference ? facegate::Backend::kReference
              : opt.backend == Backend::kXnnpack ? facegate::Backend::kXnnpack
                                                 : facegate::Backend::kNative;
  o.precision = opt.int8 ? facegate::Precision::kInt8 : facegate::Precision::kF32;
  o.threads = opt.net_threads;
  o.detector_input_size = opt.detector.input_size;
  o.score_threshold = opt.detector.score_threshold;
  o.descriptor = opt.mode == DescriptorMode::kCrop ? facegate::Descriptor::kCrop : facegate::Descriptor::kAlign;
  o.chip_template = opt.chip.tmpl == FaceChipTemplate::kFivePoint ? 5 : 68;
  o.chip_padding = float(opt.chip.padding);  // parsed as a float: exact
  o.flip = args.has("flip");
  *out = o;
  return kExitOk;
}

int api_open(const facegate::PipelineOptions& options, facegate::Pipeline* out) {
  const facegate::Status s = facegate::Pipeline::open(options, out);
  return s ? kExitOk : failure(s.message());
}

int api_faces(facegate::Pipeline& pipe, const std::string& path, bool with_embeddings, facegate::Image* image,
              std::vector<facegate::Face>* faces) {
  facegate::Status s = facegate::load_image(path, image);
  if (s) s = pipe.faces(image->view(), faces, with_embeddings);
  return s ? kExitOk : failure(s.message());
}

int api_photo_faces(facegate::Pipeline& pipe, const std::string& path, bool with_embeddings, facegate::Image* image,
                    std::vector<facegate::Face>* faces, int* canvas_factor) {
  if (canvas_factor) *canvas_factor = 0;
  if (int rc = api_faces(pipe, path, with_embeddings, image, faces)) return rc;
  const int best = api_largest_face(*faces);
  const float width = best < 0 ? 0.f : (*faces)[best].box.width;
  if (canvas_factor && best >= 0) *canvas_factor = 1;
  if (!photo_face_needs_canvas(faces->size(), width, image->width, image->height)) return kExitOk;
  Image photo = image_make(image->width, image->height, 3);
  photo.pixels = image->rgb;
  for (int factor : kPhotoCanvasFactors) {
    const Image canvas = pad_into_canvas(photo, factor);
    const facegate::ImageView view{canvas.pixels.data(), canvas.width, canvas.height, size_t(canvas.width) * 3};
    std::vector<facegate::Face> found;
    if (facegate::Status s = pipe.faces(view, &found, with_embeddings); !s) return failure(path + ": " + s.message());
    if (found.empty()) continue;
    int x0, y0;
    pad_canvas_origin(photo.width, photo.height, factor, &x0, &y0);
    for (facegate::Face& f : found) {
      f.box.x -= float(x0), f.box.y -= float(y0);
      for (facegate::Point& p : f.landmarks) p.x -= float(x0), p.y -= float(y0);
    }
    if (best >= 0) {
      const facegate::Box& a = (*faces)[best].box;
      const facegate::Box& b = found[api_largest_face(found)].box;
      if (!photo_canvas_face_wins(a.x, a.y, a.width, a.height, b.x, b.y, b.width, b.height)) return kExitOk;
    }
    *faces = std::move(found);
    if (canvas_factor) *canvas_factor = factor;
    return kExitOk;
  }
  return kExitOk;
}

int api_largest_face(const std::vector<facegate::Face>& faces) {
  int best = -1;
  double best_area = -1;
  for (size_t i = 0; i < faces.size(); ++i) {
    const double a = double(faces[i].box.width) * faces[i].box.height;
    if (a > best_area) best_area = a, best = int(i);
  }
  return best;
}

}  // namespace fg::cli
