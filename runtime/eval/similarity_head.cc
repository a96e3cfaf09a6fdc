// Learned similarity heads: training (plain Adam), triplet mining and the head file.
#include "runtime/eval/similarity_head.h"

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <random>

#include "runtime/base/crc32.h"

namespace fg {
namespace {

constexpr double kChiEps = 1e-6;  // embeddings are signed: |a+b| can be ~0

// Plain Adam over a flat parameter vector (the defaults of Kingma & Ba).
struct Adam {
  std::vector<double> m, v;
  int t = 0;
  explicit Adam(size_t n) : m(n, 0.0), v(n, 0.0) {}
  template <typename T>
  void step(std::vector<T>& p, const std::vector<double>& g, double lr) {
    ++t;
    const double b1 = 0.9, b2 = 0.999, c1 = 1 - std::pow(b1, t), c2 = 1 - std::pow(b2, t);
    for (size_t i = 0; i < p.size(); ++i) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      p[i] = T(p[i] - lr * (m[i] / c1) / (std::sqrt(v[i] / c2) + 1e-8));
    }
  }
};

double sigmoid(double z) { return z >= 0 ? 1 / (1 + std::exp(-z)) : std::exp(z) / (1 + std::exp(z)); }

// u = W x (row-major W), then g = u/|u| when normalising; returns |u|.
double map_row(const float* w, bool l2, const float* x, double* u, double* g) {
  double norm2 = 0;
  for (int i = 0; i < kHeadDim; ++i) {
    double s = 0;
    const float* wr = w + size_t(i) * kHeadDim;
    for (int k = 0; k < kHeadDim; ++k) s += double(wr[k]) * x[k];
    u[i] = s;
    norm2 += s * s;
  }
  const double norm = std::sqrt(norm2);
  const double inv = l2 ? 1.0 / std::max(norm, 1e-12) : 1.0;
  for (int i = 0; i < kHeadDim; ++i) g[i] = u[i] * inv;
  return norm;
}

double dist_sq(const float* a, const float* b) {
  double s = 0;
  for (int k = 0; k < kHeadDim; ++k) s += double(a[k] - b[k]) * (a[k] - b[k]);
  return s;
}

}  // namespace

const char* head_feature_name(HeadFeature f) { return f == HeadFeature::kChiSquare ? "chi2" : "absdiff"; }

void head_features(HeadFeature feature, const float* a, const float* b, float* x) {
  for (int k = 0; k < kHeadDim; ++k) {
    const double d = double(a[k]) - b[k];
    x[k] = feature == HeadFeature::kChiSquare ? float(d * d / (std::fabs(double(a[k]) + b[k]) + kChiEps))
                                              : float(std::fabs(d));
  }
}

double binary_head_score(const BinaryHead& head, const float* a, const float* b) {
  float x[kHeadDim];
  head_features(head.feature, a, b, x);
  double z = head.bias;
  for (int k = 0; k < kHeadDim; ++k) z += double(head.w[k]) * x[k];
  return sigmoid(z);
}

double binary_head_loss(const std::vector<float>& w, float bias, const std::vector<float>& x,
                        const std::vector<uint8_t>& same, double l2, std::vector<double>* grad_w, double* grad_b) {
  const size_t n = same.size();
  if (grad_w) grad_w->assign(kHeadDim, 0.0);
  if (grad_b) *grad_b = 0;
  double loss = 0;
  for (size_t i = 0; i < n; ++i) {
    const float* xi = &x[i * kHeadDim];
    double z = bias;
    for (int k = 0; k < kHeadDim; ++k) z += double(w[k]) * xi[k];
    // -log sigma(z) for y=1, -log(1-sigma(z)) for y=0, written stably as softplus.
    const double s = same[i] ? -z : z;
    loss += s > 0 ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s));
    const double r = (sigmoid(z) - (same[i] ? 1.0 : 0.0)) / double(n);
    if (grad_w)
      for (int k = 0; k < kHeadDim; ++k) (*grad_w)[k] += r * xi[k];
    if (grad_b) *grad_b += r;
  }
  loss /= double(std::max<size_t>(n, 1));
  for (int k = 0; k < kHeadDim; ++k) {
    loss += 0.5 * l2 * double(w[k]) * w[k];
    if (grad_w) (*grad_w)[k] += l2 * w[k];
  }
  return loss;
}

