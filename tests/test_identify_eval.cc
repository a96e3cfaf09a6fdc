// 1:K evaluation: rank-1 / FPIR / FNIR on hand-checked synthetic searches, the seeded LFW
// plan on a fake folder, min vs mean through a real gallery, and (when ../shared/data/lfw
// exists) a small K=10 run of the whole pipeline with the embedding cache.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <sys/stat.h>
#include <vector>

#include "runtime/eval/identify_eval.h"
#include "test_util.h"

using namespace fg;
using namespace fg_test;

namespace {

SearchOutcome mated(int mate, int best, float d) { return {mate, best, d}; }
SearchOutcome impostor(float d) { return {-1, 0, d}; }

// 4 mated (one with the wrong rank-1) and 10 non-mated searches.
std::vector<SearchOutcome> hand_case() {
  std::vector<SearchOutcome> o = {mated(0, 0, 0.10f), mated(1, 1, 0.30f), mated(2, 3, 0.20f), mated(3, 3, 0.50f)};
  for (float d : {0.15f, 0.25f, 0.40f, 0.60f, 0.70f, 0.80f, 0.90f, 1.00f, 1.10f, 1.20f}) o.push_back(impostor(d));
  return o;
}

std::string temp_path(const std::string& name) {
  return "/tmp/fg_test_identify_eval_" + std::to_string(::getpid()) + "_" + name;
}

std::string lfw_dir() {
  const std::string dir = env_or("FG_SHARED_DIR", "../shared") + "/data/lfw";
  return path_exists(dir + "/pairs.txt") ? dir : "";
}

}  // namespace

TEST_CASE("FPIR / FNIR at a given tau, rank-1") {
  const std::vector<SearchOutcome> o = hand_case();
  CHECK(identify_fpir(o, 0.35) == doctest::Approx(0.2));  // 0.15, 0.25 of 10
  CHECK(identify_fnir(o, 0.35) == doctest::Approx(0.5));  // wrong rank-1 + 0.50 > tau
  CHECK(identify_fpir(o, 0.105) == 0.0);
  CHECK(identify_fnir(o, 0.105) == doctest::Approx(0.75));  // only the 0.10 mate (<= tau) is found
  CHECK(identify_fnir(o, 1e9) == doctest::Approx(0.25));   // no threshold: 1 - rank-1
  CHECK(identify_fpir(o, 1e9) == 1.0);
  IdentifyReport r;
  REQUIRE(identify_report(o, {0.1, 0.0, 0.3, 1.0}, &r));
  CHECK(r.mated == 4);
  CHECK(r.non_mated == 10);
  CHECK(r.rank1 == doctest::Approx(0.75));
  REQUIRE(r.points.size() == 4);
  // FPIR 0.1: one false positive allowed -> tau between 0.15 and 0.25.
  CHECK(r.points[0].tau == doctest::Approx(0.20));
  CHECK(r.points[0].fpir == doctest::Approx(0.1));
  CHECK(r.points[0].fnir == doctest::Approx(0.75));
  // FPIR 0: below the smallest impostor (0.15) -> 0.075, the 0.10 mate is lost too.
  CHECK(r.points[1].tau == doctest::Approx(0.075));
  CHECK(r.points[1].fpir == 0.0);
  CHECK(r.points[1].fnir == 1.0);
  // FPIR 0.3: three allowed -> tau midway 0.40 / 0.60; the 0.50 mate now counts.
  CHECK(r.points[2].tau == doctest::Approx(0.50));
  CHECK(r.points[2].fpir == doctest::Approx(0.3));
  CHECK(r.points[2].fnir == doctest::Approx(0.25));
  // FPIR 1: everything accepted.
  CHECK(std::isinf(r.points[3].tau));
  CHECK(r.points[3].fnir == doctest::Approx(0.25));
}

