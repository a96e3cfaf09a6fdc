#include "runtime/vision/face_photo.h"

#include <cstring>

namespace fg {

Image pad_into_canvas(const Image& in, int factor) {
  const int w = in.width * factor, h = in.height * factor;
  Image out = image_make(w, h, in.channels);
  std::memset(out.pixels.data(), kPhotoCanvasGray, out.pixels.size());
  const int x0 = (w - in.width) / 2, y0 = (h - in.height) / 2;
  for (int y = 0; y < in.height; ++y)
    std::memcpy(out.row(y0 + y) + (size_t)x0 * in.channels, in.row(y), (size_t)in.width * in.channels);
  return out;
}

Status face_embed_largest(FacePipeline& p, const Image& img, PipelineFace* face, bool* found) {
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

Status face_embed_photo(FacePipeline& p, const Image& photo, PipelineFace* face, bool* found) {
  FG_RETURN_IF_ERROR(face_embed_largest(p, photo, face, found));
  for (int factor : {2, 3}) {
    if (*found) break;
    FG_RETURN_IF_ERROR(face_embed_largest(p, pad_into_canvas(photo, factor), face, found));
  }
  return Status::ok();
}

}  // namespace fg
