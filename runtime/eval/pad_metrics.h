// Presentation-attack detection figures (ISO/IEC 30107-3 terms) from live-score lists:
// higher score = more live; a presentation is accepted as bona fide when score >= threshold.
//   APCER: attacks accepted / attacks;  BPCER: bona fide rejected / bona fide;
//   ACER = (APCER + BPCER) / 2 (one attack type here: printed photos).
// AUC: probability that a random bona fide scores above a random attack (ties count 1/2).
// BPCER at APCER <= a: the lowest BPCER over thresholds whose APCER <= a.
#pragma once
#include <vector>

namespace fg {

struct PadRates {
  double threshold = 0, apcer = 0, bpcer = 0, acer = 0;
};

struct PadReport {
  PadRates at_threshold;
  double auc = 0;
  PadRates at_apcer_1, at_apcer_5;  // the best threshold with APCER <= 1% / 5%
};

PadRates pad_rates(const std::vector<float>& bona_fide, const std::vector<float>& attacks, double threshold);
// Empty lists give an all-zero report (the caller refuses them first).
PadReport pad_report(const std::vector<float>& bona_fide, const std::vector<float>& attacks, double threshold);

}  // namespace fg