TEST_CASE("tau at FPIR: ties are never split, empty candidates never false positives") {
  std::vector<SearchOutcome> o = {mated(0, 0, 0.1f), impostor(0.2f), impostor(0.2f), impostor(0.2f), impostor(0.5f)};
  // Two false positives allowed, but three impostors tie at 0.2: accept none of them.
  CHECK(identify_tau_at_fpir(o, 0.5) == doctest::Approx(0.1));
  CHECK(identify_fpir(o, identify_tau_at_fpir(o, 0.5)) == 0.0);
  CHECK(identify_tau_at_fpir(o, 0.75) == doctest::Approx(0.35));
  CHECK(identify_fpir(o, identify_tau_at_fpir(o, 0.75)) == doctest::Approx(0.75));
  // A zero impostor distance and target 0: nothing can be accepted (tau < 0).
  CHECK(identify_tau_at_fpir({mated(0, 0, 0.f), impostor(0.f)}, 0.0) < 0.0);
  // Searches of an empty gallery (best -1) are not false positives, even at tau = inf.
  std::vector<SearchOutcome> empty = {mated(0, -1, INFINITY), {-1, -1, INFINITY}};
  CHECK(identify_fpir(empty, 1e30) == 0.0);
  CHECK(identify_fnir(empty, 1e30) == 1.0);
  // No impostors at all: tau = +inf.
  CHECK(std::isinf(identify_tau_at_fpir({mated(0, 0, 0.3f)}, 0.01)));
  // 0.01 * 1500 must allow exactly 15 false positives (no floating-point floor to 14).
  std::vector<SearchOutcome> many;
  for (int i = 0; i < 1500; ++i) many.push_back(impostor(0.001f * float(i + 1)));
  many.push_back(mated(0, 0, 0.5f));
  CHECK(identify_fpir(many, identify_tau_at_fpir(many, 0.01)) == doctest::Approx(0.01));
  // 0.003 * 1500 = 4.5: four allowed, the achieved FPIR stays below the target.
  CHECK(identify_fpir(many, identify_tau_at_fpir(many, 0.003)) == doctest::Approx(4.0 / 1500));
}

TEST_CASE("identify_report rejects a run without mated probes and bad targets") {
  IdentifyReport r;
  CHECK_FALSE(identify_report({impostor(0.3f)}, {0.01}, &r));
  CHECK_FALSE(identify_report(hand_case(), {1.5}, &r));
  CHECK_FALSE(identify_report(hand_case(), {NAN}, &r));
}

TEST_CASE("min over records vs mean embedding, through a real gallery") {
  // One coordinate carries the signal: A has records at 0.0 and 1.0 (mean 0.5), B at 0.7.
  IdentifyPlan plan;
  plan.names = {"A", "B"};
  std::vector<LfwImageResult> emb(5);
  const float x[5] = {0.0f, 1.0f, 0.7f, 0.9f, 0.2f};
  for (int i = 0; i < 5; ++i) emb[i].embedding[0] = x[i];
  IdentifyExperiment e;
  e.label = "synthetic";
  e.records = {{0, 0}, {0, 1}, {1, 2}};
  e.probes = {{3, 0}, {4, -1}};  // 0.9 is A (mated); 0.2 is an impostor
  const std::string g = temp_path("minmean.fgg");
  std::vector<SearchOutcome> out;
  REQUIRE(identify_run_experiment(plan, e, emb, PersonScore::kMinDistance, g, &out));
  REQUIRE(out.size() == 2);
  CHECK(out[0].best == 0);  // min: A at 0.1^2, B at 0.2^2
  CHECK(out[0].best_distance == doctest::Approx(0.01f));
  CHECK(out[0].mate == 0);
  CHECK(out[1].best == 0);  // 0.2 is nearest to A's 0.0 record
  CHECK(out[1].best_distance == doctest::Approx(0.04f));
  CHECK(out[1].mate == -1);
  REQUIRE(identify_run_experiment(plan, e, emb, PersonScore::kMeanEmbedding, g, &out));
  CHECK(out[0].best == 1);  // mean: A at 0.4^2, B at 0.2^2
  CHECK(out[0].best_distance == doctest::Approx(0.04f));
  CHECK(out[1].best == 0);  // 0.2 vs A's mean 0.5: 0.09 < B's 0.25
  CHECK(out[1].best_distance == doctest::Approx(0.09f));
  CHECK_FALSE(path_exists(g));  // the scratch gallery is removed
  e.records.push_back({7, 0});  // no such person
  CHECK_FALSE(identify_run_experiment(plan, e, emb, PersonScore::kMinDistance, g, &out));
}

