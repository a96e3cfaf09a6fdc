// Landmark and descriptor crops, mirroring face-api's Box / FaceLandmarks.alignDlib code.
#include "runtime/vision/face_crop.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace fg {

Status clip_box_at_image_borders(double x, double y, double width, double height, int frame_w,
                                 int frame_h, CropRect* out) {
  if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(width) || !std::isfinite(height))
    return Status::error("clip_box_at_image_borders: non-finite box");
  const double cx = std::max(x, 0.0), cy = std::max(y, 0.0);
  const double w = std::min(x + width - cx, frame_w - cx);
  const double h = std::min(y + height - cy, frame_h - cy);
  CropRect r;
  r.x = (int)std::floor(cx);
  r.y = (int)std::floor(cy);
  r.width = (int)std::floor(w);
  r.height = (int)std::floor(h);
  if (r.width <= 0 || r.height <= 0 || r.x >= frame_w || r.y >= frame_h)
    return Status::error("box at " + std::to_string(x) + "," + std::to_string(y) + " size " +
                         std::to_string(width) + "x" + std::to_string(height) +
                         " has no pixels inside the " + std::to_string(frame_w) + "x" +
                         std::to_string(frame_h) + " frame");
  *out = r;
  return Status::ok();
}

Status landmark_crop_for_box(const FaceBox& box, int frame_w, int frame_h, CropRect* out) {
  return clip_box_at_image_borders(box.x, box.y, box.width, box.height, frame_w, frame_h, out);
}

Point2 landmarks_mean(const std::vector<Point2>& pts, int begin, int end) {
  Point2 s;
  for (int i = begin; i < end; ++i) s.x += pts[i].x, s.y += pts[i].y;
  s.x /= (end - begin);
  s.y /= (end - begin);
  return s;
}

Status descriptor_crop_from_landmarks(const std::vector<Point2>& pts, int crop_w, int crop_h,
                                      int frame_w, int frame_h, CropRect* out) {
  if (pts.size() != (size_t)kLandmarkCount)
    return Status::error("descriptor crop: need 68 landmarks, got " + std::to_string(pts.size()));
  const Point2 le = landmarks_mean(pts, 36, 42);
  const Point2 re = landmarks_mean(pts, 42, 48);
  const Point2 mouth = landmarks_mean(pts, 48, 68);
  const double d_left = std::sqrt((mouth.x - le.x) * (mouth.x - le.x) + (mouth.y - le.y) * (mouth.y - le.y));
  const double d_right = std::sqrt((mouth.x - re.x) * (mouth.x - re.x) + (mouth.y - re.y) * (mouth.y - re.y));
  // face-api's dlib-like proportions: eye-mouth distance is 0.45 of the square, the
  // eyes/mouth centroid sits at (0.5, 0.43) of it.
  const double size = std::floor((d_left + d_right) / 2 / 0.45);
  const double ref_x = (le.x + re.x + mouth.x) / 3;
  const double ref_y = (le.y + re.y + mouth.y) / 3;
  if (!std::isfinite(size) || !std::isfinite(ref_x) || !std::isfinite(ref_y) || size <= 0)
    return Status::error("descriptor crop: degenerate landmarks (eye-mouth distance " +
                         std::to_string(size) + ")");
  const double x = std::floor(std::max(0.0, ref_x - 0.5 * size));
  const double y = std::floor(std::max(0.0, ref_y - 0.43 * size));
  const double w = std::min(size, crop_w + x);
  const double h = std::min(size, crop_h + y);
  return clip_box_at_image_borders(x, y, w, h, frame_w, frame_h, out);
}

}  // namespace fg
