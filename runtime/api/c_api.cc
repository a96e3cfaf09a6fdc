// The C API (include/facegate/facegate.h) on top of the C++ one. Every entry point catches
// everything: a C caller never sees a C++ exception. Failures set the thread-local message
// fg_last_error() returns.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "facegate/facegate.h"
#include "facegate/facegate.hpp"
#include "runtime/api/api_internal.h"

struct fg_pipeline {
  facegate::Pipeline p;
};
struct fg_gallery {
  facegate::Gallery g;
};

namespace {

thread_local std::string t_last_error;

fg_status report(const facegate::Status& s) {
  try {
    t_last_error = s.message();
  } catch (...) {
    t_last_error.clear();  // out of memory for the message itself: the code still says it
  }
  return static_cast<fg_status>(s.code());
}

// Runs f() -> facegate::Status behind the exception guard and records the outcome.
template <class F>
fg_status call(const char* where, F&& f) noexcept {
  t_last_error.clear();
  return report(fg::api::guarded(where, f));
}

facegate::Status view_of(const fg_image* image, facegate::ImageView* v) {
  if (!image) return fg::api::invalid("image is null");
  *v = facegate::ImageView{image->rgb, image->width, image->height, image->stride};
  return facegate::Status::ok();
}

facegate::Status check_dim(const void* buf, size_t dim, const char* what) {
  if (!buf) return fg::api::invalid(std::string(what) + " is null");
  if (dim != FG_EMBEDDING_DIM)
    return fg::api::invalid(std::string(what) + " has " + std::to_string(dim) + " floats, expected 128");
  return facegate::Status::ok();
}

fg_box to_c(const facegate::Box& b) { return fg_box{b.x, b.y, b.width, b.height, b.score}; }
facegate::Box from_c(const fg_box& b) { return facegate::Box{b.x, b.y, b.width, b.height, b.score}; }

facegate::Status write_boxes(const std::vector<facegate::Box>& found, fg_box* boxes, size_t capacity, size_t* count) {
  for (size_t i = 0; i < found.size() && i < capacity; ++i) boxes[i] = to_c(found[i]);
  *count = found.size();
  return facegate::Status::ok();
}

facegate::Status check_boxes(fg_pipeline* p, fg_box* boxes, size_t capacity, size_t* count) {
  if (!p) return fg::api::invalid("pipeline is null");
  if (!count) return fg::api::invalid("count is null");
  if (!boxes && capacity) return fg::api::invalid("boxes is null but capacity is not 0");
  return facegate::Status::ok();
}

}  // namespace