TEST_CASE("LFW plan on a fake folder: nested galleries, disjoint impostors, seeded") {
  const std::string dir = temp_path("lfw");
  ::mkdir(dir.c_str(), 0755);
  // 30 people: p00..p14 have 1..5 photos (cycling), p15..p29 one photo each.
  int total_with_mates = 0;
  for (int p = 0; p < 30; ++p) {
    char name[16];
    std::snprintf(name, sizeof name, "p%02d", p);
    ::mkdir((dir + "/" + name).c_str(), 0755);
    const int n = p < 15 ? 1 + p % 5 : 1;
    total_with_mates += n >= 2;
    for (int i = 1; i <= n; ++i) std::ofstream(lfw_image_path(dir, name, i)) << "x";
  }
  std::vector<std::pair<std::string, int>> people;
  REQUIRE(lfw_list_people(dir, &people));
  REQUIRE(people.size() == 30);
  CHECK(people[4].second == 5);
  CHECK(people[20].second == 1);
  IdentifyPlanOptions po;
  po.ks = {8, 3};
  po.non_mated = 10;
  po.mated_per_person = 2;
  po.multi_people = 2;
  IdentifyPlan plan;
  REQUIRE(identify_lfw_plan(dir, po, &plan));
  REQUIRE(plan.k_runs.size() == 2);
  const IdentifyExperiment &k3 = plan.k_runs[0], &k8 = plan.k_runs[1];
  CHECK(k3.label == "K=3");
  CHECK(k3.records.size() == 3);
  CHECK(k8.records.size() == 8);
  std::set<int> enrolled8;
  for (int i = 0; i < 8; ++i) {
    if (i < 3) CHECK(k3.records[i] == k8.records[i]);  // nested
    const int p = k8.records[i].first;
    enrolled8.insert(p);
    CHECK(people[p].second >= 2);
    CHECK(plan.images[k8.records[i].second] == lfw_image_path(dir, people[p].first, 1));
  }
  size_t mated8 = 0, impostors = 0;
  for (const auto& [image, mate] : k8.probes) {
    if (mate >= 0) {
      ++mated8;
      CHECK(enrolled8.count(mate) == 1);
      CHECK(plan.images[image] != lfw_image_path(dir, people[mate].first, 1));
    } else {
      ++impostors;
      CHECK(plan.images[image].find("_0001.jpg") != std::string::npos);
      for (int p : enrolled8) CHECK(plan.images[image].find("/" + people[p].first + "/") == std::string::npos);
    }
  }
  CHECK(impostors == 10);
  size_t want_mated = 0;
  for (int p : enrolled8) want_mated += size_t(std::min(people[p].second, 3) - 1);
  CHECK(mated8 == want_mated);
  // Multi-photo: people with >= 4 photos, 3 records each, at most 2 people.
  CHECK(plan.multi.people == 2);
  CHECK(plan.multi.records.size() == 6);
  for (const auto& [p, img] : plan.multi.records) CHECK(people[p].second >= 4);
  // Same seed, same plan; another seed, (almost surely) another order.
  IdentifyPlan again;
  REQUIRE(identify_lfw_plan(dir, po, &again));
  CHECK(again.images == plan.images);
  po.seed += 1;
  REQUIRE(identify_lfw_plan(dir, po, &again));
  CHECK(again.images != plan.images);
  po.ks = {total_with_mates + 1};
  CHECK_FALSE(identify_lfw_plan(dir, po, &again));
  CHECK_FALSE(lfw_list_people(dir + "/nope", &people));
}

