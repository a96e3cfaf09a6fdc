// Golden tensors from ../shared/reference (or the bundled copies in tests/data/golden):
// finding them, running a net over them, comparing.
#pragma once
#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "runtime/core/executor.h"
#include "test_util.h"

namespace fg_test {

inline constexpr float kTolerance = 1e-4f;

struct Golden {
  std::string input, output, label;
};

// Pairs "<stem>__input.f32" / "<stem>__descriptor.f32" found in `dir`.
inline std::vector<Golden> recognition_goldens(const std::string& dir) {
  std::vector<Golden> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    const std::string suffix = "__input.f32";
    if (name.rfind("recog_only__", 0) != 0 || name.size() < suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    const std::string stem = name.substr(0, name.size() - suffix.size());
    out.push_back({dir + "/" + name, dir + "/" + stem + "__descriptor.f32", stem});
  }
  closedir(d);
  std::sort(out.begin(), out.end(), [](const Golden& a, const Golden& b) { return a.label < b.label; });
  return out;
}

// Runs every golden through `net`; returns the worst max-abs error.
inline float run_goldens(fg::Net& net, const std::vector<Golden>& goldens, size_t in_elems, size_t out_elems) {
  float worst = 0.f;
  for (const Golden& g : goldens) {
    const std::vector<float> x = read_f32(g.input);
    const std::vector<float> y = read_f32(g.output);
    REQUIRE_MESSAGE(x.size() == in_elems, g.input);
    REQUIRE_MESSAGE(y.size() == out_elems, g.output);
    std::copy(x.begin(), x.end(), fg::net_input(net));
    fg::net_run(net);
    const float err = max_abs_diff(fg::net_output(net), y.data(), out_elems);
    CHECK_MESSAGE(err <= kTolerance, g.label << ": max abs error " << err);
    worst = std::max(worst, err);
  }
  return worst;
}

inline fg::Status load_and_prepare(const std::string& file, const fg::NetOptions& opt, fg::Model* model, fg::Net* net) {
  FG_RETURN_IF_ERROR(fg::model_load_file(model_dir() + "/" + file, model));
  return fg::net_prepare(*model, opt, net);
}

// Golden file stem of a layer name: every character outside [A-Za-z0-9_] becomes '_'.
inline std::string golden_stem(const std::string& layer) {
  std::string s = layer;
  for (char& c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') c = '_';
  return s;
}

}  // namespace fg_test
