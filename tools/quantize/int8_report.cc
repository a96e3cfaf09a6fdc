// fg_int8_report: where an int8 recognition encoder disagrees with its f32 twin
// (docs/quantization.md, "int8 vs f32 agreement").
//   fg_int8_report --f32 recognition.fgm --int8 recognition_int8.fgm
//                  (--chips DIR_OR_IMAGE... | --lfw LFW_DIR [--pairs FILE] [--every K] [--chip-cache DIR])
//                  [--layers N] [--tau T]
// The same face chip goes into both encoders, so the figures are the encoder's own error,
// not the detector's or the landmarks' (the eval's path makes the chips: f32 detector at
// 160 + f32 landmarks + alignment, the face nearest the centre, lfw_embed_images).
//   pairs   |d_int8 - d_f32| of the squared distances: p50 / p95 / p99 / max, and how many
//           pairs change side of --tau (default 0.30). --chips: every pair of the chips.
//   layers  on the first N chips: per tensor of the f32 net, cosine and relative L2 of the
//           int8 net's dequantized tensor against it, and the share of f32 values outside
//           the int8 tensor's range (saturated).
// Exit 0 done, 2 usage, 3 bad input (model, image, pairs file).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "runtime/core/model.h"
#include "runtime/core/quantize_ops.h"
#include "runtime/eval/lfw_eval.h"
#include "runtime/vision/aligner.h"
#include "runtime/vision/face_encoder.h"
#include "runtime/vision/face_pipeline.h"
#include "runtime/vision/image.h"
#include "runtime/vision/preprocess.h"

namespace {

int usage(const char* why) {
  if (why) std::fprintf(stderr, "fg_int8_report: %s\n", why);
  std::fprintf(stderr,
               "usage: fg_int8_report --f32 F32.fgm --int8 INT8.fgm (--chips DIR_OR_IMAGE... |\n"
               "                      --lfw LFW_DIR [--pairs FILE] [--every K] [--chip-cache DIR])\n"
               "                      [--layers N] [--tau T]\n");
  return 2;
}

int bad_input(const std::string& why) {
  std::fprintf(stderr, "fg_int8_report: %s\n", why.c_str());
  return 3;
}

bool is_image(const std::string& n) {
  for (const char* e : {".png", ".jpg", ".jpeg", ".ppm"})
    if (n.size() > std::strlen(e) && n.compare(n.size() - std::strlen(e), std::string::npos, e) == 0) return true;
  return false;
}

void collect(const std::string& path, std::vector<std::string>* out) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return out->push_back(path);  // image_load reports it
  if (!S_ISDIR(st.st_mode)) return out->push_back(path);
  DIR* d = opendir(path.c_str());
  if (!d) return;
  std::vector<std::string> names;
  while (dirent* e = readdir(d))
    if (e->d_name[0] != '.') names.push_back(e->d_name);
  closedir(d);
  std::sort(names.begin(), names.end());  // a fixed order: the same report on every run
  for (const std::string& n : names) {
    const std::string c = path + "/" + n;
    if (::stat(c.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) collect(c, out);
    else if (is_image(n)) out->push_back(c);
  }
}

double quantile(std::vector<double> v, double f) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(std::ceil(f * v.size())) - (f > 0 ? 1 : 0));
  return v[i];
}

// Accumulated per-tensor error of the int8 net against the f32 one over several chips.
struct LayerError {
  double dot = 0, ff = 0, qq = 0, dd = 0;
  uint64_t saturated = 0, count = 0;
};

// The int8 net's tensor standing for the f32 tensor `name`: same name, or the boundary's
// ":q" twin, or a dequantized ":f" copy.
int find_twin(const fg::Model& m, const std::string& name) {
  for (const std::string& n : {name, name + ":q", name.substr(0, fg::kTensorNameBytes - 3) + ":f"})
    for (size_t t = 0; t < m.tensors.size(); ++t)
      if (m.tensors[t].name == n && m.tensors[t].role != fg::TensorRole::kConstant) return static_cast<int>(t);
  return -1;
}

