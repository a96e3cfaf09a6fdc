// See tau_calibration.h.
#include "runtime/eval/tau_calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

namespace fg {

float squared_l2(const float* a, const float* b, int dim) {
  float s = 0;
  for (int i = 0; i < dim; ++i) {
    const float d = a[i] - b[i];
    s += d * d;
  }
  return s;
}

void seeded_shuffle(std::vector<size_t>* v, std::mt19937* rng) {
  for (size_t i = v->size(); i > 1; --i) std::swap((*v)[i - 1], (*v)[(*rng)() % i]);
}

Status nonmated_rank1(const std::vector<const float*>& embeddings, int dim, const std::vector<int>& ks, int reps,
                      uint32_t seed, std::vector<std::vector<float>>* rank1) {
  const size_t n = embeddings.size();
  if (ks.empty() || !std::is_sorted(ks.begin(), ks.end()) || ks.front() < 1 || size_t(ks.back()) >= n)
    return Status::error("tau calibration: gallery sizes must ascend within 1.." + std::to_string(n ? n - 1 : 0));
  const size_t kmax = size_t(ks.back());
  rank1->assign(ks.size(), {});
  std::mt19937 rng(seed);
  std::vector<size_t> order(n);
  for (int rep = 0; rep < reps; ++rep) {
    for (size_t i = 0; i < n; ++i) order[i] = i;
    seeded_shuffle(&order, &rng);
    for (size_t p = kmax; p < n; ++p) {
      float best = std::numeric_limits<float>::infinity();
      size_t next = 0;
      for (size_t g = 0; g < kmax; ++g) {
        best = std::min(best, squared_l2(embeddings[order[p]], embeddings[order[g]], dim));
        while (next < ks.size() && size_t(ks[next]) == g + 1) (*rank1)[next++].push_back(best);
      }
    }
  }
  for (auto& v : *rank1) std::sort(v.begin(), v.end());
  return Status::ok();
}

Status tau_at_fpir_sorted(const std::vector<float>& d, double fpir, float* tau) {
  const size_t m = size_t(std::floor(fpir * double(d.size()) + 1e-9));
  if (m + 1 > d.size()) return Status::error("tau calibration: FPIR " + std::to_string(fpir) + " needs more searches");
  *tau = m == 0 ? d[0] - 1e-4f : 0.5f * (d[m - 1] + d[m]);
  if (m > 0 && d[m - 1] == d[m]) *tau = std::nextafter(d[m], 0.f);  // ties: stay strictly below
  return Status::ok();
}

double fpir_of_sorted(const std::vector<float>& d, float tau) {
  if (d.empty()) return 0;
  return double(std::upper_bound(d.begin(), d.end(), tau) - d.begin()) / double(d.size());
}

}  // namespace fg
