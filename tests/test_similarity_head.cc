// Learned similarity heads: finite-difference gradient checks of both losses, hard/semi-hard
// triplet mining on a hand-built set, the FAR threshold, the head file refusing corrupt
// bytes, and both heads learning a synthetic set where plain distance is misled.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "runtime/base/crc32.h"
#include "runtime/eval/similarity_eval.h"
#include "runtime/eval/similarity_head.h"
#include "test_util.h"

using namespace fg;

namespace {

std::vector<float> random_rows(int n, std::mt19937& rng, float scale) {
  std::normal_distribution<float> nd(0.f, scale);
  std::vector<float> x(size_t(n) * kHeadDim);
  for (float& v : x) v = nd(rng);
  return x;
}

// Points on the first axis; the other 127 coordinates are zero.
std::vector<float> on_axis(const std::vector<double>& pos) {
  std::vector<float> g(pos.size() * kHeadDim, 0.f);
  for (size_t i = 0; i < pos.size(); ++i) g[i * kHeadDim] = float(pos[i]);
  return g;
}

// People whose identity lives in dims 0..15 (spread 0.3), dims 16..127 are per-image
// nuisance noise (spread 0.15 each: 112 * 2 * 0.0225 = 5 on the squared distance, more than
// the identity part), so plain distance is a poor judge but a weighted one is perfect.
void synthetic(int people, int images, uint32_t seed, std::vector<float>* emb, std::vector<int>* person) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> id(0.f, 0.3f), noise(0.f, 0.15f), jitter(0.f, 0.03f);
  for (int p = 0; p < people; ++p) {
    float centre[16];
    for (float& c : centre) c = id(rng);
    for (int i = 0; i < images; ++i) {
      for (int k = 0; k < kHeadDim; ++k) emb->push_back(k < 16 ? centre[k] + jitter(rng) : noise(rng));
      person->push_back(p);
    }
  }
}

}  // namespace

TEST_CASE("binary head loss: analytic gradient matches finite differences (both features)") {
  std::mt19937 rng(3);
  for (HeadFeature feat : {HeadFeature::kAbsDiff, HeadFeature::kChiSquare}) {
    const int n = 12;
    std::vector<float> a = random_rows(n, rng, 0.3f), b = random_rows(n, rng, 0.3f), x(size_t(n) * kHeadDim);
    std::vector<uint8_t> same(n);
    for (int i = 0; i < n; ++i) {
      head_features(feat, &a[size_t(i) * kHeadDim], &b[size_t(i) * kHeadDim], &x[size_t(i) * kHeadDim]);
      same[i] = i % 2;
    }
    std::vector<float> w = random_rows(1, rng, 0.5f);
    const float bias = 0.3f;
    std::vector<double> gw;
    double gb = 0;
    binary_head_loss(w, bias, x, same, 0.01, &gw, &gb);
    const double h = 1e-3;
    for (int k = 0; k < kHeadDim; k += 7) {
      std::vector<float> wp = w, wm = w;
      wp[k] += float(h);
      wm[k] -= float(h);
      const double num = (binary_head_loss(wp, bias, x, same, 0.01, nullptr, nullptr) -
                          binary_head_loss(wm, bias, x, same, 0.01, nullptr, nullptr)) / (double(wp[k]) - wm[k]);
      CHECK(gw[k] == doctest::Approx(num).epsilon(1e-3).scale(1e-3));
    }
    const double num_b = (binary_head_loss(w, bias + float(h), x, same, 0.01, nullptr, nullptr) -
                          binary_head_loss(w, bias - float(h), x, same, 0.01, nullptr, nullptr)) / (2 * h);
    CHECK(gb == doctest::Approx(num_b).epsilon(1e-3));
  }
}

