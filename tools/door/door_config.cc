#include "tools/door/door_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>

#include "runtime/gallery/gallery_format.h"
#include "tools/door/mqtt_client.h"

namespace fg::door {
namespace {

using Apply = std::function<bool(DoorConfig&, const std::string&)>;
struct Option {
  const char* name;
  bool takes_value;
  Apply apply;  // false: bad value
};

bool to_double(const std::string& s, double* out) {
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0' || errno || !std::isfinite(v)) return false;  // no inf/nan/overflow
  *out = v;
  return true;
}

// A finite double in [lo, hi] (a range documented in door_print_usage).
bool double_in(const std::string& s, double lo, double hi, double* out) {
  double x;
  if (!to_double(s, &x) || x < lo || x > hi) return false;
  *out = x;
  return true;
}

// Squared L2 between descriptors of norm ~1.5: every face is within ~4 of every other, so a
// tau above kMaxTau would open for anyone (and 1e30 is a typo, not a policy).
constexpr double kMaxTau = 4.0;
// Seconds: a day for the cooldown, an hour for a command or a hold (anything longer is a
// units mistake).
constexpr double kMaxCooldownS = 86400, kMaxCommandS = 3600;

bool to_int64(const std::string& s, int64_t* out) {
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end != '\0' || errno) return false;
  *out = v;
  return true;
}

template <typename T>
Apply set_int(T DoorConfig::*field, int64_t lo, int64_t hi) {
  return [=](DoorConfig& c, const std::string& v) {
    int64_t x;
    if (!to_int64(v, &x) || x < lo || x > hi) return false;
    c.*field = (T)x;
    return true;
  };
}

bool parse_enroll(DoorConfig& c, const std::string& v) {
  const size_t eq = v.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 >= v.size()) return false;
  EnrollRequest r{v.substr(0, eq), {}};
  size_t pos = eq + 1;
  while (pos <= v.size()) {
    size_t comma = v.find(',', pos);
    if (comma == std::string::npos) comma = v.size();
    if (comma > pos) r.images.push_back(v.substr(pos, comma - pos));
    pos = comma + 1;
  }
  if (r.images.empty()) return false;
  c.enroll.push_back(r);
  return true;
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      {"source", true, [](DoorConfig& c, const std::string& v) { c.source = v; return !v.empty(); }},
      {"gallery", true, [](DoorConfig& c, const std::string& v) { c.gallery = v; return !v.empty(); }},
      {"gallery-key", true, [](DoorConfig& c, const std::string& v) { c.gallery_key = v; return !v.empty(); }},
      {"insecure-gallery", false, [](DoorConfig& c, const std::string&) { c.insecure_gallery = true; return true; }},
      {"models", true, [](DoorConfig& c, const std::string& v) { c.models = v; return true; }},
      {"backend", true, [](DoorConfig& c, const std::string& v) { return backend_from_name(v, &c.pipeline.backend); }},
      {"precision", true, [](DoorConfig& c, const std::string& v) {
         c.pipeline.int8 = v == "int8";
         return v == "int8" || v == "f32";
       }},
      {"input-size", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 32 || x > 1024 || x % 32) return false;
         c.pipeline.detector.input_size = (int)x;
         return true;
       }},
      {"net-threads", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 0 || x > 256) return false;
         c.pipeline.net_threads = (int)x;
         return true;
       }},
      {"score", true, [](DoorConfig& c, const std::string& v) {
         return to_double(v, &c.pipeline.detector.score_threshold) && c.pipeline.detector.score_threshold >= 0 &&
                c.pipeline.detector.score_threshold < 1;
       }},
      {"tau", true, [](DoorConfig& c, const std::string& v) {
         double x;
         if (!double_in(v, 0, kMaxTau, &x)) return false;
         c.policy.tau = (float)x;
         c.tau_fixed = true;
         return true;
       }},
      {"fpir", true, [](DoorConfig& c, const std::string& v) {
         // (0, 0.5]: a target above one search in two is not a door policy.
         if (!double_in(v, 1e-9, 0.5, &c.fpir)) return false;
         c.fpir_given = true;
         return true;
       }},
      {"votes", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 1 || x > 1000) return false;
         c.policy.votes = (int)x;
         return true;
       }},
      {"window", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 1 || x > 1000) return false;
         c.policy.window = (int)x;
         return true;
       }},
      {"liveness", true, [](DoorConfig& c, const std::string& v) { return liveness_mode_from_name(v, &c.liveness.mode); }},
      {"liveness-threshold", true, [](DoorConfig& c, const std::string& v) {
         double x;
         if (!double_in(v, 0, 1, &x)) return false;
         c.liveness.threshold = (float)x;
         return true;
       }},
      {"liveness-votes", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 1 || x > 1000) return false;
         c.liveness.votes = (int)x;
         return true;
       }},
      {"liveness-window", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 1 || x > 1000) return false;
         c.liveness.window = (int)x;
         return true;
       }},
      {"cooldown", true, [](DoorConfig& c, const std::string& v) { return double_in(v, 0, kMaxCooldownS, &c.policy.cooldown_s); }},
      {"visit-gap", true, [](DoorConfig& c, const std::string& v) { return double_in(v, 0, 3600, &c.visit.gap_s); }},
      {"visit-max", true, [](DoorConfig& c, const std::string& v) { return double_in(v, 0.001, 86400, &c.visit.max_s); }},
      {"frame-interval", true, [](DoorConfig& c, const std::string& v) { return double_in(v, 0.001, 60, &c.frame_interval_s); }},
      {"snapshots", true, [](DoorConfig& c, const std::string& v) { c.snapshots.dir = v; return !v.empty(); }},
      {"snapshot-frame", false, [](DoorConfig& c, const std::string&) { c.snapshots.whole_frame = true; return true; }},
      {"snapshot-keep", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 0 || x > 10000000) return false;
         c.snapshots.keep = (int)x;
         return true;
       }},
      {"snapshot-max-bytes", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 0 || x > (int64_t(1) << 40)) return false;
         c.snapshots.max_bytes = (uint64_t)x;
         return true;
       }},
      {"log-frames", false, [](DoorConfig& c, const std::string&) { c.log_frames = true; return true; }},
      {"all-faces", false, [](DoorConfig& c, const std::string&) { c.all_faces = true; return true; }},
      {"redetect-every", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 0 || x > 1000) return false;
         c.track.redetect_every = (int)x;
         return true;
       }},
      {"track", true, [](DoorConfig& c, const std::string& v) {
         if (v == "off") c.track.redetect_every = 0;
         else if (v == "on") c.track.redetect_every = c.track.redetect_every > 0 ? c.track.redetect_every : DoorTrackOptions{}.redetect_every;
         else return false;
         return true;
       }},
      {"track-max-step", true, [](DoorConfig& c, const std::string& v) {
         double x;
         if (!double_in(v, 1e-6, 4, &x)) return false;
         c.track.max_step = (float)x;
         return true;
       }},
      {"actuator", true, [](DoorConfig& c, const std::string& v) { return actuator_kind_from_name(v, &c.actuator.kind); }},
      {"command", true, [](DoorConfig& c, const std::string& v) { c.actuator.command = v; return !v.empty(); }},
      {"command-timeout", true, [](DoorConfig& c, const std::string& v) { return double_in(v, 0.001, kMaxCommandS, &c.actuator.command_timeout_s); }},
      {"command-on-timeout", true, [](DoorConfig& c, const std::string& v) { c.actuator.command_on_timeout = v; return !v.empty(); }},
      {"gpio-chip", true, [](DoorConfig& c, const std::string& v) { c.actuator.gpio_chip = v; return !v.empty(); }},
      {"gpio-line", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 0 || x > 65535) return false;
         c.actuator.gpio_line = (int)x;
         return true;
       }},
      {"gpio-active-low", false, [](DoorConfig& c, const std::string&) { c.actuator.gpio_active_low = true; return true; }},
      {"hold", true, [](DoorConfig& c, const std::string& v) { return double_in(v, 0.001, kMaxCommandS, &c.actuator.hold_s); }},
      {"log", true, [](DoorConfig& c, const std::string& v) { c.log.path = v; return !v.empty(); }},
      {"log-max-bytes", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 0 || x > (int64_t(1) << 40)) return false;
         c.log.max_bytes = (uint64_t)x;
         return true;
       }},
      {"log-keep", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 0 || x > 1000) return false;
         c.log.keep = (int)x;
         return true;
       }},
      {"fsync", false, [](DoorConfig& c, const std::string&) { c.log.fsync = true; return true; }},
      {"on-log-failure", true, [](DoorConfig& c, const std::string& v) {
         c.log_failure_deny = v == "deny";
         return v == "deny" || v == "continue";
       }},
      {"stats", true, set_int(&DoorConfig::stats_every, 0, 1 << 30)},
      {"bench", true, set_int(&DoorConfig::bench, 0, 1 << 20)},
      {"loop", true, set_int(&DoorConfig::loop, 0, 1 << 30)},
      {"max-frames", true, set_int(&DoorConfig::max_frames, 0, INT64_MAX)},
      {"quiet", false, [](DoorConfig& c, const std::string&) { c.quiet = true; return true; }},
      {"enroll", true, parse_enroll},
      {"enroll-live", true, [](DoorConfig& c, const std::string& v) { c.enroll_live = v; return !v.empty(); }},
      {"enroll-frames", true, set_int(&DoorConfig::enroll_frames, 1, 100)},
      {"add", false, [](DoorConfig& c, const std::string&) { c.enroll_add = true; return true; }},
      {"mqtt", true, [](DoorConfig& c, const std::string& v) { c.mqtt.url = v; return !v.empty(); }},
      {"mqtt-password-file", true, [](DoorConfig& c, const std::string& v) { c.mqtt.password_file = v; return !v.empty(); }},
      {"mqtt-cafile", true, [](DoorConfig& c, const std::string& v) { c.mqtt.cafile = v; return !v.empty(); }},
      {"mqtt-command-key", true, [](DoorConfig& c, const std::string& v) { c.mqtt.command_key = v; return !v.empty(); }},
      {"mqtt-queue", true, [](DoorConfig& c, const std::string& v) {
         int64_t x;
         if (!to_int64(v, &x) || x < 1 || x > 1000000) return false;
         c.mqtt.queue = (int)x;
         return true;
       }},
      {"door-id", true, [](DoorConfig& c, const std::string& v) {
         c.mqtt.door_id = v;
         return mqtt_door_id_valid(v);
       }},
      {"gallery-mqtt", true, [](DoorConfig& c, const std::string& v) { c.mqtt.gallery_topic = v; return !v.empty(); }},
      {"gallery-sign-key", true, [](DoorConfig& c, const std::string& v) { c.mqtt.gallery_sign_key = v; return !v.empty(); }},
      {"ha-discovery", false, [](DoorConfig& c, const std::string&) { c.mqtt.ha_discovery = true; return true; }},
      {"help", false, [](DoorConfig& c, const std::string&) { c.help = true; return true; }},
      {"version", false, [](DoorConfig& c, const std::string&) { c.version = true; return true; }},
  };
  return kOptions;
}

