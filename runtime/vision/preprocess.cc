// Net input preprocessing on the fused pad + resize + normalise kernel.
#include "runtime/vision/preprocess.h"

#include <string>
#include <vector>

#include "kernels/resize/resize.h"

namespace fg {

NetInputSpec recognition_input_spec() {
  NetInputSpec s;
  s.size = 150;
  s.pad_centered = true;
  s.mean[0] = 122.782f, s.mean[1] = 117.001f, s.mean[2] = 104.298f;
  s.divisor = 255.f;
  return s;
}

NetInputSpec landmark_input_spec() {
  NetInputSpec s = recognition_input_spec();
  s.size = 112;
  return s;
}

NetInputSpec tiny_detector_input_spec(int input_size) {
  NetInputSpec s;
  s.size = input_size;
  s.pad_centered = false;
  s.mean[0] = 117.001f, s.mean[1] = 114.697f, s.mean[2] = 97.404f;
  s.divisor = 255.f;
  return s;
}

SquarePadding square_padding(int width, int height, bool centered) {
  SquarePadding p;
  p.side = width > height ? width : height;
  const int diff = p.side - (width < height ? width : height);
  // face-api: append = Math.round(diff / 2) (bottom/right), prepend = diff - append.
  const int prepend = centered ? diff - (diff + 1) / 2 : 0;
  if (width < height) p.left = prepend;
  else p.top = prepend;
  return p;
}

Status preprocess_region(const Image& img, int x, int y, int w, int h, const NetInputSpec& spec,
                         PixelOrder order, float* out) {
  if (img.empty()) return Status::error("preprocess: empty image");
  if (img.pixels.size() != (size_t)img.width * img.height * img.channels)
    return Status::error("preprocess: pixel buffer does not match width*height*channels");
  if (img.channels != 1 && img.channels != 3 && img.channels != 4)
    return Status::error("preprocess: image must have 1, 3 or 4 channels, has " +
                         std::to_string(img.channels));
  if (w <= 0 || h <= 0 || x < 0 || y < 0 || x > img.width - w || y > img.height - h)
    return Status::error("preprocess: region " + std::to_string(x) + "," + std::to_string(y) +
                         " " + std::to_string(w) + "x" + std::to_string(h) +
                         " is empty or outside the " + std::to_string(img.width) + "x" +
                         std::to_string(img.height) + " image");
  if (spec.size <= 0 || spec.size > 4096)
    return Status::error("preprocess: net input size must be in 1..4096");
  if (!out) return Status::error("preprocess: output is null");

  const SquarePadding pad = square_padding(w, h, spec.pad_centered);
  ResizeBilinearParams p;
  p.src = img.row(y) + (size_t)x * img.channels;
  p.src_w = w, p.src_h = h, p.src_channels = img.channels;
  p.src_stride = (size_t)img.width * img.channels;
  p.canvas_w = p.canvas_h = pad.side;
  p.src_left = pad.left, p.src_top = pad.top;
  p.out_w = p.out_h = spec.size;
  p.out_channels = 3;
  for (int c = 0; c < 3; ++c) {
    const int rgb = (order == PixelOrder::kBgr) ? 2 - c : c;
    p.channel_map[c] = img.channels == 1 ? 0 : rgb;
    p.mean[c] = spec.mean[c];
    p.divisor[c] = spec.divisor;
  }
  if (const char* why = resize_bilinear_check(p)) return Status::error(std::string("preprocess: ") + why);

  static thread_local std::vector<float> scratch;
  const size_t need = resize_bilinear_scratch_floats(p);
  if (scratch.size() < need) scratch.resize(need);
  static const ResizeBilinearFn resize = resize_bilinear_pick().fn;
  resize(p, scratch.data(), out);
  return Status::ok();
}

Status preprocess_image(const Image& img, const NetInputSpec& spec, float* out) {
  return preprocess_region(img, 0, 0, img.width, img.height, spec, PixelOrder::kRgb, out);
}

Status preprocess_face_for_recognition(const Image& rgb_crop, float* out150x150x3) {
  return preprocess_image(rgb_crop, recognition_input_spec(), out150x150x3);
}

}  // namespace fg
