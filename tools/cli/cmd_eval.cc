// facegate eval lfw DIR: the LFW View 2 protocol (pairs.txt) over our whole pipeline:
// k-fold accuracy, ROC, TAR@FAR, best global tau, and how many images had no face.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/eval/curve_plots.h"
#include "runtime/eval/lfw_eval.h"
#include "tools/cli/cli.h"
#include "tools/cli/json_out.h"
#include "tools/cli/progress.h"

namespace fg::cli {
namespace {

// Eval's defaults, from full 10-fold LFW runs (align, 5-point, detector 160, native):
//   plain, squared L2     98.72% +- 0.41, TAR@FAR1e-3 91.63%
//   plain, 2 - 2cos       98.85% +- 0.34, TAR@FAR1e-3 95.97%
//   flip, squared L2      99.08% +- 0.35, TAR@FAR1e-3 94.63%
//   flip, 2 - 2cos        99.07% +- 0.29, TAR@FAR1e-3 96.53%   <- default (2x encoder time)
// Jitter 4 (folds 1-3 only: 98.56% vs 98.67% plain) and landmark refinement (folds 1-3:
// 98.39%) did not help and stay off. Then, with flip + cosine (10 folds):
//   landmark flip (mirrored landmark crop averaged in)   98.95% +- 0.38   (off)
//   subject = a face within 0.2 of the centre            99.15% +- 0.24   (lfw_eval: always)
//   + multi-view (aligned chip and face-api crop)        99.27% +- 0.21   <- default (4x encoder)
constexpr bool kEvalFlipDefault = true;
constexpr bool kEvalMultiViewDefault = true;
// 68-point net also on the mirrored crop (one more landmark run per face): 99.27% -> 99.32%.
constexpr bool kEvalLandmarkFlipDefault = true;
constexpr DistanceMetric kEvalDistanceDefault = DistanceMetric::kCosine;

// "1-10", "3", "1,3,5-6" -> 0-based fold set; false when malformed or out of 1..max.
bool parse_folds(const std::string& text, int max, std::set<int>* out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string part = text.substr(pos, comma - pos);
    const size_t dash = part.find('-');
    int a = 0, b = 0;
    if (std::sscanf(part.c_str(), dash == std::string::npos ? "%d" : "%d-%d", &a, &b) < 1) return false;
    if (dash == std::string::npos) b = a;
    if (a < 1 || b > max || a > b) return false;
    for (int f = a; f <= b; ++f) out->insert(f - 1);
    pos = comma + 1;
  }
  return !out->empty();
}

// ROC on log-FAR axes (x: FAR 1e-4..1, y: TAR 0.9..1), grid at decades and every 0.02 TAR.
Status write_roc_png(const std::string& path, const std::vector<RocPoint>& roc) {
  const int W = 480, H = 360;
  Image img = image_make(W, H, 3);
  std::fill(img.pixels.begin(), img.pixels.end(), 255);
  auto put = [&](int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    uint8_t* p = img.row(y) + 3 * x;
    p[0] = r, p[1] = g, p[2] = b;
  };
  auto px = [&](double far) { return (int)std::lround((std::log10(std::max(far, 1e-4)) + 4) / 4 * (W - 1)); };
  auto py = [&](double tar) { return (int)std::lround((1 - (std::max(tar, 0.9) - 0.9) / 0.1) * (H - 1)); };
  for (int d = 0; d <= 4; ++d)
    for (int y = 0; y < H; ++y) put(px(std::pow(10.0, -d)), y, 200, 200, 200);
  for (int k = 0; k <= 5; ++k)
    for (int x = 0; x < W; ++x) put(x, py(0.9 + 0.02 * k), 200, 200, 200);
  int lx = -1, ly = -1;
  for (const RocPoint& p : roc) {
    const int x = px(p.far), y = py(p.tar);
    if (lx >= 0) {  // staircase: horizontal then vertical
      for (int i = std::min(lx, x); i <= std::max(lx, x); ++i) put(i, ly, 20, 60, 200), put(i, ly + 1, 20, 60, 200);
      for (int j = std::min(ly, y); j <= std::max(ly, y); ++j) put(x, j, 20, 60, 200), put(x + 1, j, 20, 60, 200);
    }
    lx = x, ly = y;
  }
  return image_write_png(path, img);
}

// --plot: SVG when the name ends in .svg (runtime/eval/curve_plots.h), else the PNG above.
Status write_roc_plot(const std::string& path, const VerificationReport& r, size_t pairs) {
  if (path.size() < 4 || path.compare(path.size() - 4, 4, ".svg") != 0) return write_roc_png(path, r.roc);
  char title[128];
  std::snprintf(title, sizeof title, "LFW verification ROC: %zu pairs, accuracy %.2f%%, TAR %.2f%% at FAR 1e-3", pairs,
                100 * r.mean_accuracy, 100 * r.tar_at_far_1e3);
  return svg_plot_write(path, roc_svg_plot(r.roc, title));
}

void write_json(const std::string& path, const std::string& dir, const FacePipelineOptions& opt,
                DistanceMetric metric, const VerificationReport& r, size_t images, const std::vector<std::string>& fallback, int fallback_pairs,
                int low_score, int off_centre, double seconds) {
  Json j;
  j["dataset"] = dir;
  j["mode"] = descriptor_mode_name(opt.mode);
  j["template"] = opt.chip.tmpl == FaceChipTemplate::kFivePoint ? 5 : 68;
  j["padding"] = json_fixed(opt.chip.padding, 3);
  j["detector_input_size"] = opt.detector.input_size;
  j["score_threshold"] = json_fixed(opt.detector.score_threshold, 3);
  j["backend"] = backend_name(opt.backend);
  j["flip_average"] = opt.flip_average;
  j["jitter"] = opt.jitter;
  j["refine_landmarks"] = opt.refine_landmarks;
  j["distance"] = distance_metric_name(metric);
  j["landmark_flip"] = opt.landmark_flip;
  j["multi_view"] = opt.multi_view;
  j["off_centre_only_images"] = off_centre;
  j["pairs"] = r.same_pairs + r.different_pairs;
  j["same_pairs"] = r.same_pairs;
  j["images"] = images;
  j["seconds"] = json_fixed(seconds, 1);
  j["folds"] = Json::array();
  for (const auto& fold : r.folds)
    j["folds"].push_back({{"fold", fold.fold + 1}, {"tau", json_fixed(fold.threshold, 6)},
                          {"accuracy", json_fixed(fold.accuracy, 6)}, {"pairs", fold.pairs}});
  j["threshold_from_same_fold"] = r.threshold_from_same_fold;
  j["mean_accuracy"] = json_fixed(r.mean_accuracy, 6);
  j["std_accuracy"] = json_fixed(r.std_accuracy, 6);
  j["best_tau"] = json_fixed(r.best_tau, 6);
  j["best_tau_accuracy"] = json_fixed(r.best_tau_accuracy, 6);
  j["tar_at_far_1e-2"] = json_fixed(r.tar_at_far_1e2, 6);
  j["tau_at_far_1e-2"] = json_fixed(r.tau_at_far_1e2, 6);
  j["tar_at_far_1e-3"] = json_fixed(r.tar_at_far_1e3, 6);
  j["tau_at_far_1e-3"] = json_fixed(r.tau_at_far_1e3, 6);
  j["found_only_at_low_score"] = low_score;
  j["low_score_threshold"] = json_fixed(kLfwRetryScoreThreshold, 2);
  j["no_face_images"] = fallback.size();
  j["no_face_handling"] = "centre box -> landmarks -> descriptor";
  j["pairs_with_no_face_image"] = fallback_pairs;
  j["no_face_list"] = fallback;
  j["roc"] = Json::array();
  for (const auto& p : r.roc)
    j["roc"].push_back({json_fixed(p.threshold, 6), json_fixed(p.far, 6), json_fixed(p.tar, 6)});
  if (!json_write_file(path, j)) std::fprintf(stderr, "facegate eval: cannot write %s\n", path.c_str());
}

// Per-image pipeline output for offline analysis (failure inspection, view combinations).
Status write_dump(const std::string& path, const std::vector<std::string>& paths,
                  const std::vector<LfwImageResult>& emb) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Status::error(path + ": cannot write the dump");
  for (size_t i = 0; i < paths.size(); ++i) {
    const LfwImageResult& r = emb[i];
    std::fprintf(f, "%s\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%.4f\t%.2f\t%.2f\t%.2f\t%.2f", paths[i].c_str(),
                 r.faces_found, r.low_score ? 1 : 0, r.fallback ? 1 : 0, r.box.x, r.box.y, r.box.width, r.box.height,
                 r.box.score, r.eye_left.x, r.eye_left.y, r.eye_right.x, r.eye_right.y);
    for (int k = 0; k < kEmbeddingDim; ++k) std::fprintf(f, "\t%.7g", r.embedding[k]);
    std::fprintf(f, "\n");
  }
  return std::fclose(f) == 0 ? Status::ok() : Status::error(path + ": write failed");
}

