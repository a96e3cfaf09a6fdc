// Option manners of the facegate CLI (docs/cli.md): the same option names and defaults in
// every command that takes them, --precision everywhere (compare included), --face-crop /
// --flip where they apply, and the options that do not apply refused (exit 2).
#include <string>

#include "test_util.h"

using namespace fg_test;

namespace {

CommandResult run(const std::string& args) { return run_command(tool_command("facegate") + " " + args + " 2>&1"); }
std::string photo(const std::string& name) { return test_data_dir() + "/pipeline/" + name; }
std::string frame(const std::string& name) { return env_or("FG_SOURCE_DIR", ".") + "/samples/frames/" + name; }

// The distance_sq of a verify / compare --json output.
double distance_of(const std::string& out) {
  const size_t p = out.find("\"distance_sq\": ");
  REQUIRE(p != std::string::npos);
  return std::stod(out.substr(p + 15));
}

}  // namespace

TEST_CASE("every pipeline command's --help lists the shared options with the same defaults") {
  for (const char* cmd : {"verify", "compare", "embed", "detect", "enroll", "identify", "verify-head"}) {
    INFO(cmd);
    const CommandResult r = run(std::string(cmd) + " --help");
    CHECK(r.exit_code == 0);
    for (const char* opt : {"--models DIR", "--backend B        native (default", "--precision P      f32 (default)",
                            "--net-threads N    threads inside each net (default 1"})
      CHECK_MESSAGE(contains(r.out, opt), opt);
    const bool detector = std::string(cmd) != "compare";
    CHECK(contains(r.out, "--input-size N     detector resolution, multiple of 32 (default 416") == detector);
    const bool embedding = detector && std::string(cmd) != "detect";
    CHECK(contains(r.out, "--face-crop") == embedding);
    CHECK(contains(r.out, "--flip") == embedding);
  }
  // One 1:1 tau default on the CLI: verify's (the LFW optimum). 1:K follows the gallery size
  // at a target FPIR (runtime/gallery/gallery_tau.h), as the door does.
  for (const char* cmd : {"verify", "compare"}) CHECK(contains(run(std::string(cmd) + " --help").out, "0.38"));
  CHECK(contains(run("identify --help").out, "--fpir P (default 0.003)"));
}

TEST_CASE("compare takes --precision and --net-threads; bad values are usage errors") {
  const std::string a = sample_face("amy", 1), b = sample_face("amy", 2);
  const CommandResult f32 = run("compare --json " + a + " " + b);
  const CommandResult int8 = run("compare --json --precision int8 " + a + " " + b);
  REQUIRE(f32.exit_code == 0);
  REQUIRE(int8.exit_code == 0);
  // The int8 encoder is another model: close to f32's distance, not equal to it.
  CHECK(distance_of(int8.out) != distance_of(f32.out));
  CHECK(std::abs(distance_of(int8.out) - distance_of(f32.out)) < 0.05);
  CHECK(run("compare --net-threads 2 " + a + " " + b).exit_code == 0);
  CommandResult r = run("compare --precision f16 " + a + " " + b);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "--precision must be f32 or int8"));
  CHECK(run("compare --net-threads -1 " + a + " " + b).exit_code == 2);
  CHECK(run("embed --crop --precision f16 " + a).exit_code == 2);
}

TEST_CASE("--face-crop means the same in verify as in embed; --flip changes the embedding") {
  const std::string a = frame("amy3.png"), b = frame("amy4.png");
  const CommandResult crop = run("verify --json --crop " + a + " " + b);
  const CommandResult face_crop = run("verify --json --face-crop " + a + " " + b);
  REQUIRE(crop.exit_code == 0);
  CHECK(face_crop.out == crop.out);
  const CommandResult plain = run("verify --json " + a + " " + b);
  CHECK(distance_of(plain.out) != distance_of(crop.out));
  CHECK(run("verify --face-crop --align " + a + " " + b).exit_code == 2);
  const CommandResult flip = run("verify --json --flip " + a + " " + b);
  REQUIRE(flip.exit_code == 0);
  CHECK(distance_of(flip.out) != distance_of(plain.out));
  // embed --face-crop gives the embedding verify --face-crop compared.
  CHECK(run("embed --face-crop " + a).out != run("embed " + a).out);
  CHECK(run("embed --flip " + a).out != run("embed " + a).out);
}

