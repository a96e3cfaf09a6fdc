// 1:K identification evaluation, scored the way NIST FRTE reports 1:N search.
//
// Every probe is searched against a gallery of K enrolled people; only the rank-1 candidate
// and its squared-L2 distance matter. A probe is *mated* when its person is enrolled (from
// other photos) and *non-mated* when it is not.
//   rank-1 rate  = mated probes whose rank-1 candidate is their mate (no threshold)
//   FPIR(tau)    = non-mated probes whose rank-1 distance <= tau        / non-mated probes
//   FNIR(tau)    = mated probes NOT (rank-1 is the mate and distance <= tau) / mated probes
// "FNIR at FPIR p" uses the most permissive tau whose FPIR <= p: with the non-mated rank-1
// distances sorted d(1) <= ... <= d(n) and m = floor(p n), tau lies strictly below d(m+1)
// (so at most m false positives), at the midpoint of the gap to the next smaller distinct
// value (the same midpoint rule as lfw_eval's best_threshold). No non-mated probes, or
// m >= n: tau = +inf.
//
// The LFW protocol (identify_lfw_plan) builds nested galleries from one seeded shuffle of the
// people with >= 2 photos: the first K are enrolled with their first photo, their next
// photos are the mated probes; the non-mated probes are the first photo of people outside
// the largest gallery (one image per impostor). The multi-photo experiment enrols the first
// `multi_enroll` photos of enrolled people having more, and probes with the following ones,
// against the same impostors. Images are embedded once (identify_embed_cached) and each
// experiment runs through a real gallery file (gallery_enroll / gallery_identify), so the
// numbers measure the code `facegate identify` runs.
#pragma once
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/eval/lfw_eval.h"
#include "runtime/base/status.h"

namespace fg {

// ---- scoring (any dataset) ----

struct SearchOutcome {
  int mate = -1;   // the probe's enrolled person; -1: non-mated probe
  int best = -1;   // the rank-1 candidate; -1: empty gallery
  float best_distance = std::numeric_limits<float>::infinity();
};

struct FpirPoint {
  double target_fpir = 0;
  double tau = 0;   // accept rank-1 iff distance <= tau (+inf: everything)
  double fpir = 0;  // achieved, <= target
  double fnir = 0;
};

struct IdentifyReport {
  size_t mated = 0, non_mated = 0;
  double rank1 = 0;
  std::vector<FpirPoint> points;  // one per requested FPIR, same order
};

double identify_fpir(const std::vector<SearchOutcome>& outcomes, double tau);
double identify_fnir(const std::vector<SearchOutcome>& outcomes, double tau);
// The tau of "FNIR at FPIR target" (see the header comment).
double identify_tau_at_fpir(const std::vector<SearchOutcome>& outcomes, double target_fpir);
// Error when there is no mated probe or a target is outside [0, 1].
[[nodiscard]] Status identify_report(const std::vector<SearchOutcome>& outcomes,
                                     const std::vector<double>& fpir_targets, IdentifyReport* out);

// ---- the LFW protocol ----

struct IdentifyPlanOptions {
  std::vector<int> ks = {10, 100, 1000};
  int mated_per_person = 2;   // mated probes per enrolled person (photos 2, 3)
  int non_mated = 1500;       // impostor probes
  int multi_enroll = 3;       // multi-photo experiment: photos enrolled per person
  int multi_probes_per_person = 2;
  int multi_people = 400;     // at most this many multi-photo people (0: no experiment)
  uint32_t seed = 20240601;
};

struct IdentifyExperiment {
  std::string label;                      // "K=100", "multi"
  std::vector<std::pair<int, int>> records;  // (person, image) enrolled
  std::vector<std::pair<int, int>> probes;   // (image, mate person or -1)
  size_t people = 0;                      // distinct enrolled people
};

struct IdentifyPlan {
  std::vector<std::string> names;   // person index -> LFW name
  std::vector<std::string> images;  // image index -> path (each embedded once)
  std::vector<IdentifyExperiment> k_runs;  // one per options.ks, ascending
  IdentifyExperiment multi;         // empty when options.multi_people == 0
};

// People of an LFW folder: <dir>/<name>/<name>_NNNN.jpg, counted per name, sorted by name.
[[nodiscard]] Status lfw_list_people(const std::string& dir,
                                     std::vector<std::pair<std::string, int>>* people);
[[nodiscard]] Status identify_lfw_plan(const std::string& dir, const IdentifyPlanOptions& options,
                                       IdentifyPlan* plan);

// Embeds `paths` like lfw_embed_images, reusing a cache file when `cache_path` is non-empty:
// entries are keyed by path under `cache_key` (the recognition model checksum + pipeline
// options); a missing, stale or corrupt cache is recomputed and rewritten (temp + rename).
// *cached says how many came from the cache.
[[nodiscard]] Status identify_embed_cached(const LfwRunOptions& options, const std::vector<std::string>& paths,
                                           const std::string& cache_path, const std::string& cache_key,
                                           std::vector<LfwImageResult>* results, size_t* cached);

// Enrols the experiment's records into a new gallery file at `gallery_path` (removed again
// afterwards) and searches every probe with `score`. outcomes[i] belongs to probes[i].
[[nodiscard]] Status identify_run_experiment(const IdentifyPlan& plan, const IdentifyExperiment& e,
                                             const std::vector<LfwImageResult>& embeddings, PersonScore score,
                                             const std::string& gallery_path, std::vector<SearchOutcome>* outcomes);

}  // namespace fg
