#include "runtime/vision/face_photo.h"

#include <algorithm>
#include <cstring>

namespace fg {

Image pad_into_canvas(const Image& in, int factor) {
  const int w = in.width * factor, h = in.height * factor;
  Image out = image_make(w, h, in.channels);
  std::memset(out.pixels.data(), kPhotoCanvasGray, out.pixels.size());
  int x0, y0;
  pad_canvas_origin(in.width, in.height, factor, &x0, &y0);
  for (int y = 0; y < in.height; ++y)
    std::memcpy(out.row(y0 + y) + (size_t)x0 * in.channels, in.row(y), (size_t)in.width * in.channels);
  return out;
}

void pad_canvas_origin(int width, int height, int factor, int* x0, int* y0) {
  *x0 = (width * factor - width) / 2;
  *y0 = (height * factor - height) / 2;
}

namespace {

// The largest box of `img` (area; the first of equals in detector order), *found false if
// none; *count: how many boxes.
Status largest_box(FacePipeline& p, const Image& img, FaceBox* box, bool* found, size_t* count = nullptr) {
  std::vector<FaceBox> boxes;
  FG_RETURN_IF_ERROR(face_pipeline_detect(p, img, &boxes));
  if (count) *count = boxes.size();
  *found = !boxes.empty();
  if (!*found) return Status::ok();
  size_t best = 0;
  for (size_t i = 1; i < boxes.size(); ++i)
    if (boxes[i].width * boxes[i].height > boxes[best].width * boxes[best].height) best = i;
  *box = boxes[best];
  return Status::ok();
}

}  // namespace

bool photo_face_needs_canvas(size_t faces, float face_width, int width, int height) {
  return faces == 0 || (faces == 1 && face_width < kPhotoSmallFace * std::min(width, height));
}

bool photo_canvas_face_wins(float px, float py, float pw, float ph, float cx, float cy, float cw, float ch) {
  const float mx = px + pw / 2, my = py + ph / 2;
  return cw >= kPhotoCanvasGrowth * pw && mx >= cx && mx <= cx + cw && my >= cy && my <= cy + ch;
}

Status face_embed_largest(FacePipeline& p, const Image& img, PipelineFace* face, bool* found) {
  FaceBox box;
  FG_RETURN_IF_ERROR(largest_box(p, img, &box, found));
  if (!*found) return Status::ok();
  FG_RETURN_IF_ERROR(face_pipeline_landmarks(p, img, box, face));
  return face_pipeline_embed(p, img, face);
}

Status face_embed_photo(FacePipeline& p, const Image& photo, PipelineFace* face, bool* found) {
  FaceBox box;
  size_t count = 0;
  FG_RETURN_IF_ERROR(largest_box(p, photo, &box, found, &count));
  const Image* from = &photo;
  Image canvas;
  if (photo_face_needs_canvas(count, box.width, photo.width, photo.height)) {
    for (int factor : kPhotoCanvasFactors) {
      Image c = pad_into_canvas(photo, factor);
      FaceBox cbox;
      bool cfound = false;
      FG_RETURN_IF_ERROR(largest_box(p, c, &cbox, &cfound));
      if (!cfound) continue;
      int x0, y0;
      pad_canvas_origin(photo.width, photo.height, factor, &x0, &y0);
      // Same pixel scale: the canvas only adds border.
      if (!*found || photo_canvas_face_wins(box.x, box.y, box.width, box.height, cbox.x - x0, cbox.y - y0, cbox.width,
                                            cbox.height)) {
        canvas = std::move(c);
        box = cbox;
        from = &canvas;
        *found = true;
      }
      break;
    }
  }
  if (!*found) return Status::ok();
  FG_RETURN_IF_ERROR(face_pipeline_landmarks(p, *from, box, face));
  return face_pipeline_embed(p, *from, face);
}

}  // namespace fg
