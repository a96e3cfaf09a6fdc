#include "tools/door/door_gallery.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>

namespace fg::door {
namespace {

// Canvas gray for padded chips: mid-gray reads as "background" to the detector.
constexpr uint8_t kCanvasGray = 128;

Image pad_into_canvas(const Image& in, int factor) {
  const int w = in.width * factor, h = in.height * factor;
  Image out = image_make(w, h, in.channels);
  std::memset(out.pixels.data(), kCanvasGray, out.pixels.size());
  const int x0 = (w - in.width) / 2, y0 = (h - in.height) / 2;
  for (int y = 0; y < in.height; ++y)
    std::memcpy(out.row(y0 + y) + (size_t)x0 * in.channels, in.row(y), (size_t)in.width * in.channels);
  return out;
}

Status embed_largest(FacePipeline& p, const Image& img, PipelineFace* face, bool* found) {
  std::vector<FaceBox> boxes;
  FG_RETURN_IF_ERROR(face_pipeline_detect(p, img, &boxes));
  *found = !boxes.empty();
  if (!*found) return Status::ok();
  size_t best = 0;
  for (size_t i = 1; i < boxes.size(); ++i)
    if (boxes[i].width * boxes[i].height > boxes[best].width * boxes[best].height) best = i;
  FG_RETURN_IF_ERROR(face_pipeline_landmarks(p, img, boxes[best], face));
  return face_pipeline_embed(p, img, face);
}

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

std::string door_encoder_model_id(const FacePipeline& p) { return encoder_model_id(p.encoder.model); }

Status door_embed_photo(FacePipeline& p, const Image& photo, PipelineFace* face, bool* found) {
  FG_RETURN_IF_ERROR(embed_largest(p, photo, face, found));
  for (int factor : {2, 3}) {
    if (*found) break;
    FG_RETURN_IF_ERROR(embed_largest(p, pad_into_canvas(photo, factor), face, found));
  }
  return Status::ok();
}

Status door_gallery_access(const DoorConfig& cfg, GalleryOpenOptions* access) {
  *access = GalleryOpenOptions{};
  FG_RETURN_IF_ERROR(gallery_key_from_flag_or_env(cfg.gallery_key, &access->key));
  access->insecure = cfg.insecure_gallery;
  if (!access->key.loaded && !access->insecure)
    return Status::error("no gallery key: give --gallery-key FILE (or FG_GALLERY_KEY; `facegate gallery keygen FILE` "
                         "makes one), or --insecure-gallery to accept an unauthenticated gallery");
  return Status::ok();
}

Status door_open_gallery(const std::string& path, const std::string& model_id, const GalleryOpenOptions& access,
                         GalleryPtr* out) {
  GalleryOpenOptions o = access;
  o.expected_model_id = model_id;
  return gallery_open(path, o, out);
}

Status door_enroll(FacePipeline& p, const std::string& path, const std::string& model_id,
                   const GalleryOpenOptions& access, const std::vector<EnrollRequest>& requests) {
  GalleryPtr g;
  if (file_exists(path)) {
    GalleryOpenOptions o = access;
    o.writer = true;
    o.expected_model_id = model_id;
    FG_RETURN_IF_ERROR(gallery_open(path, o, &g));
  } else {
    GalleryCreateOptions c;
    c.dim = kEmbeddingDim;
    c.model_id = model_id;
    c.key = access.key;  // loaded: format v2; else v1 (--insecure-gallery)
    FG_RETURN_IF_ERROR(gallery_create(path, c, &g));
    std::printf("created gallery %s (encoder %s)\n", path.c_str(), model_id.c_str());
  }
  for (const EnrollRequest& r : requests) {
    for (const std::string& img_path : r.images) {
      Image img;
      FG_RETURN_IF_ERROR(image_load(img_path, 3, &img));
      PipelineFace face;
      bool found = false;
      FG_RETURN_IF_ERROR(door_embed_photo(p, img, &face, &found).with_context(img_path));
      if (!found) return Status::error(img_path + ": no face found (use a photo with one clear face)");
      uint64_t id = 0;
      FG_RETURN_IF_ERROR(gallery_enroll(g.get(), r.name, face.embedding, kEmbeddingDim, &id));
      std::printf("enrolled %s from %s (record %llu)\n", r.name.c_str(), img_path.c_str(), (unsigned long long)id);
    }
  }
  std::fflush(stdout);
  return Status::ok();
}

}  // namespace fg::door
