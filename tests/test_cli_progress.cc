// facegate's progress line on real processes (tools/cli/progress.h): identify of many probes
// and eval pad show "\r<label>: k/n ..." on stderr only when it is a terminal (a pty from
// util-linux `script`), nothing with --quiet, and no live line into a pipe.
// $FG_PROGRESS_AFTER_S=0 removes the 1 s delay so the quick jobs here still draw the line.
// Also: identify of several probes (one answer each, in order; --json an array; exit 1 when
// any probe is not recognized).
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "test_util.h"

using namespace fg_test;

namespace {

std::string frame(const std::string& name) { return env_or("FG_SOURCE_DIR", ".") + "/samples/frames/" + name; }

std::string facegate() { return tool_command("facegate"); }

bool have_script() { return run_command("script --version >/dev/null 2>&1").exit_code == 0; }

// `cmd` with stderr on a pseudo-terminal: what the terminal showed (stdout goes to `out`).
std::string on_terminal(const std::string& cmd, const std::string& out) {
  const std::string inner = "FG_PROGRESS_AFTER_S=0 " + cmd + " >" + out;
  std::string quoted;  // inside single quotes for script -c
  for (char c : inner) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return run_command("script -qec '" + quoted + "' /dev/null </dev/null").out;
}

// A gallery with amy and sheldon enrolled (key in dir/k).
struct Gallery {
  TempDir dir{"fg_cli_progress"};
  std::string key = dir.path + "/k", path = dir.path + "/g.fgg";
  Gallery() {
    REQUIRE(run_command(facegate() + " gallery keygen " + key + " 2>&1").exit_code == 0);
    const std::string enroll = facegate() + " enroll --quiet --gallery-key " + key + " " + path;
    REQUIRE(run_command(enroll + " amy " + sample_face("amy", 1) + " " + sample_face("amy", 2) + " 2>&1").exit_code == 0);
    REQUIRE(run_command(enroll + " sheldon " + sample_face("sheldon", 1) + " 2>&1").exit_code == 0);
  }
  std::string identify(const std::string& opts) const {
    return facegate() + " identify --gallery-key " + key + " " + opts + " " + path;
  }
};

}  // namespace

TEST_CASE("identify: several probes, one answer each in order; --json an array; exit 1 if any is unknown") {
  Gallery g;
  const std::string probes = " " + frame("amy3.png") + " " + frame("penny4.png") + " " + frame("amy4.png");
  CommandResult r = run_command(g.identify("") + probes + " 2>/dev/null");
  CHECK(r.exit_code == 1);  // penny is not enrolled
  const size_t a3 = r.out.find("amy3.png: amy"), p4 = r.out.find("penny4.png: not recognized"),
               a4 = r.out.find("amy4.png: amy");
  CHECK(a3 != std::string::npos);
  CHECK(p4 != std::string::npos);
  CHECK(a4 != std::string::npos);
  CHECK((a3 < p4 && p4 < a4));
  r = run_command(g.identify("--json") + probes + " 2>/dev/null");
  CHECK(r.exit_code == 1);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  REQUIRE(j.is_array());
  REQUIRE(j.size() == 3);
  CHECK(j[0]["image"] == frame("amy3.png"));
  CHECK(j[0]["name"] == "amy");
  CHECK(j[1]["name"].is_null());
  CHECK(j[1]["recognized"] == false);
  CHECK(j[2]["name"] == "amy");
  // Every probe recognized: exit 0. One probe: the object itself, as before.
  const std::string two_amys = " " + frame("amy3.png") + " " + frame("amy5.png");
  CHECK(run_command(g.identify("") + two_amys + " 2>/dev/null").exit_code == 0);
  r = run_command(g.identify("--json") + " " + frame("amy3.png") + " 2>/dev/null");
  CHECK(nlohmann::json::parse(r.out).is_object());
  // --annotate draws one photo.
  r = run_command(g.identify("--annotate " + g.dir.path + "/a.jpg") + probes + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "--annotate takes one photo"));
}