TEST_CASE("LFW 1:K, K=10, whole pipeline, with the embedding cache" * doctest::test_suite("shared")) {
  const std::string dir = lfw_dir();
  if (dir.empty()) {
    FG_SKIP_TEST("LFW 1:K: FG_SHARED_DIR/data/lfw absent");
  }
  IdentifyPlanOptions po;
  po.ks = {10};
  po.non_mated = 100;
  po.multi_people = 10;
  IdentifyPlan plan;
  REQUIRE(identify_lfw_plan(dir, po, &plan));
  LfwRunOptions run;
  run.model_dir = model_dir();
  run.threads = 2;
  if (!path_exists(model_dir() + "/" + detector_model_file(run.pipeline.detector.input_size))) {
    MESSAGE("detector" << run.pipeline.detector.input_size << ".fgm not built: using 416 (misses more LFW faces)");
    run.pipeline.detector.input_size = 416;
  }
  const std::string cache = temp_path("cache.emb");
  std::vector<LfwImageResult> emb, again;
  size_t cached = 99;
  const Status s = identify_embed_cached(run, plan.images, cache, "key-1", &emb, &cached);
  REQUIRE_MESSAGE(s, s.message());
  CHECK(cached == 0);
  // Second call: all from the cache, identical.
  REQUIRE(identify_embed_cached(run, plan.images, cache, "key-1", &again, &cached));
  CHECK(cached == plan.images.size());
  REQUIRE(again.size() == emb.size());
  for (size_t i = 0; i < emb.size(); ++i) CHECK(max_abs_diff(emb[i].embedding, again[i].embedding, kEmbeddingDim) == 0.f);
  // Another key (other model) or a truncated file: recomputed, never trusted. Only the
  // first 5 images, to keep the test short.
  const std::vector<std::string> few(plan.images.begin(), plan.images.begin() + 5);
  REQUIRE(identify_embed_cached(run, few, cache, "key-2", &again, &cached));
  CHECK(cached == 0);
  ::truncate(cache.c_str(), 100);
  REQUIRE(identify_embed_cached(run, few, cache, "key-2", &again, &cached));
  CHECK(cached == 0);
  for (size_t i = 0; i < few.size(); ++i) CHECK(max_abs_diff(emb[i].embedding, again[i].embedding, kEmbeddingDim) == 0.f);
  ::unlink(cache.c_str());

  const std::string g = temp_path("k10.fgg");
  std::vector<SearchOutcome> out;
  REQUIRE(identify_run_experiment(plan, plan.k_runs[0], emb, PersonScore::kMinDistance, g, &out));
  IdentifyReport r;
  REQUIRE(identify_report(out, {0.01, 0.003}, &r));
  MESSAGE("K=10: rank-1 " << r.rank1 << ", FNIR@FPIR=0.01 " << r.points[0].fnir << " (tau " << r.points[0].tau
                          << "), mated " << r.mated << ", non-mated " << r.non_mated);
  CHECK(r.non_mated == 100);
  CHECK(r.mated >= 10);
  // dlib's encoder is 99.38% on LFW pairs: among 10 people rank-1 is near perfect.
  CHECK(r.rank1 >= 0.9);
  CHECK(r.points[0].fpir <= 0.01);
  CHECK(r.points[0].fnir < 0.5);
  REQUIRE(identify_run_experiment(plan, plan.multi, emb, PersonScore::kMeanEmbedding, g, &out));
  REQUIRE(identify_report(out, {0.01}, &r));
  CHECK(r.rank1 >= 0.9);
}
