// The exit-code contract of `facegate` and `facegate-door` (README "Exit codes"): every
// subcommand x missing / extra / garbage flags and values -> exactly 2; nonexistent,
// directory, empty, truncated and unreadable files -> exactly 3; never a signal (a crash
// would show as 128+N); a gallery held by another writer -> 4 after --wait.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/gallery/gallery_key.h"
#include "test_util.h"

using namespace fg_test;

namespace {

struct Case {
  std::string args;  // after the binary
  int expect;
};

struct Files {
  std::string dir, img, img2, gallery, empty, trunc_img, trunc_gallery, unreadable, sub, log;
  Files() {
    char tmpl[] = "/tmp/fg_error_matrix_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    ::chmod(dir.c_str(), 0755);  // the unreadable cases run as nobody and must reach the files
    img = sample_face("amy", 1);
    img2 = sample_face("amy", 2);
    gallery = dir + "/g.fgg";
    // An authenticated gallery (format v2): every command below finds the key through
    // $FG_GALLERY_KEY, as a deployed door would through --gallery-key.
    const std::string key = dir + "/gallery.key";
    REQUIRE(fg::gallery_keygen(key).is_ok());
    ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
    const CommandResult r = run_command(tool_command("facegate") + " enroll --crop " + gallery + " amy " + img + " 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    empty = dir + "/empty";
    std::ofstream(empty).close();
    const std::vector<uint8_t> png = read_bytes(img), fgg = read_bytes(gallery);
    REQUIRE(png.size() > 100);
    trunc_img = dir + "/trunc.png";
    std::ofstream(trunc_img, std::ios::binary).write((const char*)png.data(), (std::streamsize)png.size() / 2);
    trunc_gallery = dir + "/trunc.fgg";  // cut inside the header: no record can be trusted
    std::ofstream(trunc_gallery, std::ios::binary).write((const char*)fgg.data(), 12);
    unreadable = dir + "/unreadable";
    std::ofstream(unreadable) << "secret";
    ::chmod(unreadable.c_str(), 0);
    sub = dir + "/subdir";
    ::mkdir(sub.c_str(), 0755);
    log = dir + "/audit.jsonl";
    std::ofstream(log) << "{\"prev\":\"" << std::string(64, '0') << "\",\"event\":\"start\"}\n";
  }
  ~Files() { std::system(("rm -rf '" + dir + "'").c_str()); }
};

// Root reads any file: the unreadable cases then run as nobody (setpriv), or are reported
// skipped when that is not possible.
std::string as_unprivileged(bool* possible) {
  *possible = true;
  if (::geteuid() != 0) return "";
  const std::string setpriv = "setpriv --reuid=65534 --regid=65534 --clear-groups ";
  // nobody must also be able to start the tool itself: a build tree under a 0700 directory
  // (a mktemp -d clone) or an emulator's sysroot there would fail every case with exit 1.
  if (run_command(setpriv + "true 2>&1").exit_code == 0 &&
      run_command(setpriv + tool_command("facegate") + " --version </dev/null 2>&1").exit_code == 0)
    return setpriv;
  *possible = false;
  return "";
}

void run_cases(const std::string& tool, const std::vector<Case>& cases, const std::string& prefix = "") {
  for (const Case& c : cases) {
    const CommandResult r = run_command(prefix + tool_command(tool) + " " + c.args + " </dev/null 2>&1");
    INFO(tool << " " << c.args << "\n" << r.out);
    CHECK(r.exit_code == c.expect);
    CHECK(r.exit_code < 128);  // no signal
  }
}

}  // namespace

TEST_CASE("facegate: usage errors exit 2 (missing, extra, garbage flags and values)") {
  Files f;
  const std::string i = f.img, j = f.img2, g = f.gallery;
  const std::vector<Case> cases = {
      {"", 2}, {"frobnicate", 2}, {"--bogus", 2},
      // missing arguments
      {"embed", 2}, {"compare " + i, 2}, {"detect", 2}, {"verify " + i, 2}, {"eval", 2}, {"eval lfw", 2},
      {"eval identify", 2}, {"enroll " + g + " amy", 2}, {"identify " + g, 2}, {"gallery", 2}, {"gallery list", 2},
      {"gallery remove " + g, 2}, {"train-head", 2}, {"train-head binary " + f.dir, 2}, {"verify-head " + f.empty + " " + i, 2},
      {"audit", 2}, {"audit verify", 2},
      // extra arguments
      {"compare " + i + " " + j + " " + i, 2}, {"verify " + i + " " + j + " " + i, 2},
      {"identify --annotate " + f.dir + "/a.jpg " + g + " " + i + " " + j, 2},  // several photos: no --annotate
      {"gallery list " + g + " extra", 2}, {"gallery remove " + g + " amy extra", 2}, {"eval lfw " + f.dir + " extra", 2},
      {"eval identify " + f.dir + " extra", 2}, {"verify-head " + f.empty + " " + i + " " + j + " " + i, 2},
      // unknown flags, flags without their value, unknown actions
      {"embed --bogus " + i, 2}, {"compare --bogus " + i + " " + j, 2}, {"detect --bogus " + i, 2},
      {"verify --bogus " + i + " " + j, 2}, {"eval lfw --bogus " + f.dir, 2}, {"eval identify --bogus " + f.dir, 2},
      {"enroll --bogus " + g + " amy " + i, 2}, {"identify --bogus " + g + " " + i, 2}, {"gallery list --bogus " + g, 2},
      {"train-head binary " + f.dir + " --out x --bogus", 2}, {"verify-head --bogus " + f.empty + " " + i + " " + j, 2},
      {"audit verify --bogus " + f.log, 2}, {"embed " + i + " --backend", 2}, {"verify " + i + " " + j + " --tau", 2},
      {"gallery frob " + g, 2}, {"audit frob " + f.log, 2}, {"eval frob " + f.dir, 2},
      {"train-head frob " + f.dir + " --out x", 2}, {"embed --backend warp " + i, 2},
      // garbage values: non-numbers, empty, inf/nan, out of range
      {"verify --tau inf " + i + " " + j, 2}, {"verify --tau '' " + i + " " + j, 2}, {"verify --tau nan " + i + " " + j, 2},
      {"verify --tau 1e30 " + i + " " + j, 2}, {"verify --tau -1 " + i + " " + j, 2}, {"verify --tau 0.3x " + i + " " + j, 2},
      {"compare --tau inf " + i + " " + j, 2}, {"compare --tau '' " + i + " " + j, 2}, {"identify --tau inf " + g + " " + i, 2},
      {"identify --tau '' " + g + " " + i, 2}, {"identify --top 0 " + g + " " + i, 2}, {"identify --top 1.5 " + g + " " + i, 2},
      {"identify --match best " + g + " " + i, 2}, {"detect --input-size abc " + i, 2}, {"detect --input-size 100 " + i, 2},
      {"detect --score 2 " + i, 2}, {"detect --score inf " + i, 2}, {"detect --net-threads -1 " + i, 2},
      {"embed --padding inf " + i, 2}, {"embed --template 7 " + i, 2}, {"embed --precision f16 " + i, 2},
      {"eval lfw --folds abc " + f.dir, 2}, {"eval lfw --folds 1-x " + f.dir, 2}, {"eval lfw --threads 0 " + f.dir, 2},
      {"eval lfw --jitter inf " + f.dir, 2}, {"eval identify --k abc " + f.dir, 2}, {"eval identify --seed x " + f.dir, 2},
      {"train-head binary " + f.dir + " --out x --epochs abc", 2}, {"train-head binary " + f.dir + " --out x --lr inf", 2},
      {"enroll --wait -1 " + g + " amy " + i, 2}, {"enroll --wait inf " + g + " amy " + i, 2},
      {"gallery remove --wait abc " + g + " amy", 2},
  };
  run_cases("facegate", cases);
}

TEST_CASE("facegate: bad input files exit 3 (nonexistent, directory, empty, truncated)") {
  Files f;
  const std::string i = f.img, g = f.gallery, none = f.dir + "/none";
  std::vector<Case> cases;
  for (const std::string& bad : {none, f.sub, f.empty, f.trunc_img}) {
    cases.push_back({"embed " + bad, 3});
    cases.push_back({"embed --crop " + bad, 3});
    cases.push_back({"detect " + bad, 3});
    cases.push_back({"compare " + bad + " " + i, 3});
    cases.push_back({"compare " + i + " " + bad, 3});
    cases.push_back({"verify " + bad + " " + i, 3});
    cases.push_back({"verify " + i + " " + bad, 3});
    cases.push_back({"identify " + g + " " + bad, 3});
    cases.push_back({"enroll " + f.dir + "/new.fgg amy " + bad, 3});
  }
  for (const std::string& bad : {none, f.sub, f.empty, f.trunc_gallery}) {
    cases.push_back({"identify " + bad + " " + i, 3});
    cases.push_back({"gallery list " + bad, 3});
    cases.push_back({"gallery info " + bad, 3});
    cases.push_back({"gallery remove " + bad + " amy", 3});
    cases.push_back({"gallery compact " + bad, 3});
    cases.push_back({"verify-head " + bad + " " + i + " " + i, 3});
  }
  for (const std::string& bad : {f.sub, f.empty, f.trunc_gallery}) cases.push_back({"enroll --crop " + bad + " amy " + i, 3});
  for (const std::string& bad : {none, f.empty}) {  // a file or nothing where the LFW folder should be
    cases.push_back({"eval lfw " + bad, 3});
    cases.push_back({"eval identify " + bad, 3});
    cases.push_back({"train-head binary " + bad + " --out " + f.dir + "/h.bin", 3});
  }
  cases.push_back({"eval lfw " + f.sub, 3});  // a folder without pairs.txt
  cases.push_back({"eval lfw --pairs " + f.trunc_img + " " + f.sub, 3});
  cases.push_back({"audit verify " + none, 3});
  cases.push_back({"audit verify " + f.sub, 3});
  cases.push_back({"gallery remove " + g + " nobody", 3});  // an unknown name is bad input
  cases.push_back({"embed --models " + none + " " + i, 3});
  run_cases("facegate", cases);
}

TEST_CASE("unreadable files exit 3") {
  Files f;
  bool possible;
  const std::string prefix = as_unprivileged(&possible);
  if (!possible) {
    MESSAGE("SKIPPED: running as root, and user nobody cannot run the tools here (no setpriv, or the build "
            "tree is not readable by others), so an unreadable file cannot be made");
    return;
  }
  const std::string i = f.img, u = f.unreadable;
  run_cases("facegate",
            {{"embed " + u, 3}, {"detect " + u, 3}, {"verify " + u + " " + i, 3}, {"compare " + i + " " + u, 3},
             {"identify " + u + " " + i, 3}, {"gallery list " + u, 3}, {"gallery info " + u, 3},
             {"verify-head " + u + " " + i + " " + i, 3}, {"audit verify " + u, 3}, {"eval lfw --pairs " + u + " " + f.sub, 3}},
            prefix);
  run_cases("facegate-door", {{"--models " + model_dir() + " --gallery " + u + " --source " + i, 3},
                              {"--models " + model_dir() + " --config " + u + " --gallery " + f.gallery + " --source " + i, 3}},
            prefix);
}

TEST_CASE("facegate-door: usage 2, bad input 3") {
  Files f;
  const std::string m = "--models " + model_dir() + " ", g = " --gallery " + f.gallery, s = " --source " + f.img;
  const std::string none = f.dir + "/none";
  const std::vector<Case> cases = {
      {m, 2}, {m + "--bogus" + g + s, 2}, {m + g, 2}, {m + s, 2}, {m + "extra" + g + s, 2}, {m + g + s + " --tau", 2},
      {m + g + s + " --tau 1e30", 2}, {m + g + s + " --tau inf", 2}, {m + g + s + " --tau ''", 2},
      {m + g + s + " --votes 0", 2}, {m + g + s + " --window abc", 2}, {m + g + s + " --score 1", 2},
      {m + g + s + " --input-size 33", 2}, {m + g + s + " --cooldown -1", 2}, {m + g + s + " --hold 0", 2},
      {m + g + s + " --actuator door", 2}, {m + g + s + " --actuator command", 2}, {m + g + s + " --log ''", 2},
      {m + g + s + " --log-keep 1001", 2}, {m + g + s + " --max-frames -1", 2}, {m + g + s + " --enroll amy", 2},
      {m + g + s + " --on-log-failure", 2}, {m + g + " --enroll unknown=" + f.img, 2},
      {m + "--gallery " + none + s, 3}, {m + "--gallery " + f.sub + s, 3}, {m + "--gallery " + f.empty + s, 3},
      {m + "--gallery " + f.trunc_gallery + s, 3}, {m + g + " --source " + none, 3}, {m + g + " --source " + f.sub, 3},
      {m + "--config " + none + g + s, 3}, {m + "--config " + f.sub + g + s, 3}, {"--models " + none + g + s, 3},
      {m + g + " --enroll amy=" + none, 3}, {m + g + " --enroll amy=" + f.trunc_img, 3},
      {m + g + s + " --log " + f.sub, 3},
  };
  run_cases("facegate-door", cases);
}

TEST_CASE("gallery busy: exit 4 once --wait runs out, success when the writer finishes in time") {
  Files f;
  const std::string fg = tool_command("facegate");
  // flock(1) takes the same flock(2) lock as runtime/gallery/gallery.cc's writer.
  // Under qemu `enroll` needs seconds to load and embed before it reaches the lock: hold longer.
  const char* emulator = std::getenv("FG_EXEC_PREFIX");
  const std::string hold_s = emulator && *emulator ? "8" : "2";
  const std::string hold = "flock " + f.gallery + " sleep " + hold_s + " & sleep 0.3; ";
  CommandResult r = run_command(hold + fg + " gallery remove --wait 0.5 " + f.gallery + " amy 2>&1; echo rc=$?; wait");
  INFO(r.out);
  CHECK(contains(r.out, "rc=4"));
  CHECK(contains(r.out, "locked by another writer"));
  r = run_command(hold + fg + " enroll --crop --wait 0 " + f.gallery + " amy " + f.img + " 2>&1; echo rc=$?; wait");
  CHECK(contains(r.out, "rc=4"));
  r = run_command(hold + fg + " gallery remove --wait 10 " + f.gallery + " amy 2>&1; echo rc=$?; wait");
  CHECK(contains(r.out, "rc=0"));
  CHECK(contains(r.out, "removed amy"));
}
