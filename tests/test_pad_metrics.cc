// APCER / BPCER / ACER / AUC / BPCER@APCER of runtime/eval/pad_metrics.h on hand-counted lists.
#include <doctest/doctest.h>

#include "runtime/eval/pad_metrics.h"

namespace fg {
namespace {

TEST_CASE("pad rates at a threshold") {
  const std::vector<float> live = {0.9f, 0.8f, 0.4f, 0.95f};    // 1 of 4 below 0.5
  const std::vector<float> attack = {0.1f, 0.6f, 0.0f, 0.2f, 0.3f};  // 1 of 5 at/above 0.5
  const PadRates r = pad_rates(live, attack, 0.5);
  CHECK(r.bpcer == doctest::Approx(0.25));
  CHECK(r.apcer == doctest::Approx(0.2));
  CHECK(r.acer == doctest::Approx(0.225));
}

TEST_CASE("pad report: AUC and BPCER at an APCER bound") {
  const std::vector<float> live = {0.9f, 0.8f, 0.4f, 0.95f};
  const std::vector<float> attack = {0.1f, 0.6f, 0.0f, 0.2f, 0.3f};
  const PadReport rep = pad_report(live, attack, 0.5);
  // Pairs live > attack: 0.9, 0.8, 0.95 beat all 5; 0.4 beats 4 -> 19 of 20.
  CHECK(rep.auc == doctest::Approx(19.0 / 20));
  // APCER <= 1%: no attack accepted -> threshold above 0.6: 0.8 -> BPCER 1/4 (the 0.4).
  CHECK(rep.at_apcer_1.apcer == 0.0);
  CHECK(rep.at_apcer_1.bpcer == doctest::Approx(0.25));
  CHECK(rep.at_apcer_1.threshold == doctest::Approx(0.8));
  const PadReport separable = pad_report({0.9f, 0.7f}, {0.1f, 0.2f}, 0.5);
  CHECK(separable.auc == 1.0);
  CHECK(separable.at_threshold.acer == 0.0);
  CHECK(pad_report({}, {0.1f}, 0.5).auc == 0.0);
}

}  // namespace
}  // namespace fg
