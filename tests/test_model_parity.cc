// Parity with the reference: our graphs on the reference backend reproduce what face-api's
// own TF.js code produced (../shared/reference/golden), to max abs error <= 1e-4.
// The bundled subset in tests/data always runs; the full set runs when ../shared exists.
#include <dirent.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/executor.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

constexpr float kTolerance = 1e-4f;

struct Golden {
  std::string input, output, label;
};

// Pairs "<stem>__input.f32" / "<stem>__descriptor.f32" found in `dir`.
std::vector<Golden> recognition_goldens(const std::string& dir) {
  std::vector<Golden> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    const std::string suffix = "__input.f32";
    if (name.rfind("recog_only__", 0) != 0 || name.size() < suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string stem = name.substr(0, name.size() - suffix.size());
    out.push_back({dir + "/" + name, dir + "/" + stem + "__descriptor.f32", stem});
  }
  closedir(d);
  std::sort(out.begin(), out.end(), [](const Golden& a, const Golden& b) { return a.label < b.label; });
  return out;
}

// Runs every golden through `net`; returns the worst max-abs error.
float run_goldens(Net& net, const std::vector<Golden>& goldens, size_t in_elems, size_t out_elems) {
  float worst = 0.f;
  for (const Golden& g : goldens) {
    const std::vector<float> x = read_f32(g.input);
    const std::vector<float> y = read_f32(g.output);
    REQUIRE_MESSAGE(x.size() == in_elems, g.input);
    REQUIRE_MESSAGE(y.size() == out_elems, g.output);
    std::copy(x.begin(), x.end(), net_input(net));
    net_run(net);
    const float err = max_abs_diff(net_output(net), y.data(), out_elems);
    CHECK_MESSAGE(err <= kTolerance, g.label << ": max abs error " << err);
    worst = std::max(worst, err);
  }
  return worst;
}

Status load_and_prepare(const std::string& file, const NetOptions& opt, Model* model, Net* net) {
  FG_RETURN_IF_ERROR(model_load_file(model_dir() + "/" + file, model));
  return net_prepare(*model, opt, net);
}

// Golden file stem of a layer name: every character outside [A-Za-z0-9_] becomes '_'.
std::string golden_stem(const std::string& layer) {
  std::string s = layer;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return s;
}

}  // namespace

TEST_CASE("recognition net: bundled goldens, reference backend") {
  Model model;
  Status s = model_load_file(model_dir() + "/recognition.fgm", &model);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  Net net;
  s = net_prepare(model, NetOptions{}, &net);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  const auto goldens = recognition_goldens(test_data_dir() + "/golden");
  REQUIRE(goldens.size() >= 4);
  const float worst = run_goldens(net, goldens, 150 * 150 * 3, 128);
  MESSAGE("recognition, " << goldens.size() << " bundled goldens: max abs error " << worst);
}

TEST_CASE("recognition net: every golden in ../shared, and every layer of one") {
  const std::string ref = shared_reference_dir();
  if (ref.empty()) {
    MESSAGE("SKIPPED: ../shared/reference not found (set FG_SHARED_DIR); bundled goldens still ran");
    return;
  }
  Model model;
  Status s = model_load_file(model_dir() + "/recognition.fgm", &model);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  {
    // All 43 on the native backend (the reference loops take ~50x longer, too slow under qemu).
    NetOptions fast;
    fast.backend = Backend::kNative;
    Net native;
    s = net_prepare(model, fast, &native);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    const auto goldens = recognition_goldens(ref + "/golden/raw");
    REQUIRE(goldens.size() >= 40);
    const float worst = run_goldens(native, goldens, 150 * 150 * 3, 128);
    MESSAGE("recognition, " << goldens.size() << " goldens from ../shared (native): max abs error " << worst);
  }
  NetOptions opt;
  opt.keep_all_activations = true;
  Net net;
  s = net_prepare(model, opt, &net);
  REQUIRE_MESSAGE(s.is_ok(), s.message());

  // Per-layer dump: made from the first input in index order (amy1).
  const std::vector<float> x = read_f32(ref + "/golden/raw/recog_only__amy_amy1.png__input.f32");
  REQUIRE(x.size() == 150 * 150 * 3);
  std::copy(x.begin(), x.end(), net_input(net));
  net_run(net);
  int layer = 0, compared = 0;
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    const TensorInfo& ti = model.tensors[t];
    if (ti.role == TensorRole::kConstant || ti.role == TensorRole::kInput) continue;
    ++layer;
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%02d_", layer);
    const std::string file = ref + "/golden/raw/layers_recognition/" + prefix + golden_stem(ti.name) + ".f32";
    const std::vector<float> want = read_f32(file);
    REQUIRE_MESSAGE(want.size() == static_cast<size_t>(ti.elements), file);
    const float err = max_abs_diff(net_tensor(net, static_cast<int>(t)), want.data(), want.size());
    CHECK_MESSAGE(err <= kTolerance, ti.name << ": max abs error " << err);
    ++compared;
  }
  CHECK(compared == 50);
}

