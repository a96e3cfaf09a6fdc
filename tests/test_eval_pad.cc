// facegate eval pad (tools/cli/cmd_eval_pad.cc): usage errors, and the NUAA figures on a small
// held-out subset (people 6-9, never used to choose the threshold) when ../shared has them.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <unistd.h>

#include "test_util.h"

namespace {

using fg_test::contains;
using fg_test::run_command;
using fg_test::tool_command;

// The number after "key": in a flat JSON object (the report writes one "key": {...} per rate).
double json_number(const std::string& text, const std::string& key, size_t from = 0) {
  const size_t at = text.find("\"" + key + "\":", from);
  REQUIRE_MESSAGE(at != std::string::npos, "no " << key << " in " << text);
  double v = -1;
  REQUIRE(std::sscanf(text.c_str() + at + key.size() + 3, "%lf", &v) == 1);
  return v;
}

TEST_CASE("eval pad: bad usage exits 2, a missing list 3") {
  CHECK(run_command(tool_command("facegate") + " eval pad 2>&1").exit_code == 2);
  CHECK(run_command(tool_command("facegate") + " eval pad /x --every 0 2>&1").exit_code == 2);
  CHECK(run_command(tool_command("facegate") + " eval pad /x --threshold 2 2>&1").exit_code == 2);
  CHECK(run_command(tool_command("facegate") + " eval pad /x --persons a-b 2>&1").exit_code == 2);
  CHECK(run_command(tool_command("facegate") + " eval pad /x --liveness-precision f16 2>&1").exit_code == 2);
  const fg_test::CommandResult r = run_command(tool_command("facegate") + " eval pad /nonexistent-pad-dir 2>&1");
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "cannot read the list"));
}

TEST_CASE("eval pad: NUAA people 6-9 at the shipped threshold" * doctest::test_suite("shared")) {
  const std::string dir = fg_test::env_or("FG_SHARED_DIR", "../shared") + "/data/nuaa-train";
  if (!fg_test::path_exists(dir + "/client_train.txt")) FG_SKIP_TEST("no NUAA subset at " << dir);
  const std::string json = "/tmp/fg_test_eval_pad_" + std::to_string(::getpid()) + ".json";
  const fg_test::CommandResult r =
      run_command(tool_command("facegate") + " eval pad " + dir + " --persons 6-9 --every 8 --json " + json + " 2>&1");
  MESSAGE(r.out);
  REQUIRE(r.exit_code == 0);
  const std::vector<uint8_t> bytes = fg_test::read_bytes(json);
  std::remove(json.c_str());
  const std::string text(bytes.begin(), bytes.end());
  CHECK(json_number(text, "bona_fide") >= 50);
  CHECK(json_number(text, "attacks") >= 40);
  CHECK(json_number(text, "auc") > 0.98);
  const size_t at = text.find("\"at_threshold\"");
  REQUIRE(at != std::string::npos);
  CHECK(json_number(text, "threshold", at) == doctest::Approx(0.30));
  // The done-when target of issue 13 on the held-out people: APCER <= 1% at BPCER <= 5%.
  CHECK(json_number(text, "apcer", at) <= 0.01);
  CHECK(json_number(text, "bpcer", at) <= 0.05);
}

// The int8 liveness nets (the door's --precision int8) on all of people 6-9: a subset is too
// small here (one accepted attack of the 46 in every 8th image is 2.2%; of all 359, 2 are).
// Minutes under emulation: host only.
TEST_CASE("eval pad: NUAA people 6-9, int8 liveness nets, at the shipped threshold" * doctest::test_suite("shared")) {
  const std::string dir = fg_test::env_or("FG_SHARED_DIR", "../shared") + "/data/nuaa-train";
  if (!fg_test::path_exists(dir + "/client_train.txt")) FG_SKIP_TEST("no NUAA subset at " << dir);
  if (!fg_test::env_or("FG_EXEC_PREFIX", "").empty()) FG_SKIP_TEST("833 images: not under an emulator");
  const std::string json = "/tmp/fg_test_eval_pad8_" + std::to_string(::getpid()) + ".json";
  const fg_test::CommandResult r = run_command(tool_command("facegate") + " eval pad " + dir +
                                               " --persons 6-9 --liveness-precision int8 --json " + json + " 2>&1");
  MESSAGE(r.out);
  REQUIRE(r.exit_code == 0);
  const std::vector<uint8_t> bytes = fg_test::read_bytes(json);
  std::remove(json.c_str());
  const std::string text(bytes.begin(), bytes.end());
  CHECK(text.find("\"liveness_precision\": \"int8\"") != std::string::npos);
  CHECK(json_number(text, "attacks") >= 350);
  const size_t at = text.find("\"at_threshold\"");
  REQUIRE(at != std::string::npos);
  // Measured: APCER 0.56% (2 of 359), BPCER 1.14% (5 of 440); f32: 0.28% / 3.86%.
  CHECK(json_number(text, "apcer", at) <= 0.01);
  CHECK(json_number(text, "bpcer", at) <= 0.05);
}

}  // namespace

