// Shared by the libFuzzer targets (tests/fuzz/README.md): readers that take a path get the
// input through a file in a private tmpfs directory.
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fg_fuzz {

// One file per process, rewritten for each input (the readers under test open paths).
inline std::string write_input(const uint8_t* data, size_t size, const char* suffix) {
  static std::string dir;
  if (dir.empty()) {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/fg_fuzz_XXXXXX";
    if (!::mkdtemp(&tmpl[0])) std::abort();
    dir = tmpl;
  }
  const std::string path = dir + "/input" + suffix;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace fg_fuzz
