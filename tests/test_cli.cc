// The facegate CLI end to end: real binary, real files, exit codes and messages.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "test_util.h"

using namespace fg_test;

namespace {

using Run = CommandResult;

Run run(const std::string& args) { return run_command(tool_command("facegate") + " " + args + " 2>&1"); }

std::string sample(const std::string& person, int n) { return sample_face(person, n); }

bool has(const std::string& s, const std::string& needle) { return contains(s, needle); }

std::string temp_file(const std::string& name, const std::string& contents) {
  const std::string path = "/tmp/fg_test_cli_" + std::to_string(::getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << contents;
  return path;
}

}  // namespace

TEST_CASE("help and usage errors") {
  CHECK(run("--help").exit_code == 0);
  CHECK(has(run("--help").out, "compare"));
  Run r = run("");
  CHECK(r.exit_code == 2);
  r = run("frobnicate");
  CHECK(r.exit_code == 2);
  CHECK(has(r.out, "unknown command"));
  r = run("compare --tau");
  CHECK(r.exit_code == 2);
  CHECK(has(r.out, "needs a value"));
  r = run("compare --tau banana " + sample("amy", 1) + " " + sample("amy", 2));
  CHECK(r.exit_code == 2);
  r = run("compare --bogus " + sample("amy", 1) + " " + sample("amy", 2));
  CHECK(r.exit_code == 2);
  CHECK(has(r.out, "unknown option --bogus"));
  r = run("embed --backend warp " + sample("amy", 1));
  CHECK(r.exit_code == 2);
  CHECK(has(r.out, "unknown backend"));
  r = run("compare " + sample("amy", 1));
  CHECK(r.exit_code == 2);
}

TEST_CASE("embed reproduces the golden descriptor from the PNG") {
  Run r = run("embed --crop " + sample("amy", 1));
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.out);
  std::string path;
  in >> path;
  std::vector<float> got(128);
  for (float& v : got) in >> v;
  REQUIRE(in);
  const std::vector<float> want = read_f32(test_data_dir() + "/golden/recog_only__amy_amy1.png__descriptor.f32");
  REQUIRE(want.size() == 128);
  // Printed with 8 significant digits; the net itself is within 5e-7 of the golden.
  CHECK(max_abs_diff(got.data(), want.data(), 128) <= 1e-4f);
  r = run("embed --crop --json " + sample("amy", 1) + " " + sample("raj", 2));
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "\"embedding\": ["));
}

TEST_CASE("compare: verdicts and exit codes") {
  Run same = run("compare " + sample("sheldon", 1) + " " + sample("sheldon", 3));
  CHECK(same.exit_code == 0);
  CHECK(has(same.out, "same person"));
  Run diff = run("compare --json " + sample("sheldon", 1) + " " + sample("penny", 1));
  CHECK(diff.exit_code == 1);
  CHECK(has(diff.out, "\"same\": false"));
  // tau 0 makes everything "different"; a huge tau makes everything "same".
  CHECK(run("compare --tau 0 " + sample("sheldon", 1) + " " + sample("sheldon", 3)).exit_code == 1);
  CHECK(run("compare --tau 100 " + sample("sheldon", 1) + " " + sample("penny", 1)).exit_code == 0);
}

TEST_CASE("bad inputs: clear message, exit 3, no crash") {
  Run r = run("embed /nonexistent/face.png");
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "/nonexistent/face.png"));
  const std::string png = std::string(reinterpret_cast<const char*>(read_bytes(sample("amy", 1)).data()),
                                      read_bytes(sample("amy", 1)).size());
  r = run("embed " + temp_file("truncated.png", png.substr(0, png.size() / 2)));
  CHECK(r.exit_code == 3);
  r = run("embed " + temp_file("garbage.jpg", "this is not an image at all"));
  CHECK(r.exit_code == 3);
  r = run("embed --models /nonexistent " + sample("amy", 1));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "cannot open model file"));
  // A model file of the wrong net is refused by name.
  r = run("embed --models " + temp_file("dir", "") + "_nope " + sample("amy", 1));
  CHECK(r.exit_code == 3);
  const std::string broken = temp_file("recognition.fgm", "FGMODEL");
  const std::string dir = broken.substr(0, broken.find_last_of('/'));
  // --models takes a directory: point it at one holding a 7-byte "model".
  const std::string sub = dir + "/fg_cli_bad_models_" + std::to_string(::getpid());
  REQUIRE(std::system(("mkdir -p " + sub + " && cp " + broken + " " + sub + "/recognition.fgm").c_str()) == 0);
  r = run("embed --crop --models " + sub + " " + sample("amy", 1));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "truncated"));
}

