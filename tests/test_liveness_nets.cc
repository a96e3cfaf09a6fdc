// The converted MiniFASNet nets (models/liveness/, tools/convert/minifasnet_convert.py) against
// softmax outputs of the upstream PyTorch code (tests/data/liveness_golden.txt, made by
// tools/convert/minifasnet_golden.py) on every backend: max abs error <= 1e-4.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/core/model.h"

namespace fg {
namespace {

std::string env(const char* k) {
  const char* v = std::getenv(k);
  return v ? v : "";
}

// The golden script's input k (80x80x3 BGR, HWC), bit for bit.
void make_input(int k, float* t) {
  for (int y = 0; y < 80; ++y)
    for (int x = 0; x < 80; ++x)
      for (int c = 0; c < 3; ++c) {
        const int v = k % 2 ? (x * (k % 5 + 1) + y * 3 + c * 40 + k) % 256 : (x * 7 + y * 13 + c * 29 + k * 53) % 256;
        t[(y * 80 + x) * 3 + c] = static_cast<float>(v);
      }
}

void check_net(const std::string& file, const std::string& tag) {
  Model m;
  const Status s = model_load_file(env("FG_SOURCE_DIR") + "/models/liveness/" + file, &m);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  std::ifstream g(env("FG_TEST_DATA") + "/liveness_golden.txt");
  REQUIRE(g.good());
  std::vector<std::vector<float>> golden;
  std::string line;
  while (std::getline(g, line)) {
    std::istringstream in(line);
    std::string t;
    int k;
    float p[3];
    in >> t >> k >> p[0] >> p[1] >> p[2];
    if (t == tag) golden.push_back({p[0], p[1], p[2]});
  }
  REQUIRE(golden.size() >= 20);
  for (Backend b : {Backend::kReference, Backend::kNative, Backend::kXnnpack}) {
    NetOptions o;
    o.backend = b;
    Net net;
    const Status ps = net_prepare(m, o, &net);
    if (!ps.is_ok() && b == Backend::kXnnpack && ps.message().find("not available") != std::string::npos) {
      MESSAGE("skipping xnnpack: " << ps.message());
      continue;
    }
    REQUIRE_MESSAGE(ps.is_ok(), ps.message());
    float worst = 0.f;
    for (size_t k = 0; k < golden.size(); ++k) {
      make_input(static_cast<int>(k), net_input(net));
      net_run(net);
      const float* y = net_output(net, 0);
      for (int i = 0; i < 3; ++i) worst = std::fmax(worst, std::fabs(y[i] - golden[k][i]));
    }
    MESSAGE(file << " backend " << std::string(backend_name(b)) << ": max abs softmax error " << worst << " over "
                 << golden.size() << " inputs");
    CHECK(worst <= 1e-4f);
  }
}

TEST_CASE("MiniFASNetV2 (x2.7 crop) matches upstream PyTorch") { check_net("minifasnet_v2_2.7.fgm", "2.7"); }
TEST_CASE("MiniFASNetV1SE (x4.0 crop) matches upstream PyTorch") { check_net("minifasnet_v1se_4.0.fgm", "4"); }

}  // namespace
}  // namespace fg
