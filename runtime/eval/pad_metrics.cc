#include "runtime/eval/pad_metrics.h"

#include <algorithm>

namespace fg {

PadRates pad_rates(const std::vector<float>& bona_fide, const std::vector<float>& attacks, double threshold) {
  PadRates r;
  r.threshold = threshold;
  if (bona_fide.empty() || attacks.empty()) return r;
  size_t accepted_attacks = 0, rejected_bona_fide = 0;
  for (float s : attacks) accepted_attacks += s >= threshold;
  for (float s : bona_fide) rejected_bona_fide += s < threshold;
  r.apcer = static_cast<double>(accepted_attacks) / attacks.size();
  r.bpcer = static_cast<double>(rejected_bona_fide) / bona_fide.size();
  r.acer = (r.apcer + r.bpcer) / 2;
  return r;
}

namespace {

// Over every distinct score as a threshold (and one above the maximum), the lowest BPCER
// with APCER <= limit; on ties the lower threshold.
PadRates best_at_apcer(const std::vector<float>& bona_fide, const std::vector<float>& attacks, double limit) {
  std::vector<float> cand(bona_fide);
  cand.insert(cand.end(), attacks.begin(), attacks.end());
  std::sort(cand.begin(), cand.end());
  cand.push_back(cand.empty() ? 1.f : cand.back() + 1.f);
  PadRates best;
  bool found = false;
  for (float t : cand) {
    const PadRates r = pad_rates(bona_fide, attacks, t);
    if (r.apcer <= limit && (!found || r.bpcer < best.bpcer)) best = r, found = true;
  }
  return best;
}

}  // namespace

PadReport pad_report(const std::vector<float>& bona_fide, const std::vector<float>& attacks, double threshold) {
  PadReport rep;
  if (bona_fide.empty() || attacks.empty()) return rep;
  rep.at_threshold = pad_rates(bona_fide, attacks, threshold);
  // O(n log n) AUC: rank the attacks once, count for each bona fide score.
  std::vector<float> a(attacks);
  std::sort(a.begin(), a.end());
  double wins = 0;
  for (float s : bona_fide) {
    const auto lo = std::lower_bound(a.begin(), a.end(), s), hi = std::upper_bound(a.begin(), a.end(), s);
    wins += static_cast<double>(lo - a.begin()) + 0.5 * static_cast<double>(hi - lo);
  }
  rep.auc = wins / (static_cast<double>(bona_fide.size()) * attacks.size());
  rep.at_apcer_1 = best_at_apcer(bona_fide, attacks, 0.01);
  rep.at_apcer_5 = best_at_apcer(bona_fide, attacks, 0.05);
  return rep;
}

}  // namespace fg
