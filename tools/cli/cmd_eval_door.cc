// facegate eval door LFW_DIR: LFW pairs through the door's own path under door-camera
// conditions (runtime/eval/door_eval.h, door_conditions.h; docs/door-conditions.md).
// The pipeline is facegate-door's: its defaults (int8, detector input 416, aligned chip, one
// view) and its option parser (tools/door/door_config.h door_config_apply), so --input-size,
// --precision, --backend, --score and whatever detector option the door has mean here what
// they mean there.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "runtime/eval/door_eval.h"
#include "runtime/gallery/gallery_tau.h"
#include "tools/cli/cli.h"
#include "tools/cli/json_out.h"
#include "tools/cli/progress.h"
#include "tools/door/door_config.h"

namespace fg::cli {
namespace {

// The door options this command forwards to door_config_apply (when the door has them).
const char* const kDoorOptions[] = {"backend", "precision", "input-size", "score", "models", "detector"};

bool parse_int(const std::string& text, long lo, long hi, long* out) {
  char* end = nullptr;
  const long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end || v < lo || v > hi) return false;
  *out = v;
  return true;
}

// Seeds that depend on the pair's place in pairs.txt, not on the subset: a --pairs run
// transforms each of its pairs exactly as the full run does.
uint32_t pair_seed(uint32_t seed, size_t pair_index) { return seed * 2654435761u + 0x9e3779b9u * (uint32_t)(pair_index + 1); }

Json report_json(DoorTransform t, const DoorConditionReport& r) {
  Json j;
  j["transform"] = door_transform_name(t);
  j["pairs"] = r.pairs;
  j["probes_found"] = r.probes_found;
  j["gallery_found"] = r.gallery_found;
  j["detection_rate"] = json_fixed(r.detection_rate, 6);
  j["accuracy"] = json_fixed(r.verification.mean_accuracy, 6);
  j["accuracy_std"] = json_fixed(r.verification.std_accuracy, 6);
  j["tar_at_far_1e-3"] = json_fixed(r.verification.tar_at_far_1e3, 6);
  j["tau_at_far_1e-3"] = json_fixed(r.tau_at_fmr_1e3, 6);
  j["door_tau"] = json_fixed(r.door_tau, 6);
  j["impostor_pairs"] = r.impostor_pairs;
  j["impostor_accepts"] = r.impostor_accepts;
  j["fmr_at_door_tau"] = json_fixed(r.fmr_at_door_tau, 6);
  j["genuine_pairs"] = r.genuine_pairs;
  j["genuine_accepts"] = r.genuine_accepts;
  j["tar_at_door_tau"] = json_fixed(r.tar_at_door_tau, 6);
  return j;
}

}  // namespace

