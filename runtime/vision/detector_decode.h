// Tiny face detector output -> face boxes in frame pixels (ARCHITECTURE.md §2): box
// decoding (sigmoid/exp against 5 anchors, strict score threshold) and face-api's NMS.
//
// The net output is [G][G][25] NHWC (G = input_size / 32); channel = anchor * 5 +
// {tx, ty, tw, th, to}, row = y, col = x. Arithmetic is double like face-api's JS.
#pragma once
#include <vector>

#include "runtime/base/status.h"

namespace fg {

// A detected face in frame pixel coordinates (x, y = top-left; not clipped to the frame).
struct FaceBox {
  double x = 0, y = 0, width = 0, height = 0;
  double score = 0;
  double right() const { return x + width; }
  double bottom() const { return y + height; }
};

struct TinyDetectorOptions {
  int input_size = 416;          // multiple of 32 (face-api accepts 160..608 in practice)
  double score_threshold = 0.5;  // kept if score > threshold (strict)
  double iou_threshold = 0.4;    // NMS drops a box whose IoU with a kept one is > this
};

constexpr int kTinyDetectorAnchors = 5;
// Anchor (w, h) in grid cells.
extern const double kTinyDetectorAnchorWH[kTinyDetectorAnchors][2];

// Decodes `output` (grid x grid x 25 floats, grid = input_size / 32) for a frame of
// frame_w x frame_h pixels. Boxes come out in NMS pick order (highest score first).
Status tiny_detector_decode(const float* output, int grid, const TinyDetectorOptions& options,
                            int frame_w, int frame_h, std::vector<FaceBox>* boxes);

// face-api's nonMaxSuppression: candidates sorted by score ascending (stable), pop the
// highest, drop every remaining box with IoU > iou_threshold, repeat. Returns the picked
// indices in pick order. Exposed for tests and for other detectors.
std::vector<int> nms_face_api(const std::vector<FaceBox>& boxes, double iou_threshold);

// Plain inter / (area1 + area2 - inter), 0 when the boxes do not overlap.
double box_iou(const FaceBox& a, const FaceBox& b);

}  // namespace fg
