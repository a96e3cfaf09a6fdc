// The door's gallery: which encoder made it, opening it, and enrolling people from photos.
#pragma once
#include <string>
#include <vector>

#include "runtime/vision/face_pipeline.h"
#include "runtime/gallery/gallery.h"
#include "tools/door/door_config.h"

namespace fg::door {

// Identifies the encoder weights in the gallery header (encoder_model_id: the same id
// `facegate enroll` writes). A gallery made with other weights is refused, because its
// distances would be meaningless (and could grant strangers).
std::string door_encoder_model_id(const FacePipeline& p);

// Embeds the largest face of a photo. Tight face chips (like samples/faces, 150x150) leave the
// detector no context, so when no face is found the photo is pasted into the middle of a
// gray canvas 2x, then 3x its size and detected again. *found = false: no face in any.
Status door_embed_photo(FacePipeline& p, const Image& photo, PipelineFace* face, bool* found);

// --gallery-key FILE (else $FG_GALLERY_KEY) and --insecure-gallery -> key + insecure. With
// neither a key nor --insecure-gallery: an error naming both.
Status door_gallery_access(const DoorConfig& cfg, GalleryOpenOptions* access);
// Opens (reader) or, for enrolment, creates/opens (writer) the gallery at `path`.
Status door_open_gallery(const std::string& path, const std::string& model_id, const GalleryOpenOptions& access,
                         GalleryPtr* out);
// Enrols every image of every request; prints one line per image. Creates the gallery if
// missing (format v2 with the key, v1 only with --insecure-gallery). An image without a face
// is an error (nothing half-enrolled for that image).
Status door_enroll(FacePipeline& p, const std::string& path, const std::string& model_id,
                   const GalleryOpenOptions& access, const std::vector<EnrollRequest>& requests);

}  // namespace fg::door