const Option* find_option(const std::string& name) {
  for (const Option& o : options())
    if (name == o.name) return &o;
  return nullptr;
}

Status apply(DoorConfig* cfg, const std::string& name, const std::string& value, bool has_value,
             const std::string& where) {
  const Option* o = find_option(name);
  if (!o) return Status::error(where + "unknown option --" + name);
  if (o->takes_value && !has_value) return Status::error(where + "option --" + name + " needs a value");
  if (!o->takes_value && has_value) return Status::error(where + "option --" + name + " takes no value");
  if (!o->apply(*cfg, value)) return Status::error(where + "bad value '" + value + "' for --" + name);
  return Status::ok();
}

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

Status apply_config_file(const std::string& path, DoorConfig* cfg) {
  struct stat st;
  std::ifstream in(path);
  if (!in || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    cfg->config_unreadable = true;
    return Status::error(path + ": cannot open config file" + (in ? " (not a regular file)" : ""));
  }
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    line = trim(line);
    if (line.empty()) continue;
    const size_t eq = line.find('=');
    const std::string where = path + ":" + std::to_string(n) + ": ";
    if (eq == std::string::npos) {
      FG_RETURN_IF_ERROR(apply(cfg, line, "", false, where));
    } else {
      FG_RETURN_IF_ERROR(apply(cfg, trim(line.substr(0, eq)), trim(line.substr(eq + 1)), true, where));
    }
  }
  return Status::ok();
}

