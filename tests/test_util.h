// Helpers shared by the tests: where data lives, reading raw f32 tensors, comparing.
#pragma once
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <vector>

namespace fg_test {

inline std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
inline std::string model_dir() { return env_or("FG_MODEL_DIR", "build/release/models"); }
inline std::string test_data_dir() { return env_or("FG_TEST_DATA", "tests/data"); }
inline std::string bin_dir() { return env_or("FG_BIN_DIR", "build/release/tools"); }
// The shell command that runs one of our tools. Cross builds set FG_EXEC_PREFIX to the qemu
// command line: without binfmt, an ARM binary started from a test needs the emulator named.
inline std::string exec_prefix() { return env_or("FG_EXEC_PREFIX", ""); }
inline std::string tool_command(const std::string& tool) {
  const std::string prefix = exec_prefix();
  return (prefix.empty() ? "" : prefix + " ") + bin_dir() + "/" + tool;
}

// A command's exit code and its stdout + stderr (the caller adds "2>&1" or not).
struct CommandResult {
  int exit_code = -1;
  std::string out;
};
inline CommandResult run_command(const std::string& cmd) {
  CommandResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// samples/faces/<person>/<person><n>.png
inline std::string sample_face(const std::string& person, int n) {
  return env_or("FG_SOURCE_DIR", ".") + "/samples/faces/" + person + "/" + person + std::to_string(n) + ".png";
}

inline bool contains(const std::string& s, const std::string& needle) { return s.find(needle) != std::string::npos; }

inline bool path_exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

// Visible skips (tests/doctest_main.cc): FG_SKIP_TEST(reason) prints "SKIPPED: reason",
// counts the case as skipped and returns from it. Use it only in a case tagged
// `* doctest::test_suite("shared")`, which tests/CMakeLists.txt runs as its own CTest entry
// with SKIP_RETURN_CODE kSkipReturnCode.
constexpr int kSkipReturnCode = 77;
inline int& skipped_cases() {
  static int n = 0;
  return n;
}
inline int& executed_cases() {
  static int n = 0;
  return n;
}
#define FG_SKIP_TEST(reason)                                        \
  do {                                                              \
    ++fg_test::skipped_cases();                                     \
    std::ostringstream fg_skip_why_;                                \
    fg_skip_why_ << reason;                                         \
    std::printf("SKIPPED: %s\n", fg_skip_why_.str().c_str());       \
    MESSAGE("SKIPPED: " << fg_skip_why_.str());                     \
    return;                                                         \
  } while (0)

// ../shared/reference, or "" when this machine has no copy of it (users' machines don't):
// callers then skip with FG_SKIP_TEST.
inline std::string shared_reference_dir() {
  const std::string dir = env_or("FG_SHARED_DIR", "../shared") + "/reference";
  return path_exists(dir + "/golden/raw/index.json") ? dir : "";
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Rewrites the file in place (same inode, as cp does), which readers holding it open see.
inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// The lines of a text file (an audit log, a door's output); empty when it cannot be read.
inline std::vector<std::string> read_lines(const std::string& path) {
  std::ifstream f(path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(f, l);) lines.push_back(l);
  return lines;
}

// The value of "key" in a flat JSON line (first occurrence): a string's contents or a
// number's text; "" when absent. For audit lines, whose fields are known and unescaped.
inline std::string field(const std::string& line, const std::string& key) {
  const std::string k = "\"" + key + "\":";
  const size_t at = line.find(k);
  if (at == std::string::npos) return "";
  const size_t i = at + k.size();
  if (i < line.size() && line[i] == '"') return line.substr(i + 1, line.find('"', i + 1) - i - 1);
  return line.substr(i, line.find_first_of(",}", i) - i);
}

// A fresh directory under /tmp, removed with everything in it when the test ends.
struct TempDir {
  std::string path;
  explicit TempDir(const std::string& prefix = "fg_test") {
    std::string tmpl = "/tmp/" + prefix + "_XXXXXX";
    REQUIRE(::mkdtemp(&tmpl[0]) != nullptr);
    path = tmpl;
  }
  ~TempDir() { (void)!std::system(("rm -rf '" + path + "'").c_str()); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return path + "/" + name; }
};

inline std::vector<float> read_f32(const std::string& path) {
  const std::vector<uint8_t> b = read_bytes(path);
  std::vector<float> v(b.size() / 4);
  if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * 4);
  return v;
}

inline float max_abs_diff(const float* a, const float* b, size_t n) {
  float m = 0.f;
  for (size_t i = 0; i < n; ++i) {
    const float d = std::fabs(a[i] - b[i]);
    if (!(d <= m)) m = d;  // NaN propagates as a failure
  }
  return m;
}

}  // namespace fg_test