TEST_CASE("identify of many probes: progress on a terminal, none with --quiet, no live line into a pipe") {
  REQUIRE_MESSAGE(have_script(), "util-linux script (bsdutils, Essential in Debian) is needed for a pty");
  Gallery g;
  std::string probes;
  for (int i = 0; i < 4; ++i) probes += " " + frame("amy3.png") + " " + frame("sheldon3.png");
  const std::string out = g.dir.path + "/out.txt";
  std::string tty = on_terminal(g.identify("") + probes, out);
  INFO(tty);
  CHECK(contains(tty, "\ridentify: 8/8 probes"));
  CHECK(contains(tty, "probes/s"));
  std::ifstream f(out);
  const std::string stdout_text((std::istreambuf_iterator<char>(f)), {});
  CHECK(!contains(stdout_text, "probes"));  // the answers only: progress is stderr's
  CHECK(contains(stdout_text, "sheldon3.png: sheldon"));
  tty = on_terminal(g.identify("--quiet") + probes, out);
  CHECK(!contains(tty, "identify:"));
  // stderr a pipe: no \r line (and a job under 2 s prints no summary either).
  const CommandResult piped = run_command("FG_PROGRESS_AFTER_S=0 " + g.identify("") + probes + " 2>&1 >/dev/null");
  CHECK(!contains(piped.out, "\r"));
}

TEST_CASE("eval pad: progress on a terminal, none with --quiet; --json parses with an odd folder name") {
  REQUIRE_MESSAGE(have_script(), "util-linux script (bsdutils, Essential in Debian) is needed for a pty");
  // A tiny NUAA-layout set from the bundled frames: 2 "bona fide" and 2 "attack" images.
  TempDir tmp("fg_pad_progress");
  const std::string dir = tmp.path + "/pad";
  for (const char* sub : {"/ClientRaw/0001", "/ImposterRaw/0001"})
    REQUIRE(run_command("mkdir -p " + dir + sub).exit_code == 0);
  for (const char* n : {"amy3.png", "amy4.png"}) {
    REQUIRE(run_command("cp " + frame(n) + " " + dir + "/ClientRaw/0001/").exit_code == 0);
    REQUIRE(run_command("cp " + frame(n) + " " + dir + "/ImposterRaw/0001/").exit_code == 0);
  }
  std::ofstream(dir + "/client_train.txt") << "0001/amy3.png\n0001/amy4.png\n";
  std::ofstream(dir + "/imposter_train.txt") << "0001/amy3.png\n0001/amy4.png\n";
  // The report's "dataset" is the folder as given: a name with '"', '\\' and UTF-8 stays JSON.
  const std::string odd = tmp.path + "/pad \"q\\\xC3\xA9";
  REQUIRE(::rename(dir.c_str(), odd.c_str()) == 0);
  const std::string json_out = tmp.path + "/pad.json";
  const CommandResult rj = run_command(facegate() + " eval pad --quiet --json " + json_out + " '" + odd + "' 2>&1");
  INFO(rj.out);
  REQUIRE(rj.exit_code == 0);
  std::ifstream jf(json_out);
  const nlohmann::json report = nlohmann::json::parse(jf);
  CHECK(report["dataset"] == odd);
  CHECK(report["bona_fide"] == 2);
  CHECK(report["at_threshold"]["apcer"].is_number());
  REQUIRE(::rename(odd.c_str(), dir.c_str()) == 0);
  const std::string out = tmp.path + "/out.txt";
  std::string tty = on_terminal(facegate() + " eval pad " + dir, out);
  INFO(tty);
  CHECK(contains(tty, "\reval pad: 4/4 images"));
  tty = on_terminal(facegate() + " eval pad --quiet " + dir, out);
  CHECK(!contains(tty, "eval pad:"));
  std::ifstream f(out);
  const std::string text((std::istreambuf_iterator<char>(f)), {});
  CHECK(contains(text, "APCER"));  // it ran
}