bool has_file(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

}  // namespace

Status door_config_parse(int argc, char** argv, DoorConfig* cfg) {
  // `--` ends the options: the door takes no positional argument, so anything after it is
  // an error too, but never read as an option.
  int end = argc;
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == "--") {
      end = i;
      break;
    }
  // The config file first, so flags given on the command line override it.
  for (int i = 1; i < end; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < end) FG_RETURN_IF_ERROR(apply_config_file(argv[i + 1], cfg));
    if (a.compare(0, 9, "--config=") == 0) FG_RETURN_IF_ERROR(apply_config_file(a.substr(9), cfg));
  }
  for (int i = 1; i < end; ++i) {
    std::string a = argv[i];
    if (a == "--config") {
      if (++i >= end) return Status::error("option --config needs a value");
      continue;
    }
    if (a.compare(0, 9, "--config=") == 0) continue;
    if (a.size() < 3 || a.compare(0, 2, "--") != 0) return Status::error("unexpected argument '" + a + "'");
    a = a.substr(2);
    // --name=value: the same as --name value (one argv word; the value may be empty or hold '=').
    const size_t eq = a.find('=');
    if (eq != std::string::npos) {
      FG_RETURN_IF_ERROR(apply(cfg, a.substr(0, eq), a.substr(eq + 1), true, ""));
      continue;
    }
    const Option* o = find_option(a);
    if (o && o->takes_value) {
      if (i + 1 >= end) return Status::error("option --" + a + " needs a value");
      FG_RETURN_IF_ERROR(apply(cfg, a, argv[++i], true, ""));
    } else {
      FG_RETURN_IF_ERROR(apply(cfg, a, "", false, ""));
    }
  }
  if (end + 1 < argc) return Status::error("unexpected argument '" + std::string(argv[end + 1]) + "' after --");
  if (cfg->version) return Status::ok();
  if (cfg->help) return Status::ok();
  std::string error;
  if (!policy_options_valid(cfg->policy, &error)) return Status::error(error);
  if (cfg->tau_fixed && cfg->fpir_given)
    return Status::error("--tau fixes the threshold and --fpir chooses it from the gallery size: give one");
  if (!visit_options_valid(cfg->visit, &error)) return Status::error(error);
  if (!door_liveness_options_valid(cfg->liveness, &error)) return Status::error(error);
  if (!door_track_options_valid(cfg->track, &error)) return Status::error(error);
  if (cfg->gallery.empty()) return Status::error("--gallery FILE is required");
  if (cfg->source.empty() && cfg->enroll.empty()) return Status::error("--source SPEC (or --enroll) is required");
  if (cfg->actuator.kind == ActuatorKind::kCommand && cfg->actuator.command.empty())
    return Status::error("--actuator command needs --command CMD");
  FG_RETURN_IF_ERROR(door_mqtt_options_check(cfg->mqtt));
  if (!cfg->enroll_live.empty()) {
    if (cfg->source.empty()) return Status::error("--enroll-live NAME needs --source SPEC (the camera or a stream)");
    std::string name;
    FG_RETURN_IF_ERROR(gallery_validate_name(cfg->enroll_live, &name).with_context("--enroll-live"));
    if (name == "unknown") return Status::error("'unknown' is reserved (the audit log's word for strangers)");
    cfg->enroll_live = name;
  }
  for (EnrollRequest& r : cfg->enroll) {
    std::string name;
    FG_RETURN_IF_ERROR(gallery_validate_name(r.name, &name).with_context("--enroll"));
    r.name = name;  // trimmed
    if (r.name == "unknown") return Status::error("'unknown' is reserved (the audit log's word for strangers)");
  }
  return Status::ok();
}