TEST_CASE("options that do not apply are refused, not ignored") {
  const std::string img = photo("bbt4.jpg");
  CommandResult r = run("detect --align " + img);
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "unknown option --align"));
  r = run("embed --crop --flip " + sample_face("amy", 1));
  CHECK(r.exit_code == 2);
  CHECK(contains(r.out, "--crop takes the image as the face"));
  CHECK(run("compare --align " + sample_face("amy", 1) + " " + sample_face("amy", 2)).exit_code == 2);
  // --opt=value works for the shared options too.
  CHECK(run("detect --input-size=320 " + img).exit_code == 0);
}

TEST_CASE("each command takes only the options it uses: eval's and tau elsewhere, aligner and detector options") {
  const std::string img = photo("bbt4.jpg"), a = frame("amy3.png"), b = frame("amy4.png");
  const std::string face = sample_face("amy", 1);
  // eval's --pairs / --folds / --plot / --threads and --tau used to be accepted by every pipeline
  // command and ignored (docs/cli.md): now "unknown option", exit 2.
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"verify --folds 3 " + a + " " + b, "unknown option --folds"},
      {"verify --plot x.svg " + a + " " + b, "unknown option --plot"},
      {"verify --threads 2 " + a + " " + b, "unknown option --threads"},
      {"verify --pairs p.txt " + a + " " + b, "unknown option --pairs"},
      {"embed --tau 0.3 " + a, "unknown option --tau"},
      {"detect --tau 0.3 " + img, "unknown option --tau"},
      {"detect --padding 0.3 " + img, "unknown option --padding"},
      {"detect --template 68 " + img, "unknown option --template"},
      {"enroll --tau 0.3 g.fgg amy " + face, "unknown option --tau"},
      {"identify --folds 2 g.fgg " + face, "unknown option --folds"},
      {"verify-head --tau 0.3 h.fgh " + a + " " + b, "unknown option --tau"},
      {"eval lfw --tau 0.3 /nonexistent", "unknown option --tau"},
      {"eval identify --pairs p.txt /nonexistent", "unknown option --pairs"},
      {"eval pad --padding 0.3 /nonexistent", "unknown option --padding"},
      {"eval pad --folds 2 /nonexistent", "unknown option --folds"},
      // --crop: the image is the face, so detector and aligner options would do nothing.
      {"embed --crop --input-size 320 " + face, "--input-size does not apply with --crop"},
      {"embed --crop --padding 0.3 " + face, "--padding does not apply with --crop"},
      {"identify --crop --score 0.3 g.fgg " + face, "--score does not apply with --crop"},
      {"identify --crop --align g.fgg " + face, "--align does not apply with --crop"},
      {"enroll --crop --template 68 g.fgg amy " + face, "--template does not apply with --crop"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const CommandResult r = run(c.args);
    CHECK(r.exit_code == 2);
    CHECK_MESSAGE(contains(r.out, c.message), r.out);
  }
  // Where they are used they still work (exit 0/1 = same/different, or 3 = the missing data).
  CHECK(run("verify --tau 0.3 " + a + " " + b).exit_code == 0);
  CHECK(run("compare --tau 0.3 " + face + " " + sample_face("amy", 2)).exit_code == 0);
  CHECK(run("eval lfw --folds 1 --threads 1 --plot /tmp/x.svg --pairs /nonexistent/p.txt /nonexistent").exit_code == 3);
  CHECK(run("embed --crop " + face).exit_code == 0);
}

TEST_CASE("--version on both binaries: version, git describe, the ISA the kernels picked (FG_MAX_ISA caps it)") {
  for (const char* tool : {"facegate", "facegate-door"}) {
    INFO(tool);
    CommandResult r = run_command(tool_command(tool) + " --version 2>&1");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind(std::string(tool) + " ", 0) == 0);
    CHECK(contains(r.out, " (git "));
    CHECK(contains(r.out, ") isa "));
    r = run_command("FG_MAX_ISA=scalar " + tool_command(tool) + " --version 2>&1");
    CHECK(contains(r.out, ") isa scalar ["));
  }
}