// --flip/--no-flip, --jitter N, --refine-landmarks, --distance: 0 or a usage error's code.
int test_time_options_from_args(const Args& args, FacePipelineOptions* opt, DistanceMetric* metric) {
  if (args.has("flip") && args.has("no-flip")) return usage_error("eval", "give --flip or --no-flip, not both");
  opt->flip_average = args.has("flip") || (kEvalFlipDefault && !args.has("no-flip"));
  opt->refine_landmarks = args.has("refine-landmarks");
  if (args.has("landmark-flip") && args.has("no-landmark-flip"))
    return usage_error("eval", "give --landmark-flip or --no-landmark-flip, not both");
  opt->landmark_flip = args.has("landmark-flip") || (kEvalLandmarkFlipDefault && !args.has("no-landmark-flip"));
  if (args.has("multi-view") && args.has("no-multi-view"))
    return usage_error("eval", "give --multi-view or --no-multi-view, not both");
  if (args.has("multi-view") && opt->mode != DescriptorMode::kAlign) return usage_error("eval", "--multi-view needs --align");
  // The default holds for the aligned descriptor only; --crop alone means one view.
  opt->multi_view = args.has("multi-view") ||
                    (kEvalMultiViewDefault && !args.has("no-multi-view") && opt->mode == DescriptorMode::kAlign);
  float jitter = 0;
  if (!args.value("jitter").empty() && (!parse_float(args.value("jitter"), &jitter) || jitter < 0 ||
                                        jitter > kMaxJitterChips || (int)jitter != jitter))
    return usage_error("eval", "--jitter must be 0.." + std::to_string(kMaxJitterChips));
  opt->jitter = (int)jitter;
  if (opt->jitter > 0 && opt->mode != DescriptorMode::kAlign) return usage_error("eval", "--jitter needs --align");
  const std::string d = args.value("distance");
  if (!d.empty() && d != "l2sq" && d != "cosine") return usage_error("eval", "--distance must be l2sq or cosine");
  if (!d.empty()) *metric = d == "cosine" ? DistanceMetric::kCosine : DistanceMetric::kSquaredL2;
  return 0;
}

}  // namespace

