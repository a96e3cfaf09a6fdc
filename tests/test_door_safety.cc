// facegate-door failing closed, end to end (issue 16 parts 5-7): a full disk or a file-size
// limit -> no opening without an audit line and exit 5; kill -9 in a loop (tests/
// door_kill_loop.sh, 30 runs here) -> no printed decision missing from the log and the chain
// verifies; the command actuator's timeout kills the whole process group and runs the relock
// step; bad values and files give exit 2 / 3.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "runtime/gallery/gallery_key.h"
#include "test_util.h"

using namespace fg_test;

namespace {

// --liveness off: the bundled frames are broadcast stills the passive net rejects (docs/liveness.md).
std::string door_cmd() { return tool_command("facegate-door") + " --liveness off --models " + model_dir(); }
std::string src_dir() { return env_or("FG_SOURCE_DIR", "."); }
std::string frames() { return src_dir() + "/samples/frames"; }

std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

struct Dir {
  std::string path, gallery;
  Dir() {
    char tmpl[] = "/tmp/fg_door_safety_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
    gallery = path + "/g.fgg";
    // An authenticated gallery (format v2): every command below finds the key through
    // $FG_GALLERY_KEY, as a deployed door would through --gallery-key.
    const std::string key = path + "/gallery.key";
    REQUIRE(fg::gallery_keygen(key).is_ok());
    ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
    REQUIRE(path_exists(bin_dir() + "/facegate-door"));  // a dependency of this test: never skipped
    const CommandResult r = run_command(door_cmd() + " --gallery " + gallery + " --enroll amy=" + sample_face("amy", 1) +
                                        "," + sample_face("amy", 2) + " --enroll sheldon=" + sample_face("sheldon", 1) +
                                        " 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
  }
  ~Dir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

// Every opening appends one line to `opened`.
std::string opener(const std::string& opened) {
  return " --actuator command --command 'echo \"$FG_PERSON\" >> " + opened + "'";
}

}  // namespace

TEST_CASE("disk full (/dev/full): exit 5, nothing opened") {
  Dir d;
  const std::string opened = d.path + "/opened";
  const CommandResult r = run_command(door_cmd() + " --gallery " + d.gallery + " --source " + frames() +
                                      " --cooldown 0 --visit-gap 0 --votes 1 --window 1 --log /dev/full" + opener(opened) + " 2>&1");
  INFO(r.out);
  CHECK(r.exit_code == 5);
  CHECK(contains(r.out, "log_failure"));
  CHECK(!path_exists(opened));
}

TEST_CASE("file-size limit mid-run (RLIMIT_FSIZE, SIGXFSZ ignored): every opening has its audit line") {
  Dir d;
  const std::string opened = d.path + "/opened", log = d.path + "/a.jsonl";
  // 6 KiB: the start line and a dozen decisions fit, then writes fail with EFBIG.
  const CommandResult r = run_command("bash -c \"trap '' XFSZ; ulimit -f 6; exec " + door_cmd() + " --gallery " +
                                      d.gallery + " --source " + frames() + " --loop 50 --cooldown 0 --visit-gap 0 --votes 1 --window 1 --quiet --log " +
                                      log + opener(opened) + "\" 2>&1");
  INFO(r.out);
  CHECK(r.exit_code == 5);
  const std::string text = read_all(log);
  const size_t granted = count(text, "\"granted\":true"), openings = count(read_all(opened), "\n");
  MESSAGE("log " << text.size() << " bytes, " << granted << " granted lines, " << openings << " openings");
  CHECK(granted > 0);
  CHECK(openings == granted);
  CHECK(text.back() == '\n');  // the short write was truncated away
  CHECK(run_command(tool_command("facegate") + " audit verify " + log + " 2>&1").exit_code == 0);
}

TEST_CASE("kill -9 loop: no printed decision missing from the log, the chain verifies") {
  // The kill moments (20-700 ms after start) are chosen for native speed; under qemu the
  // door has not finished starting by then, and the script runs the binaries directly.
  const char* emulator = std::getenv("FG_EXEC_PREFIX");
  if (emulator && *emulator) FG_SKIP_TEST("kill -9 loop runs natively only (emulated: " << emulator << ")");
  const int n = std::atoi(env_or("FG_KILL_LOOP_RUNS", "30").c_str());
  const CommandResult r = run_command("bash " + src_dir() + "/tests/door_kill_loop.sh " + std::to_string(n) + " " +
                                      bin_dir() + " " + model_dir() + " " + src_dir() + " 2>&1");
  MESSAGE(r.out);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, " 0 missing from the log"));
}

