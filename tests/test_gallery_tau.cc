// The 1:K threshold from gallery size and target FPIR (runtime/gallery/gallery_tau.h) and the
// measurements behind its table (runtime/eval/tau_calibration.h).
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "runtime/eval/tau_calibration.h"
#include "runtime/gallery/gallery_tau.h"

using namespace fg;

TEST_CASE("gallery_tau: the shipped tables are monotone: looser with FPIR, stricter with K") {
  for (bool int8 : {false, true}) {
    const TauTable& t = shipped_tau_table(int8);
    for (int r = 0; r < kTauTableRows; ++r)
      for (int c = 0; c < kTauTableCols; ++c) {
        CHECK(t.taus[r][c] > 0.f);
        CHECK(t.taus[r][c] < 1.f);
        if (c > 0) CHECK(t.taus[r][c] >= t.taus[r][c - 1]);
        if (r > 0) CHECK(t.taus[r][c] <= t.taus[r - 1][c]);
      }
  }
}

TEST_CASE("gallery_tau: table cells are returned exactly; between rows the value lies between") {
  const TauTable& t = shipped_tau_table(true);
  // K = 100 (row 6), FPIR 0.003 (column 2), uncapped.
  CHECK(tau_for_fpir(t, 100, 0.003, 1.0).tau == doctest::Approx(t.taus[6][2]).epsilon(1e-6));
  const float between = tau_for_fpir(t, 70, 0.003, 1.0).tau;  // rows K = 50 and 100
  CHECK(between <= t.taus[5][2]);
  CHECK(between >= t.taus[6][2]);
  // A stricter target or a bigger gallery never loosens tau.
  float last = 10;
  for (size_t k : {1, 3, 8, 30, 100, 300, 1000, 3000}) {
    const float tau = tau_for_fpir(t, k, 0.003).tau;
    CHECK(tau <= last);
    last = tau;
  }
  CHECK(tau_for_fpir(t, 100, 0.001).tau <= tau_for_fpir(t, 100, 0.01).tau);
}

TEST_CASE("gallery_tau: the 1:1 cap, K beyond the table and targets below it are flagged") {
  const TauTable& t = shipped_tau_table(true);
  // K = 1 and FPIR 0.03 would be a 3% 1:1 false match rate: capped at kMaxPairFmr (1e-3).
  const TauChoice one = tau_for_fpir(t, 1, 0.03);
  CHECK(one.capped);
  CHECK(one.tau == doctest::Approx(t.taus[0][1]).epsilon(1e-6));  // K = 1 at FPIR 0.001
  // K = 3000 at 0.003 = the K = 1000 row at 0.001 (FPIR grows at most linearly with K).
  CHECK(tau_for_fpir(t, 3000, 0.003, 1.0).tau == doctest::Approx(t.taus[9][1]).epsilon(1e-6));
  CHECK_FALSE(tau_for_fpir(t, 3000, 0.003).beyond_table);
  CHECK(tau_for_fpir(t, 100000, 0.003).beyond_table);
  CHECK(tau_for_fpir(t, 10, 1e-5).beyond_table);
  CHECK(tau_for_fpir(t, 0, 0.003).tau == tau_for_fpir(t, 1, 0.003).tau);  // empty gallery: K = 1
}

TEST_CASE("gallery_tau: fpir_at_tau inverts tau_for_fpir inside the table") {
  const TauTable& t = shipped_tau_table(false);
  for (size_t k : {2, 10, 100, 700})
    for (double p : {0.001, 0.003, 0.01}) {
      const float tau = tau_for_fpir(t, k, p, 1.0).tau;
      CHECK(fpir_at_tau(t, k, tau) == doctest::Approx(p).epsilon(0.02));
    }
}

TEST_CASE("tau_calibration: rank-1 distances of nested galleries and the FPIR threshold rule") {
  // 1-D points 0, 1, 2, ...: a probe's rank-1 squared distance to a gallery is known exactly.
  std::vector<float> pts(40);
  std::vector<const float*> emb;
  for (size_t i = 0; i < pts.size(); ++i) pts[i] = float(i), emb.push_back(&pts[i]);
  std::vector<std::vector<float>> rank1;
  REQUIRE(nonmated_rank1(emb, 1, {1, 5, 20}, 3, 7, &rank1));
  REQUIRE(rank1.size() == 3);
  for (const auto& v : rank1) CHECK(v.size() == 3 * (40 - 20));  // probes outside the largest
  // Bigger galleries: every quantile is no larger (the running minimum).
  for (size_t q = 0; q < rank1[0].size(); ++q) {
    CHECK(rank1[1][q] <= rank1[0][q]);
    CHECK(rank1[2][q] <= rank1[1][q]);
  }
  CHECK(rank1[2].front() >= 1.f);  // distinct points: no zero distance
  CHECK_FALSE(nonmated_rank1(emb, 1, {5, 1}, 1, 7, &rank1));  // not ascending
  CHECK_FALSE(nonmated_rank1(emb, 1, {40}, 1, 7, &rank1));    // no probe left

  const std::vector<float> d = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  float tau = 0;
  REQUIRE(tau_at_fpir_sorted(d, 0.2, &tau));  // 2 of 10 may pass: between 2 and 3
  CHECK(tau == doctest::Approx(2.5f));
  CHECK(fpir_of_sorted(d, tau) == doctest::Approx(0.2));
  REQUIRE(tau_at_fpir_sorted(d, 0.05, &tau));  // none may pass
  CHECK(fpir_of_sorted(d, tau) == 0.0);
  CHECK_FALSE(tau_at_fpir_sorted(d, 1.0, &tau));
}
