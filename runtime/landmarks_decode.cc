// Landmark postprocess, one float32 step at a time like face-api's tensor ops.
#include "runtime/landmarks_decode.h"

#include <cmath>
#include <string>

namespace fg {

Status landmarks68_decode(const float* fc_out, int crop_w, int crop_h, double box_x, double box_y,
                          std::vector<Point2>* points, std::vector<Point2>* relative) {
  if (!fc_out || !points) return Status::error("landmarks68_decode: null argument");
  if (crop_w <= 0 || crop_h <= 0)
    return Status::error("landmarks68_decode: empty crop " + std::to_string(crop_w) + "x" +
                         std::to_string(crop_h));
  // Size of the crop inside the 112 square, unrounded (postProcess scales, never rounds).
  const double scale = (double)kLandmarkNetInputSize / std::max(crop_w, crop_h);
  const float wp = (float)(crop_w * scale), hp = (float)(crop_h * scale);
  // Padding as if symmetric; the tensor padding was integer, so odd differences are off
  // by half a source pixel: reproduced on purpose (golden parity).
  const float pad_x = (float)(crop_w < crop_h ? std::fabs((double)crop_w * scale - crop_h * scale) / 2 : 0);
  const float pad_y = (float)(crop_h < crop_w ? std::fabs((double)crop_w * scale - crop_h * scale) / 2 : 0);
  const float size = (float)kLandmarkNetInputSize;
  points->resize(kLandmarkCount);
  if (relative) relative->resize(kLandmarkCount);
  for (int i = 0; i < kLandmarkCount; ++i) {
    const float rx = (fc_out[2 * i] * size - pad_x) / wp;
    const float ry = (fc_out[2 * i + 1] * size - pad_y) / hp;
    if (!std::isfinite(rx) || !std::isfinite(ry))
      return Status::error("landmarks68_decode: non-finite net output at point " + std::to_string(i));
    (*points)[i].x = (double)rx * crop_w + box_x;
    (*points)[i].y = (double)ry * crop_h + box_y;
    if (relative) (*relative)[i].x = rx, (*relative)[i].y = ry;
  }
  return Status::ok();
}

}  // namespace fg
