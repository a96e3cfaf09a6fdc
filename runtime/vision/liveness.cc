#include "runtime/vision/liveness.h"

#include <algorithm>

#include "runtime/vision/preprocess.h"

namespace fg {
namespace {

constexpr const char* kFiles[2] = {"minifasnet_v2_2.7.fgm", "minifasnet_v1se_4.0.fgm"};
constexpr double kScales[2] = {2.7, 4.0};

}  // namespace

LivenessCrop liveness_crop_box(int frame_w, int frame_h, const FaceBox& box, double scale) {
  const double bw = std::max(box.width, 1.0), bh = std::max(box.height, 1.0);
  scale = std::min({(frame_h - 1) / bh, (frame_w - 1) / bw, scale});
  const double w = bw * scale, h = bh * scale;
  const double cx = box.x + bw / 2, cy = box.y + bh / 2;
  double x0 = cx - w / 2, y0 = cy - h / 2, x1 = cx + w / 2, y1 = cy + h / 2;
  if (x0 < 0) x1 -= x0, x0 = 0;
  if (y0 < 0) y1 -= y0, y0 = 0;
  if (x1 > frame_w - 1) x0 -= x1 - frame_w + 1, x1 = frame_w - 1;
  if (y1 > frame_h - 1) y0 -= y1 - frame_h + 1, y1 = frame_h - 1;
  LivenessCrop c{static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1), static_cast<int>(y1)};
  // Rounding can leave a corner a hair outside; clamp so the crop always lies in the frame.
  c.x0 = std::clamp(c.x0, 0, frame_w - 1), c.x1 = std::clamp(c.x1, c.x0, frame_w - 1);
  c.y0 = std::clamp(c.y0, 0, frame_h - 1), c.y1 = std::clamp(c.y1, c.y0, frame_h - 1);
  return c;
}

std::string liveness_model_file(int net, bool int8) {
  std::string f = kFiles[net == 0 ? 0 : 1];
  if (int8) f.insert(f.size() - 4, "_int8");
  return f;
}

Status liveness_open(const std::string& model_dir, Backend backend, LivenessNets* out, bool int8) {
  for (int i = 0; i < 2; ++i) {
    FG_RETURN_IF_ERROR(model_load_file(model_dir + "/" + liveness_model_file(i, int8), &out->model[i]));
    NetOptions o;
    o.backend = backend;
    FG_RETURN_IF_ERROR(net_prepare(out->model[i], o, &out->net[i]));
  }
  return Status::ok();
}

Status liveness_score(LivenessNets& nets, const Image& rgb_frame, const FaceBox& box, float* score) {
  NetInputSpec spec;
  spec.size = 80;  // mean 0, divisor 1: the nets take 0..255
  float live = 0.f;
  for (int i = 0; i < 2; ++i) {
    const LivenessCrop c = liveness_crop_box(rgb_frame.width, rgb_frame.height, box, kScales[i]);
    // Upstream stretches the crop to 80x80; ours pads it to a square first (the crops are
    // near-square here: the detector's boxes are). Not parity-checked against cv2.resize.
    FG_RETURN_IF_ERROR(preprocess_region(rgb_frame, c.x0, c.y0, c.x1 - c.x0 + 1, c.y1 - c.y0 + 1, spec,
                                         PixelOrder::kBgr, net_input(nets.net[i])));
    net_run(nets.net[i]);
    live += net_output(nets.net[i], 0)[1];
  }
  *score = live / 2;
  return Status::ok();
}

}  // namespace fg
