// facegate train-head binary|triplet LFW_DIR --out FILE: learned similarity on top of the
// frozen encoder (docs/similarity-heads.md); --eval first runs the people-disjoint 10-fold
// comparison. facegate verify-head FILE PHOTO1 PHOTO2: 1:1 verification through a head.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/eval/identify_eval.h"
#include "runtime/core/model.h"
#include "runtime/eval/similarity_eval.h"
#include "tools/cli/cli.h"
#include "tools/cli/cli_api.h"
#include "tools/cli/json_out.h"

namespace fg::cli {
namespace {

bool parse_int(const Args& args, const std::string& name, int lo, int hi, int* out) {
  if (args.value(name).empty()) return true;
  float f = 0;
  if (!parse_float(args.value(name), &f) || f < lo || f > hi || float(int(f)) != f) return false;
  *out = int(f);
  return true;
}

bool parse_pos(const Args& args, const std::string& name, double* out) {
  if (args.value(name).empty()) return true;
  float f = 0;
  if (!parse_float(args.value(name), &f) || !(f > 0)) return false;
  *out = f;
  return true;
}

void print_table(const SimilarityEvalReport& r) {
  std::printf("\npeople-disjoint %zu-fold LFW pairs accuracy (threshold chosen on the other folds):\n",
              r.methods[0].accuracy.size());
  std::printf("  %-28s %8s %8s %12s\n", "method", "mean", "std", "train s");
  for (const MethodFolds& m : r.methods)
    std::printf("  %-28s %8.4f %8.4f %12.2f\n", m.name.c_str(), m.mean, m.std, m.train_seconds);
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int cmd_train_head(int argc, char** argv) {
  std::set<std::string> values = kPipelineValueOptions;
  for (const char* v : {"out", "feature", "epochs", "lr", "l2", "margin", "mining", "far", "cache", "decay",
                        "people-per-batch", "images-per-person", "threads", "pairs"})
    values.insert(v);
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, values, {"help", "eval", "no-l2", "align", "crop"}, &args, &error))
    return usage_error("train-head", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate train-head binary|triplet LFW_DIR --out FILE [--eval] [--pairs pairs.txt]\n"
        "         binary:  [--feature absdiff|chi2] [--epochs N=300] [--lr X=0.05] [--l2 X=1e-4]\n"
        "         triplet: [--margin A=0.2] [--mining semihard|hardest] [--no-l2] [--epochs N=20]\n"
        "                  [--lr X=1e-3] [--decay X=1e-3] [--people-per-batch N=32] [--images-per-person N=4]\n"
        "         [--far F=0.001] [--cache FILE|none] [--threads N] [pipeline options]\n"
        "Trains a similarity head on the LFW images of pairs.txt (all people) and writes it to FILE;\n"
        "the stored decision threshold gives FAR <= F on the training pairs. --eval first prints the\n"
        "people-disjoint 10-fold comparison: plain tau vs binary head vs triplet-adapted tau.\n");
    return kExitOk;
  }
  if (args.positional.size() != 2 || (args.positional[0] != "binary" && args.positional[0] != "triplet"))
    return usage_error("train-head", "give binary|triplet and the LFW directory");
  if (args.value("out").empty()) return usage_error("train-head", "--out FILE is required");
  const bool binary = args.positional[0] == "binary";
  const std::string dir = args.positional[1];
  SimilarityEvalOptions eo;
  BinaryTrainOptions& bo = eo.binary;
  TripletTrainOptions& to = eo.triplet;
  double far = 1e-3, l2 = bo.l2, decay = to.decay;
  int epochs = binary ? bo.epochs : to.epochs, threads = 2;
  const std::string feature = args.value("feature", "absdiff"), mining = args.value("mining", "semihard");
  if (feature != "absdiff" && feature != "chi2") return usage_error("train-head", "--feature is absdiff or chi2");
  if (mining != "semihard" && mining != "hardest") return usage_error("train-head", "--mining is semihard or hardest");
  double lr = binary ? bo.learning_rate : to.learning_rate;
  if (!parse_int(args, "epochs", 1, 100000, &epochs) || !parse_int(args, "threads", 1, 64, &threads) ||
      !parse_int(args, "people-per-batch", 2, 4096, &to.people_per_batch) ||
      !parse_int(args, "images-per-person", 2, 64, &to.images_per_person) || !parse_pos(args, "lr", &lr) ||
      !parse_pos(args, "margin", &to.margin) || !parse_pos(args, "far", &far) || !parse_pos(args, "l2", &l2) ||
      !parse_pos(args, "decay", &decay) || far >= 1)
    return usage_error("train-head", "bad number in --epochs/--threads/--lr/--margin/--far/--l2/--decay/--*-per-*");
  bo.feature = feature == "chi2" ? HeadFeature::kChiSquare : HeadFeature::kAbsDiff;
  bo.l2 = l2;
  to.decay = decay;
  to.mining = mining == "hardest" ? NegativeMining::kHardest : NegativeMining::kSemiHard;
  to.l2_normalize = !args.has("no-l2");
  bo.target_far = to.target_far = float(far);
  (binary ? bo.epochs : to.epochs) = epochs;
  (binary ? bo.learning_rate : to.learning_rate) = lr;

