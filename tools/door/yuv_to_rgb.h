// YUV -> RGB8 for camera frames (BT.601, the matrix of SD/webcam video and of JPEG).
//
// Planar (Y4M): chroma planes are subsampled by (1 << sx) horizontally and (1 << sy)
// vertically, their sizes rounded up: 420 = (1,1), 422 = (1,0), 444 = (0,0). Packed YUYV
// (V4L2): Y0 U Y1 V per two pixels. `full_range`: Y, U, V use 0..255 (JPEG, "XCOLORRANGE=FULL")
// instead of video range 16..235 / 16..240. Fixed point (16-bit fraction), clamped to 0..255.
#pragma once
#include <cstdint>

#include "runtime/vision/image.h"

namespace fg::door {

struct YuvPlanes {
  const uint8_t* y = nullptr;
  const uint8_t* u = nullptr;  // null: monochrome (gray frame, U = V = 128)
  const uint8_t* v = nullptr;
  int chroma_shift_x = 1, chroma_shift_y = 1;
};

// `out` must already be width x height x 3.
void yuv_planar_to_rgb(const YuvPlanes& p, int width, int height, bool full_range, Image* out);
void yuyv_to_rgb(const uint8_t* yuyv, int width, int height, int stride_bytes, bool full_range,
                 Image* out);

}  // namespace fg::door
