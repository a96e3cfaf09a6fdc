// Image -> float input tensor of each face net (ARCHITECTURE.md §1, §2, §4):
// padToSquare with zeros (centred or bottom/right), TF bilinear resize (alignCorners=false,
// halfPixelCenters=false) to size x size, then (x - mean[c]) / divisor, NHWC, RGB order.
// Gray images are replicated to 3 channels, RGBA drops alpha, BGR input can be swapped.
// Runs the fastest resize variant the CPU has (kernels/resize); per-thread scratch is reused,
// so a steady stream of same-sized frames does not allocate.
#pragma once
#include "runtime/vision/image.h"
#include "runtime/base/status.h"

namespace fg {

enum class PixelOrder { kRgb, kBgr };

struct NetInputSpec {
  int size = 0;              // output is size x size x 3
  bool pad_centered = true;  // false: all padding at the bottom/right
  float mean[3] = {0, 0, 0};
  float divisor = 1.f;
};

// face_recognition_model: 150, centred, mean [122.782, 117.001, 104.298] / 255.
NetInputSpec recognition_input_spec();
// face_landmark_68(_tiny)_model: 112, centred, same mean / 255.
NetInputSpec landmark_input_spec();
// tiny_face_detector_model: input_size (multiple of 32), bottom/right pad,
// mean [117.001, 114.697, 97.404] / 255.
NetInputSpec tiny_detector_input_spec(int input_size);

// Where the image lands inside the padded square (padToSquare's arithmetic: for centred
// padding `append = round(diff / 2)` goes bottom/right, the rest top/left).
struct SquarePadding {
  int side = 0, left = 0, top = 0;
};
SquarePadding square_padding(int width, int height, bool centered);

// Preprocesses the rectangle [x, x+w) x [y, y+h) of `img` (must lie inside it) into
// out[spec.size * spec.size * 3]. The region is treated as the whole image (face-api slices
// the crop first, then pads it).
Status preprocess_region(const Image& img, int x, int y, int w, int h, const NetInputSpec& spec,
                         PixelOrder order, float* out);

// Whole image.
Status preprocess_image(const Image& img, const NetInputSpec& spec, float* out);

// The recognition-net input from an RGB face crop: out is 150x150x3.
Status preprocess_face_for_recognition(const Image& rgb_crop, float* out150x150x3);

}  // namespace fg