std::string door_model_dir(const DoorConfig& cfg) {
  if (!cfg.models.empty()) return cfg.models;
  if (const char* env = std::getenv("FG_MODEL_DIR"); env && *env) return env;
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  const std::string exe = n > 0 ? std::string(buf, (size_t)n) : "./facegate-door";
  const std::string dir = exe.substr(0, exe.find_last_of('/'));
  for (const std::string& cand : {dir + "/../models", dir + "/../share/facegate/models"})
    if (has_file(cand + "/recognition.fgm")) return cand;
  return dir + "/../models";
}

void door_print_usage(FILE* out) {
  std::fprintf(out,
      "usage: facegate-door --gallery FILE --source SPEC [options]\n"
      "       facegate-door --gallery FILE --enroll NAME=IMG[,IMG...] [--enroll ...]\n"
      "       facegate-door --gallery FILE --source SPEC --enroll-live NAME [--enroll-frames N] [--add]\n"
      "Door access: camera frames -> faces -> nearest enrolled person -> grant/deny/unknown,\n"
      "a relay or command, and a JSONL audit log. Exit 0 at the end of the stream or on\n"
      "SIGINT/SIGTERM (current frame finished, log flushed, relay released); 2 usage; 3 bad\n"
      "input or failure at start (config file, gallery, models, source); 5 audit log failure;\n"
      "6 --enroll-live: NAME is already enrolled (give --add).\n"
      "\n"
      "source:   --source DIR | @LISTFILE | IMG[,IMG...] | FILE.y4m | - (Y4M on stdin) | /dev/videoN\n"
      "          --loop N (image lists: play N times, 0 = forever)  --max-frames N\n"
      "gallery:  --gallery FILE  --enroll NAME=IMG[,IMG] (creates FILE if missing; repeatable)\n"
      "          --enroll-live NAME [--enroll-frames N (5; 1..100)] [--add]: N good frames of --source\n"
      "          (one face, not clipped, >= 80 px, yaw/pitch <= 25 deg, sharp, the same person: d <= --tau)\n"
      "          written all at once; progress on stderr; exit 6 if NAME is enrolled and no --add, 3 if\n"
      "          the source ends first (nothing enrolled)\n"
      "          --gallery-key KEYFILE (or $FG_GALLERY_KEY): records are MAC-checked, refused ones\n"
      "          logged (gallery_rejected); --insecure-gallery accepts a v1 / keyless gallery\n"
      "models:   --models DIR  --backend reference|native|xnnpack (native)  --input-size N (416)\n"
      "          --precision f32|int8 (int8: the *_int8.fgm models; f32: the float ones)\n"
      "          --score S (detector threshold, 0.5)  --net-threads N (threads per net, 1; 0 = all)\n"
      "policy:   --fpir P (0.003; 0..0.5): tau from the gallery's size so that at most P of searches by\n"
      "          people not enrolled match someone (docs/thresholds.md; re-chosen when the gallery changes)\n"
      "          --tau T (squared L2, 0..4): a fixed tau instead  --votes N (2)  --window M (3): grant when d <= tau in\n"
      "          N of the last M frames (1..1000); --cooldown SEC (5; 0..86400) per person; --all-faces (default:\n"
      "          only the largest face of a frame)\n"
      "liveness: --liveness off|passive|passive+blink (passive; docs/liveness.md): a frame votes only\n"
      "          when its face scores >= --liveness-threshold T (0.30, chosen on NUAA; 0..1) and is not a\n"
      "          repeat of the previous frame nor a tilted flat picture; a grant needs --liveness-votes N (2)\n"
      "          of the last --liveness-window M (3) frames live, and with passive+blink a blink in the visit;\n"
      "          a visit failing them ends as `spoof`\n"
      "visits:   one verdict per visit (a face appears .. gone for --visit-gap SEC, 1.5; 0..3600): grant\n"
      "          at the frame reaching the votes, else deny/unknown when the visit ends; --visit-max SEC\n"
      "          (60; > gap, <= 86400) ends a long one; times are frame times: Y4M rate, image lists\n"
      "          --frame-interval SEC (0.1; 0.001..60), cameras the clock; --log-frames: per-frame lines too\n"
      "actuator: --actuator dry|command|gpio (dry)\n"
      "          --command CMD (run by /bin/sh in its own process group; the person's name reaches it\n"
      "          ONLY as $FG_PERSON in the environment, with FG_DISTANCE, FG_FRAME, FG_TIME)\n"
      "          --command-timeout SEC (5; 0.001..3600: then the whole group is killed)\n"
      "          --command-on-timeout CMD (relock: always run after a timeout, same environment)\n"
      "          --gpio-chip CHIP (gpiochip0)  --gpio-line N (0..65535)  --gpio-active-low\n"
      "          --hold SEC (3; 0.001..3600)%s\n"
      "log:      --log FILE (JSON lines, SHA-256 hash chain: facegate audit verify FILE)\n"
      "          --fsync (each line on disk before going on)\n"
      "          --on-log-failure deny|continue (deny: no opening without a written line; the\n"
      "          door stops with exit 5; continue: report on stderr and go on)\n"
      "          --log-max-bytes B (10 MiB; 0 = never, up to 2^40; rotate to FILE.1..)\n"
      "          --log-keep K (5; 0..1000)\n"
      "snapshot: --snapshots DIR (a JPEG of the face per visit verdict, DIR created 0700; the file's\n"
      "          name relative to DIR in the line's \"snapshot\")  --snapshot-frame (the whole frame too)\n"
      "          --snapshot-keep N (1000 files; 0 = no limit)  --snapshot-max-bytes B (256 MiB; 0 = no\n"
      "          limit): the oldest removed first; a failed write is counted and logged, never blocks\n"
      "mqtt:     --mqtt mqtt://[USER[:PASS]@]HOST[:PORT] | mqtts://... (docs/mqtt.md)%s\n"
      "          --door-id ID ([A-Za-z0-9_-]{1,64}; topics facegate/ID/event|state|availability|command)\n"
      "          --mqtt-password-file FILE  --mqtt-cafile FILE (mqtts)  --mqtt-queue N (1000 events)\n"
      "          --mqtt-command-key FILE (32 bytes or 64 hex: HMAC key of signed unlock commands)\n"
      "          --ha-discovery (retained Home Assistant discovery configs under homeassistant/)\n"
      "          --gallery-mqtt TOPIC --gallery-sign-key KEYFILE: install signed gallery snapshots\n"
      "          (`facegate gallery publish`) into --gallery FILE while running; refused ones logged;\n"
      "          FILE may be missing at start: nobody is granted until a verified snapshot arrives\n"
      "output:   --stats N (latency table every N frames)  --bench N (play the source's frames\n"
      "          N times from memory: clean latency)  --quiet  --config FILE (key = value lines)\n"
      "          --help  --version (version, git description, the ISA the kernels pick)\n"
      "syntax:   --name value or --name=value; -- ends the options. Config file: `name = value`\n"
      "          is --name value, a bare `name` a flag, '#' a comment; flags override the file.\n"
      "environment: FG_GALLERY_KEY (key file when --gallery-key is absent), FG_MODEL_DIR\n"
      "          (model directory when --models is absent), FG_MAX_ISA=scalar|sse41|avx2|avx512|\n"
      "          avx512vnni|neon|neondot (cap the kernels' ISA, for debugging)\n",
      actuator_gpio_available() ? "" : "  [GPIO not built: no libgpiod]",
      door_mqtt_available() ? "" : "  [not built: no libmosquitto]");
}

bool door_config_knows(const std::string& name) { return find_option(name) != nullptr; }

Status door_config_apply(DoorConfig* cfg, const std::string& name, const std::string& value) {
  return apply(cfg, name, value, true, "");
}

}  // namespace fg::door