double head_threshold_for_far(const std::vector<double>& score, const std::vector<uint8_t>& same, double far,
                              bool distance) {
  // Impostor scores from most to least similar; accept the k most similar impostors at most.
  std::vector<double> imp;
  for (size_t i = 0; i < score.size(); ++i)
    if (!same[i]) imp.push_back(distance ? -score[i] : score[i]);
  if (imp.empty()) return distance ? 0.0 : 0.5;
  std::sort(imp.rbegin(), imp.rend());
  const size_t k = size_t(std::floor(far * double(imp.size())));
  // Threshold just above the (k+1)-th most similar impostor: at most k impostors accepted.
  const double t = std::nextafter(imp[std::min(k, imp.size() - 1)], HUGE_VAL);
  return distance ? -t : t;
}

Status binary_head_train(const std::vector<HeadPair>& pairs, const BinaryTrainOptions& o, BinaryHead* out,
                         const TrainProgress& progress) {
  size_t pos = 0;
  for (const HeadPair& p : pairs) pos += p.same ? 1 : 0;
  if (pos == 0 || pos == pairs.size()) return Status::error("binary head: need both same and different pairs");
  if (o.epochs < 1 || !(o.learning_rate > 0) || !(o.l2 >= 0) || !(o.target_far > 0 && o.target_far < 1))
    return Status::error("binary head: epochs >= 1, learning rate > 0, l2 >= 0, 0 < target FAR < 1");
  std::vector<float> x(pairs.size() * kHeadDim);
  std::vector<uint8_t> same(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    head_features(o.feature, pairs[i].a, pairs[i].b, &x[i * kHeadDim]);
    same[i] = pairs[i].same;
  }
  // Features are ~1e-2..1e-1: Adam's per-parameter scaling makes that irrelevant.
  std::vector<double> p(kHeadDim + 1, 0.0), g(kHeadDim + 1), gw;
  std::vector<float> w(kHeadDim, 0.f);
  Adam adam(p.size());
  for (int e = 0; e < o.epochs; ++e) {
    for (int k = 0; k < kHeadDim; ++k) w[k] = float(p[k]);
    double gb = 0;
    const double loss = binary_head_loss(w, float(p[kHeadDim]), x, same, o.l2, &gw, &gb);
    std::copy(gw.begin(), gw.end(), g.begin());
    g[kHeadDim] = gb;
    adam.step(p, g, o.learning_rate);
    if (progress && (e % 50 == 0 || e + 1 == o.epochs)) progress(e + 1, o.epochs, loss);
  }
  BinaryHead h;
  h.feature = o.feature;
  for (int k = 0; k < kHeadDim; ++k) h.w[k] = float(p[k]);
  h.bias = float(p[kHeadDim]);
  std::vector<double> score(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) score[i] = binary_head_score(h, pairs[i].a, pairs[i].b);
  h.target_far = o.target_far;
  h.threshold = float(head_threshold_for_far(score, same, o.target_far, false));
  *out = h;
  return Status::ok();
}

// ---- triplet adaptation ----

std::vector<float> LinearAdapter::identity() {
  std::vector<float> w(size_t(kHeadDim) * kHeadDim, 0.f);
  for (int i = 0; i < kHeadDim; ++i) w[size_t(i) * kHeadDim + i] = 1.f;
  return w;
}

void adapter_apply(const LinearAdapter& adapter, const float* in, float* out) {
  double u[kHeadDim], g[kHeadDim];
  map_row(adapter.w.data(), adapter.l2_normalize, in, u, g);
  for (int i = 0; i < kHeadDim; ++i) out[i] = float(g[i]);
}

double adapter_distance_sq(const LinearAdapter& adapter, const float* a, const float* b) {
  float ga[kHeadDim], gb[kHeadDim];
  adapter_apply(adapter, a, ga);
  adapter_apply(adapter, b, gb);
  return dist_sq(ga, gb);
}

