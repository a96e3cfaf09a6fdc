// facegate eval pad DIR: presentation-attack detection figures (runtime/eval/pad_metrics.h)
// of the passive liveness score (runtime/vision/liveness.h) over a list of bona fide and a
// list of attack images. Layout (NUAA Photograph Imposter database, Tan et al., ECCV 2010):
//   DIR/client_train.txt   lines "0001/0001_00_00_01_0.jpg", images under DIR/ClientRaw/
//   DIR/imposter_train.txt lines like it, images under DIR/ImposterRaw/
// The first path component is the person (--persons filters on it: a split by person, so a
// threshold chosen on one split is reported on people it never saw).
// Per image: detector -> largest box -> liveness score. An image with no face is a failure
// to acquire: counted and left out of the rates (a door does not open without a face).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "runtime/eval/pad_metrics.h"
#include "runtime/vision/liveness.h"
#include "tools/cli/cli.h"
#include "tools/cli/json_out.h"
#include "tools/cli/progress.h"

namespace fg::cli {
namespace {

struct PadItem {
  std::string path, name;
  int person = 0;
  bool attack = false;
  bool face = false;
  float score = -1.f;
};

// "1-5", "3", "1,3,6-9" -> person ids; false when malformed.
bool parse_persons(const std::string& text, std::set<int>* out) {
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t comma = std::min(text.find(',', pos), text.size());
    const std::string part = text.substr(pos, comma - pos);
    int a = 0, b = 0;
    const bool range = part.find('-') != std::string::npos;
    if (std::sscanf(part.c_str(), range ? "%d-%d" : "%d", &a, &b) != (range ? 2 : 1)) return false;
    if (!range) b = a;
    if (a < 0 || b < a || b > 1000000) return false;
    for (int p = a; p <= b; ++p) out->insert(p);
    pos = comma + 1;
  }
  return !out->empty();
}

Status read_list(const std::string& list, const std::string& image_dir, bool attack, const std::set<int>& persons,
                 int every, std::vector<PadItem>* out) {
  std::ifstream f(list);
  if (!f) return Status::error("cannot read the list " + list);
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (line.find("..") != std::string::npos || line[0] == '/')
      return Status::error(list + ": entry '" + line + "' leaves the image folder");
    PadItem it;
    it.name = line;
    it.path = image_dir + "/" + line;
    it.attack = attack;
    it.person = std::atoi(line.c_str());  // "0001/..." -> 1
    if (!persons.empty() && !persons.count(it.person)) continue;
    if (n++ % every) continue;
    out->push_back(it);
  }
  return Status::ok();
}

void print_rates(const char* label, const PadRates& r) {
  std::printf("  %-26s threshold %.4f   APCER %6.2f%%   BPCER %6.2f%%   ACER %6.2f%%\n", label, r.threshold,
              100 * r.apcer, 100 * r.bpcer, 100 * r.acer);
}

Json json_rates(const PadRates& r) {
  return {{"threshold", json_fixed(r.threshold, 6)}, {"apcer", json_fixed(r.apcer, 6)},
          {"bpcer", json_fixed(r.bpcer, 6)}, {"acer", json_fixed(r.acer, 6)}};
}

}  // namespace

