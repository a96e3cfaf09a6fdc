// facegate eval door (tools/cli/cmd_eval_door.cc) and its transforms (runtime/eval/door_conditions.h).
#include <doctest/doctest.h>

#include <string>
#include <unistd.h>

#include "runtime/eval/door_conditions.h"
#include "test_util.h"

namespace {

fg::Image test_photo() {
  fg::Image img = fg::image_make(250, 250, 3);
  for (int y = 0; y < 250; ++y)
    for (int x = 0; x < 250; ++x) {
      uint8_t* p = img.row(y) + 3 * x;
      p[0] = (uint8_t)x, p[1] = (uint8_t)y, p[2] = (uint8_t)((x + y) / 2);
    }
  return img;
}

TEST_CASE("door transforms: deterministic per seed, frame sizes, and each changes the photo") {
  const fg::Image in = test_photo();
  for (fg::DoorTransform t : fg::door_transforms()) {
    fg::Image a, b;
    REQUIRE(fg::door_transform_apply(in, t, 7, &a));
    REQUIRE(fg::door_transform_apply(in, t, 7, &b));
    CHECK(a.pixels == b.pixels);
    const std::string name = fg::door_transform_name(t);
    fg::DoorTransform back;
    CHECK(fg::door_transform_from_name(name, &back));
    CHECK(back == t);
    if (name.rfind("frame", 0) == 0) {
      CHECK(a.width == fg::kDoorFrameWidth);
      CHECK(a.height == fg::kDoorFrameHeight);
      fg::Image c;
      REQUIRE(fg::door_transform_apply(in, t, 8, &c));
      CHECK(c.pixels != a.pixels);  // the seed moves the face and the noise
    } else {
      CHECK(a.width == in.width);
      CHECK((t == fg::DoorTransform::kNone) == (a.pixels == in.pixels));
    }
  }
  fg::Image g;
  REQUIRE(fg::door_transform_apply(in, fg::DoorTransform::kGray, 1, &g));
  CHECK(g.row(10)[30] == g.row(10)[31]);
  CHECK(g.row(10)[31] == g.row(10)[32]);
  fg::Image bad = fg::image_make(4, 4, 1);
  CHECK(!fg::door_transform_apply(bad, fg::DoorTransform::kGray, 1, &g));
}

TEST_CASE("eval door: bad usage exits 2") {
  const std::string f = fg_test::tool_command("facegate");
  CHECK(fg_test::run_command(f + " eval door 2>&1").exit_code == 2);
  CHECK(fg_test::run_command(f + " eval door /x --transform sepia 2>&1").exit_code == 2);
  CHECK(fg_test::run_command(f + " eval door /x --pairs 1 2>&1").exit_code == 2);
  CHECK(fg_test::run_command(f + " eval door /x --input-size 33 2>&1").exit_code == 2);
  CHECK(fg_test::run_command(f + " eval door /x --detector yunet 2>&1").exit_code == 2);
  CHECK(fg_test::run_command(f + " eval door /nonexistent-lfw 2>&1").exit_code == 3);
}

TEST_CASE("eval door: 60 LFW pairs, untransformed and 126 px in a frame" * doctest::test_suite("shared")) {
  const std::string dir = fg_test::env_or("FG_SHARED_DIR", "../shared") + "/data/lfw";
  if (!fg_test::path_exists(dir + "/pairs.txt")) FG_SKIP_TEST("no LFW at " << dir);
  const std::string json = "/tmp/fg_test_eval_door_" + std::to_string(::getpid()) + ".json";
  for (const char* t : {"none", "frame126"}) {
    const fg_test::CommandResult r = fg_test::run_command(fg_test::tool_command("facegate") + " eval door " + dir +
                                                          " --pairs 60 --quiet --transform " + t + " --json " + json + " 2>&1");
    MESSAGE(r.out);
    REQUIRE(r.exit_code == 0);
    const std::vector<uint8_t> bytes = fg_test::read_bytes(json);
    const std::string text(bytes.begin(), bytes.end());
    CHECK(fg_test::contains(text, "\"precision\": \"int8\""));
    CHECK(fg_test::contains(text, "\"detector_input_size\": 416"));
    CHECK(fg_test::contains(text, std::string("\"transform\": \"") + t + "\""));
    // Measured on 100 pairs: none 86% detected, 91% accurate; frame126 98% / 97%.
    CHECK(fg_test::contains(r.out, "60 pairs"));
    CHECK(!fg_test::contains(r.out, "  0.00%"));
  }
  std::remove(json.c_str());
}

}  // namespace
