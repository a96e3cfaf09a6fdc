#include "tools/door/door_gallery.h"

#include <sys/stat.h>

#include <cstdio>
#include <cstring>

#include "runtime/vision/face_photo.h"

namespace fg::door {
namespace {

bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

std::string door_encoder_model_id(const FacePipeline& p) { return encoder_model_id(p.encoder.model); }

Status door_embed_photo(FacePipeline& p, const Image& photo, PipelineFace* face, bool* found) {
  return face_embed_photo(p, photo, face, found);
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