int cmd_eval(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> values = kPipelineValueOptions;
  values.insert({"json", "jitter", "distance", "dump", "centre-offset", "pairs", "folds", "plot", "threads"});
  if (!parse_args(argc, argv, 2, values,
                  {"help", "align", "crop", "flip", "no-flip", "refine-landmarks", "landmark-flip",
                   "no-landmark-flip", "multi-view", "no-multi-view", "quiet"}, &args,
                  &error))
    return usage_error("eval", error);
  if (args.has("help") || args.positional.empty()) {
    std::printf(
        "usage: facegate eval lfw DIR [--pairs FILE] [--folds 1-10] [--align|--crop] [--template 5|68]\n"
        "                     [--padding P] [--json OUT] [--plot ROC.png|ROC.svg] [--threads N] [--input-size N]\n"
        "                     [--backend B] [--models DIR] [--flip|--no-flip] [--jitter N]\n"
        "                     [--refine-landmarks] [--landmark-flip|--no-landmark-flip]\n"
        "                     [--multi-view|--no-multi-view] [--quiet]\n"
        "                     [--distance l2sq|cosine] [--dump EMBEDDINGS.tsv] [--centre-offset F]\n"
        "Detector input defaults to %d here (LFW faces are large in the frame; 416 misses many).\n"
        "LFW View 2: every image of the chosen folds' pairs goes through the pipeline (the\n"
        "detected face nearest the centre, within F (default %.2f) of the image side: a face\n"
        "further out is someone else, 0 takes any; none -> the same at score %.2f, then a fixed\n"
        "centre box, counted). For each\n"
        "fold, tau maximising accuracy on the other chosen folds is tested on it.\n"
        "Prints fold accuracies, mean +- std (sample), best global tau, TAR at FAR 1e-2/1e-3.\n"
        "--plot: ROC, x = FAR log 1e-4..1 (grid per decade), y = TAR 0.90..1 (grid 0.02); SVG when\n"
        "the name ends in .svg, else PNG.\n"
        "--quiet: no progress line (on a terminal, stderr shows images done, rate and ETA;\n"
        "elsewhere one summary line).\n"
        "Test-time options: --flip averages the embeddings of the chip and its mirror image\n"
        "(default %s here), --jitter N adds N shifted/zoomed chips (0..%d), --refine-landmarks\n"
        "runs the landmark net again on a box centred on its first answer, --landmark-flip\n"
        "averages the landmarks with those of the mirrored landmark crop (default %s here),\n"
        "--multi-view averages\n"
        "the aligned chip's embedding with face-api's axis-aligned crop's (default %s with\n"
        "--align), --distance picks squared L2 or 2-2cos (default %s).\n"
        "--dump: one line per image: path, faces found, low score, fallback, box x y w h score,\n"
        "eye centres (x y x y), then the 128 embedding values (tab-separated).\n",
        kLfwDetectorInputSize, kLfwMaxCentreOffset, kLfwRetryScoreThreshold, kEvalFlipDefault ? "on" : "off", kMaxJitterChips,
        kEvalLandmarkFlipDefault ? "on" : "off", kEvalMultiViewDefault ? "on" : "off",
        distance_metric_name(kEvalDistanceDefault));
    return args.has("help") ? kExitOk : usage_error("eval", "give a dataset: eval lfw DIR");
  }
  if (args.positional[0] != "lfw") return usage_error("eval", "unknown dataset '" + args.positional[0] + "' (lfw)");
  if (args.positional.size() != 2) return usage_error("eval", "give the LFW folder: eval lfw DIR");
  const std::string dir = args.positional[1];
  FacePipelineOptions opt;
  opt.detector.input_size = kLfwDetectorInputSize;  // --input-size overrides
  std::string model_dir;
  if (int rc = pipeline_options_from_args("eval", args, &opt, &model_dir)) return rc;
  DistanceMetric metric = kEvalDistanceDefault;
  if (int rc = test_time_options_from_args(args, &opt, &metric)) return rc;
  float threads_f = 2;
  if (!args.value("threads").empty() &&
      (!parse_float(args.value("threads"), &threads_f) || threads_f < 1 || threads_f > 64 || (int)threads_f != threads_f))
    return usage_error("eval", "--threads must be 1..64");
  // --folds syntax is a usage question: checked before any file is read (the range needs
  // pairs.txt's fold count and is checked after).
  if (args.values.count("folds") &&
      args.value("folds").find_first_not_of("0123456789,-") != std::string::npos)
    return usage_error("eval", "--folds must be like 1-10, 3 or 1,4-5");
  std::vector<LfwPair> pairs;
  int num_folds = 0;
  const std::string pairs_path = args.value("pairs", dir + "/pairs.txt");
  if (Status s = lfw_parse_pairs(pairs_path, &pairs, &num_folds); !s) return failure(s.message());
  std::set<int> folds;
  if (!parse_folds(args.value("folds", "1-" + std::to_string(num_folds)), num_folds, &folds))
    return usage_error("eval", "--folds must be like 1-10, 3 or 1,4-5 within 1.." + std::to_string(num_folds));

  // Distinct images of the chosen pairs, each embedded once.
  std::map<std::string, int> index;
  std::vector<std::string> paths;
  std::vector<int> image_fold;  // the fold an image first appears in: the progress line's "fold k/n"
  std::vector<std::pair<int, int>> pair_images;
  std::vector<LfwPair> chosen;
  for (const LfwPair& p : pairs) {
    if (!folds.count(p.fold)) continue;
    int ids[2];
    for (int k = 0; k < 2; ++k) {
      const std::string path = lfw_image_path(dir, k ? p.name2 : p.name1, k ? p.n2 : p.n1);
      auto it = index.emplace(path, (int)paths.size());
      if (it.second) paths.push_back(path), image_fold.push_back(p.fold);
      ids[k] = it.first->second;
    }
    pair_images.push_back({ids[0], ids[1]});
    chosen.push_back(p);
  }
  LfwRunOptions run;
  run.model_dir = model_dir;
  run.pipeline = opt;
  run.threads = (int)threads_f;
  if (!args.value("centre-offset").empty()) {
    float v;
    if (!parse_float(args.value("centre-offset"), &v) || v < 0.f || v > 1.f)
      return usage_error("eval", "--centre-offset must be in [0, 1] (0: any face)");
    run.max_centre_offset = v;
  }
  if (!args.has("quiet"))
    std::fprintf(stderr, "eval lfw: %zu pairs, %zu images, mode %s, %d thread(s)...\n", chosen.size(), paths.size(),
               descriptor_mode_name(opt.mode), run.threads);
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<LfwImageResult> emb;
  Progress progress = progress_begin("eval lfw", "images", paths.size(), args.has("quiet"));
  run.on_image_done = [&](size_t done, size_t) {
    progress_update(&progress, done, "fold " + std::to_string(image_fold[done - 1] + 1) + "/" + std::to_string(num_folds));
  };
  if (Status s = lfw_embed_images(run, paths, &emb); !s) return failure(s.message());
  progress_end(&progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<double> dist;
  std::vector<bool> same;
  std::vector<int> fold;
  int fallback_pairs = 0;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const LfwImageResult &a = emb[pair_images[i].first], &b = emb[pair_images[i].second];
    dist.push_back(embedding_distance(a.embedding, b.embedding, metric));
    same.push_back(chosen[i].same);
    fold.push_back(chosen[i].fold);
    fallback_pairs += (a.fallback || b.fallback) ? 1 : 0;
  }
  std::vector<std::string> fallback;
  int low_score = 0, off_centre = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (emb[i].fallback) fallback.push_back(paths[i]);
    low_score += emb[i].low_score ? 1 : 0;
    off_centre += emb[i].off_centre ? 1 : 0;
  }
  VerificationReport r;
  if (Status s = verification_k_fold(dist, same, fold, &r); !s) return failure(s.message());

  std::printf("LFW %s: %zu pairs (%d same), %zu images, descriptor %s", dir.c_str(), chosen.size(), r.same_pairs,
              paths.size(), descriptor_mode_name(opt.mode));
  if (opt.mode == DescriptorMode::kAlign)
    std::printf(" (%d-point template, padding %.2f)", opt.chip.tmpl == FaceChipTemplate::kFivePoint ? 5 : 68,
                opt.chip.padding);
  std::printf(", detector %d, backend %s\n  flip %s, jitter %d, refine landmarks %s, landmark flip %s, multi-view %s,"
              " distance %s\n\n  fold   tau       accuracy\n",
              opt.detector.input_size, backend_name(opt.backend), opt.flip_average ? "on" : "off", opt.jitter,
              opt.refine_landmarks ? "on" : "off", opt.landmark_flip ? "on" : "off", opt.multi_view ? "on" : "off",
              distance_metric_name(metric));
  for (const FoldResult& f : r.folds)
    std::printf("  %4d   %.4f    %6.2f%%  (%d pairs)\n", f.fold + 1, f.threshold, 100 * f.accuracy, f.pairs);
  std::printf("\n  accuracy (mean +- std over folds)  %.2f%% +- %.2f%%%s\n", 100 * r.mean_accuracy,
              100 * r.std_accuracy, r.threshold_from_same_fold ? "  (one fold: tau fitted on the test fold itself)" : "");
  std::printf("  best global tau                    %.4f (accuracy %.2f%% on all pairs)\n", r.best_tau,
              100 * r.best_tau_accuracy);
  std::printf("  TAR @ FAR 1e-2                     %.2f%% (tau %.4f)\n", 100 * r.tar_at_far_1e2, r.tau_at_far_1e2);
  std::printf("  TAR @ FAR 1e-3                     %.2f%% (tau %.4f)\n", 100 * r.tar_at_far_1e3, r.tau_at_far_1e3);
  std::printf("  images with no central face at score > %.2f  %d of %zu (of which %d found at score > %.2f;\n"
              "    %d had only faces off-centre by more than %.2f of the image side)\n",
              opt.detector.score_threshold, low_score + (int)fallback.size(), paths.size(), low_score,
              kLfwRetryScoreThreshold, off_centre, run.max_centre_offset);
  std::printf("  images with no face at all          %zu (embedded from the centre box instead; %d pairs touched)\n",
              fallback.size(), fallback_pairs);
  std::printf("  time                               %.1f s (%.1f ms/image/thread)\n", seconds,
              1000 * seconds * run.threads / std::max<size_t>(1, paths.size()));
  for (const std::string& p : fallback) std::printf("    no face: %s\n", p.c_str());
  if (!args.value("json").empty())
    write_json(args.value("json"), dir, opt, metric, r, paths.size(), fallback, fallback_pairs, low_score, off_centre,
               seconds);
  if (!args.value("dump").empty())
    if (Status s = write_dump(args.value("dump"), paths, emb); !s) return failure(s.message());
  if (!args.value("plot").empty())
    if (Status s = write_roc_plot(args.value("plot"), r, chosen.size()); !s) return failure(s.message());
  return kExitOk;
}

}  // namespace fg::cli
