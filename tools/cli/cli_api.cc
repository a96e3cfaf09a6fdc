#include "tools/cli/cli_api.h"

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
