// 1:K scoring (rank-1, FPIR, FNIR at FPIR) and one experiment run through a real gallery file.
#include "runtime/eval/identify_eval.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace fg {

double identify_fpir(const std::vector<SearchOutcome>& outcomes, double tau) {
  size_t n = 0, false_positives = 0;
  for (const SearchOutcome& o : outcomes) {
    if (o.mate >= 0) continue;
    ++n;
    if (o.best >= 0 && o.best_distance <= tau) ++false_positives;
  }
  return n ? double(false_positives) / double(n) : 0.0;
}

double identify_fnir(const std::vector<SearchOutcome>& outcomes, double tau) {
  size_t n = 0, misses = 0;
  for (const SearchOutcome& o : outcomes) {
    if (o.mate < 0) continue;
    ++n;
    if (!(o.best == o.mate && o.best_distance <= tau)) ++misses;
  }
  return n ? double(misses) / double(n) : 0.0;
}

double identify_tau_at_fpir(const std::vector<SearchOutcome>& outcomes, double target_fpir) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> d;  // non-mated rank-1 distances (no candidate: never a false positive)
  for (const SearchOutcome& o : outcomes)
    if (o.mate < 0) d.push_back(o.best >= 0 ? double(o.best_distance) : kInf);
  if (d.empty()) return kInf;
  std::sort(d.begin(), d.end());
  // m false positives allowed; the epsilon keeps 0.01 * 1500 from flooring to 14.
  const size_t m = size_t(std::floor(target_fpir * double(d.size()) + 1e-9));
  if (m >= d.size() || std::isinf(d[m])) return kInf;
  const double hi = d[m];
  size_t j = m;
  while (j > 0 && d[j - 1] == hi) --j;  // ties with d(m+1) must be rejected too
  if (j == 0) return hi > 0 ? hi / 2 : -1.0;  // nothing below: accept nothing non-mated
  return (d[j - 1] + hi) / 2;
}

Status identify_report(const std::vector<SearchOutcome>& outcomes, const std::vector<double>& fpir_targets,
                       IdentifyReport* out) {
  *out = IdentifyReport{};
  size_t hits = 0;
  for (const SearchOutcome& o : outcomes) {
    if (o.mate >= 0) {
      ++out->mated;
      if (o.best == o.mate) ++hits;
    } else {
      ++out->non_mated;
    }
  }
  if (out->mated == 0) return Status::error("1:K report: no mated probe (nothing to identify)");
  out->rank1 = double(hits) / double(out->mated);
  for (double p : fpir_targets) {
    if (!(p >= 0 && p <= 1)) return Status::error("1:K report: FPIR target " + std::to_string(p) + " not in [0, 1]");
    FpirPoint pt;
    pt.target_fpir = p;
    pt.tau = identify_tau_at_fpir(outcomes, p);
    pt.fpir = identify_fpir(outcomes, pt.tau);
    pt.fnir = identify_fnir(outcomes, pt.tau);
    out->points.push_back(pt);
  }
  return Status::ok();
}

namespace {

Status run_in_gallery(Gallery* g, const IdentifyPlan& plan, const IdentifyExperiment& e,
                      const std::vector<LfwImageResult>& emb, PersonScore score, std::vector<SearchOutcome>* outcomes) {
  std::unordered_map<std::string, int> person_of;
  for (const auto& [person, image] : e.records) {
    uint64_t id;
    FG_RETURN_IF_ERROR(gallery_enroll(g, plan.names[person], emb[image].embedding, kEmbeddingDim, &id));
    person_of[plan.names[person]] = person;
  }
  IdentifyOptions opt;
  opt.k = 1;
  opt.score = score;
  std::vector<IdentifyMatch> best;
  outcomes->clear();
  for (const auto& [image, mate] : e.probes) {
    FG_RETURN_IF_ERROR(gallery_identify(*g, emb[image].embedding, kEmbeddingDim, opt, &best));
    SearchOutcome o;
    o.mate = mate;
    if (!best.empty()) {
      o.best = person_of.at(best[0].name);
      o.best_distance = best[0].distance;
    }
    outcomes->push_back(o);
  }
  return Status::ok();
}

}  // namespace

Status identify_run_experiment(const IdentifyPlan& plan, const IdentifyExperiment& e,
                               const std::vector<LfwImageResult>& embeddings, PersonScore score,
                               const std::string& gallery_path, std::vector<SearchOutcome>* outcomes) {
  for (const auto& [person, image] : e.records)
    if (person < 0 || size_t(person) >= plan.names.size() || image < 0 || size_t(image) >= embeddings.size())
      return Status::error("1:K experiment " + e.label + ": record refers to a missing person or image");
  for (const auto& [image, mate] : e.probes)
    if (image < 0 || size_t(image) >= embeddings.size() || mate >= int(plan.names.size()))
      return Status::error("1:K experiment " + e.label + ": probe refers to a missing person or image");
  ::unlink(gallery_path.c_str());  // a leftover of an interrupted run
  GalleryCreateOptions c;
  c.dim = kEmbeddingDim;
  c.model_id = "identify-eval";
  GalleryPtr g;
  FG_RETURN_IF_ERROR(gallery_create(gallery_path, c, &g));
  Status s = run_in_gallery(g.get(), plan, e, embeddings, score, outcomes);
  g.reset();
  ::unlink(gallery_path.c_str());
  return s.with_context("1:K experiment " + e.label);
}

}  // namespace fg