std::vector<Triplet> mine_triplets(const std::vector<float>& g, const std::vector<int>& label, double margin,
                                   NegativeMining mining) {
  const int n = int(label.size());
  std::vector<double> d(size_t(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) d[size_t(i) * n + j] = dist_sq(&g[size_t(i) * kHeadDim], &g[size_t(j) * kHeadDim]);
  std::vector<Triplet> out;
  for (int a = 0; a < n; ++a)
    for (int p = 0; p < n; ++p) {
      if (p == a || label[p] != label[a]) continue;
      const double dap = d[size_t(a) * n + p];
      int hardest = -1, semi = -1;
      for (int k = 0; k < n; ++k) {
        if (label[k] == label[a]) continue;
        const double dan = d[size_t(a) * n + k];
        if (!(dap + margin > dan)) continue;  // not violating
        if (hardest < 0 || dan < d[size_t(a) * n + hardest]) hardest = k;
        if (dan > dap && (semi < 0 || dan < d[size_t(a) * n + semi])) semi = k;
      }
      const int neg = mining == NegativeMining::kSemiHard && semi >= 0 ? semi : hardest;
      if (neg >= 0) out.push_back({a, p, neg});
    }
  return out;
}

double triplet_loss(const std::vector<float>& w, bool l2, const std::vector<float>& x,
                    const std::vector<Triplet>& triplets, double margin, double decay, std::vector<double>* grad) {
  const size_t n = x.size() / kHeadDim;
  std::vector<double> u(n * kHeadDim), g(n * kHeadDim), norm(n), dg(n * kHeadDim, 0.0);
  for (size_t i = 0; i < n; ++i) norm[i] = map_row(w.data(), l2, &x[i * kHeadDim], &u[i * kHeadDim], &g[i * kHeadDim]);
  double loss = 0;
  const double scale = triplets.empty() ? 0.0 : 1.0 / double(triplets.size());
  for (const Triplet& t : triplets) {
    const double *ga = &g[size_t(t.anchor) * kHeadDim], *gp = &g[size_t(t.positive) * kHeadDim],
                 *gn = &g[size_t(t.negative) * kHeadDim];
    double dap = 0, dan = 0;
    for (int k = 0; k < kHeadDim; ++k) {
      dap += (ga[k] - gp[k]) * (ga[k] - gp[k]);
      dan += (ga[k] - gn[k]) * (ga[k] - gn[k]);
    }
    const double l = dap - dan + margin;
    if (l <= 0) continue;
    loss += l * scale;
    for (int k = 0; k < kHeadDim; ++k) {  // d/dg of |A-P|^2 - |A-N|^2
      dg[size_t(t.anchor) * kHeadDim + k] += scale * 2 * (gn[k] - gp[k]);
      dg[size_t(t.positive) * kHeadDim + k] += scale * -2 * (ga[k] - gp[k]);
      dg[size_t(t.negative) * kHeadDim + k] += scale * 2 * (ga[k] - gn[k]);
    }
  }
  double reg = 0;
  for (int i = 0; i < kHeadDim; ++i)
    for (int k = 0; k < kHeadDim; ++k) {
      const double r = w[size_t(i) * kHeadDim + k] - (i == k ? 1.0 : 0.0);
      reg += r * r;
    }
  loss += 0.5 * decay * reg;
  if (!grad) return loss;
  grad->assign(size_t(kHeadDim) * kHeadDim, 0.0);
  for (size_t r = 0; r < n; ++r) {
    double du[kHeadDim];
    const double* dgr = &dg[r * kHeadDim];
    const double* gr = &g[r * kHeadDim];
    bool any = false;
    for (int i = 0; i < kHeadDim; ++i) any = any || dgr[i] != 0;
    if (!any) continue;
    if (l2) {  // g = u/|u|: du = (dg - g (g.dg)) / |u|
      double dot = 0;
      for (int i = 0; i < kHeadDim; ++i) dot += gr[i] * dgr[i];
      for (int i = 0; i < kHeadDim; ++i) du[i] = (dgr[i] - gr[i] * dot) / std::max(norm[r], 1e-12);
    } else {
      for (int i = 0; i < kHeadDim; ++i) du[i] = dgr[i];
    }
    const float* xr = &x[r * kHeadDim];
    for (int i = 0; i < kHeadDim; ++i)
      for (int k = 0; k < kHeadDim; ++k) (*grad)[size_t(i) * kHeadDim + k] += du[i] * xr[k];
  }
  for (int i = 0; i < kHeadDim; ++i)
    for (int k = 0; k < kHeadDim; ++k)
      (*grad)[size_t(i) * kHeadDim + k] += decay * (w[size_t(i) * kHeadDim + k] - (i == k ? 1.0 : 0.0));
  return loss;
}

Status adapter_train(const std::vector<float>& emb, const std::vector<int>& person, const TripletTrainOptions& o,
                     LinearAdapter* out, const TrainProgress& progress) {
  if (emb.size() != person.size() * kHeadDim) return Status::error("triplet adapter: embeddings/labels mismatch");
  if (o.epochs < 1 || o.people_per_batch < 2 || o.images_per_person < 2 || !(o.margin > 0) ||
      !(o.learning_rate > 0) || !(o.decay >= 0))
    return Status::error("triplet adapter: epochs >= 1, people per batch >= 2, images per person >= 2, margin > 0");
  std::vector<std::vector<int>> by_person;
  {
    std::vector<int> ids(person);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    by_person.resize(ids.size());
    for (size_t i = 0; i < person.size(); ++i)
      by_person[std::lower_bound(ids.begin(), ids.end(), person[i]) - ids.begin()].push_back(int(i));
  }
  std::vector<int> multi;  // people with >= 2 images: the anchors
  for (size_t p = 0; p < by_person.size(); ++p)
    if (by_person[p].size() >= 2) multi.push_back(int(p));
  if (multi.size() < 2) return Status::error("triplet adapter: need at least two people with two or more images");
  std::mt19937 rng(o.seed);
  LinearAdapter a;
  a.l2_normalize = o.l2_normalize;
  Adam adam(a.w.size());
  const int batches = std::max(1, int(multi.size()) / o.people_per_batch);
  std::vector<float> x, g;
  std::vector<int> label;
  std::vector<double> grad;
  for (int e = 0; e < o.epochs; ++e) {
    std::shuffle(multi.begin(), multi.end(), rng);
    double epoch_loss = 0;
    for (int b = 0; b < batches; ++b) {
      x.clear();
      label.clear();
      for (int q = 0; q < o.people_per_batch && size_t(b * o.people_per_batch + q) < multi.size(); ++q) {
        std::vector<int>& imgs = by_person[multi[size_t(b * o.people_per_batch + q)]];
        std::shuffle(imgs.begin(), imgs.end(), rng);
        for (int i = 0; i < std::min<int>(o.images_per_person, int(imgs.size())); ++i) {
          x.insert(x.end(), &emb[size_t(imgs[i]) * kHeadDim], &emb[size_t(imgs[i]) * kHeadDim] + kHeadDim);
          label.push_back(multi[size_t(b * o.people_per_batch + q)]);
        }
      }
      g.resize(x.size());
      for (size_t r = 0; r < label.size(); ++r) adapter_apply(a, &x[r * kHeadDim], &g[r * kHeadDim]);
      const std::vector<Triplet> t = mine_triplets(g, label, o.margin, o.mining);
      epoch_loss += triplet_loss(a.w, a.l2_normalize, x, t, o.margin, o.decay, &grad);
      adam.step(a.w, grad, o.learning_rate);
    }
    if (progress) progress(e + 1, o.epochs, epoch_loss / batches);
  }
  a.target_far = o.target_far;
  *out = a;
  return Status::ok();
}

bool similarity_head_decide(const SimilarityHead& head, const float* a, const float* b, double* score) {
  if (head.kind == HeadKind::kBinary) {
    *score = binary_head_score(head.binary, a, b);
    return *score >= head.binary.threshold;
  }
  *score = adapter_distance_sq(head.adapter, a, b);
  return *score <= head.adapter.threshold;
}


// ---- the head file (little-endian; docs/similarity-heads.md):
// "FGSIMHD1", u32 version, u32 kind, u32 dim, u32 flags, f32 threshold, f32 target_far,
// u32 count, f32 params[count], u32 crc32 of every byte before it.
// binary: flags = feature, params = w[128], bias; adapter: flags bit 0 = L2 norm, params = W.

namespace {
constexpr char kHeadMagic[8] = {'F', 'G', 'S', 'I', 'M', 'H', 'D', '1'};
constexpr uint32_t kHeadVersion = 1;
constexpr size_t kHeadHeader = 36;
constexpr size_t kMaxHeadFile = kHeadHeader + 4 * size_t(kHeadDim) * kHeadDim + 4;

void put_u32(std::vector<uint8_t>* b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b->push_back(uint8_t(v >> (8 * i)));
}
void put_f32(std::vector<uint8_t>* b, float f) {
  uint32_t v;
  std::memcpy(&v, &f, 4);
  put_u32(b, v);
}
uint32_t get_u32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
float get_f32(const uint8_t* p) {
  const uint32_t v = get_u32(p);
  float f;
  std::memcpy(&f, &v, 4);
  return f;
}
}  // namespace

std::vector<uint8_t> similarity_head_serialize(const SimilarityHead& h) {
  std::vector<uint8_t> b(kHeadMagic, kHeadMagic + 8);
  const bool bin = h.kind == HeadKind::kBinary;
  put_u32(&b, kHeadVersion);
  put_u32(&b, uint32_t(h.kind));
  put_u32(&b, kHeadDim);
  put_u32(&b, bin ? uint32_t(h.binary.feature) : (h.adapter.l2_normalize ? 1u : 0u));
  put_f32(&b, bin ? h.binary.threshold : h.adapter.threshold);
  put_f32(&b, bin ? h.binary.target_far : h.adapter.target_far);
  const std::vector<float>& p = bin ? h.binary.w : h.adapter.w;
  put_u32(&b, uint32_t(p.size() + (bin ? 1 : 0)));
  for (float f : p) put_f32(&b, f);
  if (bin) put_f32(&b, h.binary.bias);
  put_u32(&b, crc32(b.data(), b.size()));
  return b;
}

Status similarity_head_parse(const std::vector<uint8_t>& b, SimilarityHead* out) {
  if (b.size() < kHeadHeader + 4 || std::memcmp(b.data(), kHeadMagic, 8) != 0)
    return Status::error("not a facegate similarity head file (bad magic or too short)");
  const uint32_t stored = get_u32(&b[b.size() - 4]);
  if (crc32(b.data(), b.size() - 4) != stored) return Status::error("similarity head: checksum mismatch (corrupt file)");
  const uint32_t version = get_u32(&b[8]), kind = get_u32(&b[12]), dim = get_u32(&b[16]), flags = get_u32(&b[20]);
  if (version != kHeadVersion) return Status::error("similarity head: unsupported version " + std::to_string(version));
  if (kind != uint32_t(HeadKind::kBinary) && kind != uint32_t(HeadKind::kTripletAdapter))
    return Status::error("similarity head: unknown kind " + std::to_string(kind));
  if (dim != uint32_t(kHeadDim)) return Status::error("similarity head: dimension " + std::to_string(dim) + ", expected 128");
  const bool bin = kind == uint32_t(HeadKind::kBinary);
  const uint32_t want = bin ? kHeadDim + 1 : kHeadDim * kHeadDim, count = get_u32(&b[32]);
  if (count != want || b.size() != kHeadHeader + 4 * size_t(count) + 4)
    return Status::error("similarity head: " + std::to_string(count) + " parameters in " + std::to_string(b.size()) +
                         " bytes, expected " + std::to_string(want));
  if (flags > 1) return Status::error("similarity head: bad flags " + std::to_string(flags));
  const float threshold = get_f32(&b[24]), far = get_f32(&b[28]);
  if (!std::isfinite(threshold) || !(far >= 0 && far <= 1)) return Status::error("similarity head: bad threshold or FAR");
  std::vector<float> p(count);
  for (uint32_t i = 0; i < count; ++i) {
    p[i] = get_f32(&b[kHeadHeader + 4 * size_t(i)]);
    if (!std::isfinite(p[i])) return Status::error("similarity head: non-finite parameter " + std::to_string(i));
  }
  SimilarityHead h;
  h.kind = HeadKind(kind);
  if (bin) {
    h.binary.feature = HeadFeature(flags);
    h.binary.bias = p.back();
    p.pop_back();
    h.binary.w = std::move(p);
    h.binary.threshold = threshold;
    h.binary.target_far = far;
  } else {
    h.adapter.l2_normalize = flags == 1;
    h.adapter.w = std::move(p);
    h.adapter.threshold = threshold;
    h.adapter.target_far = far;
  }
  *out = std::move(h);
  return Status::ok();
}

Status similarity_head_save(const std::string& path, const SimilarityHead& head) {
  const std::vector<uint8_t> b = similarity_head_serialize(head);
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status::error(path + ": cannot write (" + std::strerror(errno) + ")");
  const bool ok = std::fwrite(b.data(), b.size(), 1, f) == 1;
  if (std::fclose(f) != 0 || !ok) return Status::error(path + ": write failed");
  return Status::ok();
}

Status similarity_head_load(const std::string& path, SimilarityHead* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::error(path + ": cannot open (" + std::strerror(errno) + ")");
  std::vector<uint8_t> b(kMaxHeadFile + 1);
  const size_t n = std::fread(b.data(), 1, b.size(), f);
  std::fclose(f);
  if (n > kMaxHeadFile) return Status::error(path + ": too large for a similarity head file");
  b.resize(n);
  return similarity_head_parse(b, out).with_context(path);
}

}  // namespace fg
