#include "tools/convert/net_builders.h"

namespace fg {
namespace {

// float32(0.1): the leaky slope of the tiny detector (tfjs multiplies by this constant).
constexpr float kLeakySlope = 0.1f;

using Weights = WeightReader;

// ---- recognition (§1) ----

// conv + scale folded into one conv: y = (conv(x,W)+b)*s + t = conv(x, W*s) + (b*s + t).
int recog_conv(GraphBuilder& g, Weights& w, const std::string& prefix, const std::string& name, int x, int k,
               int cout, int stride, bool same, Activation act) {
  const int cin = g.dims(x)[2];
  std::vector<float> filter = w.get(prefix + "/conv/filters", {k, k, cin, cout});
  std::vector<float> bias = w.get(prefix + "/conv/bias", {cout});
  const std::vector<float> scale = w.get(prefix + "/scale/weights", {cout});
  const std::vector<float> shift = w.get(prefix + "/scale/biases", {cout});
  for (size_t i = 0; i < filter.size(); ++i) filter[i] *= scale[i % cout];
  for (int c = 0; c < cout; ++c) bias[c] = bias[c] * scale[c] + shift[c];
  const Pads pads = same ? tf_same_pads(g.dims(x)[0], g.dims(x)[1], k, stride) : Pads{};
  return g.conv(name, x, false, k, cout, filter, bias, stride, pads, act);
}

int residual(GraphBuilder& g, Weights& w, const std::string& p, int x) {
  const int c = g.dims(x)[2];
  const int c1 = recog_conv(g, w, p + "/conv1", p + "/conv1", x, 3, c, 1, true, Activation::kRelu);
  const int c2 = recog_conv(g, w, p + "/conv2", p + "/conv2", c1, 3, c, 1, true, Activation::kNone);
  return g.add(p + "/add+relu", c2, x, Activation::kRelu);
}

// The conv branch may come out one smaller than the shortcut (8->3 vs 4, 4->1 vs 2) and the
// shortcut may have fewer channels: the zero-extending add pads both with zeros, which is
// exactly face-api's pad-then-add and concat-zeros.
int residual_down(GraphBuilder& g, Weights& w, const std::string& p, int x, int cout) {
  const int c1 = recog_conv(g, w, p + "/conv1", p + "/conv1", x, 3, cout, 2, false, Activation::kRelu);
  const int c2 = recog_conv(g, w, p + "/conv2", p + "/conv2", c1, 3, cout, 1, true, Activation::kNone);
  const int shortcut = g.pool(p + "/avgpool2x2s2", x, false, 2, 2, Pads{});
  return g.add(p + "/add+relu", shortcut, c2, Activation::kRelu);
}

// ---- landmarks (§4) ----

// depthwise 3x3 (stride s, TF SAME) -> pointwise 1x1 + bias, optional activation.
int separable(GraphBuilder& g, Weights& w, const std::string& p, int x, int cout, int stride, Activation act) {
  const int c = g.dims(x)[2];
  const Pads pads = tf_same_pads(g.dims(x)[0], g.dims(x)[1], 3, stride);
  const int dw = g.conv(p + "/dw", x, true, 3, c, w.get(p + "/depthwise_filter", {3, 3, c, 1}), {}, stride,
                        pads, Activation::kNone);
  return g.conv(p, dw, false, 1, cout, w.get(p + "/pointwise_filter", {1, 1, c, cout}),
                w.get(p + "/bias", {cout}), 1, Pads{}, act);
}

int dense_block(GraphBuilder& g, Weights& w, const std::string& p, int x, int cout, bool first) {
  int o1;
  if (first) {
    const int cin = g.dims(x)[2];
    o1 = g.conv(p + "/conv0", x, false, 3, cout, w.get(p + "/conv0/filters", {3, 3, cin, cout}),
                w.get(p + "/conv0/bias", {cout}), 2, tf_same_pads(g.dims(x)[0], g.dims(x)[1], 3, 2),
                Activation::kRelu);
  } else {
    o1 = separable(g, w, p + "/conv0", x, cout, 2, Activation::kRelu);
  }
  const int o2 = separable(g, w, p + "/conv1", o1, cout, 1, Activation::kNone);
  const int in3 = g.add(p + "/relu(o1+o2)", o1, o2, Activation::kRelu);
  const int o3 = separable(g, w, p + "/conv2", in3, cout, 1, Activation::kNone);
  const int o23 = g.add(p + "/o2+o3", o2, o3, Activation::kNone);
  const int in4 = g.add(p + "/relu(o1+(o2+o3))", o1, o23, Activation::kRelu);
  const int o4 = separable(g, w, p + "/conv3", in4, cout, 1, Activation::kNone);
  const int o34 = g.add(p + "/o3+o4", o3, o4, Activation::kNone);
  const int o234 = g.add(p + "/o2+(o3+o4)", o2, o34, Activation::kNone);
  return g.add(p + "/out = relu(o1+(o2+(o3+o4)))", o1, o234, Activation::kRelu);
}

}  // namespace

Status build_recognition_net(const TfjsWeights& tw, ModelBuilder* out) {
  GraphBuilder g;
  Weights w{tw, Status::ok()};
  g.mb.net_name = "recognition";
  int x = g.input("input", 150, 150, 3);
  x = recog_conv(g, w, "conv32_down", "conv32_down", x, 7, 32, 2, false, Activation::kRelu);
  x = g.pool("maxpool3x3s2", x, true, 3, 2, Pads{});
  for (const char* p : {"conv32_1", "conv32_2", "conv32_3"}) x = residual(g, w, p, x);
  x = residual_down(g, w, "conv64_down", x, 64);
  for (const char* p : {"conv64_1", "conv64_2", "conv64_3"}) x = residual(g, w, p, x);
  x = residual_down(g, w, "conv128_down", x, 128);
  for (const char* p : {"conv128_1", "conv128_2"}) x = residual(g, w, p, x);
  x = residual_down(g, w, "conv256_down", x, 256);
  for (const char* p : {"conv256_1", "conv256_2"}) x = residual(g, w, p, x);
  x = residual_down(g, w, "conv256_down_out", x, 256);
  x = g.global_avg_pool("global_avg_pool", x);
  x = g.fully_connected("fc (no bias)", x, 128, w.get("fc", {256, 128}), {});
  g.mark_output(x);
  FG_RETURN_IF_ERROR(w.status);
  *out = std::move(g.mb);
  return Status::ok();
}

Status build_detector_net(const TfjsWeights& tw, int input_size, ModelBuilder* out) {
  if (input_size < 32 || input_size > 1024 || input_size % 32 != 0)
    return Status::error("detector input size must be a multiple of 32 in 32..1024");
  GraphBuilder g;
  Weights w{tw, Status::ok()};
  g.mb.net_name = "detector";
  const Activation leaky = Activation::kLeakyRelu;
  int x = g.input("input", input_size, input_size, 3);
  x = g.conv("conv0", x, false, 3, 16, w.get("conv0/filters", {3, 3, 3, 16}), w.get("conv0/bias", {16}), 1,
             Pads{}, leaky, kLeakySlope);
  const int channels[] = {32, 64, 128, 256, 512};
  for (int i = 0; i < 5; ++i) {
    const std::string p = "conv" + std::to_string(i + 1);
    x = g.pool("maxpool" + std::to_string(i), x, true, 2, 2, tf_same_pads(g.dims(x)[0], g.dims(x)[1], 2, 2));
    // "sep": explicit 1-pixel zero pad, depthwise 3x3 VALID, pointwise + bias + leaky.
    const int c = g.dims(x)[2];
    const int dw = g.conv(p + "/dw", x, true, 3, c, w.get(p + "/depthwise_filter", {3, 3, c, 1}), {}, 1,
                          Pads{1, 1, 1, 1}, Activation::kNone);
    x = g.conv(p, dw, false, 1, channels[i], w.get(p + "/pointwise_filter", {1, 1, c, channels[i]}),
               w.get(p + "/bias", {channels[i]}), 1, Pads{}, leaky, kLeakySlope);
  }
  x = g.pool("maxpool5", x, true, 2, 1, tf_same_pads(g.dims(x)[0], g.dims(x)[1], 2, 1));
  x = g.conv("conv8", x, false, 1, 25, w.get("conv8/filters", {1, 1, 512, 25}), w.get("conv8/bias", {25}), 1,
             Pads{}, Activation::kNone);
  g.mark_output(x);
  FG_RETURN_IF_ERROR(w.status);
  *out = std::move(g.mb);
  return Status::ok();
}

Status build_landmark68_net(const TfjsWeights& tw, ModelBuilder* out) {
  GraphBuilder g;
  Weights w{tw, Status::ok()};
  g.mb.net_name = "landmark68";
  int x = g.input("input", 112, 112, 3);
  x = dense_block(g, w, "dense0", x, 32, true);
  x = dense_block(g, w, "dense1", x, 64, false);
  x = dense_block(g, w, "dense2", x, 128, false);
  x = dense_block(g, w, "dense3", x, 256, false);
  // avgPool 7x7 s2 VALID on a 7x7 map is the global mean.
  x = g.global_avg_pool("avgpool7x7", x);
  x = g.fully_connected("fc", x, 136, w.get("fc/weights", {256, 136}), w.get("fc/bias", {136}));
  g.mark_output(x);
  FG_RETURN_IF_ERROR(w.status);
  *out = std::move(g.mb);
  return Status::ok();
}

}  // namespace fg