TEST_CASE("detector net @416: bundled golden raw output") {
  Model model;
  Net net;
  Status s = load_and_prepare("detector.fgm", NetOptions{}, &model, &net);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  const std::string dir = test_data_dir() + "/golden/";
  const float worst = run_goldens(net, {{dir + "_group_bbt4.jpg__tiny_input416.f32",
                                         dir + "_group_bbt4.jpg__tiny_out416.f32", "bbt4"}},
                                  416 * 416 * 3, 13 * 13 * 25);
  MESSAGE("detector @416: max abs error " << worst);
}

TEST_CASE("landmark68 net: bundled goldens and every layer of one") {
  Model model;
  Net net;
  NetOptions opt;
  opt.keep_all_activations = true;
  Status s = load_and_prepare("landmark68.fgm", opt, &model, &net);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  const std::string dir = test_data_dir() + "/golden/";
  std::vector<Golden> goldens;
  for (const char* face : {"_group_bbt4.jpg__tiny_face_detector__face0", "_group_bbt4.jpg__tiny_face_detector__face3",
                           "_group_angry.jpg__tiny_face_detector__face0"})
    goldens.push_back({dir + face + "__landmark_input.f32", dir + face + "__landmark68_fc_out.f32", face});
  const float worst = run_goldens(net, goldens, 112 * 112 * 3, 136);
  MESSAGE("landmark68, " << goldens.size() << " goldens: max abs error " << worst);

  // The last golden run (angry face0) is the input of the reference's per-layer dump.
  const std::string ref = shared_reference_dir();
  if (ref.empty()) {
    MESSAGE("SKIPPED per-layer landmark check: ../shared/reference not found");
    return;
  }
  // The dump lists block outputs (conv0..conv3, out), the pool and the fc, in this order.
  int layer = 0, compared = 0;
  for (size_t t = 0; t < model.tensors.size(); ++t) {
    const TensorInfo& ti = model.tensors[t];
    const std::string& n = ti.name;
    const bool dumped = n == "avgpool7x7" || n == "fc" ||
                        (n.size() > 7 && n.rfind("dense", 0) == 0 &&
                         (n.compare(6, std::string::npos, "/out = relu(o1+(o2+(o3+o4)))") == 0 ||
                          (n.size() == 12 && n.compare(6, 5, "/conv") == 0)));
    if (!dumped) continue;
    ++layer;
    char prefix[8];
    std::snprintf(prefix, sizeof prefix, "%02d_", layer);
    const std::string file = ref + "/golden/raw/layers_landmark68/" + prefix + golden_stem(n) + ".f32";
    std::vector<float> want = read_f32(file);
    REQUIRE_MESSAGE(want.size() == static_cast<size_t>(ti.elements), file);
    // dense1..3/conv0 are dumped before their ReLU; our graph fuses the ReLU into the conv.
    if (n.size() == 12 && n.compare(6, 6, "/conv0") == 0 && n != "dense0/conv0")
      for (float& v : want) v = v > 0.f ? v : 0.f;
    const float err = max_abs_diff(net_tensor(net, static_cast<int>(t)), want.data(), want.size());
    CHECK_MESSAGE(err <= kTolerance, n << ": max abs error " << err);
    ++compared;
  }
  CHECK(compared == 22);
}

TEST_CASE("native backend matches the goldens too (all three nets)") {
  NetOptions opt;
  opt.backend = Backend::kNative;
  const std::string dir = test_data_dir() + "/golden/";
  struct Case {
    const char* model;
    std::vector<Golden> goldens;
    size_t in, out;
  };
  const std::vector<Case> cases = {
      {"recognition.fgm", recognition_goldens(test_data_dir() + "/golden"), 150 * 150 * 3, 128},
      {"detector.fgm", {{dir + "_group_bbt4.jpg__tiny_input416.f32", dir + "_group_bbt4.jpg__tiny_out416.f32", "bbt4"}},
       416 * 416 * 3, 13 * 13 * 25},
      {"landmark68.fgm", {{dir + "_group_angry.jpg__tiny_face_detector__face0__landmark_input.f32",
                           dir + "_group_angry.jpg__tiny_face_detector__face0__landmark68_fc_out.f32", "angry0"}},
       112 * 112 * 3, 136},
  };
  for (const Case& c : cases) {
    Model model;
    Net net;
    Status s = load_and_prepare(c.model, opt, &model, &net);
    REQUIRE_MESSAGE(s.is_ok(), s.message());
    const float worst = run_goldens(net, c.goldens, c.in, c.out);
    MESSAGE(std::string(c.model) << " on the native backend (first op: " << std::string(net.ops[0].kernel_name) << "): max abs error " << worst);
  }
}
