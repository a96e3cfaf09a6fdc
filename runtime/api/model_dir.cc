// Where the model files are when the caller does not say (api_internal.h).
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/api/api_internal.h"

#ifndef FG_API_INSTALL_MODEL_DIR
#define FG_API_INSTALL_MODEL_DIR ""
#endif

namespace fg::api {
namespace {

bool has_models(const std::string& dir, const std::string& probe) {
  struct stat st;
  return !dir.empty() && ::stat((dir + "/" + probe).c_str(), &st) == 0;
}

// The folder of the module (libfacegate.so, or the executable a static libfacegate.a was
// linked into) holding this function: a relocated prefix still finds its models.
std::string module_dir() {
  Dl_info info;
  if (::dladdr(reinterpret_cast<void*>(&module_dir), &info) == 0 || info.dli_fname == nullptr) return "";
  std::string path = info.dli_fname;
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

facegate::Status resolve_model_dir(const std::string& requested, std::string* out, const std::string& probe) {
  if (!requested.empty()) {
    if (!has_models(requested, probe))
      return facegate::Status(facegate::StatusCode::kBadInput, "cannot open model file " + requested + "/" + probe +
                                  ": the model folder has no " + probe);
    *out = requested;
    return facegate::Status::ok();
  }
  // An explicit override is obeyed or refused, never silently skipped.
  if (const char* env = std::getenv("FG_MODEL_DIR"); env && *env) {
    if (!has_models(env, probe))
      return facegate::Status(facegate::StatusCode::kBadInput, std::string("FG_MODEL_DIR=") + env + " has no " + probe);
    *out = env;
    return facegate::Status::ok();
  }
  std::vector<std::string> tried;
  const std::string mod = module_dir();
  if (!mod.empty()) {
    tried.push_back(mod + "/../share/facegate/models");     // <prefix>/lib, <prefix>/bin
    tried.push_back(mod + "/../../share/facegate/models");  // <prefix>/lib/<triple>
  }
  tried.push_back(FG_API_INSTALL_MODEL_DIR);
  std::string list;
  for (const std::string& dir : tried) {
    if (has_models(dir, probe)) {
      *out = dir;
      return facegate::Status::ok();
    }
    if (!dir.empty()) list += (list.empty() ? "" : ", ") + dir;
  }
  return facegate::Status(facegate::StatusCode::kBadInput,
                          "no model files found (tried " + list + "); set FG_MODEL_DIR or PipelineOptions::model_dir");
}

}  // namespace fg::api
