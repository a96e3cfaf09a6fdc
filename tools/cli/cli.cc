#include "tools/cli/cli.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

namespace fg::cli {

bool parse_args(int argc, char** argv, int first, const std::set<std::string>& value_options,
                const std::set<std::string>& flag_options, Args* out, std::string* error) {
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--") {  // the rest are operands, even when they start with "--"
      for (++i; i < argc; ++i) out->positional.push_back(argv[i]);
      break;
    }
    if (a.size() > 2 && a.compare(0, 2, "--") == 0 && a.find('=') != std::string::npos) {
      // --name=value: the same as --name value.
      const size_t eq = a.find('=');
      const std::string name = a.substr(2, eq - 2);
      if (flag_options.count(name)) {
        *error = "option --" + name + " takes no value";
        return false;
      }
      if (!value_options.count(name)) {
        *error = "unknown option --" + name;
        return false;
      }
      out->values[name] = a.substr(eq + 1);
      if (out->values[name].empty()) {
        *error = "option --" + name + " needs a non-empty value";
        return false;
      }
      continue;
    }
    if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
      const std::string name = a.substr(2);
      if (flag_options.count(name)) {
        out->flags.insert(name);
      } else if (value_options.count(name)) {
        if (i + 1 >= argc) {
          *error = "option --" + name + " needs a value";
          return false;
        }
        out->values[name] = argv[++i];
        if (out->values[name].empty()) {  // `--tau ''` is a mistake, not "use the default"
          *error = "option --" + name + " needs a non-empty value";
          return false;
        }
      } else {
        *error = "unknown option " + a;
        return false;
      }
    } else {
      out->positional.push_back(a);
    }
  }
  return true;
}

bool parse_float(const std::string& text, float* out) {
  char* end = nullptr;
  const float v = std::strtof(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v)) return false;
  *out = v;
  return true;
}

bool parse_tau(const Args& args, float* tau) {
  if (!args.values.count("tau")) return true;
  float v;
  if (!parse_float(args.value("tau"), &v) || v < 0.f || v > kMaxTau) return false;
  *tau = v;
  return true;
}

static bool file_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

static std::string exe_dir() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.find_last_of('/'));
}

std::string model_path(const Args& args, const std::string& file) {
  if (!args.value("models").empty()) return args.value("models") + "/" + file;
  if (const char* env = std::getenv("FG_MODEL_DIR"); env && *env) return std::string(env) + "/" + file;
  const std::string dir = exe_dir();
  for (const std::string& cand : {dir + "/../models/" + file, dir + "/../share/facegate/models/" + file})
    if (file_exists(cand)) return cand;
  return dir + "/../models/" + file;  // the error message will name this path
}

bool backend_from_args(const Args& args, Backend* out, std::string* error) {
  const std::string name = args.value("backend", "native");
  if (!backend_from_name(name, out)) {
    *error = "unknown backend '" + name + "' (reference, native, xnnpack)";
    return false;
  }
  return true;
}

int usage_error(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "facegate %s: %s\n(see facegate %s --help)\n", command.c_str(), message.c_str(),
               command.c_str());
  return kExitUsage;
}

int reject_options(const std::string& command, const Args& args, const std::set<std::string>& names,
                   const std::string& why) {
  for (const std::string& n : names)
    if (args.values.count(n) || args.has(n)) return usage_error(command, "--" + n + " does not apply " + why);
  return 0;
}

int reject_with_crop(const std::string& command, const Args& args) {
  if (!args.has("crop")) return 0;
  return reject_options(command, args, {"input-size", "score", "template", "padding", "align", "face-crop"},
                        "with --crop (the image is the face: no detection, no alignment)");
}

int failure(const std::string& message) {
  std::fprintf(stderr, "facegate: %s\n", message.c_str());
  return kExitFailure;
}

}  // namespace fg::cli