void accumulate_layers(const fg::Model& mf, fg::Net& nf, const fg::Model& mq, fg::Net& nq,
                       std::vector<LayerError>* err) {
  err->resize(mf.tensors.size());
  for (size_t t = 0; t < mf.tensors.size(); ++t) {
    if (mf.tensors[t].role == fg::TensorRole::kConstant) continue;
    const int u = find_twin(mq, mf.tensors[t].name);
    if (u < 0) continue;
    const fg::TensorInfo& ti = mq.tensors[u];
    const float* f = fg::net_tensor(nf, static_cast<int>(t));
    LayerError& e = (*err)[t];
    const fg::QuantParams qp = fg::quant_of(ti);
    const float lo = qp.scale * (-128 - qp.zero_point), hi = qp.scale * (127 - qp.zero_point);
    for (int64_t i = 0; i < mf.tensors[t].elements; ++i) {
      const double a = f[i];
      double b;
      if (ti.dtype == fg::DType::kI8) {
        b = fg::qs8_dequantize_value(reinterpret_cast<const int8_t*>(fg::net_tensor(nq, u))[i], qp);
        // Half a step of slack: a value that rounds onto the end of the range is not clipped.
        e.saturated += (a < lo - 0.5 * qp.scale || a > hi + 0.5 * qp.scale) ? 1 : 0;
      } else {
        b = fg::net_tensor(nq, u)[i];
      }
      e.dot += a * b, e.ff += a * a, e.qq += b * b, e.dd += (a - b) * (a - b);
    }
    e.count += static_cast<uint64_t>(mf.tensors[t].elements);
  }
}

const char* op_name_of(const fg::Model& m, int tensor) {
  static const char* const kNames[] = {"?", "conv", "dwconv", "maxpool", "avgpool", "add", "gavgpool", "fc",
                                       "quantize", "dequantize", "prelu", "mulchannel", "sigmoid", "softmax"};
  for (const fg::OpInfo& op : m.ops) {
    const unsigned t = static_cast<unsigned>(op.type);
    if (op.output == tensor) return t < sizeof kNames / sizeof *kNames ? kNames[t] : "?";
  }
  return "input";
}

}  // namespace

