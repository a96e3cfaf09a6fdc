// Shared by the libFuzzer targets (tests/fuzz/README.md): readers that take a path get the
// input through a file in a private directory on tmpfs (/dev/shm). Not /tmp: on ext4,
// rewriting a file in place flushes it (auto_da_alloc), which made the path-based targets
// 20x slower (630 vs 13,000 execs/s).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace fg_fuzz {

inline std::string& input_dir() {
  static std::string dir;
  return dir;
}
inline std::string& input_path() {
  static std::string path;
  return path;
}
inline void remove_input() {
  if (!input_path().empty()) ::unlink(input_path().c_str());
  if (!input_dir().empty()) ::rmdir(input_dir().c_str());
}

// One file per process, rewritten for each input (the readers under test open paths).
inline std::string write_input(const uint8_t* data, size_t size, const char* suffix) {
  if (input_dir().empty()) {
    const char* env = std::getenv("FG_FUZZ_TMPDIR");
    std::string base = env && *env ? env : (::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    std::string tmpl = base + "/fg_fuzz_XXXXXX";
    if (!::mkdtemp(&tmpl[0])) std::abort();
    input_dir() = tmpl;
    input_path() = tmpl + "/input" + suffix;
    std::atexit(remove_input);
  }
  std::FILE* f = std::fopen(input_path().c_str(), "wb");
  if (!f) std::abort();
  if (size && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return input_path();
}

}  // namespace fg_fuzz