namespace {
std::string photo(const std::string& name) { return test_data_dir() + "/pipeline/" + name; }
size_t count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_CASE("detect / embed / verify on whole photos") {
  Run r = run("detect " + photo("bbt4.jpg"));
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "6 faces"));
  r = run("detect --json " + photo("bbt4.jpg") + " " + photo("white.png"));
  CHECK(r.exit_code == 0);
  CHECK(count(r.out, "\"landmarks68\"") == 6);
  CHECK(has(r.out, "\"faces\": []"));  // white.png: no face (an empty array, printed by nlohmann)
  r = run("detect --input-size 100 " + photo("bbt4.jpg"));
  CHECK(r.exit_code == 2);
  CHECK(has(r.out, "multiple of 32"));
  r = run("detect --score 2 " + photo("bbt4.jpg"));
  CHECK(r.exit_code == 2);
  // Threads inside the nets change nothing in the answer (native: bit-identical splits).
  const Run one = run("detect --json " + photo("bbt4.jpg"));
  const Run two = run("detect --json --net-threads 2 " + photo("bbt4.jpg"));
  CHECK(two.exit_code == 0);
  CHECK(two.out == one.out);
  r = run("detect --net-threads -1 " + photo("bbt4.jpg"));
  CHECK(r.exit_code == 2);
  CHECK(has(r.out, "--net-threads must be"));
  // One embedding line per face; a photo without a face is named, exit 3.
  r = run("embed " + photo("bbt4.jpg"));
  CHECK(r.exit_code == 0);
  CHECK(count(r.out, "bbt4.jpg#") == 6);
  r = run("embed --json " + photo("angry.jpg") + " " + photo("white.png"));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "no face found in " + photo("white.png")));
  CHECK(count(r.out, "\"embedding\": [") == 1);
  // The largest face of bbt4 and face_rectangular are the same person; angry is not.
  for (const char* mode : {"--align", "--crop"}) {
    INFO(mode);
    r = run(std::string("verify ") + mode + " " + photo("bbt4.jpg") + " " + photo("face_rectangular.png"));
    CHECK(r.exit_code == 0);
    CHECK(has(r.out, "same person"));
    r = run(std::string("verify --json ") + mode + " " + photo("angry.jpg") + " " + photo("face_rectangular.png"));
    CHECK(r.exit_code == 1);
    CHECK(has(r.out, "\"same\": false"));
  }
  r = run("verify " + photo("angry.jpg") + " " + photo("white.png"));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "no face found in " + photo("white.png")));
  r = run("verify " + photo("angry.jpg") + " /nonexistent.jpg");
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "/nonexistent.jpg"));
  r = run("verify --align --crop " + photo("angry.jpg") + " " + photo("angry.jpg"));
  CHECK(r.exit_code == 2);
  r = run("eval mnist /tmp");
  CHECK(r.exit_code == 2);
  r = run("eval lfw /nonexistent_lfw");
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "pairs"));
}

TEST_CASE("eval lfw on a 2-fold toy pairs file (needs ../shared/data/lfw)" * doctest::test_suite("shared")) {
  const std::string dir = env_or("FG_SHARED_DIR", "../shared") + "/data/lfw";
  if (!path_exists(dir + "/pairs.txt")) {
    FG_SKIP_TEST("eval lfw CLI run: " << dir << " absent");
  }
  const std::string pairs = temp_file("pairs.txt",
                                      "2\t1\nAaron_Peirsol\t1\t2\nAbdullah_Gul\t1\tAlan_Ball\t1\n"
                                      "Aaron_Peirsol\t3\t4\nAbdullah_Gul\t2\tAdrien_Brody\t1\n");
  const std::string json = temp_file("eval.json", "");
  Run r = run("eval lfw " + dir + " --pairs " + pairs + " --json " + json + " --folds 1-2");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "4 pairs (2 same)"));
  CHECK(has(r.out, "TAR @ FAR 1e-3"));
  const std::vector<uint8_t> j = read_bytes(json);
  CHECK(has(std::string(j.begin(), j.end()), "\"mean_accuracy\""));
  r = run("eval lfw " + dir + " --pairs " + pairs + " --folds 3");
  CHECK(r.exit_code == 2);
}
