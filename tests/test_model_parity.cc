// Parity with the reference: our graphs on the reference backend reproduce what face-api's
// own TF.js code produced (../shared/reference/golden), to max abs error <= 1e-4.
// The bundled subset in tests/data (test_model_parity_shared.cc: the full set in ../shared).
#include "golden_util.h"

using namespace fg;
using namespace fg_test;



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

TEST_CASE("landmark68 net: bundled goldens") {
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
}

TEST_CASE("landmark68 net: every layer of one golden (../shared)" * doctest::test_suite("shared")) {
  const std::string ref = shared_reference_dir();
  if (ref.empty()) FG_SKIP_TEST("per-layer landmark check: ../shared/reference absent");
  Model model;
  Net net;
  NetOptions opt;
  opt.keep_all_activations = true;
  Status s = load_and_prepare("landmark68.fgm", opt, &model, &net);
  REQUIRE_MESSAGE(s.is_ok(), s.message());
  // angry face0 is the input of the reference's per-layer dump.
  const std::string dir = test_data_dir() + "/golden/";
  const std::string face = "_group_angry.jpg__tiny_face_detector__face0";
  run_goldens(net, {{dir + face + "__landmark_input.f32", dir + face + "__landmark68_fc_out.f32", face}},
              112 * 112 * 3, 136);
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
    char prefix[16];
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