int cmd_eval_door(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> values = {"pairs", "protocol", "transform", "seed", "threads", "json", "fpir"};
  for (const char* o : kDoorOptions) values.insert(o);
  if (!parse_args(argc, argv, 3, values, {"help", "quiet"}, &args, &error)) return usage_error("eval door", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate eval door LFW_DIR [--pairs N] [--protocol PAIRS.txt] [--transform NAME|all]\n"
        "                          [--seed S] [--threads N] [--json OUT] [--quiet] [--fpir P]\n"
        "                          [--input-size N] [--precision int8|f32] [--backend B] [--score S]\n"
        "                          [--models DIR] [--detector NAME]\n"
        "LFW pairs through facegate-door's own path (its defaults and its option names): the first\n"
        "image of a pair is enrolled as the door enrols a photo (largest face, padding retry), the\n"
        "second is a probe transformed as a door camera sees it and taken as the door takes a\n"
        "frame (largest face). A pair with no face on either side is a reject.\n"
        "Transforms (seeded per pair, docs/door-conditions.md): ");
    for (DoorTransform t : door_transforms()) std::printf("%s ", door_transform_name(t));
    std::printf(
        "(default all).\n"
        "--pairs N: N pairs spread evenly over pairs.txt (default all 6000). Per transform: detection\n"
        "rate, 10-fold accuracy with misses as rejects, TAR at FAR 1e-3, and the 1:1 FMR/TAR at the\n"
        "door's 1:1 tau (one enrolled person at --fpir, default %g: runtime/gallery/gallery_tau.h).\n"
        "--detector: the door's detector option, when facegate-door has one (else only 'tiny').\n",
        kDefaultFpir);
    return kExitOk;
  }
  if (args.positional.size() != 1) return usage_error("eval door", "give the LFW folder: eval door LFW_DIR");
  const std::string dir = args.positional[0];

  door::DoorConfig cfg;  // the door's defaults: int8, input 416, align, one view
  for (const char* o : kDoorOptions) {
    if (!args.values.count(o)) continue;
    if (!door::door_config_knows(o)) {
      if (std::string(o) == "detector" && args.value(o) == "tiny") continue;  // the only one there is
      return usage_error("eval door", std::string("facegate-door has no --") + o + " option (its detector: tiny)");
    }
    if (Status s = door::door_config_apply(&cfg, o, args.value(o)); !s) return usage_error("eval door", s.message());
  }
  long pairs_wanted = 0, seed = 1, threads = 2;
  if (!args.value("pairs").empty() && !parse_int(args.value("pairs"), 2, 1000000, &pairs_wanted))
    return usage_error("eval door", "--pairs must be a count >= 2");
  if (!args.value("seed").empty() && !parse_int(args.value("seed"), 0, 1L << 30, &seed))
    return usage_error("eval door", "--seed must be 0..2^30");
  if (!args.value("threads").empty() && !parse_int(args.value("threads"), 1, 64, &threads))
    return usage_error("eval door", "--threads must be 1..64");
  float fpir = (float)kDefaultFpir;
  if (!args.value("fpir").empty() && (!parse_float(args.value("fpir"), &fpir) || fpir <= 0 || fpir > 0.5f))
    return usage_error("eval door", "--fpir must be in (0, 0.5]");
  std::vector<DoorTransform> transforms;
  const std::string tname = args.value("transform", "all");
  if (tname == "all") {
    transforms = door_transforms();
  } else {
    DoorTransform t;
    if (!door_transform_from_name(tname, &t)) {
      std::string names;
      for (DoorTransform k : door_transforms()) names += std::string(" ") + door_transform_name(k);
      return usage_error("eval door", "unknown --transform '" + tname + "' (all" + names + ")");
    }
    transforms = {t};
  }

  std::vector<LfwPair> all;
  int num_folds = 0;
  if (Status s = lfw_parse_pairs(args.value("protocol", dir + "/pairs.txt"), &all, &num_folds); !s) return failure(s.message());
  std::vector<size_t> chosen;  // indices into pairs.txt
  const size_t n = pairs_wanted > 0 ? std::min<size_t>((size_t)pairs_wanted, all.size()) : all.size();
  for (size_t i = 0; i < n; ++i) chosen.push_back(i * all.size() / n);

  std::vector<std::string> gallery_paths, probe_paths;
  std::map<std::string, int> gallery_index;
  std::vector<int> pair_gallery;
  std::vector<uint32_t> seeds;
  std::vector<bool> same;
  std::vector<int> fold;
  for (size_t i : chosen) {
    const LfwPair& p = all[i];
    const std::string a = lfw_image_path(dir, p.name1, p.n1);
    auto it = gallery_index.emplace(a, (int)gallery_paths.size());
    if (it.second) gallery_paths.push_back(a);
    pair_gallery.push_back(it.first->second);
    probe_paths.push_back(lfw_image_path(dir, p.name2, p.n2));
    seeds.push_back(pair_seed((uint32_t)seed, i));
    same.push_back(p.same);
    fold.push_back(p.fold);
  }

  DoorEvalRun run;
  run.model_dir = door::door_model_dir(cfg);
  run.pipeline = cfg.pipeline;
  run.threads = (int)threads;
  const double door_tau = tau_for_fpir(1, fpir, cfg.pipeline.int8).tau;
  const bool quiet = args.has("quiet");
  char path_desc[200];
  std::snprintf(path_desc, sizeof path_desc, "detector tiny %d (score %.2f), %s, %s chip, backend %s",
                cfg.pipeline.detector.input_size, cfg.pipeline.detector.score_threshold,
                cfg.pipeline.int8 ? "int8" : "f32", descriptor_mode_name(cfg.pipeline.mode), backend_name(cfg.pipeline.backend));
  if (!quiet)
    std::fprintf(stderr, "eval door: %zu pairs, %zu gallery images, %zu transform(s), %ld thread(s)...\n", chosen.size(),
                 gallery_paths.size(), transforms.size(), threads);
  const auto t0 = std::chrono::steady_clock::now();
  const size_t total = gallery_paths.size() + transforms.size() * probe_paths.size();
  Progress progress = progress_begin("eval door", "images", total, quiet);
  size_t base = 0;
  std::string detail = "gallery";
  run.on_image_done = [&](size_t done, size_t) { progress_update(&progress, base + done, detail); };
  std::vector<DoorEvalFace> gallery_faces;
  if (Status s = door_eval_embed(run, gallery_paths, {}, DoorTransform::kNone, true, &gallery_faces); !s)
    return failure(s.message());
  std::vector<DoorEvalFace> gallery(chosen.size());
  for (size_t i = 0; i < chosen.size(); ++i) gallery[i] = gallery_faces[pair_gallery[i]];
  base += gallery_paths.size();

  std::vector<std::pair<DoorTransform, DoorConditionReport>> reports;
  for (DoorTransform t : transforms) {
    detail = door_transform_name(t);
    std::vector<DoorEvalFace> probes;
    if (Status s = door_eval_embed(run, probe_paths, seeds, t, false, &probes); !s) return failure(s.message());
    base += probe_paths.size();
    DoorConditionReport r;
    if (Status s = door_eval_score(gallery, probes, same, fold, door_tau, &r); !s) return failure(s.message());
    reports.push_back({t, r});
  }
  progress_end(&progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  int gallery_found = 0;
  for (const DoorEvalFace& f : gallery_faces) gallery_found += f.found;
  std::printf("eval door %s: %zu pairs of pairs.txt (seed %ld), door path: %s\n", dir.c_str(), chosen.size(), seed, path_desc);
  std::printf("  gallery: first image, untransformed, door enrolment (padding retry): %d of %zu images found\n",
              gallery_found, gallery_faces.size());
  std::printf("  door 1:1 tau %.4f (1 person at FPIR %g); misses count as rejects\n\n", door_tau, fpir);
  std::printf("  %-12s %9s %16s %12s %18s %12s\n", "transform", "detected", "accuracy", "TAR@FAR1e-3",
              "FMR@door-tau", "tau@FMR1e-3");
  for (const auto& [t, r] : reports)
    std::printf("  %-12s %8.2f%% %8.2f%% +-%4.2f %11.2f%% %8.4f (%3d/%4d) %12.4f\n", door_transform_name(t),
                100 * r.detection_rate, 100 * r.verification.mean_accuracy, 100 * r.verification.std_accuracy,
                100 * r.verification.tar_at_far_1e3, r.fmr_at_door_tau, r.impostor_accepts, r.impostor_pairs,
                r.tau_at_fmr_1e3);
  std::printf("  time %.1f s\n", seconds);
  if (!args.value("json").empty()) {
    Json j;
    j["dataset"] = dir;
    j["pairs"] = chosen.size();
    j["seed"] = seed;
    j["detector"] = "tiny";
    j["detector_input_size"] = cfg.pipeline.detector.input_size;
    j["score_threshold"] = json_fixed(cfg.pipeline.detector.score_threshold, 3);
    j["precision"] = cfg.pipeline.int8 ? "int8" : "f32";
    j["mode"] = descriptor_mode_name(cfg.pipeline.mode);
    j["backend"] = backend_name(cfg.pipeline.backend);
    j["fpir"] = json_significant(fpir, 6);
    j["door_tau"] = json_fixed(door_tau, 6);
    j["gallery_images"] = gallery_faces.size();
    j["gallery_found"] = gallery_found;
    j["seconds"] = json_fixed(seconds, 1);
    j["transforms"] = Json::array();
    for (const auto& [t, r] : reports) j["transforms"].push_back(report_json(t, r));
    if (!json_write_file(args.value("json"), j)) return failure(args.value("json") + ": cannot write");
  }
  return kExitOk;
}

}  // namespace fg::cli
