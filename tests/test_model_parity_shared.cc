// Parity on every golden in ../shared/reference (43 recognition inputs, the per-layer dumps
// of the recognition and landmark nets). Skips with a message where ../shared is absent.
#include "golden_util.h"

using namespace fg;
using namespace fg_test;

TEST_CASE("recognition net: every golden in ../shared, and every layer of one" * doctest::test_suite("shared")) {
  const std::string ref = shared_reference_dir();
  if (ref.empty()) {
    FG_SKIP_TEST("../shared/reference absent (set FG_SHARED_DIR); bundled goldens run in test_model_parity");
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
    char prefix[16];
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

