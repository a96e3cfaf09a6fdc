// One rule for every command (issue 14 item 5): verify, embed, enroll and identify take "the
// face" of a picture as facegate-door does (runtime/vision/face_photo.h: largest face, a tight
// chip retried on a gray canvas); enroll makes galleries the door opens with its defaults;
// every --input-size the options accept has a model in both precisions.
#include <string>

#include "test_util.h"

using namespace fg_test;

namespace {

CommandResult cli(const std::string& args) { return run_command(tool_command("facegate") + " " + args + " 2>&1"); }
CommandResult door(const std::string& args) {
  return run_command(tool_command("facegate-door") + " --models " + model_dir() + " " + args + " </dev/null 2>&1");
}
std::string frame(const std::string& name) { return env_or("FG_SOURCE_DIR", ".") + "/samples/frames/" + name; }
std::string models() { return " --models " + model_dir() + " "; }

}  // namespace

TEST_CASE("verify: tight chips and whole frames, f32 and int8") {
  for (const char* p : {"f32", "int8"}) {
    INFO(p);
    const std::string o = models() + "--precision " + p + " ";
    // Chips: the detector finds no face on amy1 (f32) and only part of amy2 (int8, 70 of
    // 150 px) without the canvas; both said "no face found" / "different people" before.
    CommandResult r = cli("verify" + o + sample_face("amy", 1) + " " + sample_face("amy", 2));
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    CHECK(contains(r.out, "same person"));
    // A chip against a whole 320x320 frame of the same person.
    r = cli("verify" + o + sample_face("amy", 1) + " " + frame("amy3.png"));
    CHECK_MESSAGE(r.exit_code == 0, r.out);
    // And the rule does not make everyone the same.
    r = cli("verify" + o + sample_face("amy", 1) + " " + sample_face("penny", 1));
    CHECK_MESSAGE(r.exit_code == 1, r.out);
    r = cli("verify" + o + frame("amy3.png") + " " + frame("sheldon3.png"));
    CHECK_MESSAGE(r.exit_code == 1, r.out);
  }
  // A picture with no face is still "no face found" (exit 3) after the canvases.
  const CommandResult r = cli("verify" + models() + sample_face("amy", 1) + " " + test_data_dir() + "/pipeline/white.png");
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "no face found"));
}

TEST_CASE("embed: a tight chip has a face (box in the chip's coordinates)") {
  const CommandResult r = cli("embed --json" + models() + sample_face("raj", 1));
  CHECK_MESSAGE(r.exit_code == 0, r.out);
  CHECK(contains(r.out, "\"embedding\": ["));
  // The box was found on a canvas and moved back: it lies around the 150x150 chip, not in
  // the canvas's middle (x ~150 for the 2x canvas).
  const std::string box = r.out.substr(r.out.find("\"box\""), 60);
  INFO(box);
  const float x = std::stof(box.substr(box.find('[') + 1));
  CHECK(x > -40.f);
  CHECK(x < 60.f);
}

TEST_CASE("enroll (defaults) -> facegate-door (defaults) opens the gallery and grants; identify agrees") {
  TempDir dir("fg_one_rule");
  const std::string key = dir.file("k.key"), g = dir.file("g.fgg"), log = dir.file("log.jsonl");
  REQUIRE(cli("gallery keygen " + key).exit_code == 0);
  const std::string kg = " --gallery-key " + key + " ";
  CommandResult r = cli("enroll" + models() + kg + g + " amy " + sample_face("amy", 1) + " " + sample_face("amy", 2));
  REQUIRE_MESSAGE(r.exit_code == 0, r.out);
  CHECK(contains(r.out, "recognition-int8"));  // the door's precision
  CHECK(!contains(r.out, "whole image"));
  r = cli("identify" + models() + kg + g + " " + sample_face("amy", 3) + " " + frame("amy5.png"));
  CHECK_MESSAGE(r.exit_code == 0, r.out);
  // The door with its defaults (int8): before, it refused this gallery (f32 encoder) with exit 3.
  r = door("--liveness off" + kg + "--gallery " + g + " --source " + frame("amy3.png") + "," + frame("amy4.png") +
           " --votes 2 --window 3 --quiet --log " + log);
  CHECK_MESSAGE(r.exit_code == 0, r.out);
  bool granted = false;
  for (const std::string& l : read_lines(log))
    granted = granted || (field(l, "decision") == "grant" && field(l, "name") == "amy");
  CHECK(granted);
  // The other precision is refused with the option that opens it named.
  r = cli("identify --precision f32" + models() + kg + g + " " + sample_face("amy", 3));
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "needs --precision int8"));
  // A picture without a face enrols nothing (the door refuses it too).
  r = cli("enroll" + models() + kg + g + " bob " + test_data_dir() + "/pipeline/white.png");
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "no face found"));
}

TEST_CASE("--input-size: every accepted size opens in both precisions; others are usage errors") {
  const std::string img = frame("amy3.png");
  for (const char* size : {"160", "224", "320", "416", "608"})
    for (const char* p : {"f32", "int8"}) {
      INFO(size << " " << p);
      const CommandResult r = cli(std::string("detect") + models() + "--input-size " + size + " --precision " + p + " " + img);
      CHECK_MESSAGE(r.exit_code == 0, r.out);
      CHECK(contains(r.out, "1 face"));
    }
  for (const char* bad : {"192", "256", "640", "32", "1024", "33"}) {
    INFO(bad);
    const std::string s = std::string(" --input-size ") + bad + " ";
    for (const std::string& c : {"detect" + s + img, "verify" + s + img + " " + img, "embed" + s + img,
                                 "identify" + s + "--insecure-gallery /nonexistent.fgg " + img}) {
      const CommandResult r = cli(c);
      const std::string what = c + "\n" + r.out;
      CHECK_MESSAGE(r.exit_code == 2, what);
      CHECK(contains(r.out, "160, 224, 320, 416, 608"));
    }
    CHECK(cli("eval door /nonexistent" + s).exit_code == 2);
    CHECK(door("--gallery /nonexistent.fgg --source " + img + s).exit_code == 2);
  }
}
