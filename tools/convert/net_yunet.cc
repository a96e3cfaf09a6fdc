// YuNet (yunet_n, libfacedetection.train, Apache-2.0) as a facegate graph, from the weights
// models/yunet/onnx_to_tfjs.py exported. Topology = upstream's ONNX (the script asserts it):
//
//   conv 3x3/2 + relu, DP(16)  | pool | DP(16) DP(64) | DP DP | pool | DP DP = C8 (stride 8)
//   pool | DP DP = C16 | pool | DP DP = C32            DP = 1x1 conv, then dw 3x3 + relu
//   P32 = DP(C32); P16 = DP(C16 + up2(P32)); P8 = DP(C8 + up2(P16))      (FPN, nearest x2)
//   head per level: share = DP(P); {cls 1, obj 1, bbox 4, kps 10} = dw3x3(1x1(share))
//
// The four head branches of a level are fused: their 1x1 convs become one 64->16 conv and
// their 3x3s (cls/obj are 1-channel full convs = depthwise) one 16-channel depthwise, the
// same sums per output channel. So each level has ONE output [H/s][W/s][16]:
//   channel 0 cls logit, 1 obj logit, 2..5 bbox (dx, dy, log w, log h), 6..15 kps (x, y) x 5.
// Upstream's Sigmoid on cls/obj is left to the decoder (runtime/vision/yunet_decode.h).
#include <string>

#include "tools/convert/net_builders.h"

namespace fg {
namespace {

using YunetWeights = WeightReader;

const Pads kPad1{1, 1, 1, 1};

// ConvDPUnit: 1x1 (no activation), depthwise 3x3 + relu. `p` names upstream's module.
int dp_unit(GraphBuilder& g, YunetWeights& w, const std::string& p, const std::string& short_name, int x, int cout) {
  const int cin = g.dims(x)[2];
  const int a = g.conv(short_name + "/pw", x, false, 1, cout, w.get(p + ".conv1/filters", {1, 1, cin, cout}),
                       w.get(p + ".conv1/bias", {cout}), 1, Pads{}, Activation::kNone);
  return g.conv(short_name + "/dw", a, true, 3, cout, w.get(p + ".conv2/filters", {3, 3, cout, 1}),
                w.get(p + ".conv2/bias", {cout}), 1, kPad1, Activation::kRelu);
}

int upsample2(GraphBuilder& g, const std::string& name, int x) {
  const int* d = g.dims(x);
  const int y = g.mb.add_tensor(name, DType::kF32, TensorRole::kActivation, {d[0] * 2, d[1] * 2, d[2]});
  OpRecord op = ModelBuilder::make_op(OpType::kUpsampleNearest, {x}, y);
  op.stride_h = op.stride_w = 2;
  g.mb.ops.push_back(op);
  return y;
}

// The fused head of level `lv` on `share` (64 channels) -> [h][w][16].
int head(GraphBuilder& g, YunetWeights& w, int lv, int share) {
  const char* branch[] = {"cls", "obj", "bbox", "kps"};
  const int width[] = {1, 1, 4, 10};
  const int cin = g.dims(share)[2];
  std::vector<float> pw(static_cast<size_t>(cin) * 16), pb(16), dw(9 * 16), db(16);
  int c0 = 0;
  for (int b = 0; b < 4; ++b) {
    const std::string p = std::string("bbox_head.multi_level_") + branch[b] + "." + std::to_string(lv);
    const int k = width[b];
    const std::vector<float> f1 = w.get(p + ".conv1/filters", {1, 1, cin, k});
    const std::vector<float> b1 = w.get(p + ".conv1/bias", {k});
    const std::vector<float> f2 = w.get(p + ".conv2/filters", {3, 3, k, 1});
    const std::vector<float> b2 = w.get(p + ".conv2/bias", {k});
    for (int i = 0; i < cin; ++i)
      for (int j = 0; j < k; ++j) pw[static_cast<size_t>(i) * 16 + c0 + j] = f1[static_cast<size_t>(i) * k + j];
    for (int t = 0; t < 9; ++t)
      for (int j = 0; j < k; ++j) dw[static_cast<size_t>(t) * 16 + c0 + j] = f2[static_cast<size_t>(t) * k + j];
    for (int j = 0; j < k; ++j) pb[c0 + j] = b1[j], db[c0 + j] = b2[j];
    c0 += k;
  }
  const std::string n = "head" + std::to_string(8 << lv);
  const int a = g.conv(n + "/pw", share, false, 1, 16, pw, pb, 1, Pads{}, Activation::kNone);
  return g.conv(n, a, true, 3, 16, dw, db, 1, kPad1, Activation::kNone);
}

}  // namespace

Status build_yunet_net(const TfjsWeights& tw, int input_size, ModelBuilder* out) {
  if (input_size < 32 || input_size > 1024 || input_size % 32 != 0)
    return Status::error("yunet input size must be a multiple of 32 in 32..1024");
  GraphBuilder g;
  YunetWeights w{tw};
  g.mb.net_name = "yunet";
  int x = g.input("input", input_size, input_size, 3);
  x = g.conv("m0/conv", x, false, 3, 16, w.get("backbone.model0.conv1/filters", {3, 3, 3, 16}),
             w.get("backbone.model0.conv1/bias", {16}), 2, kPad1, Activation::kRelu);
  x = dp_unit(g, w, "backbone.model0.conv2", "m0/dp", x, 16);
  x = g.pool("m1/pool", x, true, 2, 2, Pads{});
  x = dp_unit(g, w, "backbone.model1.conv1", "m1/dp1", x, 16);
  x = dp_unit(g, w, "backbone.model1.conv2", "m1/dp2", x, 64);
  x = dp_unit(g, w, "backbone.model2.conv1", "m2/dp1", x, 64);
  x = dp_unit(g, w, "backbone.model2.conv2", "m2/dp2", x, 64);
  int c[3];
  for (int m = 3; m <= 5; ++m) {
    const std::string p = "backbone.model" + std::to_string(m), s = "m" + std::to_string(m);
    x = g.pool(s + "/pool", x, true, 2, 2, Pads{});
    x = dp_unit(g, w, p + ".conv1", s + "/dp1", x, 64);
    x = dp_unit(g, w, p + ".conv2", s + "/dp2", x, 64);
    c[m - 3] = x;
  }
  const int p32 = dp_unit(g, w, "neck.lateral_convs.2", "neck32", c[2], 64);
  const int s16 = g.add("neck16/add", c[1], upsample2(g, "neck32/up2", p32), Activation::kNone);
  const int p16 = dp_unit(g, w, "neck.lateral_convs.1", "neck16", s16, 64);
  const int s8 = g.add("neck8/add", c[0], upsample2(g, "neck16/up2", p16), Activation::kNone);
  const int p8 = dp_unit(g, w, "neck.lateral_convs.0", "neck8", s8, 64);
  const int levels[3] = {p8, p16, p32};
  for (int lv = 0; lv < 3; ++lv) {
    const int share = dp_unit(g, w, "bbox_head.multi_level_share_convs." + std::to_string(lv) + ".0",
                              "share" + std::to_string(8 << lv), levels[lv], 64);
    g.mark_output(head(g, w, lv, share));
  }
  FG_RETURN_IF_ERROR(w.status);
  *out = std::move(g.mb);
  return Status::ok();
}

}  // namespace fg
