// YuNet (libfacedetection.train yunet_n, Apache-2.0) head outputs -> faces in frame pixels.
//
// The net (tools/convert/net_yunet.cc) has one output per stride s = 8, 16, 32: [S/s][S/s][16]
// NHWC, channel 0 cls logit, 1 obj logit, 2..5 box (dx, dy, log w, log h), 6..15 five points
// (x, y) in stride units. Decoding is upstream's (OpenCV FaceDetectorYN, anchor-free): cell
// (row r, col c) scores sqrt(sigmoid(cls) * sigmoid(obj)); centre ((c + dx) s, (r + dy) s),
// size (exp(dw) s, exp(dh) s); point k ((c + kx) s, (r + ky) s). Then greedy NMS.
//
// Input: the frame padded to a square at the bottom/right (as the tiny detector), bilinear to
// S x S, BGR, 0..255 (yunet_input_spec + PixelOrder::kBgr), so one scale maps the input to
// the frame: frame = net * max(w, h) / S.
#pragma once
#include <string>
#include <vector>

#include "runtime/base/status.h"
#include "runtime/vision/detector_decode.h"
#include "runtime/vision/landmarks_decode.h"
#include "runtime/vision/preprocess.h"

namespace fg {

constexpr int kYunetLevels = 3;
constexpr int kYunetStrides[kYunetLevels] = {8, 16, 32};
constexpr int kYunetHeadChannels = 16;
constexpr int kYunetPoints = 5;  // right eye, left eye, nose tip, right and left mouth corner
constexpr int kYunetDefaultInputSize = 320;

struct YunetOptions {
  int input_size = kYunetDefaultInputSize;  // multiple of 32; the build makes 160, 320, 640
  double score_threshold = 0.6;             // kept if score > threshold (strict, as the tiny one)
  double iou_threshold = 0.3;               // OpenCV FaceDetectorYN's default NMS threshold
};

struct YunetFace {
  FaceBox box;                  // upstream's box in frame pixels (not clipped), with score
  Point2 points[kYunetPoints];  // frame pixels
};

// BGR order is the caller's (preprocess_region(..., PixelOrder::kBgr, ...)); no mean, no scale.
NetInputSpec yunet_input_spec(int input_size);

// yunet.fgm for 320, yunet<N>.fgm otherwise ("_int8" before ".fgm" for the int8 model).
std::string yunet_model_file(int input_size, bool int8 = false);

// heads[l] = output of level l (stride kYunetStrides[l]) for a frame_w x frame_h frame. Faces
// come out in NMS pick order (highest score first).
Status yunet_decode(const float* const heads[kYunetLevels], const YunetOptions& options, int frame_w, int frame_h,
                    std::vector<YunetFace>* faces);

// The box the landmark68 net expects for a YuNet face: the tiny detector's framing (the box
// face-api's landmark net was trained with), which is larger than YuNet's tight box and sits
// lower. The constants were fitted on the bundled frames (tests/test_yunet_decode.cc checks
// the mapped boxes against the tiny detector's).
FaceBox yunet_box_for_landmarks(const FaceBox& yunet_box);

}  // namespace fg