int main(int argc, char** argv) {
  std::string f32_path, int8_path, lfw, pairs_path, cache;
  std::vector<std::string> chip_args;
  int every = 1, layers = 0;
  double tau = 0.30;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") return usage(nullptr), 0;
    if (a == "--chips") {
      while (i + 1 < argc && argv[i + 1][0] != '-') chip_args.push_back(argv[++i]);
      continue;
    }
    if (i + 1 >= argc) return usage(("missing value after " + a).c_str());
    const std::string v = argv[++i];
    char* end = nullptr;
    if (a == "--f32") f32_path = v;
    else if (a == "--int8") int8_path = v;
    else if (a == "--lfw") lfw = v;
    else if (a == "--pairs") pairs_path = v;
    else if (a == "--chip-cache") cache = v;
    else if (a == "--every") {
      every = static_cast<int>(std::strtol(v.c_str(), &end, 10));
      if (*end || every < 1) return usage("--every must be a positive integer");
    } else if (a == "--layers") {
      layers = static_cast<int>(std::strtol(v.c_str(), &end, 10));
      if (*end || layers < 0) return usage("--layers must be >= 0");
    } else if (a == "--tau") {
      tau = std::strtod(v.c_str(), &end);
      if (*end || !(tau >= 0 && tau <= 4)) return usage("--tau must be in [0, 4]");
    } else return usage(("unknown option " + a).c_str());
  }
  if (f32_path.empty() || int8_path.empty()) return usage("--f32 and --int8 are required");
  if (lfw.empty() == chip_args.empty()) return usage("give exactly one of --chips and --lfw");

  fg::FaceEncoder ef, eq;
  fg::Status s = fg::face_encoder_open(f32_path, fg::Backend::kNative, &ef);
  if (s) s = fg::face_encoder_open(int8_path, fg::Backend::kNative, &eq);
  if (!s) return bad_input(s.message());

  // The chips, and the pairs between them (index pairs + same/different).
  std::vector<fg::Image> chips;
  std::vector<std::string> chip_names;
  struct Pair { int a, b; bool same; };
  std::vector<Pair> pairs;
  if (!chip_args.empty()) {
    std::vector<std::string> paths;
    for (const std::string& c : chip_args) collect(c, &paths);
    if (paths.size() < 2) return bad_input("--chips: need at least two images");
    for (const std::string& p : paths) {
      chips.emplace_back();
      if (!(s = fg::image_load(p, 3, &chips.back()))) return bad_input(s.message());
      chip_names.push_back(p);
    }
    auto person = [&](int i) {  // the parent folder names the person (samples/faces/<name>/)
      const std::string& p = chip_names[i];
      const size_t slash = p.rfind('/');
      return slash == std::string::npos ? std::string() : p.substr(0, slash);
    };
    for (int i = 0; i < (int)chips.size(); ++i)
      for (int j = i + 1; j < (int)chips.size(); ++j) pairs.push_back({i, j, person(i) == person(j)});
  } else {
    if (pairs_path.empty()) pairs_path = lfw + "/../lfw-protocol/pairs.txt";
    std::vector<fg::LfwPair> lp;
    int folds = 0;
    if (!(s = fg::lfw_parse_pairs(pairs_path, &lp, &folds))) return bad_input(s.message());
    std::map<std::string, int> index;
    std::vector<std::string> paths;
    auto id = [&](const std::string& name, int n) {
      const std::string p = fg::lfw_image_path(lfw, name, n);
      auto it = index.find(p);
      if (it != index.end()) return it->second;
      index[p] = static_cast<int>(paths.size());
      paths.push_back(p);
      return static_cast<int>(paths.size()) - 1;
    };
    for (size_t k = 0; k < lp.size(); k += every) {
      const int a = id(lp[k].name1, lp[k].n1), b = id(lp[k].name2, lp[k].n2);
      pairs.push_back({a, b, lp[k].same});
    }
    chips.resize(paths.size());
    std::vector<std::string> todo;  // not in the cache yet
    std::vector<int> todo_index;
    for (size_t i = 0; i < paths.size(); ++i) {
      const std::string name = paths[i].substr(paths[i].rfind('/') + 1);
      chip_names.push_back(name);
      if (!cache.empty() && fg::image_load(cache + "/" + name + ".png", 3, &chips[i])) continue;
      todo.push_back(paths[i]);
      todo_index.push_back(static_cast<int>(i));
    }
    if (!todo.empty()) {
      fg::LfwRunOptions ro;
      ro.model_dir = f32_path.substr(0, f32_path.rfind('/') == std::string::npos ? 0 : f32_path.rfind('/'));
      if (ro.model_dir.empty()) ro.model_dir = ".";
      std::vector<fg::LfwImageResult> res;
      std::fprintf(stderr, "fg_int8_report: making %zu chips (eval's path)...\n", todo.size());
      if (!(s = fg::lfw_embed_images(ro, todo, &res))) return bad_input(s.message());
      fg::FacePipeline p;
      fg::FacePipelineOptions po = ro.pipeline;
      po.embed = false;
      if (!(s = fg::face_pipeline_open(ro.model_dir, po, &p))) return bad_input(s.message());
      for (size_t k = 0; k < todo.size(); ++k) {
        fg::Image img;
        fg::PipelineFace face;
        fg::ChipTransform t;
        fg::Image& chip = chips[todo_index[k]];
        if (!(s = fg::image_load(todo[k], 3, &img))) return bad_input(s.message());
        if (!(s = fg::face_pipeline_landmarks(p, img, res[k].box, &face))) return bad_input(s.message());
        if (!(s = fg::face_chip_transform(face.landmarks, po.chip, &t))) return bad_input(s.message());
        if (!(s = fg::extract_face_chip(img, t, po.chip.size, &chip))) return bad_input(s.message());
        if (!cache.empty()) {
          ::mkdir(cache.c_str(), 0755);
          (void)fg::image_write_png(cache + "/" + chip_names[todo_index[k]] + ".png", chip);
        }
      }
    }
  }

  // Embeddings, both nets, same chip.
  const size_t n = chips.size();
  std::vector<float> df(n * fg::kEmbeddingDim), dq(n * fg::kEmbeddingDim);
  for (size_t i = 0; i < n; ++i) {
    if (!(s = fg::face_encoder_embed(ef, chips[i], &df[i * fg::kEmbeddingDim]))) return bad_input(s.message());
    if (!(s = fg::face_encoder_embed(eq, chips[i], &dq[i * fg::kEmbeddingDim]))) return bad_input(s.message());
  }
  std::vector<double> diff, cosine;
  int flips = 0, same_pairs = 0;
  double mean_signed = 0;
  for (const Pair& p : pairs) {
    const double a = fg::embedding_distance_sq(&df[p.a * fg::kEmbeddingDim], &df[p.b * fg::kEmbeddingDim]);
    const double b = fg::embedding_distance_sq(&dq[p.a * fg::kEmbeddingDim], &dq[p.b * fg::kEmbeddingDim]);
    diff.push_back(std::fabs(b - a));
    mean_signed += b - a;
    flips += (a <= tau) != (b <= tau);
    same_pairs += p.same;
  }
  for (size_t i = 0; i < n; ++i) {
    double d = 0, x = 0, y = 0;
    for (int k = 0; k < fg::kEmbeddingDim; ++k) {
      const double u = df[i * fg::kEmbeddingDim + k], v = dq[i * fg::kEmbeddingDim + k];
      d += u * v, x += u * u, y += v * v;
    }
    cosine.push_back(d / std::sqrt(x * y));
  }
  std::printf("chips %zu, pairs %zu (%d same)\n", n, pairs.size(), same_pairs);
  std::printf("embedding cosine int8 vs f32: mean %.6f  min %.6f\n",
              [&] { double m = 0; for (double c : cosine) m += c; return m / n; }(), quantile(cosine, 0));
  std::printf("|d_int8 - d_f32| (squared L2): p50 %.4f  p95 %.4f  p99 %.4f  max %.4f  mean signed %+.4f\n",
              quantile(diff, 0.5), quantile(diff, 0.95), quantile(diff, 0.99), quantile(diff, 1.0),
              mean_signed / std::max<size_t>(1, pairs.size()));
  std::printf("pairs changing side of tau %.2f: %d\n", tau, flips);

  if (layers > 0) {
    fg::Net nf, nq;
    fg::NetOptions o;
    o.backend = fg::Backend::kNative;
    o.keep_all_activations = true;
    if (!(s = fg::net_prepare(ef.model, o, &nf)) || !(s = fg::net_prepare(eq.model, o, &nq))) return bad_input(s.message());
    std::vector<LayerError> err;
    const int used = std::min<int>(layers, static_cast<int>(n));
    std::vector<float> x(static_cast<size_t>(150 * 150 * 3));
    for (int i = 0; i < used; ++i) {
      if (!(s = fg::preprocess_face_for_recognition(chips[i], x.data()))) return bad_input(s.message());
      std::copy(x.begin(), x.end(), fg::net_input(nf));
      std::copy(x.begin(), x.end(), fg::net_input(nq));
      fg::net_run(nf);
      fg::net_run(nq);
      accumulate_layers(ef.model, nf, eq.model, nq, &err);
    }
    std::printf("\nper layer, %d chips (cumulative error: each int8 tensor against the f32 net's)\n", used);
    std::printf("%-4s %-28s %-12s %10s %10s %10s\n", "#", "tensor", "op", "cosine", "rel_l2", "saturated");
    int row = 0;
    for (size_t t = 0; t < err.size(); ++t) {
      const LayerError& e = err[t];
      if (e.count == 0) continue;
      std::printf("%-4d %-28s %-12s %10.6f %10.6f %9.5f%%\n", row++, ef.model.tensors[t].name.c_str(),
                  op_name_of(ef.model, static_cast<int>(t)), e.dot / std::sqrt(e.ff * e.qq + 1e-30),
                  std::sqrt(e.dd / (e.ff + 1e-30)), 100.0 * e.saturated / e.count);
    }
  }
  return 0;
}
