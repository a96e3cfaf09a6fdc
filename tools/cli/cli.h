// Shared pieces of the facegate CLI: argument parsing, model lookup, exit codes.
#pragma once
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "runtime/vision/face_pipeline.h"
#include "runtime/gallery/gallery.h"

namespace fg::cli {

// Exit codes (documented in `facegate --help`).
constexpr int kExitOk = 0;         // success; for verify/compare: same person
constexpr int kExitNegative = 1;   // verify/compare: different people; identify: not recognized
constexpr int kExitUsage = 2;      // bad flags or arguments
constexpr int kExitFailure = 3;    // bad input file, model or gallery
constexpr int kExitBusy = 4;       // gallery busy: another writer held its lock for all of --wait
// (5 is facegate-door's "audit log failure"; README "Exit codes" lists both binaries.)

// Default squared-L2 threshold of identify (1:K): the same as verify's (the best global tau of
// `facegate eval lfw`, 0.38; face-api's FaceMatcher uses 0.6 Euclidean = 0.36). A 1:1 optimum:
// in 1:K the false-positive rate grows with K (`facegate eval identify` reports FPIR at this tau).
constexpr float kMatchTau = 0.38f;

struct Args {
  std::vector<std::string> positional;
  std::map<std::string, std::string> values;  // --name VALUE
  std::set<std::string> flags;                // --name
  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::string value(const std::string& name, const std::string& fallback = "") const {
    auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
  }
};

// Parses argv[first..]; `value_options` take a value, `flag_options` don't. Unknown
// options are an error (message in *error).
bool parse_args(int argc, char** argv, int first, const std::set<std::string>& value_options,
                const std::set<std::string>& flag_options, Args* out, std::string* error);

// Parses a float option (e.g. --tau); false when malformed or not finite (inf, nan, 1e50).
bool parse_float(const std::string& text, float* out);

// --tau: absent -> *tau unchanged; else a finite squared-L2 distance in [0, kMaxTau]
// (descriptors have norm ~1.5, so no two are further apart than ~10: 100 accepts anyone).
constexpr float kMaxTau = 100.f;
bool parse_tau(const Args& args, float* tau);

// Where the .fgm files are: --models DIR, $FG_MODEL_DIR, <exe>/../models (build tree),
// <exe>/../share/facegate/models (installed).
std::string model_path(const Args& args, const std::string& file);

// --backend reference|native|xnnpack (default native: our SIMD kernels).
bool backend_from_args(const Args& args, Backend* out, std::string* error);

int usage_error(const std::string& command, const std::string& message);

// Options a command parses but that would do nothing in the mode it runs: exit 2 naming the
// first one given ("--padding does not apply <why>"), else 0. `names` are value options or flags.
int reject_options(const std::string& command, const Args& args, const std::set<std::string>& names,
                   const std::string& why);
// embed / enroll / identify --crop (the image IS the face): no detector, no aligner, so
// --input-size, --score, --template, --padding, --align and --face-crop are refused.
int reject_with_crop(const std::string& command, const Args& args);
int failure(const std::string& message);

// Gallery writers (gallery_wait.cc): runs `open` (a gallery_open(writer)/gallery_create)
// again while another writer holds the lock, for up to --wait SECONDS (default 5, 0..3600).
// Returns 0, kExitBusy (still locked), kExitFailure (other error) or kExitUsage (bad --wait),
// the message printed.
constexpr float kDefaultGalleryWaitS = 5.f, kMaxGalleryWaitS = 3600.f;
bool gallery_busy(const Status& s);
int open_gallery_waiting(const std::string& command, const Args& args, const std::function<Status()>& open);

// Commands.
int cmd_embed(int argc, char** argv);
int cmd_compare(int argc, char** argv);
int cmd_detect(int argc, char** argv);
int cmd_verify(int argc, char** argv);
int cmd_eval(int argc, char** argv);
int cmd_enroll(int argc, char** argv);        // cmd_gallery.cc
int cmd_enroll_live(int argc, char** argv);   // cmd_enroll_live.cc: `enroll --live SOURCE`
int cmd_identify(int argc, char** argv);      // cmd_gallery.cc
int cmd_gallery(int argc, char** argv);       // cmd_gallery.cc
int cmd_gallery_publish(int argc, char** argv);  // cmd_gallery_publish.cc: `gallery publish`
int cmd_eval_identify(int argc, char** argv); // cmd_eval_identify.cc: `eval identify`
int cmd_train_head(int argc, char** argv);    // cmd_train_head.cc
int cmd_verify_head(int argc, char** argv);   // cmd_train_head.cc
int cmd_audit(int argc, char** argv);         // cmd_audit.cc: `audit verify`
int cmd_eval_pad(int argc, char** argv);      // cmd_eval_pad.cc: `eval pad` (liveness)
int cmd_eval_tau(int argc, char** argv);      // cmd_eval_tau.cc: `eval tau` (the FPIR table)
int cmd_eval_door(int argc, char** argv);     // cmd_eval_door.cc: `eval door` (door conditions)

// Gallery access (cmd_gallery_key.cc), for every command that opens a gallery:
// --gallery-key FILE (else $FG_GALLERY_KEY) and --insecure-gallery (accept a v1 file, or a
// v2 file without its key). Fills o->key / o->insecure; returns 0 or an exit code (printed).
int gallery_access_from_args(const std::string& command, const Args& args, GalleryOpenOptions* o);
// Warnings on stderr: unauthenticated gallery, records that failed their MAC, unsafe names.
void gallery_print_warnings(const std::string& command, const Gallery& g);
// facegate gallery keygen KEYFILE / gallery migrate OLD NEW --gallery-key K [--old-key K2].
int gallery_keygen_cmd(const Args& args);
int gallery_migrate_cmd(const Args& args);

// Whole-photo pipeline commands (cmd_detect.cc): the value options they share, and
// --backend (default native) / --models / --input-size / --score / --align|--crop /
// --template 5|68 / --padding -> options + the model directory. Returns 0 or an exit code.
extern const std::set<std::string> kPipelineValueOptions;
// The help lines of those options, the same in every command that takes them (docs/cli.md has
// the table). The lines a command prints depend on the nets it runs:
enum class HelpScope { kAll, kDetection /* detect */, kEncoder /* compare, embed --crop */ };
void print_pipeline_options_help(HelpScope scope = HelpScope::kAll);
int pipeline_options_from_args(const std::string& command, const Args& args, FacePipelineOptions* opt,
                               std::string* model_dir);

}  // namespace fg::cli