TEST_CASE("command timeout: the whole process group is killed and the relock step runs") {
  Dir d;
  const std::string relay = d.path + "/relay.sh", state = d.path + "/state", pidfile = d.path + "/sleep.pid";
  // The relay: on; sleep 6; off. The sleep writes its pid first so the test can see it die.
  std::ofstream(relay) << "echo on >> " << state << "\nsh -c 'echo $$ > " << pidfile << "; exec sleep 6'\necho off >> "
                       << state << "\n";
  const CommandResult r = run_command(door_cmd() + " --gallery " + d.gallery + " --source " + frames() +
                                      "/amy3.png --votes 1 --window 1 --actuator command --command 'sh " + relay +
                                      "' --command-timeout 2 --command-on-timeout 'echo relock >> " + state + "' 2>&1");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(contains(r.out, "process group killed"));
  CHECK(read_all(state) == "on\nrelock\n");
  const std::string pid = read_all(pidfile);
  REQUIRE(!pid.empty());
  // Gone, or a zombie waiting for init: not sleeping on with the door open. SIGKILL is
  // delivered asynchronously: on a loaded machine the process may still show as running for a
  // moment after the door returned, so look for up to 2 s (the sleep itself lasts 6).
  std::string status;
  for (int i = 0; i < 40; ++i) {
    status = read_all("/proc/" + pid.substr(0, pid.find('\n')) + "/status");
    if (status.empty() || contains(status, "State:\tZ")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK((status.empty() || contains(status, "State:\tZ")));
}

TEST_CASE("door values and files: exit 2 for usage, 3 for bad input") {
  Dir d;
  const std::string base = door_cmd() + " --gallery " + d.gallery + " --source " + frames();
  for (const char* bad : {"--tau 1e30", "--tau inf", "--tau nan", "--tau -0.1", "--tau ''", "--cooldown 1e400",
                          "--command-timeout 0", "--hold inf", "--on-log-failure maybe", "--actuator command",
                          "--log-max-bytes -1", "--votes 1.5"}) {
    INFO(bad);
    CHECK(run_command(base + " " + bad + " 2>&1").exit_code == 2);
  }
  CHECK(run_command(base + " --config " + d.path + "/missing.conf 2>&1").exit_code == 3);
  CHECK(run_command(base + " --config " + d.path + " 2>&1").exit_code == 3);  // a directory
  CHECK(run_command(base + " --tau 4 --max-frames 1 --quiet 2>&1").exit_code == 0);
}

TEST_CASE("a real full filesystem (16 KiB tmpfs, root only) with rotation: every opening has its audit line") {
  Dir d;
  const std::string mnt = d.path + "/mnt", opened = d.path + "/opened";
  REQUIRE(::mkdir(mnt.c_str(), 0755) == 0);
  if (run_command("mount -t tmpfs -o size=16k tmpfs " + mnt + " 2>&1").exit_code != 0) {
    MESSAGE("SKIPPED: cannot mount a tmpfs here (needs root); the RLIMIT_FSIZE and /dev/full cases cover the rest");
    return;
  }
  const CommandResult r = run_command(door_cmd() + " --gallery " + d.gallery + " --source " + frames() +
                                      " --loop 50 --cooldown 0 --visit-gap 0 --votes 1 --window 1 --quiet --log " + mnt + "/a.jsonl --log-max-bytes 4096" +
                                      opener(opened) + " 2>&1");
  const std::string logs = run_command("cat " + mnt + "/a.jsonl*").out;
  run_command("umount " + mnt);
  INFO(r.out);
  CHECK(r.exit_code == 5);
  CHECK(contains(r.out, "No space left on device"));
  const size_t granted = count(logs, "\"granted\":true"), openings = count(read_all(opened), "\n");
  MESSAGE(granted << " granted lines, " << openings << " openings");
  CHECK(granted > 0);
  CHECK(openings == granted);
}