  LfwRunOptions run;
  run.threads = threads;
  if (int rc = pipeline_options_from_args("train-head", args, &run.pipeline, &run.model_dir)) return rc;
  std::vector<LfwPair> pairs;
  int num_folds = 0;
  if (Status s = lfw_parse_pairs(args.value("pairs", dir + "/pairs.txt"), &pairs, &num_folds); !s)
    return failure(s.message());
  SimilarityDataset data;
  similarity_dataset_from_pairs(pairs, dir, &data);

  // The embedding cache of `eval identify` (same key format), so either command fills it.
  Model recognition;
  if (Status s = model_load_file(run.model_dir + "/recognition.fgm", &recognition); !s) return failure(s.message());
  char key[256], default_cache[96];
  std::snprintf(key, sizeof key, "recognition %08x mode %s template %d padding %.4f detector %d score %.4f backend %s",
                recognition.checksum, descriptor_mode_name(run.pipeline.mode),
                run.pipeline.chip.tmpl == FaceChipTemplate::kFivePoint ? 5 : 68, run.pipeline.chip.padding,
                run.pipeline.detector.input_size, run.pipeline.detector.score_threshold, backend_name(run.pipeline.backend));
  std::snprintf(default_cache, sizeof default_cache, "/tmp/facegate-head-%08x.emb", recognition.checksum);
  std::string cache = args.value("cache", default_cache);
  if (cache == "none") cache.clear();
  std::fprintf(stderr, "train-head: %zu pairs, %zu images of %zu people (cache %s)...\n", data.pairs.size(),
               data.paths.size(), data.names.size(), cache.empty() ? "off" : cache.c_str());
  auto t0 = std::chrono::steady_clock::now();
  std::vector<LfwImageResult> emb;
  size_t cached = 0;
  if (Status s = identify_embed_cached(run, data.paths, cache, key, &emb, &cached); !s) return failure(s.message());
  std::fprintf(stderr, "train-head: embedded in %.1f s (%zu from cache)\n", seconds_since(t0), cached);
  for (const LfwImageResult& r : emb) data.emb.insert(data.emb.end(), r.embedding, r.embedding + kEmbeddingDim);

  if (args.has("eval")) {
    SimilarityEvalReport report;
    auto log = [](const std::string& line) { std::fprintf(stderr, "train-head: %s\n", line.c_str()); };
    if (Status s = similarity_eval_folds(data, eo, &report, log); !s) return failure(s.message());
    print_table(report);
  }

