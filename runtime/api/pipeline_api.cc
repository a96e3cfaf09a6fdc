// facegate::Pipeline over fg::FacePipeline (runtime/vision/face_pipeline.h), plus the free
// functions of facegate.hpp. Defaults are the CLI's `verify`: aligned 5-point chip, one
// detector / landmark / encoder run per face, so a distance here equals `facegate verify`'s.
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "facegate/facegate.hpp"
#include "runtime/api/api_internal.h"
#include "runtime/vision/face_encoder.h"
#include "runtime/vision/face_pipeline.h"

namespace facegate {

using fg::api::from_internal;
using fg::api::guarded;
using fg::api::invalid;

struct Pipeline::Impl {
  fg::FacePipeline pipe;  // Nets::kRecognition: only pipe.encoder is open
  Nets nets = Nets::kAll;
  bool has_detector() const { return nets != Nets::kRecognition; }
  bool has_encoder() const { return nets != Nets::kDetection; }
  std::string model_dir;
  fg::Image frame;  // the caller's view copied in; reused so a stream of one size stops allocating
};

namespace {

Box to_box(const fg::FaceBox& b) {
  return Box{float(b.x), float(b.y), float(b.width), float(b.height), float(b.score)};
}

fg::FaceBox from_box(const Box& b) {
  fg::FaceBox f;
  f.x = b.x, f.y = b.y, f.width = b.width, f.height = b.height, f.score = b.score;
  return f;
}

Status check_box(const Box& b) {
  const float big = 1e6f;  // far beyond any frame; also rejects NaN (comparisons fail)
  if (!(b.width > 0 && b.height > 0 && b.width < big && b.height < big && b.x > -big && b.x < big && b.y > -big &&
        b.y < big))
    return invalid("box must have a positive, finite size and position");
  return Status::ok();
}

void copy_landmarks(const std::vector<fg::Point2>& pts, Landmarks* out) {
  for (int i = 0; i < kLandmarkCount && i < int(pts.size()); ++i) (*out)[i] = Point{float(pts[i].x), float(pts[i].y)};
}

Status no_pipeline() { return invalid("pipeline is not open"); }

// A call needing a net the pipeline did not load (PipelineOptions::nets).
Status no_detector(const char* call) {
  return invalid(std::string(call) + ": the pipeline was opened with Nets::kRecognition (no detector)");
}
Status no_encoder(const char* call) {
  return invalid(std::string(call) + ": the pipeline was opened with Nets::kDetection (no encoder)");
}

// Every stage for every face, on the caller's view.
Status run_all(Pipeline::Impl& impl, const ImageView& image, std::vector<fg::PipelineFace>* found) {
  if (!impl.has_detector()) return no_detector("Pipeline");
  FG_API_RETURN_IF_ERROR(fg::api::image_from_view(image, &impl.frame));
  return from_internal(fg::face_pipeline_run(impl.pipe, impl.frame, found));
}

}  // namespace

Status load_image(const std::string& path, Image* out) {
  return guarded("load_image", [&]() -> Status {
    if (!out) return invalid("load_image: out is null");
    if (path.empty()) return invalid("load_image: empty path");
    fg::Image img;
    if (fg::Status s = fg::image_load(path, 3, &img); !s) return from_internal(s);
    out->width = img.width;
    out->height = img.height;
    out->rgb = std::move(img.pixels);
    return Status::ok();
  });
}

float distance(const Embedding& a, const Embedding& b) { return fg::embedding_distance_sq(a.data(), b.data()); }

const char* version() { return FACEGATE_VERSION_STRING; }

Pipeline::Pipeline() = default;
Pipeline::~Pipeline() = default;
Pipeline::Pipeline(Pipeline&&) noexcept = default;
Pipeline& Pipeline::operator=(Pipeline&&) noexcept = default;

Status Pipeline::open(const PipelineOptions& o, Pipeline* out) {
  return guarded("Pipeline::open", [&]() -> Status {
    if (!out) return invalid("Pipeline::open: out is null");
    if (o.threads < 0 || o.threads > 256) return invalid("threads must be 0..256 (0 = all cores)");
    if (o.detector_input_size < 32 || o.detector_input_size > 1024 || o.detector_input_size % 32)
      return invalid("detector_input_size must be a multiple of 32 in 32..1024");
    if (!(o.score_threshold >= 0.f && o.score_threshold < 1.f)) return invalid("score_threshold must be in [0, 1)");
    fg::FacePipelineOptions fo;
    switch (o.backend) {
      case Backend::kReference: fo.backend = fg::Backend::kReference; break;
      case Backend::kNative: fo.backend = fg::Backend::kNative; break;
      case Backend::kXnnpack: fo.backend = fg::Backend::kXnnpack; break;
      default: return invalid("unknown backend");
    }
    if (o.precision != Precision::kF32 && o.precision != Precision::kInt8) return invalid("unknown precision");
    fo.int8 = o.precision == Precision::kInt8;
    fo.net_threads = o.threads;
    fo.detector.input_size = o.detector_input_size;
    fo.detector.score_threshold = o.score_threshold;
    if (o.descriptor != Descriptor::kAlign && o.descriptor != Descriptor::kCrop) return invalid("unknown descriptor");
    fo.mode = o.descriptor == Descriptor::kAlign ? fg::DescriptorMode::kAlign : fg::DescriptorMode::kCrop;
    if (o.chip_template != 5 && o.chip_template != 68) return invalid("chip_template must be 5 or 68");
    fo.chip.tmpl = o.chip_template == 5 ? fg::FaceChipTemplate::kFivePoint : fg::FaceChipTemplate::kSixtyEightPoint;
    if (!(o.chip_padding >= 0.f && o.chip_padding <= 2.f)) return invalid("chip_padding must be in [0, 2]");
    fo.chip.padding = o.chip_padding;
    fo.flip_average = o.flip;
    auto impl = std::make_unique<Impl>();
    if (o.nets != Nets::kAll && o.nets != Nets::kDetection && o.nets != Nets::kRecognition) return invalid("unknown nets");
    impl->nets = o.nets;
    fo.embed = impl->has_encoder();
    const bool encoder_only = o.nets == Nets::kRecognition;
    const char* probe = encoder_only ? (fo.int8 ? "recognition_int8.fgm" : "recognition.fgm") : "detector.fgm";
    if (Status s = fg::api::resolve_model_dir(o.model_dir, &impl->model_dir, probe); !s) return s;
    fg::Status s = encoder_only
                       ? fg::face_encoder_open(impl->model_dir + "/" + probe, fo.backend, &impl->pipe.encoder, fo.net_threads)
                       : fg::face_pipeline_open(impl->model_dir, fo, &impl->pipe);
    if (!s) return from_internal(s);
    out->impl_ = std::move(impl);
    return Status::ok();
  });
}

Status Pipeline::detect(const ImageView& image, std::vector<Box>* boxes) {
  return guarded("Pipeline::detect", [&]() -> Status {
    if (!impl_) return no_pipeline();
    if (!impl_->has_detector()) return no_detector("detect");
    if (!boxes) return invalid("detect: boxes is null");
    FG_API_RETURN_IF_ERROR(fg::api::image_from_view(image, &impl_->frame));
    std::vector<fg::FaceBox> found;
    if (fg::Status s = fg::face_pipeline_detect(impl_->pipe, impl_->frame, &found); !s) return from_internal(s);
    boxes->clear();
    for (const fg::FaceBox& b : found) boxes->push_back(to_box(b));
    return Status::ok();
  });
}

Status Pipeline::landmarks(const ImageView& image, const Box& box, Landmarks* out) {
  return guarded("Pipeline::landmarks", [&]() -> Status {
    if (!impl_) return no_pipeline();
    if (!impl_->has_detector()) return no_detector("landmarks");
    if (!out) return invalid("landmarks: out is null");
    FG_API_RETURN_IF_ERROR(check_box(box));
    FG_API_RETURN_IF_ERROR(fg::api::image_from_view(image, &impl_->frame));
    fg::PipelineFace face;
    if (fg::Status s = fg::face_pipeline_landmarks(impl_->pipe, impl_->frame, from_box(box), &face); !s)
      return from_internal(s);
    copy_landmarks(face.landmarks, out);
    return Status::ok();
  });
}

Status Pipeline::embed_box(const ImageView& image, const Box& box, Embedding* out) {
  return guarded("Pipeline::embed_box", [&]() -> Status {
    if (!impl_) return no_pipeline();
    if (!impl_->has_detector()) return no_detector("embed_box");
    if (!impl_->has_encoder()) return no_encoder("embed_box");
    if (!out) return invalid("embed_box: out is null");
    FG_API_RETURN_IF_ERROR(check_box(box));
    FG_API_RETURN_IF_ERROR(fg::api::image_from_view(image, &impl_->frame));
    fg::PipelineFace face;
    fg::Status s = fg::face_pipeline_landmarks(impl_->pipe, impl_->frame, from_box(box), &face);
    if (s) s = fg::face_pipeline_embed(impl_->pipe, impl_->frame, &face);
    if (!s) return from_internal(s);
    std::memcpy(out->data(), face.embedding, sizeof face.embedding);
    return Status::ok();
  });
}

Status Pipeline::faces(const ImageView& image, std::vector<Face>* out, bool with_embeddings) {
  return guarded("Pipeline::faces", [&]() -> Status {
    if (!impl_) return no_pipeline();
    if (!out) return invalid("faces: out is null");
    if (with_embeddings && !impl_->has_encoder()) return no_encoder("faces");
    std::vector<fg::PipelineFace> found;
    // face_pipeline_run reads options.embed per call: switch the encoder off for this one.
    const bool embed = impl_->pipe.options.embed;
    impl_->pipe.options.embed = with_embeddings;
    const Status s = run_all(*impl_, image, &found);
    impl_->pipe.options.embed = embed;
    FG_API_RETURN_IF_ERROR(s);
    out->assign(found.size(), Face{});
    for (size_t i = 0; i < found.size(); ++i) {
      (*out)[i].box = to_box(found[i].box);
      copy_landmarks(found[i].landmarks, &(*out)[i].landmarks);
      std::memcpy((*out)[i].embedding.data(), found[i].embedding, sizeof found[i].embedding);
    }
    return Status::ok();
  });
}

Status Pipeline::embed_crop(const ImageView& image, Embedding* out) {
  return guarded("Pipeline::embed_crop", [&]() -> Status {
    if (!impl_) return no_pipeline();
    if (!out) return invalid("embed_crop: out is null");
    if (!impl_->has_encoder()) return no_encoder("embed_crop");
    FG_API_RETURN_IF_ERROR(fg::api::image_from_view(image, &impl_->frame));
    return from_internal(fg::face_encoder_embed(impl_->pipe.encoder, impl_->frame, out->data()));
  });
}

Status Pipeline::embed(const ImageView& image, Embedding* out, Box* face) {
  return guarded("Pipeline::embed", [&]() -> Status {
    if (!impl_) return no_pipeline();
    if (!out) return invalid("embed: out is null");
    if (!impl_->has_encoder()) return no_encoder("embed");
    std::vector<fg::PipelineFace> found;
    FG_API_RETURN_IF_ERROR(run_all(*impl_, image, &found));
    if (found.empty()) return Status(StatusCode::kNoFace, "no face found");
    const fg::PipelineFace& f = found[fg::largest_face(found)];  // verify's "the face"
    std::memcpy(out->data(), f.embedding, sizeof f.embedding);
    if (face) *face = to_box(f.box);
    return Status::ok();
  });
}

Status Pipeline::verify(const ImageView& a, const ImageView& b, float tau, VerifyResult* out) {
  return guarded("Pipeline::verify", [&]() -> Status {
    if (!out) return invalid("verify: out is null");
    if (!(tau >= 0.f) || tau == std::numeric_limits<float>::infinity()) return invalid("tau must be a finite number >= 0");
    Embedding ea, eb;
    VerifyResult r;
    Status s = embed(a, &ea, &r.box_a);
    if (!s) return Status(s.code(), "first image: " + s.message());
    s = embed(b, &eb, &r.box_b);
    if (!s) return Status(s.code(), "second image: " + s.message());
    r.distance = distance(ea, eb);
    r.same = same_person(r.distance, tau);
    *out = r;
    return Status::ok();
  });
}

Status Pipeline::detect_file(const std::string& path, std::vector<Box>* boxes) {
  if (!impl_) return no_pipeline();
  Image img;
  FG_API_RETURN_IF_ERROR(load_image(path, &img));
  return detect(img.view(), boxes);
}

Status Pipeline::embed_file(const std::string& path, Embedding* out, Box* face) {
  if (!impl_) return no_pipeline();
  Image img;
  FG_API_RETURN_IF_ERROR(load_image(path, &img));
  Status s = embed(img.view(), out, face);
  return s ? s : Status(s.code(), path + ": " + s.message());
}

Status Pipeline::verify_files(const std::string& a, const std::string& b, float tau, VerifyResult* out) {
  if (!impl_) return no_pipeline();
  if (!out) return invalid("verify_files: out is null");
  if (!(tau >= 0.f) || tau == std::numeric_limits<float>::infinity()) return invalid("tau must be a finite number >= 0");
  Embedding ea, eb;
  VerifyResult r;
  FG_API_RETURN_IF_ERROR(embed_file(a, &ea, &r.box_a));
  FG_API_RETURN_IF_ERROR(embed_file(b, &eb, &r.box_b));
  r.distance = distance(ea, eb);
  r.same = same_person(r.distance, tau);
  *out = r;
  return Status::ok();
}

std::string Pipeline::model_id() const {
  if (!impl_ || !impl_->has_encoder()) return "";
  try {
    return fg::encoder_model_id(impl_->pipe.encoder.model);
  } catch (...) {
    return "";
  }
}

std::string Pipeline::model_dir() const { return impl_ ? impl_->model_dir : ""; }

}  // namespace facegate