int cmd_eval_pad(int argc, char** argv) {
  Args args;
  std::string error;
  std::set<std::string> values = kPipelineValueOptions;
  for (const char* v : {"json", "live", "attack", "live-dir", "attack-dir", "persons", "every", "threshold", "dump",
                        "liveness-precision"})
    values.insert(v);
  for (const char* v : {"padding", "template"}) values.erase(v);  // no aligner: the liveness nets take the box
  if (!parse_args(argc, argv, 3, values, {"help", "quiet"}, &args, &error)) return usage_error("eval pad", error);
  if (args.has("help")) {
    std::printf(
        "usage: facegate eval pad DIR [--live LIST] [--attack LIST] [--live-dir D] [--attack-dir D]\n"
        "                             [--persons 1-5] [--every N] [--threshold T] [--json OUT]\n"
        "                             [--dump OUT.tsv] [--liveness-precision f32|int8] [--quiet]\n"
        "                             [pipeline options]\n"
        "Presentation-attack detection (ISO/IEC 30107-3 terms) of the passive liveness nets\n"
        "(docs/liveness.md). Defaults: the NUAA layout, DIR/client_train.txt (bona fide, images in\n"
        "DIR/ClientRaw) and DIR/imposter_train.txt (attacks, in DIR/ImposterRaw); list lines are\n"
        "paths whose first component is the person id.\n"
        "  --persons SET   only these people (1-5, 3, 1,6-9): a split by person\n"
        "  --every N       every Nth image of each list (default 1)\n"
        "  --threshold T   live score >= T is accepted as bona fide (default %.2f, the door's)\n"
        "  --dump FILE     one line per image: kind, person, face found, score, name\n"
        "  --liveness-precision P  the liveness nets' precision (default: --precision's)\n"
        "Reports APCER, BPCER, ACER at the threshold, AUC, and BPCER at APCER <= 1%% / 5%%.\n"
        "Images without a face are failures to acquire: counted, not in the rates.\n"
        "--quiet: no progress line (terminal: images done, rate, ETA; else one summary).\n"
        "Exit code 0, 2 usage, 3 unreadable list, image or model.\n",
        kLivenessThreshold);
    print_pipeline_options_help(HelpScope::kDetection);
    return kExitOk;
  }
  if (args.positional.size() != 1) return usage_error("eval pad", "give the dataset folder: eval pad DIR");
  const std::string dir = args.positional[0];
  std::set<int> persons;
  if (!args.value("persons").empty() && !parse_persons(args.value("persons"), &persons))
    return usage_error("eval pad", "--persons must be like 1-5, 3 or 1,6-9");
  float every_f = 1, threshold = kLivenessThreshold;
  if (!args.value("every").empty() &&
      (!parse_float(args.value("every"), &every_f) || every_f < 1 || every_f > 1e6 || int(every_f) != every_f))
    return usage_error("eval pad", "--every must be a count >= 1");
  if (!args.value("threshold").empty() &&
      (!parse_float(args.value("threshold"), &threshold) || threshold < 0.f || threshold > 1.f))
    return usage_error("eval pad", "--threshold must be in [0, 1]");
  FacePipelineOptions opt;
  opt.embed = false;
  std::string model_dir;
  if (int rc = pipeline_options_from_args("eval pad", args, &opt, &model_dir)) return rc;
  const std::string live_prec = args.value("liveness-precision", opt.int8 ? "int8" : "f32");
  if (live_prec != "f32" && live_prec != "int8") return usage_error("eval pad", "--liveness-precision must be f32 or int8");
  const bool live_int8 = live_prec == "int8";

  std::vector<PadItem> items;
  if (Status s = read_list(args.value("live", dir + "/client_train.txt"), args.value("live-dir", dir + "/ClientRaw"),
                           false, persons, int(every_f), &items); !s)
    return failure(s.message());
  if (Status s = read_list(args.value("attack", dir + "/imposter_train.txt"),
                           args.value("attack-dir", dir + "/ImposterRaw"), true, persons, int(every_f), &items); !s)
    return failure(s.message());

  FacePipeline pipe;
  if (Status s = face_pipeline_open(model_dir, opt, &pipe); !s) return failure(s.message());
  LivenessNets nets;
  if (Status s = liveness_open(model_dir, opt.backend, &nets, live_int8); !s) return failure(s.message());
  if (!args.has("quiet")) std::fprintf(stderr, "eval pad: %zu images...\n", items.size());
  Progress progress = progress_begin("eval pad", "images", items.size(), args.has("quiet"));
  size_t done = 0;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<float> bona_fide, attacks;
  int no_face[2] = {0, 0}, count[2] = {0, 0};
  Image img;
  std::vector<FaceBox> boxes;
  for (PadItem& it : items) {
    progress_update(&progress, done++);  // before the item: the no-face `continue` skips the end
    ++count[it.attack];
    if (Status s = image_load(it.path, 3, &img); !s) return failure(s.message());
    if (Status s = face_pipeline_detect(pipe, img, &boxes); !s) return failure(it.path + ": " + s.message());
    if (boxes.empty()) {
      ++no_face[it.attack];
      continue;
    }
    const FaceBox& box = *std::max_element(boxes.begin(), boxes.end(), [](const FaceBox& a, const FaceBox& b) {
      return a.width * a.height < b.width * b.height;
    });
    if (Status s = liveness_score(nets, img, box, &it.score); !s) return failure(it.path + ": " + s.message());
    it.face = true;
    (it.attack ? attacks : bona_fide).push_back(it.score);
  }
  progress_update(&progress, done);
  progress_end(&progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (bona_fide.empty() || attacks.empty())
    return failure("need at least one bona fide and one attack image with a face (found " +
                   std::to_string(bona_fide.size()) + " and " + std::to_string(attacks.size()) + ")");
  const PadReport r = pad_report(bona_fide, attacks, threshold);

  std::printf("PAD on %s%s%s, every %d image(s), detector %d, backend %s, liveness nets %s\n", dir.c_str(),
              persons.empty() ? "" : ", persons ", persons.empty() ? "" : args.value("persons").c_str(), int(every_f),
              opt.detector.input_size, backend_name(opt.backend), live_prec.c_str());
  std::printf("  bona fide %d images (%d without a face), attacks %d images (%d without a face)\n", count[0],
              no_face[0], count[1], no_face[1]);
  print_rates("at the threshold", r.at_threshold);
  std::printf("  %-26s %.4f\n", "AUC", r.auc);
  print_rates("best with APCER <= 1%", r.at_apcer_1);
  print_rates("best with APCER <= 5%", r.at_apcer_5);
  std::printf("  time %.1f s (%.1f ms/image)\n", seconds, 1000 * seconds / std::max<size_t>(1, items.size()));

  if (!args.value("dump").empty()) {
    FILE* f = std::fopen(args.value("dump").c_str(), "w");
    if (!f) return failure("cannot write " + args.value("dump"));
    std::fprintf(f, "kind\tperson\tface\tscore\tname\n");
    for (const PadItem& it : items)
      std::fprintf(f, "%s\t%d\t%d\t%.6f\t%s\n", it.attack ? "attack" : "bona_fide", it.person, it.face ? 1 : 0,
                   it.score, it.name.c_str());
    std::fclose(f);
  }
  if (!args.value("json").empty()) {
    Json j;
    j["dataset"] = dir;
    j["persons"] = args.value("persons", "all");
    j["every"] = int(every_f);
    j["detector_input_size"] = opt.detector.input_size;
    j["liveness_precision"] = live_prec;
    j["backend"] = backend_name(opt.backend);
    j["bona_fide"] = count[0];
    j["bona_fide_no_face"] = no_face[0];
    j["attacks"] = count[1];
    j["attacks_no_face"] = no_face[1];
    j["auc"] = json_fixed(r.auc, 6);
    j["at_threshold"] = json_rates(r.at_threshold);
    j["at_apcer_1"] = json_rates(r.at_apcer_1);
    j["at_apcer_5"] = json_rates(r.at_apcer_5);
    if (!json_write_file(args.value("json"), j)) return failure("cannot write " + args.value("json"));
  }
  return kExitOk;
}

}  // namespace fg::cli
