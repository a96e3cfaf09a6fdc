// The 1:K match threshold chosen from the gallery's size and a target FPIR.
//
// A fixed tau is a 1:1 operating point: at 0.30 about 1e-3 of impostor pairs match. A search
// compares a stranger with every enrolled person, so the chance that *someone* matches (the
// false positive identification rate, FPIR, NIST FRTE's term) grows with the number K of
// enrolled people. The table (gallery_tau_table.inc, measured by `facegate eval tau` on LFW,
// docs/thresholds.md) gives, per encoder precision, for gallery sizes K = 1 .. 1000 and
// target FPIRs 3e-4 .. 3e-2, the most permissive squared-L2 tau whose measured FPIR is at or
// below the target: the rank-1 distances of searches by people not enrolled, measured on one
// half of LFW's people and checked on the other half. The comparisons of one search are not
// independent (some faces are near many others), so an independence model 1 - (1 - f)^K
// under-states FPIR by 1.3-2.5x on this data; the table is measured, not modelled.
// Between rows: linear in log K and log FPIR. Beyond K = 1000: the K = 1000 row at FPIR
// p * 1000 / K (FPIR grows at most linearly with K: a union bound).
#pragma once
#include <cstddef>

namespace fg {

constexpr int kTauTableKs[] = {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000};
constexpr double kTauTableFpirs[] = {0.0003, 0.001, 0.003, 0.01, 0.03};
constexpr int kTauTableRows = int(sizeof kTauTableKs / sizeof kTauTableKs[0]);
constexpr int kTauTableCols = int(sizeof kTauTableFpirs / sizeof kTauTableFpirs[0]);

// taus[row][col]: the tau at (kTauTableKs[row], kTauTableFpirs[col]); ascending along a
// row (a looser FPIR), descending down a column (a bigger gallery).
struct TauTable {
  float taus[kTauTableRows][kTauTableCols];
};

// The default target: at most 0.3% of searches by a person who is not enrolled match someone.
constexpr double kDefaultFpir = 0.003;
// The tau never exceeds the 1:1 point (K = 1) at this false match rate, whatever the target.
constexpr double kMaxPairFmr = 1e-3;

struct TauChoice {
  float tau = 0;
  bool beyond_table = false;  // the target lies below the table's smallest FPIR at this K: the
                              // tau is the table's strictest for it, and may let more through
  bool capped = false;        // limited by the 1:1 cap
};

// The shipped table of the int8 encoder (the door's default) or the f32 one.
const TauTable& shipped_tau_table(bool int8);

// people: enrolled people (0 is taken as 1); fpir in (0, 1).
TauChoice tau_for_fpir(const TauTable& table, size_t people, double fpir, double max_pair_fmr = kMaxPairFmr);
inline TauChoice tau_for_fpir(size_t people, double fpir, bool int8, double max_pair_fmr = kMaxPairFmr) {
  return tau_for_fpir(shipped_tau_table(int8), people, fpir, max_pair_fmr);
}

// The table's FPIR at a given tau and K (its inverse, for reports); clamped to the table.
double fpir_at_tau(const TauTable& table, size_t people, float tau);

}  // namespace fg