extern "C" {

const char* fg_version(void) { return facegate::version(); }
const char* fg_last_error(void) { return t_last_error.c_str(); }

const char* fg_status_name(int status) {
  switch (status) {
    case FG_OK: return "FG_OK";
    case FG_ERR_INVALID_ARGUMENT: return "FG_ERR_INVALID_ARGUMENT";
    case FG_ERR_BAD_INPUT: return "FG_ERR_BAD_INPUT";
    case FG_ERR_NO_FACE: return "FG_ERR_NO_FACE";
    case FG_ERR_NOT_FOUND: return "FG_ERR_NOT_FOUND";
    case FG_ERR_BUFFER_TOO_SMALL: return "FG_ERR_BUFFER_TOO_SMALL";
    case FG_ERR_INTERNAL: return "FG_ERR_INTERNAL";
  }
  return "FG_ERR_UNKNOWN";
}

fg_status fg_image_load(const char* path, uint8_t* rgb, size_t capacity, int* width, int* height) {
  return call("fg_image_load", [&]() -> facegate::Status {
    if (!path || !width || !height) return fg::api::invalid("fg_image_load: path, width and height must not be null");
    facegate::Image img;
    FG_API_RETURN_IF_ERROR(facegate::load_image(path, &img));
    *width = img.width;
    *height = img.height;
    if (!rgb || capacity < img.rgb.size())
      return facegate::Status(facegate::StatusCode::kBufferTooSmall,
                              std::string(path) + ": needs " + std::to_string(img.rgb.size()) + " bytes, buffer has " +
                                  std::to_string(rgb ? capacity : 0));
    std::memcpy(rgb, img.rgb.data(), img.rgb.size());
    return facegate::Status::ok();
  });
}

fg_status fg_distance(const float* a, const float* b, size_t dim, float* distance) {
  return call("fg_distance", [&]() -> facegate::Status {
    if (!a || !b || !distance) return fg::api::invalid("fg_distance: a, b and distance must not be null");
    if (dim == 0) return fg::api::invalid("fg_distance: dim must be positive");
    if (dim == FG_EMBEDDING_DIM) {  // the pipeline's own function: the same bits as verify
      facegate::Embedding ea, eb;
      std::memcpy(ea.data(), a, sizeof ea);
      std::memcpy(eb.data(), b, sizeof eb);
      *distance = facegate::distance(ea, eb);
      return facegate::Status::ok();
    }
    double acc = 0;
    for (size_t i = 0; i < dim; ++i) acc += double(a[i] - b[i]) * double(a[i] - b[i]);
    *distance = float(acc);
    return facegate::Status::ok();
  });
}

void fg_pipeline_options_init(fg_pipeline_options* o) {
  if (!o) return;
  std::memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->model_dir = nullptr;
  o->backend = FG_BACKEND_NATIVE;
  o->precision = FG_PRECISION_F32;
  o->threads = 1;
  o->detector_input_size = 416;
  o->score_threshold = 0.5f;
  o->descriptor = FG_DESCRIPTOR_ALIGN;
  o->chip_template = 5;
  o->chip_padding = 0.25f;
  o->flip = 0;
  o->nets = FG_NETS_ALL;
}

fg_status fg_pipeline_open(const fg_pipeline_options* options, fg_pipeline** out) {
  return call("fg_pipeline_open", [&]() -> facegate::Status {
    if (!out) return fg::api::invalid("fg_pipeline_open: out is null");
    fg_pipeline_options o;
    fg_pipeline_options_init(&o);
    if (options) {
      // A program built against older headers passes a shorter struct: read only that much.
      if (options->struct_size < offsetof(fg_pipeline_options, score_threshold) + sizeof(float) ||
          options->struct_size > sizeof o)
        return fg::api::invalid("fg_pipeline_open: options->struct_size is wrong (call fg_pipeline_options_init)");
      std::memcpy(&o, options, options->struct_size);
    }
    facegate::PipelineOptions po;
    po.model_dir = o.model_dir ? o.model_dir : "";
    if (o.backend != FG_BACKEND_REFERENCE && o.backend != FG_BACKEND_NATIVE && o.backend != FG_BACKEND_XNNPACK)
      return fg::api::invalid("fg_pipeline_open: unknown backend");
    po.backend = facegate::Backend(int(o.backend));
    if (o.precision != FG_PRECISION_F32 && o.precision != FG_PRECISION_INT8)
      return fg::api::invalid("fg_pipeline_open: unknown precision");
    po.precision = o.precision == FG_PRECISION_INT8 ? facegate::Precision::kInt8 : facegate::Precision::kF32;
    po.threads = o.threads;
    po.detector_input_size = o.detector_input_size;
    po.score_threshold = o.score_threshold;
    if (o.descriptor != FG_DESCRIPTOR_ALIGN && o.descriptor != FG_DESCRIPTOR_CROP)
      return fg::api::invalid("fg_pipeline_open: unknown descriptor");
    po.descriptor = o.descriptor == FG_DESCRIPTOR_CROP ? facegate::Descriptor::kCrop : facegate::Descriptor::kAlign;
    po.chip_template = o.chip_template;
    po.chip_padding = o.chip_padding;
    po.flip = o.flip != 0;
    if (o.nets != FG_NETS_ALL && o.nets != FG_NETS_DETECTION && o.nets != FG_NETS_RECOGNITION)
      return fg::api::invalid("fg_pipeline_open: unknown nets");
    po.nets = facegate::Nets(o.nets);
    auto h = std::make_unique<fg_pipeline>();
    FG_API_RETURN_IF_ERROR(facegate::Pipeline::open(po, &h->p));
    *out = h.release();
    return facegate::Status::ok();
  });
}

void fg_pipeline_close(fg_pipeline* p) { delete p; }

fg_status fg_pipeline_detect(fg_pipeline* p, const fg_image* image, fg_box* boxes, size_t capacity, size_t* count) {
  return call("fg_pipeline_detect", [&]() -> facegate::Status {
    FG_API_RETURN_IF_ERROR(check_boxes(p, boxes, capacity, count));
    facegate::ImageView v;
    FG_API_RETURN_IF_ERROR(view_of(image, &v));
    std::vector<facegate::Box> found;
    FG_API_RETURN_IF_ERROR(p->p.detect(v, &found));
    return write_boxes(found, boxes, capacity, count);
  });
}

fg_status fg_pipeline_detect_file(fg_pipeline* p, const char* path, fg_box* boxes, size_t capacity, size_t* count) {
  return call("fg_pipeline_detect_file", [&]() -> facegate::Status {
    FG_API_RETURN_IF_ERROR(check_boxes(p, boxes, capacity, count));
    if (!path) return fg::api::invalid("path is null");
    std::vector<facegate::Box> found;
    FG_API_RETURN_IF_ERROR(p->p.detect_file(path, &found));
    return write_boxes(found, boxes, capacity, count);
  });
}

fg_status fg_pipeline_landmarks(fg_pipeline* p, const fg_image* image, const fg_box* box, fg_point* points,
                                size_t capacity) {
  return call("fg_pipeline_landmarks", [&]() -> facegate::Status {
    if (!p || !box || !points) return fg::api::invalid("fg_pipeline_landmarks: pipeline, box and points must not be null");
    if (capacity < FG_LANDMARK_COUNT)
      return facegate::Status(facegate::StatusCode::kBufferTooSmall,
                              "fg_pipeline_landmarks: capacity " + std::to_string(capacity) + " < 68 points");
    facegate::ImageView v;
    FG_API_RETURN_IF_ERROR(view_of(image, &v));
    facegate::Landmarks lm;
    FG_API_RETURN_IF_ERROR(p->p.landmarks(v, from_c(*box), &lm));
    for (int i = 0; i < FG_LANDMARK_COUNT; ++i) points[i] = fg_point{lm[i].x, lm[i].y};
    return facegate::Status::ok();
  });
}

fg_status fg_pipeline_embed_box(fg_pipeline* p, const fg_image* image, const fg_box* box, float* embedding,
                                size_t dim) {
  return call("fg_pipeline_embed_box", [&]() -> facegate::Status {
    if (!p || !box) return fg::api::invalid("fg_pipeline_embed_box: pipeline and box must not be null");
    FG_API_RETURN_IF_ERROR(check_dim(embedding, dim, "embedding"));
    facegate::ImageView v;
    FG_API_RETURN_IF_ERROR(view_of(image, &v));
    facegate::Embedding e;
    FG_API_RETURN_IF_ERROR(p->p.embed_box(v, from_c(*box), &e));
    std::memcpy(embedding, e.data(), sizeof e);
    return facegate::Status::ok();
  });
}

fg_status fg_pipeline_embed(fg_pipeline* p, const fg_image* image, float* embedding, size_t dim, fg_box* face) {
  return call("fg_pipeline_embed", [&]() -> facegate::Status {
    if (!p) return fg::api::invalid("pipeline is null");
    FG_API_RETURN_IF_ERROR(check_dim(embedding, dim, "embedding"));
    facegate::ImageView v;
    FG_API_RETURN_IF_ERROR(view_of(image, &v));
    facegate::Embedding e;
    facegate::Box b;
    FG_API_RETURN_IF_ERROR(p->p.embed(v, &e, &b));
    std::memcpy(embedding, e.data(), sizeof e);
    if (face) *face = to_c(b);
    return facegate::Status::ok();
  });
}

fg_status fg_pipeline_embed_crop(fg_pipeline* p, const fg_image* image, float* embedding, size_t dim) {
  return call("fg_pipeline_embed_crop", [&]() -> facegate::Status {
    if (!p) return fg::api::invalid("pipeline is null");
    FG_API_RETURN_IF_ERROR(check_dim(embedding, dim, "embedding"));
    facegate::ImageView v;
    FG_API_RETURN_IF_ERROR(view_of(image, &v));
    facegate::Embedding e;
    FG_API_RETURN_IF_ERROR(p->p.embed_crop(v, &e));
    std::memcpy(embedding, e.data(), sizeof e);
    return facegate::Status::ok();
  });
}

fg_status fg_pipeline_embed_file(fg_pipeline* p, const char* path, float* embedding, size_t dim, fg_box* face) {
  return call("fg_pipeline_embed_file", [&]() -> facegate::Status {
    if (!p || !path) return fg::api::invalid("fg_pipeline_embed_file: pipeline and path must not be null");
    FG_API_RETURN_IF_ERROR(check_dim(embedding, dim, "embedding"));
    facegate::Embedding e;
    facegate::Box b;
    FG_API_RETURN_IF_ERROR(p->p.embed_file(path, &e, &b));
    std::memcpy(embedding, e.data(), sizeof e);
    if (face) *face = to_c(b);
    return facegate::Status::ok();
  });
}

fg_status fg_pipeline_verify_files(fg_pipeline* p, const char* path_a, const char* path_b, float tau, float* distance,
                                   int* same) {
  return call("fg_pipeline_verify_files", [&]() -> facegate::Status {
    if (!p || !path_a || !path_b || !distance || !same)
      return fg::api::invalid("fg_pipeline_verify_files: no argument may be null");
    facegate::VerifyResult r;
    FG_API_RETURN_IF_ERROR(p->p.verify_files(path_a, path_b, tau, &r));
    *distance = r.distance;
    *same = r.same ? 1 : 0;
    return facegate::Status::ok();
  });
}

fg_status fg_pipeline_model_id(const fg_pipeline* p, char* buf, size_t capacity) {
  return call("fg_pipeline_model_id", [&]() -> facegate::Status {
    if (!p || !buf) return fg::api::invalid("fg_pipeline_model_id: pipeline and buf must not be null");
    const std::string id = p->p.model_id();
    if (capacity < id.size() + 1)
      return facegate::Status(facegate::StatusCode::kBufferTooSmall,
                              "fg_pipeline_model_id: needs " + std::to_string(id.size() + 1) + " bytes");
    std::memcpy(buf, id.c_str(), id.size() + 1);
    return facegate::Status::ok();
  });
}

void fg_gallery_options_init(fg_gallery_options* o) {
  if (!o) return;
  std::memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->create_if_missing = 1;
  o->read_only = 0;
}

fg_status fg_gallery_open(const char* path, const char* model_id, const fg_gallery_options* options, fg_gallery** out) {
  return call("fg_gallery_open", [&]() -> facegate::Status {
    if (!path || !out) return fg::api::invalid("fg_gallery_open: path and out must not be null");
    fg_gallery_options o;
    fg_gallery_options_init(&o);
    if (options) {
      if (options->struct_size < offsetof(fg_gallery_options, read_only) + sizeof(int) || options->struct_size > sizeof o)
        return fg::api::invalid("fg_gallery_open: options->struct_size is wrong (call fg_gallery_options_init)");
      std::memcpy(&o, options, options->struct_size);
    }
    facegate::GalleryOptions go;
    go.create_if_missing = o.create_if_missing != 0;
    go.read_only = o.read_only != 0;
    go.key_path = o.key_path ? o.key_path : "";
    go.insecure = o.insecure != 0;
    auto h = std::make_unique<fg_gallery>();
    FG_API_RETURN_IF_ERROR(facegate::Gallery::open(path, model_id ? model_id : "", go, &h->g));
    *out = h.release();
    return facegate::Status::ok();
  });
}

void fg_gallery_close(fg_gallery* g) { delete g; }

fg_status fg_gallery_enroll(fg_gallery* g, const char* name, const float* embedding, size_t dim, uint64_t* record_id) {
  return call("fg_gallery_enroll", [&]() -> facegate::Status {
    if (!g || !name) return fg::api::invalid("fg_gallery_enroll: gallery and name must not be null");
    FG_API_RETURN_IF_ERROR(check_dim(embedding, dim, "embedding"));
    facegate::Embedding e;
    std::memcpy(e.data(), embedding, sizeof e);
    return g->g.enroll(name, e, record_id);
  });
}

fg_status fg_gallery_remove(fg_gallery* g, const char* name, size_t* removed) {
  return call("fg_gallery_remove", [&]() -> facegate::Status {
    if (!g || !name) return fg::api::invalid("fg_gallery_remove: gallery and name must not be null");
    return g->g.remove(name, removed);
  });
}

fg_status fg_gallery_identify(const fg_gallery* g, const float* query, size_t dim, float tau, fg_match* matches,
                              size_t k, size_t* count) {
  return call("fg_gallery_identify", [&]() -> facegate::Status {
    if (!g || !matches || !count) return fg::api::invalid("fg_gallery_identify: gallery, matches and count must not be null");
    FG_API_RETURN_IF_ERROR(check_dim(query, dim, "query"));
    facegate::Embedding q;
    std::memcpy(q.data(), query, sizeof q);
    std::vector<facegate::Match> found;
    FG_API_RETURN_IF_ERROR(g->g.identify(q, tau, k, &found));
    for (size_t i = 0; i < found.size(); ++i) {
      fg_match& m = matches[i];
      std::memset(m.name, 0, sizeof m.name);
      std::memcpy(m.name, found[i].name.data(), std::min(found[i].name.size(), size_t(FG_MAX_NAME_BYTES)));
      m.distance = found[i].distance;
      m.records = found[i].records;
      m.accepted = found[i].accepted ? 1 : 0;
    }
    *count = found.size();
    return facegate::Status::ok();
  });
}

fg_status fg_gallery_count(const fg_gallery* g, size_t* persons, size_t* records) {
  return call("fg_gallery_count", [&]() -> facegate::Status {
    if (!g) return fg::api::invalid("gallery is null");
    if (persons) *persons = g->g.persons();
    if (records) *records = g->g.records();
    return facegate::Status::ok();
  });
}

}  // extern "C"
