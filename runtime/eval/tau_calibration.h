// Measuring the table behind runtime/gallery/gallery_tau.h (facegate eval tau).
//
// Input: one embedding per person (LFW: each person's first photo), so every search below
// is a search by someone not enrolled. The people are split in two by a seeded shuffle.
// On each half, `reps` seeded shuffles each give nested galleries (the first K people) and
// probes (everyone outside the largest gallery); a probe's rank-1 squared distance to the
// first K people is its running minimum, so one pass serves every K. The calibration half
// gives, per K, the threshold at each target FPIR; the validation half (people the table
// never saw) measures the FPIR those thresholds really give.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

#include "runtime/base/status.h"

namespace fg {

// Squared L2 of two dim-float vectors, plain scalar order (the table must not depend on the
// ISA the eval runs on).
float squared_l2(const float* a, const float* b, int dim);

// Fisher-Yates with mt19937, whose output the standard fixes: the same order on every
// platform (std::shuffle's algorithm is implementation-defined).
void seeded_shuffle(std::vector<size_t>* v, std::mt19937* rng);

// rank1[i][s]: search s's rank-1 distance in a gallery of ks[i] people, sorted ascending.
// ks ascending, each in [1, embeddings - 1].
[[nodiscard]] Status nonmated_rank1(const std::vector<const float*>& embeddings, int dim, const std::vector<int>& ks,
                                    int reps, uint32_t seed, std::vector<std::vector<float>>* rank1);

// The most permissive threshold whose FPIR over `sorted_rank1` is <= fpir: with m =
// floor(fpir * n) it lies below the (m+1)-th smallest distance, at the midpoint of the gap
// to the m-th (identify_eval.h's rule). Error when m + 1 > n.
[[nodiscard]] Status tau_at_fpir_sorted(const std::vector<float>& sorted_rank1, double fpir, float* tau);

// Searches whose rank-1 distance is <= tau (sorted input).
double fpir_of_sorted(const std::vector<float>& sorted_rank1, float tau);

}  // namespace fg