TEST_CASE("triplet loss: analytic gradient w.r.t. W matches finite differences (with and without L2)") {
  std::mt19937 rng(5);
  const std::vector<float> x = random_rows(6, rng, 0.2f);
  // Margin large enough that every triplet is active (away from the hinge's kink).
  const std::vector<Triplet> t = {{0, 1, 2}, {3, 4, 5}, {1, 0, 5}, {4, 3, 2}};
  for (bool l2 : {true, false}) {
    std::vector<float> w = LinearAdapter::identity();
    std::normal_distribution<float> nd(0.f, 0.05f);
    for (float& v : w) v += nd(rng);
    std::vector<double> grad;
    const double loss = triplet_loss(w, l2, x, t, 10.0, 0.01, &grad);
    CHECK(loss > 0);
    int checked = 0;
    std::uniform_int_distribution<int> pick(0, kHeadDim * kHeadDim - 1);
    for (int s = 0; s < 60; ++s) {
      const int i = pick(rng);
      std::vector<float> wp = w, wm = w;
      wp[i] += 1e-3f;
      wm[i] -= 1e-3f;
      const double num = (triplet_loss(wp, l2, x, t, 10.0, 0.01, nullptr) - triplet_loss(wm, l2, x, t, 10.0, 0.01, nullptr)) /
                         (double(wp[i]) - wm[i]);
      CHECK(grad[i] == doctest::Approx(num).epsilon(2e-3).scale(1e-3));
      ++checked;
    }
    CHECK(checked == 60);
  }
}

TEST_CASE("triplet mining picks exactly the violating triplets: hardest vs semi-hard") {
  // anchor 0 at 0, positive 1 at +1 (d=1), negatives at d^2 0.5 (hard), 1.2 (semi-hard:
  // farther than the positive, within the margin 0.5) and 3 (not violating).
  const std::vector<float> g = on_axis({0, 1, -std::sqrt(0.5), -std::sqrt(1.2), -std::sqrt(3.0)});
  const std::vector<int> label = {0, 0, 1, 2, 3};
  // Anchor 1 / positive 0: every negative is beyond 1 + 0.5, so no triplet.
  const std::vector<Triplet> hard = mine_triplets(g, label, 0.5, NegativeMining::kHardest);
  REQUIRE(hard.size() == 1);
  CHECK(hard[0].anchor == 0);
  CHECK(hard[0].positive == 1);
  CHECK(hard[0].negative == 2);
  const std::vector<Triplet> semi = mine_triplets(g, label, 0.5, NegativeMining::kSemiHard);
  REQUIRE(semi.size() == 1);
  CHECK(semi[0].negative == 3);
  // A smaller margin leaves only the hard negative violating: semi-hard falls back to it.
  const std::vector<Triplet> small = mine_triplets(g, label, 0.1, NegativeMining::kSemiHard);
  REQUIRE(small.size() == 1);
  CHECK(small[0].negative == 2);
  // Nothing violates when every negative is far.
  CHECK(mine_triplets(on_axis({0, 0.1, 5, 6}), {0, 0, 1, 2}, 0.5, NegativeMining::kHardest).empty());
}

TEST_CASE("threshold for a target FAR accepts at most that share of impostors") {
  const std::vector<double> y = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.95, 0.99};
  const std::vector<uint8_t> same = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
  const double t = head_threshold_for_far(y, same, 0.1, false);  // 1 of 10 impostors
  int accepted = 0;
  for (size_t i = 0; i < y.size(); ++i) accepted += !same[i] && y[i] >= t ? 1 : 0;
  CHECK(accepted == 1);
  const double t0 = head_threshold_for_far(y, same, 0.0, false);
  CHECK(t0 > 0.9);
  std::vector<double> d(y.size());
  for (size_t i = 0; i < y.size(); ++i) d[i] = 1 - y[i];
  const double td = head_threshold_for_far(d, same, 0.1, true);
  accepted = 0;
  for (size_t i = 0; i < d.size(); ++i) accepted += !same[i] && d[i] <= td ? 1 : 0;
  CHECK(accepted == 1);
}

