// See gallery_tau.h. The numbers are runtime/gallery/gallery_tau_table.inc, written by
// `facegate eval tau LFW_DIR --table FILE` (its header says the exact run).
#include "runtime/gallery/gallery_tau.h"

#include <algorithm>
#include <cmath>

namespace fg {
namespace {

struct ShippedTables {
  TauTable f32, int8;
};
constexpr ShippedTables kShipped = {
#include "runtime/gallery/gallery_tau_table.inc"
};

// Position of x in ascending xs as (index, fraction), clamped to the ends.
void locate(const double* xs, int n, double x, int* i, double* t) {
  if (x <= xs[0]) { *i = 0, *t = 0; return; }
  if (x >= xs[n - 1]) { *i = n - 2, *t = 1; return; }
  int j = 0;
  while (xs[j + 1] < x) ++j;
  *i = j, *t = (x - xs[j]) / (xs[j + 1] - xs[j]);
}

// The table's row for K (linear in log K between rows), K clamped to [1, 1000].
void row_for(const TauTable& table, double k, float out[kTauTableCols]) {
  double logk[kTauTableRows];
  for (int r = 0; r < kTauTableRows; ++r) logk[r] = std::log(double(kTauTableKs[r]));
  int i;
  double t;
  locate(logk, kTauTableRows, std::log(k), &i, &t);
  for (int c = 0; c < kTauTableCols; ++c)
    out[c] = float(table.taus[i][c] + t * (table.taus[i + 1][c] - table.taus[i][c]));
}

double log_fpir(int c) { return std::log(kTauTableFpirs[c]); }

}  // namespace

const TauTable& shipped_tau_table(bool int8) { return int8 ? kShipped.int8 : kShipped.f32; }

TauChoice tau_for_fpir(const TauTable& table, size_t people, double fpir, double max_pair_fmr) {
  double k = double(std::max<size_t>(people, 1));
  fpir = std::min(std::max(fpir, 1e-12), 0.999999);
  const double kmax = kTauTableKs[kTauTableRows - 1];
  if (k > kmax) fpir *= kmax / k, k = kmax;
  float row[kTauTableCols];
  row_for(table, k, row);
  double logp[kTauTableCols];
  for (int c = 0; c < kTauTableCols; ++c) logp[c] = log_fpir(c);
  TauChoice choice;
  choice.beyond_table = fpir < kTauTableFpirs[0];
  int i;
  double t;
  locate(logp, kTauTableCols, std::log(fpir), &i, &t);
  choice.tau = float(row[i] + t * (row[i + 1] - row[i]));
  // The 1:1 cap: the K = 1 row at FPIR = max_pair_fmr.
  float pair_row[kTauTableCols];
  row_for(table, 1, pair_row);
  locate(logp, kTauTableCols, std::log(max_pair_fmr), &i, &t);
  const float cap = float(pair_row[i] + t * (pair_row[i + 1] - pair_row[i]));
  if (choice.tau > cap) choice.tau = cap, choice.capped = true;
  return choice;
}

double fpir_at_tau(const TauTable& table, size_t people, float tau) {
  double k = double(std::max<size_t>(people, 1)), scale = 1;
  const double kmax = kTauTableKs[kTauTableRows - 1];
  if (k > kmax) scale = k / kmax, k = kmax;
  float row[kTauTableCols];
  row_for(table, k, row);
  double taus[kTauTableCols];
  for (int c = 0; c < kTauTableCols; ++c) taus[c] = row[c];
  int i;
  double t;
  locate(taus, kTauTableCols, tau, &i, &t);
  return std::min(1.0, scale * std::exp(log_fpir(i) + t * (log_fpir(i + 1) - log_fpir(i))));
}

}  // namespace fg
