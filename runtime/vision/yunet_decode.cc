#include "runtime/vision/yunet_decode.h"

#include <algorithm>
#include <cmath>

namespace fg {

namespace {
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
}  // namespace

NetInputSpec yunet_input_spec(int input_size) {
  NetInputSpec s;
  s.size = input_size;
  s.pad_centered = false;  // bottom/right: one scale, no offset, maps the input to the frame
  return s;                // mean 0, divisor 1: upstream feeds 0..255
}

std::string yunet_model_file(int input_size, bool int8) {
  return (input_size == kYunetDefaultInputSize ? std::string("yunet") : "yunet" + std::to_string(input_size)) +
         (int8 ? "_int8.fgm" : ".fgm");
}

Status yunet_decode(const float* const heads[kYunetLevels], const YunetOptions& o, int frame_w, int frame_h,
                    std::vector<YunetFace>* faces) {
  if (!faces) return Status::error("yunet_decode: null argument");
  if (o.input_size < 32 || o.input_size % 32 != 0)
    return Status::error("yunet_decode: input_size " + std::to_string(o.input_size) + " is not a positive multiple of 32");
  if (frame_w <= 0 || frame_h <= 0) return Status::error("yunet_decode: empty frame");
  const double scale = (double)std::max(frame_w, frame_h) / o.input_size;
  std::vector<YunetFace> cand;
  std::vector<FaceBox> boxes;
  for (int l = 0; l < kYunetLevels; ++l) {
    if (!heads[l]) return Status::error("yunet_decode: null head output");
    const int s = kYunetStrides[l], n = o.input_size / s;
    for (int r = 0; r < n; ++r)
      for (int c = 0; c < n; ++c) {
        const float* v = heads[l] + ((size_t)r * n + c) * kYunetHeadChannels;
        const double score = std::sqrt(sigmoid(v[0]) * sigmoid(v[1]));
        if (!(score > o.score_threshold)) continue;  // strict; NaN never passes
        YunetFace f;
        const double w = std::exp((double)v[4]) * s, h = std::exp((double)v[5]) * s;
        f.box.x = ((c + v[2]) * s - w / 2) * scale;
        f.box.y = ((r + v[3]) * s - h / 2) * scale;
        f.box.width = w * scale;
        f.box.height = h * scale;
        f.box.score = score;
        if (!std::isfinite(f.box.x) || !std::isfinite(f.box.y) || !std::isfinite(f.box.width) ||
            !std::isfinite(f.box.height))
          continue;  // exp overflow on a hostile/broken model: no box rather than inf
        for (int k = 0; k < kYunetPoints; ++k)
          f.points[k] = Point2{(c + v[6 + 2 * k]) * s * scale, (r + v[7 + 2 * k]) * s * scale};
        cand.push_back(f);
        boxes.push_back(f.box);
      }
  }
  faces->clear();
  for (int i : nms_face_api(boxes, o.iou_threshold)) faces->push_back(cand[(size_t)i]);
  return Status::ok();
}

FaceBox yunet_box_for_landmarks(const FaceBox& b) {
  // Fitted on the 15 faces of 11 bundled frames (medians, tiny box vs YuNet box, in units of
  // s = sqrt(w h) of the YuNet box): centre x +0.01 s, y +0.10 s; width 1.12 s, height 1.07 s
  // (spread 0.05 / 0.04 / 0.20 / 0.11). IoU with the tiny box rises from 0.46..0.76 to
  // 0.55..0.94. Tiny's box is near-square and starts at the brows, YuNet's is taller
  // (forehead to chin) and narrower.
  const double s = std::sqrt(b.width * b.height);
  FaceBox m;
  m.width = 1.12 * s;
  m.height = 1.07 * s;
  m.x = b.x + b.width / 2 + 0.01 * s - m.width / 2;
  m.y = b.y + b.height / 2 + 0.10 * s - m.height / 2;
  m.score = b.score;
  return m;
}

}  // namespace fg
