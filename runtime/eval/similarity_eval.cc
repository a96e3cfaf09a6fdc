// People-disjoint k-fold evaluation: plain tau vs binary head vs triplet-adapted tau.
#include "runtime/eval/similarity_eval.h"

#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <set>

namespace fg {

void similarity_dataset_from_pairs(const std::vector<LfwPair>& pairs, const std::string& lfw_dir,
                                   SimilarityDataset* out) {
  SimilarityDataset d;
  std::map<std::string, int> image_index, person_index;
  auto image = [&](const std::string& name, int n) {
    const std::string path = lfw_image_path(lfw_dir, name, n);
    auto it = image_index.emplace(path, int(d.paths.size()));
    if (it.second) {
      auto pt = person_index.emplace(name, int(d.names.size()));
      if (pt.second) d.names.push_back(name);
      d.paths.push_back(path);
      d.person.push_back(pt.first->second);
    }
    return it.first->second;
  };
  for (const LfwPair& p : pairs) {
    SimilarityDataset::Pair q;
    q.a = image(p.name1, p.n1);
    q.b = image(p.name2, p.n2);
    q.same = p.same;
    q.fold = p.fold;
    d.pairs.push_back(q);
  }
  *out = std::move(d);
}

std::vector<HeadPair> similarity_training_pairs(const SimilarityDataset& d, const std::vector<uint8_t>& mask,
                                                int max_same_per_person, uint32_t seed) {
  std::map<int, std::vector<int>> by_person;
  std::vector<int> images;
  for (size_t i = 0; i < d.person.size(); ++i)
    if (mask[i]) {
      by_person[d.person[i]].push_back(int(i));
      images.push_back(int(i));
    }
  auto row = [&](int i) { return &d.emb[size_t(i) * kHeadDim]; };
  std::vector<HeadPair> out;
  for (const auto& [p, imgs] : by_person) {
    int taken = 0;
    for (size_t i = 0; i < imgs.size() && taken < max_same_per_person; ++i)
      for (size_t j = i + 1; j < imgs.size() && taken < max_same_per_person; ++j, ++taken)
        out.push_back({row(imgs[i]), row(imgs[j]), true});
  }
  const size_t same = out.size();
  std::mt19937 rng(seed);
  if (by_person.size() < 2) return out;
  std::uniform_int_distribution<size_t> pick(0, images.size() - 1);
  while (out.size() < 2 * same) {
    const int a = images[pick(rng)], b = images[pick(rng)];
    if (d.person[a] != d.person[b]) out.push_back({row(a), row(b), false});
  }
  return out;
}

namespace {

void finish(MethodFolds* m) {
  double s = 0;
  for (double a : m->accuracy) s += a;
  m->mean = s / double(m->accuracy.size());
  double v = 0;
  for (double a : m->accuracy) v += (a - m->mean) * (a - m->mean);
  m->std = m->accuracy.size() > 1 ? std::sqrt(v / double(m->accuracy.size() - 1)) : 0.0;
}

// Threshold by best accuracy on `train` pairs, accuracy on `test` pairs ("same" iff d <= t).
double fold_accuracy(const std::vector<double>& dist, const std::vector<bool>& same, const std::vector<bool>& train,
                     const std::vector<bool>& test) {
  double train_acc = 0;
  const double t = best_threshold(dist, same, train, &train_acc);
  int right = 0, n = 0;
  for (size_t i = 0; i < dist.size(); ++i)
    if (test[i]) {
      ++n;
      right += ((dist[i] <= t) == same[i]) ? 1 : 0;
    }
  return n ? double(right) / n : 0.0;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

Status similarity_eval_folds(const SimilarityDataset& d, const SimilarityEvalOptions& o, SimilarityEvalReport* out,
                             const std::function<void(const std::string&)>& log) {
  if (d.emb.size() != d.paths.size() * kHeadDim || d.person.size() != d.paths.size())
    return Status::error("similarity eval: embeddings missing for some images");
  std::set<int> folds;
  for (const auto& p : d.pairs) folds.insert(p.fold);
  if (folds.size() < 2) return Status::error("similarity eval: need at least two folds");
  SimilarityEvalReport r;
  r.methods.resize(4);
  r.methods[0].name = "plain tau";
  r.methods[3].name = "plain tau, L2-normalised";
  r.methods[1].name = std::string("binary head (") + head_feature_name(o.binary.feature) + ")";
  r.methods[2].name = std::string("triplet-adapted tau") + (o.triplet.l2_normalize ? " (L2)" : "");
  const size_t n = d.pairs.size();
  std::vector<bool> same(n);
  for (size_t i = 0; i < n; ++i) same[i] = d.pairs[i].same;
  auto emb = [&](int i) { return &d.emb[size_t(i) * kHeadDim]; };
  for (int f : folds) {
    std::set<int> test_people;
    for (const auto& p : d.pairs)
      if (p.fold == f) test_people.insert({d.person[p.a], d.person[p.b]});
    std::vector<uint8_t> mask(d.paths.size());
    std::vector<float> train_emb;
    std::vector<int> train_person;
    for (size_t i = 0; i < d.paths.size(); ++i) {
      mask[i] = !test_people.count(d.person[i]);
      if (!mask[i]) continue;
      train_emb.insert(train_emb.end(), emb(int(i)), emb(int(i)) + kHeadDim);
      train_person.push_back(d.person[i]);
    }
    std::vector<bool> test(n), train(n);
    int dropped = 0;
    for (size_t i = 0; i < n; ++i) {
      const auto& p = d.pairs[i];
      test[i] = p.fold == f;
      train[i] = p.fold != f && mask[p.a] && mask[p.b];
      dropped += p.fold != f && !train[i] ? 1 : 0;
    }
    r.train_images.push_back(int(train_person.size()));
    r.dropped_threshold_pairs.push_back(dropped);

    std::vector<double> dist(n);
    for (size_t i = 0; i < n; ++i) dist[i] = embedding_distance_sq(emb(d.pairs[i].a), emb(d.pairs[i].b));
    r.methods[0].accuracy.push_back(fold_accuracy(dist, same, train, test));
    LinearAdapter unit;  // identity + L2 norm: what the triplet adapter starts from
    for (size_t i = 0; i < n; ++i) dist[i] = adapter_distance_sq(unit, emb(d.pairs[i].a), emb(d.pairs[i].b));
    r.methods[3].accuracy.push_back(fold_accuracy(dist, same, train, test));

    auto t0 = std::chrono::steady_clock::now();
    const std::vector<HeadPair> tp = similarity_training_pairs(d, mask, o.max_same_per_person, o.seed + uint32_t(f));
    r.train_pairs.push_back(int(tp.size()));
    BinaryHead bh;
    FG_RETURN_IF_ERROR(binary_head_train(tp, o.binary, &bh));
    r.methods[1].train_seconds += seconds_since(t0);
    for (size_t i = 0; i < n; ++i) dist[i] = -binary_head_score(bh, emb(d.pairs[i].a), emb(d.pairs[i].b));
    r.methods[1].accuracy.push_back(fold_accuracy(dist, same, train, test));

    t0 = std::chrono::steady_clock::now();
    LinearAdapter la;
    TripletTrainOptions to = o.triplet;
    to.seed = o.triplet.seed + uint32_t(f);
    FG_RETURN_IF_ERROR(adapter_train(train_emb, train_person, to, &la));
    r.methods[2].train_seconds += seconds_since(t0);
    for (size_t i = 0; i < n; ++i) dist[i] = adapter_distance_sq(la, emb(d.pairs[i].a), emb(d.pairs[i].b));
    r.methods[2].accuracy.push_back(fold_accuracy(dist, same, train, test));

    if (log) {
      char line[256];
      std::snprintf(line, sizeof line,
                    "fold %d: %zu test people excluded, %d training images, %zu head pairs, %d threshold pairs "
                    "dropped; plain %.4f binary %.4f triplet %.4f",
                    f + 1, test_people.size(), r.train_images.back(), tp.size(), dropped,
                    r.methods[0].accuracy.back(), r.methods[1].accuracy.back(), r.methods[2].accuracy.back());
      log(line);
    }
  }
  for (MethodFolds& m : r.methods) finish(&m);
  *out = std::move(r);
  return Status::ok();
}

}  // namespace fg
