// facegate eval identify LFW_DIR: 1:K identification on LFW (runtime/eval/identify_eval.h) —
// rank-1, FNIR at FPIR 0.01 / 0.003 for nested galleries of K people, and the multi-photo
// comparison of min-over-records vs mean-embedding matching.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/eval/curve_plots.h"
#include "runtime/eval/identify_eval.h"
#include "runtime/gallery/gallery_tau.h"
#include "runtime/core/model.h"
#include "tools/cli/cli.h"
#include "tools/cli/json_out.h"
#include "tools/cli/progress.h"

namespace fg::cli {
namespace {

const std::vector<double> kFpirTargets = {0.01, 0.003};

// "10,100,1000" -> ascending K list; false when malformed.
bool parse_ks(const std::string& text, std::vector<int>* out) {
  out->clear();
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    float v;
    if (!parse_float(text.substr(pos, comma - pos), &v) || v < 1 || v > 100000 || int(v) != v) return false;
    out->push_back(int(v));
    pos = comma + 1;
  }
  return !out->empty();
}

bool parse_count(const Args& args, const std::string& name, int min, int max, int* out) {
  if (args.value(name).empty()) return true;
  float v;
  if (!parse_float(args.value(name), &v) || v < min || v > max || int(v) != v) return false;
  *out = int(v);
  return true;
}

struct Row {
  std::string label, match;
  size_t people = 0, records = 0;
  IdentifyReport report;
  // At the default tau for this gallery size (--fpir 0.003 through runtime/gallery/gallery_tau.h,
  // the door's and identify's rule).
  double tau_default = 0, fpir_default = 0, fnir_default = 0;
  std::vector<DetPoint> det;                  // --plot
};

void print_row(const Row& r) {
  std::printf("  %-7s %-5s %6zu %7zu %7zu %9zu   %6.2f%%", r.label.c_str(), r.match.c_str(), r.people, r.records,
              r.report.mated, r.report.non_mated, 100 * r.report.rank1);
  for (const FpirPoint& p : r.report.points) std::printf("   %6.2f%% (tau %.4f, FPIR %.4f)", 100 * p.fnir, p.tau, p.fpir);
  std::printf("   %6.2f%% / %6.2f%% (tau %.4f)\n", 100 * r.fpir_default, 100 * r.fnir_default, r.tau_default);
}

void write_json(const std::string& path, const std::string& dir, const IdentifyPlanOptions& po,
                const FacePipelineOptions& opt, size_t images, size_t cached, size_t no_face, double seconds, const std::vector<Row>& rows) {
  Json j;
  j["dataset"] = dir;
  j["seed"] = po.seed;
  j["mode"] = descriptor_mode_name(opt.mode);
  j["detector_input_size"] = opt.detector.input_size;
  j["backend"] = backend_name(opt.backend);
  j["images"] = images;
  j["images_from_cache"] = cached;
  j["no_face_images"] = no_face;
  j["embed_seconds"] = json_fixed(seconds, 1);
  j["runs"] = Json::array();
  for (const Row& r : rows) {
    Json run;
    run["gallery"] = r.label;
    run["match"] = r.match;
    run["people"] = r.people;
    run["records"] = r.records;
    run["mated"] = r.report.mated;
    run["non_mated"] = r.report.non_mated;
    run["rank1"] = json_fixed(r.report.rank1, 6);
    for (const FpirPoint& p : r.report.points) {
      char at[32];
      std::snprintf(at, sizeof at, "%g", p.target_fpir);
      run[std::string("fnir_at_fpir_") + at] = json_fixed(p.fnir, 6);
      run[std::string("tau_at_fpir_") + at] = json_fixed(p.tau, 6);
      run[std::string("fpir_achieved_") + at] = json_fixed(p.fpir, 6);
    }
    run["default_tau"] = json_fixed(r.tau_default, 4);
    run["default_fpir_target"] = kDefaultFpir;
    run["fpir_at_default_tau"] = json_fixed(r.fpir_default, 6);
    run["fnir_at_default_tau"] = json_fixed(r.fnir_default, 6);
    j["runs"].push_back(std::move(run));
  }
  if (!json_write_file(path, j)) std::fprintf(stderr, "facegate eval identify: cannot write %s\n", path.c_str());
}

// One DET curve per row ("K=1000 min", "multi mean"...).
Status write_det_plot(const std::string& path, const std::vector<Row>& rows, const IdentifyPlanOptions& po) {
  std::vector<DetCurve> curves;
  for (const Row& r : rows)
    curves.push_back({(r.label == "multi" ? "multi-photo" : r.label) + " (" + r.match + ", " +
                          std::to_string(r.report.mated) + " mated)",
                      r.det});
  char title[128];
  std::snprintf(title, sizeof title, "LFW 1:K identification DET (seed %u, %d non-mated probes)", po.seed, po.non_mated);
  return svg_plot_write(path, det_svg_plot(curves, title));
}

}  // namespace