TEST_CASE("head file: round trip, and corrupt files are refused with a message") {
  SimilarityHead h;
  h.kind = HeadKind::kBinary;
  h.binary.feature = HeadFeature::kChiSquare;
  for (int k = 0; k < kHeadDim; ++k) h.binary.w[k] = 0.01f * k - 0.5f;
  h.binary.bias = 1.25f;
  h.binary.threshold = 0.875f;
  std::vector<uint8_t> b = similarity_head_serialize(h);
  SimilarityHead back;
  REQUIRE(similarity_head_parse(b, &back));
  CHECK(back.kind == HeadKind::kBinary);
  CHECK(back.binary.feature == HeadFeature::kChiSquare);
  CHECK(back.binary.w == h.binary.w);
  CHECK(back.binary.bias == 1.25f);
  CHECK(back.binary.threshold == 0.875f);

  SimilarityHead t;
  t.kind = HeadKind::kTripletAdapter;
  t.adapter.l2_normalize = false;
  t.adapter.w[5] = 0.5f;
  const std::string path = "/tmp/fg_test_similarity_head_" + std::to_string(::getpid()) + ".fgh";
  REQUIRE(similarity_head_save(path, t));
  REQUIRE(similarity_head_load(path, &back));
  CHECK(back.kind == HeadKind::kTripletAdapter);
  CHECK(!back.adapter.l2_normalize);
  CHECK(back.adapter.w == t.adapter.w);
  std::remove(path.c_str());

  std::vector<uint8_t> flipped = b;
  flipped[40] ^= 0x10;
  Status s = similarity_head_parse(flipped, &back);
  CHECK(!s);
  CHECK(s.message().find("checksum") != std::string::npos);
  CHECK(!similarity_head_parse(std::vector<uint8_t>(b.begin(), b.begin() + 30), &back));
  CHECK(!similarity_head_parse(std::vector<uint8_t>(b.begin(), b.end() - 8), &back));
  std::vector<uint8_t> magic = b;
  magic[0] = 'X';
  CHECK(!similarity_head_parse(magic, &back));
  // Valid checksums over invalid contents: a wrong count, a NaN weight, an unknown kind.
  auto resign = [](std::vector<uint8_t> v) {
    const uint32_t c = crc32(v.data(), v.size() - 4);
    for (int i = 0; i < 4; ++i) v[v.size() - 4 + i] = uint8_t(c >> (8 * i));
    return v;
  };
  std::vector<uint8_t> count = b;
  count[32] = 200;
  s = similarity_head_parse(resign(count), &back);
  CHECK(!s);
  CHECK(s.message().find("parameters") != std::string::npos);
  std::vector<uint8_t> nan = b;
  nan[36] = 0x00, nan[37] = 0x00, nan[38] = 0xc0, nan[39] = 0x7f;
  CHECK(!similarity_head_parse(resign(nan), &back));
  std::vector<uint8_t> kind = b;
  kind[12] = 9;
  CHECK(!similarity_head_parse(resign(kind), &back));
  CHECK(!similarity_head_load("/nonexistent/head.fgh", &back));
}

