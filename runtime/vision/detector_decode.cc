// Tiny YOLO v2 box decoding and NMS, following face-api's TinyYolov2Base.extractBoxes and
// ops/nonMaxSuppression step by step (double precision like the JS it mirrors).
#include "runtime/vision/detector_decode.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace fg {

const double kTinyDetectorAnchorWH[kTinyDetectorAnchors][2] = {
    {1.603231, 2.094468}, {6.041143, 7.080126}, {2.882459, 3.518061},
    {4.266906, 5.178857}, {9.041765, 10.66308}};

namespace {
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
// JS Math.round: half rounds up.
double js_round(double x) { return std::floor(x + 0.5); }
}  // namespace

double box_iou(const FaceBox& a, const FaceBox& b) {
  const double w = std::max(0.0, std::min(a.right(), b.right()) - std::max(a.x, b.x));
  const double h = std::max(0.0, std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y));
  const double inter = w * h;
  const double uni = a.width * a.height + b.width * b.height - inter;
  return uni > 0 ? inter / uni : 0.0;
}

std::vector<int> nms_face_api(const std::vector<FaceBox>& boxes, double iou_threshold) {
  std::vector<int> order(boxes.size());
  std::iota(order.begin(), order.end(), 0);
  // JS Array.prototype.sort is stable (ES2019): equal scores keep index order, and pop()
  // then takes the last of them first.
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return boxes[a].score < boxes[b].score; });
  std::vector<int> picked;
  while (!order.empty()) {
    const int cur = order.back();
    order.pop_back();
    picked.push_back(cur);
    std::vector<int> rest;
    rest.reserve(order.size());
    for (int idx : order)
      if (box_iou(boxes[cur], boxes[idx]) <= iou_threshold) rest.push_back(idx);
    order.swap(rest);
  }
  return picked;
}

Status tiny_detector_decode(const float* output, int grid, const TinyDetectorOptions& o,
                            int frame_w, int frame_h, std::vector<FaceBox>* boxes) {
  if (!output || !boxes) return Status::error("tiny_detector_decode: null argument");
  if (o.input_size <= 0 || o.input_size % 32 != 0)
    return Status::error("tiny_detector_decode: input_size " + std::to_string(o.input_size) +
                         " is not a positive multiple of 32");
  if (grid != o.input_size / 32)
    return Status::error("tiny_detector_decode: grid " + std::to_string(grid) +
                         " does not match input_size / 32 = " + std::to_string(o.input_size / 32));
  if (frame_w <= 0 || frame_h <= 0) return Status::error("tiny_detector_decode: empty frame");

  const double in = o.input_size;
  const double s = in / std::max(frame_w, frame_h);
  // Size of the frame inside the padded square input (before bottom/right padding).
  const double rw = js_round(frame_w * s), rh = js_round(frame_h * s);
  const double corr_x = in / rw, corr_y = in / rh;

  // Candidates in relative coordinates of the un-padded frame.
  std::vector<FaceBox> cand;
  for (int row = 0; row < grid; ++row)
    for (int col = 0; col < grid; ++col)
      for (int a = 0; a < kTinyDetectorAnchors; ++a) {
        const float* v = output + ((size_t)row * grid + col) * (5 * kTinyDetectorAnchors) + 5 * a;
        const double score = sigmoid(v[4]);
        if (!(score > o.score_threshold)) continue;  // strict; NaN never passes
        const double cx = ((col + sigmoid(v[0])) / grid) * corr_x;
        const double cy = ((row + sigmoid(v[1])) / grid) * corr_y;
        const double w = ((std::exp((double)v[2]) * kTinyDetectorAnchorWH[a][0]) / grid) * corr_x;
        const double h = ((std::exp((double)v[3]) * kTinyDetectorAnchorWH[a][1]) / grid) * corr_y;
        FaceBox b;
        b.x = cx - w / 2, b.y = cy - h / 2, b.width = w, b.height = h;
        b.score = score;
        cand.push_back(b);
      }

  // NMS on boxes scaled by input_size, as face-api does (box.rescale(inputSize)).
  std::vector<FaceBox> scaled = cand;
  for (FaceBox& b : scaled) b.x *= in, b.y *= in, b.width *= in, b.height *= in;
  const std::vector<int> picked = nms_face_api(scaled, o.iou_threshold);

  boxes->clear();
  for (int i : picked) {
    FaceBox b = cand[i];
    b.x *= frame_w, b.width *= frame_w;
    b.y *= frame_h, b.height *= frame_h;
    boxes->push_back(b);
  }
  return Status::ok();
}

}  // namespace fg