int cmd_eval_identify(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> values = kPipelineValueOptions;
  for (const char* v : {"json", "k", "non-mated", "mated-per-person", "multi-people", "seed", "cache", "plot", "threads"})
    values.insert(v);
  if (!parse_args(argc, argv, 3, values, {"help", "align", "crop", "quiet"}, &args, &error))
    return usage_error("eval identify", error);
  IdentifyPlanOptions po;
  if (args.has("help")) {
    std::printf(
        "usage: facegate eval identify LFW_DIR [--k 10,100,1000] [--non-mated N] [--mated-per-person N]\n"
        "                              [--multi-people N] [--seed S] [--json OUT] [--cache FILE|none]\n"
        "                              [--threads N] [--align|--crop] [--input-size N] [--backend B]\n"
        "                              [--plot DET.svg] [--quiet]\n"
        "1:K identification (NIST FRTE 1:N style). From one seeded shuffle of the people with >= 2\n"
        "photos, the first K are enrolled with their first photo (nested galleries); mated probes\n"
        "are their next photos (at most --mated-per-person, default %d); non-mated probes are the\n"
        "first photo of --non-mated (default %d) people outside the largest gallery.\n"
        "Reports rank-1 rate and FNIR at FPIR 0.01 / 0.003 (tau = the most permissive threshold\n"
        "whose FPIR <= target). Multi-photo: enrolled people with >= 4 photos (at most\n"
        "--multi-people, default %d, 0 = skip) get 3 records, probed with their next 2 photos:\n"
        "min-over-records vs mean-embedding matching.\n"
        "Embeddings are cached in --cache (default /tmp/facegate-identify-<model>.emb).\n"
        "--plot DET.svg: the DET curve of each gallery (FNIR vs FPIR, log axes) as SVG.\n"
        "--quiet: no progress line (terminal: images embedded, rate, ETA; else one summary).\n",
        po.mated_per_person, po.non_mated, po.multi_people);
    return kExitOk;
  }
  if (args.positional.size() != 1) return usage_error("eval identify", "give the LFW folder: eval identify DIR");
  const std::string dir = args.positional[0];
  const std::string plot = args.value("plot");
  if (!plot.empty() && (plot.size() < 4 || plot.compare(plot.size() - 4, 4, ".svg") != 0))
    return usage_error("eval identify", "--plot writes SVG: give a name ending in .svg");
  if (!args.value("k").empty() && !parse_ks(args.value("k"), &po.ks))
    return usage_error("eval identify", "--k must be like 10,100,1000");
  int seed = int(po.seed % 1000000000), threads = 2;
  if (!parse_count(args, "non-mated", 0, 1000000, &po.non_mated) ||
      !parse_count(args, "mated-per-person", 1, 1000, &po.mated_per_person) ||
      !parse_count(args, "multi-people", 0, 100000, &po.multi_people) || !parse_count(args, "seed", 0, 1 << 30, &seed) ||
      !parse_count(args, "threads", 1, 64, &threads))
    return usage_error("eval identify", "--non-mated, --mated-per-person, --multi-people, --seed, --threads take counts");
  if (!args.value("seed").empty()) po.seed = uint32_t(seed);
  LfwRunOptions run;
  run.threads = threads;
  if (int rc = pipeline_options_from_args("eval identify", args, &run.pipeline, &run.model_dir)) return rc;

  Model recognition;  // its checksum keys the embedding cache
  const std::string encoder = run.model_dir + (run.pipeline.int8 ? "/recognition_int8.fgm" : "/recognition.fgm");
  if (Status s = model_load_file(encoder, &recognition); !s) return failure(s.message());
  char key[256];
  std::snprintf(key, sizeof key, "recognition %08x mode %s template %d padding %.4f detector %d score %.4f backend %s",
                recognition.checksum, descriptor_mode_name(run.pipeline.mode),
                run.pipeline.chip.tmpl == FaceChipTemplate::kFivePoint ? 5 : 68, run.pipeline.chip.padding,
                run.pipeline.detector.input_size, run.pipeline.detector.score_threshold, backend_name(run.pipeline.backend));
  char default_cache[96];
  std::snprintf(default_cache, sizeof default_cache, "/tmp/facegate-identify-%08x.emb", recognition.checksum);
  std::string cache = args.value("cache", default_cache);
  if (cache == "none") cache.clear();

  IdentifyPlan plan;
  if (Status s = identify_lfw_plan(dir, po, &plan); !s) return failure(s.message());
  if (!args.has("quiet"))
    std::fprintf(stderr, "eval identify: %zu images to embed (%d thread(s), cache %s)...\n", plan.images.size(), run.threads,
               cache.empty() ? "off" : cache.c_str());
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<LfwImageResult> emb;
  size_t cached = 0;
  // The total is only known inside (images not in the cache): set on the first call.
  Progress progress = progress_begin("eval identify", "images", 0, args.has("quiet"));
  run.on_image_done = [&](size_t done, size_t total) {
    progress.total = total;
    progress_update(&progress, done);
  };
  if (Status s = identify_embed_cached(run, plan.images, cache, key, &emb, &cached); !s) return failure(s.message());
  progress_end(&progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t no_face = 0;
  for (const LfwImageResult& r : emb) no_face += r.fallback ? 1 : 0;

  const std::string gallery_path = "/tmp/facegate-identify-eval-" + std::to_string(::getpid()) + ".fgg";
  std::vector<Row> rows;
  auto run_one = [&](const IdentifyExperiment& e, PersonScore score) -> Status {
    std::vector<SearchOutcome> outcomes;
    FG_RETURN_IF_ERROR(identify_run_experiment(plan, e, emb, score, gallery_path, &outcomes));
    Row r;
    r.label = e.label;
    r.match = score == PersonScore::kMinDistance ? "min" : "mean";
    r.people = e.people;
    r.records = e.records.size();
    FG_RETURN_IF_ERROR(identify_report(outcomes, kFpirTargets, &r.report));
    r.tau_default = tau_for_fpir(e.people, kDefaultFpir, run.pipeline.int8).tau;
    r.fpir_default = identify_fpir(outcomes, r.tau_default);
    r.fnir_default = identify_fnir(outcomes, r.tau_default);
    r.det = identify_det_curve(outcomes);
    rows.push_back(r);
    return Status::ok();
  };
  for (const IdentifyExperiment& e : plan.k_runs)
    if (Status s = run_one(e, PersonScore::kMinDistance); !s) return failure(s.message());
  if (plan.multi.people > 0)
    for (PersonScore score : {PersonScore::kMinDistance, PersonScore::kMeanEmbedding})
      if (Status s = run_one(plan.multi, score); !s) return failure(s.message());

  std::printf("1:K identification on %s (seed %u), descriptor %s, detector %d, backend %s\n", dir.c_str(), po.seed,
              descriptor_mode_name(run.pipeline.mode), run.pipeline.detector.input_size, backend_name(run.pipeline.backend));
  std::printf("images: %zu (%zu from cache), no face detected in %zu (centre box used), embedding %.1f s\n\n",
              plan.images.size(), cached, no_face, seconds);
  std::printf("  gallery match people records   mated non-mated   rank-1   FNIR @ FPIR=0.01                  "
              "FNIR @ FPIR=0.003                 FPIR / FNIR @ the default tau (--fpir %g)\n", kDefaultFpir);
  for (const Row& r : rows) {
    if (r.label == "multi" && r.match == "min")
      std::printf("\n  multi-photo: people with >= %d photos, %d enrolled each, next %d photos probed:\n",
                  po.multi_enroll + 1, po.multi_enroll, po.multi_probes_per_person);
    print_row(r);
  }
  if (!args.value("json").empty())
    write_json(args.value("json"), dir, po, run.pipeline, plan.images.size(), cached, no_face, seconds, rows);
  if (!plot.empty())
    if (Status s = write_det_plot(plot, rows, po); !s) return failure(s.message());
  return kExitOk;
}

}  // namespace fg::cli