TEST_CASE("both heads learn a synthetic set where plain distance is misled") {
  std::vector<float> emb, test_emb;
  std::vector<int> person, test_person;
  synthetic(120, 4, 11, &emb, &person);
  synthetic(30, 4, 12, &test_emb, &test_person);  // unseen people
  SimilarityDataset train, test;
  train.emb = emb, train.person = person, train.paths.resize(person.size());
  test.emb = test_emb, test.person = test_person, test.paths.resize(test_person.size());
  const std::vector<HeadPair> tp = similarity_training_pairs(train, std::vector<uint8_t>(person.size(), 1), 6, 1);
  const std::vector<HeadPair> vp = similarity_training_pairs(test, std::vector<uint8_t>(test_person.size(), 1), 6, 2);
  REQUIRE(vp.size() > 200);
  auto best_accuracy = [&](auto dist) {  // best single threshold on the held-out pairs
    std::vector<double> d;
    std::vector<bool> same, mask(vp.size(), true);
    for (const HeadPair& p : vp) d.push_back(dist(p)), same.push_back(p.same);
    double acc = 0;
    best_threshold(d, same, mask, &acc);
    return acc;
  };
  const double plain = best_accuracy([](const HeadPair& p) { return double(embedding_distance_sq(p.a, p.b)); });
  BinaryHead bh;
  REQUIRE(binary_head_train(tp, BinaryTrainOptions(), &bh));
  const double binary = best_accuracy([&](const HeadPair& p) { return -binary_head_score(bh, p.a, p.b); });
  TripletTrainOptions to;
  to.l2_normalize = false;
  to.epochs = 60;
  to.decay = 0;  // nothing pulls W back towards identity: the noise dims may shrink freely
  to.people_per_batch = 20;
  to.learning_rate = 1e-2;
  to.margin = 1.0;
  to.mining = NegativeMining::kHardest;
  LinearAdapter la;
  REQUIRE(adapter_train(emb, person, to, &la));
  const double triplet = best_accuracy([&](const HeadPair& p) { return adapter_distance_sq(la, p.a, p.b); });
  MESSAGE("synthetic held-out accuracy: plain " << plain << ", binary " << binary << ", triplet " << triplet);
  CHECK(plain < 0.97);
  CHECK(binary >= 0.99);
  CHECK(triplet >= 0.99);
  // Bad input is an error, not a crash.
  CHECK(!binary_head_train({}, BinaryTrainOptions(), &bh));
  CHECK(!adapter_train(emb, std::vector<int>(3, 0), to, &la));
}

TEST_CASE("facegate verify-head loads a head at run time and its verdict is the exit code") {
  const std::string facegate = fg_test::bin_dir() + "/facegate";
  const std::string photo = fg_test::test_data_dir() + "/pipeline/angry.jpg";
  if (!fg_test::path_exists(facegate) || !fg_test::path_exists(fg_test::model_dir() + "/recognition.fgm")) {
    MESSAGE("skipped: facegate or the models are not built (" << facegate << ")");
    return;
  }
  const std::string base = "/tmp/fg_test_verify_head_" + std::to_string(::getpid());
  auto verdict = [&](const SimilarityHead& h) {
    REQUIRE(similarity_head_save(base + ".fgh", h));
    return fg_test::run_command(fg_test::tool_command("facegate") + " verify-head " + base + ".fgh " + photo + " " +
                                photo + " --models " + fg_test::model_dir() + " 2>&1");
  };
  SimilarityHead h;  // w = 0: P(same) = sigma(bias) whatever the faces
  h.binary.threshold = 0.5f;
  h.binary.bias = 5.f;
  fg_test::CommandResult r = verdict(h);
  CHECK(r.exit_code == 0);
  CHECK(fg_test::contains(r.out, "same person"));
  h.binary.bias = -5.f;
  CHECK(verdict(h).exit_code == 1);
  h.kind = HeadKind::kTripletAdapter;  // identity map: the same photo is at distance 0
  h.adapter.threshold = 0.01f;
  CHECK(verdict(h).exit_code == 0);
  h.adapter.threshold = -1.f;
  CHECK(verdict(h).exit_code == 1);
  std::FILE* f = std::fopen((base + ".fgh").c_str(), "r+b");
  REQUIRE(f != nullptr);
  std::fseek(f, 40, SEEK_SET);
  std::fputc(0x55, f);
  std::fclose(f);
  r = fg_test::run_command(fg_test::tool_command("facegate") + " verify-head " + base + ".fgh " + photo + " " + photo +
                           " --models " + fg_test::model_dir() + " 2>&1");
  CHECK(r.exit_code == 3);
  CHECK(fg_test::contains(r.out, "checksum"));
  std::remove((base + ".fgh").c_str());
}