  // The head to ship: every image and pair.
  std::vector<uint8_t> all(data.paths.size(), 1);
  const std::vector<HeadPair> tp = similarity_training_pairs(data, all, eo.max_same_per_person, eo.seed);
  SimilarityHead head;
  t0 = std::chrono::steady_clock::now();
  auto progress = [](int step, int steps, double loss) {
    std::fprintf(stderr, "train-head: step %d/%d loss %.5f\n", step, steps, loss);
  };
  if (binary) {
    head.kind = HeadKind::kBinary;
    if (Status s = binary_head_train(tp, bo, &head.binary, progress); !s) return failure(s.message());
  } else {
    head.kind = HeadKind::kTripletAdapter;
    if (Status s = adapter_train(data.emb, data.person, to, &head.adapter, progress); !s) return failure(s.message());
    std::vector<double> d(tp.size());
    std::vector<uint8_t> same(tp.size());
    for (size_t i = 0; i < tp.size(); ++i) {
      d[i] = adapter_distance_sq(head.adapter, tp[i].a, tp[i].b);
      same[i] = tp[i].same;
    }
    head.adapter.threshold = float(head_threshold_for_far(d, same, far, true));
  }
  const double train_s = seconds_since(t0);
  if (Status s = similarity_head_save(args.value("out"), head); !s) return failure(s.message());
  std::printf("%s head trained in %.2f s on %zu images / %zu pairs; threshold %.5f (FAR <= %g on training pairs) "
              "-> %s\n", binary ? "binary" : "triplet", train_s, data.paths.size(), tp.size(),
              binary ? head.binary.threshold : head.adapter.threshold, far, args.value("out").c_str());
  return kExitOk;
}

int cmd_verify_head(int argc, char** argv) {
  Args args;
  std::string error;
  if (!parse_args(argc, argv, 2, kPipelineValueOptions, {"help", "json", "align", "crop", "face-crop", "flip"}, &args, &error))
    return usage_error("verify-head", error);
  if (args.has("face-crop")) args.flags.insert("crop");  // verify's name for the crop descriptor
  if (args.has("help")) {
    std::printf(
        "usage: facegate verify-head HEAD PHOTO1 PHOTO2 [--json] [pipeline options]\n"
        "1:1 verification of the largest face of each photo through a head made by train-head:\n"
        "binary head: same iff P(same) >= its stored threshold; triplet adapter: same iff the\n"
        "adapted squared distance <= its stored threshold. Exit 0 same, 1 different, 2 usage, 3 bad input.\n");
    print_pipeline_options_help();
    return kExitOk;
  }
  if (args.positional.size() != 3) return usage_error("verify-head", "give the head file and two photos");
  SimilarityHead head;
  if (Status s = similarity_head_load(args.positional[0], &head); !s) return failure(s.message());
  facegate::PipelineOptions opt;
  if (int rc = api_options_from_args("verify-head", args, &opt)) return rc;
  facegate::Pipeline pipe;
  if (int rc = api_open(opt, &pipe)) return rc;
  facegate::Face face[2];
  for (int i = 0; i < 2; ++i) {
    facegate::Image img;
    std::vector<facegate::Face> faces;
    if (int rc = api_faces(pipe, args.positional[1 + i], true, &img, &faces)) return rc;
    if (faces.empty()) return failure("no face found in " + args.positional[1 + i]);
    face[i] = faces[api_largest_face(faces)];
  }
  double score = 0;
  const bool same = similarity_head_decide(head, face[0].embedding.data(), face[1].embedding.data(), &score);
  const bool bin = head.kind == HeadKind::kBinary;
  const double threshold = bin ? head.binary.threshold : head.adapter.threshold;
  if (args.has("json"))
    json_print({{"image1", args.positional[1]}, {"image2", args.positional[2]}, {"head", bin ? "binary" : "triplet"},
                {"score", json_fixed(score, 6)}, {"threshold", json_fixed(threshold, 6)}, {"same", same}});
  else
    std::printf("%s: %s %.5f (threshold %.5f)\n", same ? "same person" : "different people",
                bin ? "P(same)" : "adapted distance^2", score, threshold);
  return same ? kExitOk : kExitNegative;
}

}  // namespace fg::cli
