// facegate-door --snapshots end to end: the real binary on an image list with three visits
// (grant, unknown, deny): one JPEG per verdict, named in the verdict's audit line, that
// decodes to the face crop; --snapshot-frame adds the frame; --snapshot-keep keeps the
// newest; a directory the door cannot write to gives counted, logged failures while every
// decision is still made and recorded.
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "runtime/gallery/gallery_key.h"
#include "runtime/vision/image.h"
#include "test_util.h"

using namespace fg_test;

namespace {

std::string door() { return exec_prefix() + " " + bin_dir() + "/facegate-door --models " + model_dir() + " "; }
std::string frame(const std::string& name) { return env_or("FG_SOURCE_DIR", ".") + "/samples/frames/" + name; }

// The third number of "box":[x,y,w,h].
double box_width(const std::string& line) {
  size_t at = line.find("\"box\":[");
  if (at == std::string::npos) return 0;
  at += 7;
  for (int comma = 0; comma < 2; ++comma) at = line.find(',', at) + 1;
  return std::atof(line.c_str() + at);
}

std::vector<std::string> jpgs(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n.size() > 4 && n.compare(n.size() - 4, 4, ".jpg") == 0) names.push_back(n);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct Fixture {
  std::string dir, gallery, list;
  Fixture() {
    char tmpl[] = "/tmp/fg_test_door_snapshot_XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    ::chmod(dir.c_str(), 0755);  // the read-only case runs as nobody and must reach the gallery
    REQUIRE(path_exists(bin_dir() + "/facegate-door"));  // built before the tests (tests/CMakeLists.txt)
    gallery = dir + "/door.fgg";
    const std::string key = dir + "/gallery.key";
    REQUIRE(fg::gallery_keygen(key).is_ok());
    ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
    const CommandResult r = run_command(door() + "--gallery " + gallery + " --enroll amy=" + sample_face("amy", 1) +
                                        "," + sample_face("amy", 2) + " --enroll sheldon=" + sample_face("sheldon", 1) +
                                        "," + sample_face("sheldon", 2) + " 2>&1");
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    ::chmod(gallery.c_str(), 0644);
    // 0.1 s a frame, --visit-gap 0.15: visit 1 amy (grant at frame 2), visit 2 stuart
    // (unknown), visit 3 sheldon with one vote when the stream ends (deny).
    list = dir + "/frames.txt";
    std::ofstream f(list);
    for (const char* n : {"amy3.png", "amy4.png", "wall.png", "wall.png", "stuart1.png", "wall.png", "wall.png",
                          "sheldon3.png"})
      f << frame(n) << "\n";
  }
  ~Fixture() { std::system(("rm -rf '" + dir + "'").c_str()); }
  std::string args(const std::string& log) const {
    return "--gallery " + gallery + " --source @" + list + " --log " + log +
           " --tau 0.30 --votes 2 --window 3 --cooldown 3600 --visit-gap 0.15 --liveness off";  // stills of a broadcast: screen captures to the passive net
  }
};

std::vector<std::string> decisions(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const std::string& l : lines)
    if (!field(l, "decision").empty()) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("door --snapshots: one JPEG per verdict, named in the audit line, decodes to the face") {
  Fixture f;
  const std::string snaps = f.dir + "/snaps", log = f.dir + "/a.jsonl";
  const CommandResult r = run_command(door() + f.args(log) + " --snapshots " + snaps + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> dec = decisions(read_lines(log));
  REQUIRE(dec.size() == 3);
  CHECK(field(dec[0], "decision") == "grant");
  CHECK(field(dec[1], "decision") == "unknown");
  CHECK(field(dec[2], "decision") == "deny");
  struct stat st;
  REQUIRE(::stat(snaps.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  const std::vector<std::string> files = jpgs(snaps);
  CHECK(files.size() == 3);
  const char* expect[] = {"_grant_amy.jpg", "_unknown_unknown.jpg", "_deny_sheldon.jpg"};
  for (size_t i = 0; i < dec.size(); ++i) {
    const std::string name = field(dec[i], "snapshot");
    CAPTURE(name);
    CHECK(contains(name, expect[i]));
    CHECK(contains(name, "_v00000" + std::to_string(i + 1) + "_"));
    CHECK(name.find('/') == std::string::npos);  // relative to DIR
    REQUIRE(std::find(files.begin(), files.end(), name) != files.end());
    CHECK(files[i] == name);  // sorted names = decision order
    fg::Image img;
    REQUIRE(fg::image_load(snaps + "/" + name, 3, &img).is_ok());
    // The crop is the box + 25% each side (clipped to the 320x320 frame).
    const double box_w = box_width(dec[i]);
    REQUIRE(box_w > 50);
    CHECK(img.width >= std::min(320.0, box_w * 1.4));
    CHECK(img.width <= 320);
    REQUIRE(::stat((snaps + "/" + name).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }
  CHECK(contains(r.out, "snapshots: 3 written, 0 failed"));
  CHECK(field(dec[0], "snapshot_frame").empty());  // only with --snapshot-frame
}

TEST_CASE("door --snapshot-frame adds the frame; --snapshot-keep keeps the newest files") {
  Fixture f;
  const std::string snaps = f.dir + "/snaps", log = f.dir + "/a.jsonl";
  const CommandResult r =
      run_command(door() + f.args(log) + " --snapshots " + snaps + " --snapshot-frame --snapshot-keep 4 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  const std::vector<std::string> dec = decisions(read_lines(log));
  REQUIRE(dec.size() == 3);
  // 6 files written (3 crops + 3 frames), the 2 oldest (visit 1's) removed.
  const std::vector<std::string> files = jpgs(snaps);
  CHECK(files.size() == 4);
  CHECK(contains(r.out, "snapshots: 6 written, 0 failed, 2 removed"));
  CHECK(std::find(files.begin(), files.end(), field(dec[0], "snapshot")) == files.end());
  for (size_t i = 1; i < 3; ++i) {
    const std::string whole = field(dec[i], "snapshot_frame");
    CAPTURE(whole);
    CHECK(contains(whole, "_frame.jpg"));
    REQUIRE(std::find(files.begin(), files.end(), whole) != files.end());
    fg::Image img;
    REQUIRE(fg::image_load(snaps + "/" + whole, 3, &img).is_ok());
    CHECK(img.width == 320);
    CHECK(img.height == 320);
  }
  // By bytes: a limit below one file keeps nothing, every verdict is still there.
  const std::string snaps2 = f.dir + "/snaps2";
  const CommandResult r2 =
      run_command(door() + f.args(log + ".2") + " --snapshots " + snaps2 + " --snapshot-max-bytes 100 2>&1");
  INFO(r2.out);
  CHECK(r2.exit_code == 0);
  CHECK(jpgs(snaps2).empty());
  CHECK(decisions(read_lines(log + ".2")).size() == 3);
}

TEST_CASE("door --snapshots into a directory it cannot write: failures counted and logged, decisions made") {
  Fixture f;
  const std::string snaps = f.dir + "/readonly", logs = f.dir + "/logs", log = logs + "/a.jsonl";
  REQUIRE(::mkdir(snaps.c_str(), 0500) == 0);
  REQUIRE(::mkdir(logs.c_str(), 0777) == 0);
  ::chmod(logs.c_str(), 0777);
  // Root writes anywhere: the door then runs as nobody (the gallery without its root-only
  // key: --insecure-gallery, records unchecked, enough for this test).
  std::string prefix, access;
  if (::geteuid() == 0) {
    REQUIRE(run_command("setpriv --reuid=65534 --regid=65534 --clear-groups true 2>&1").exit_code == 0);
    prefix = "env -u FG_GALLERY_KEY setpriv --reuid=65534 --regid=65534 --clear-groups ";
    access = " --insecure-gallery";
  }
  const CommandResult r = run_command(prefix + door() + f.args(log) + access + " --snapshots " + snaps + " 2>&1");
  INFO(r.out);
  CHECK(r.exit_code == 0);
  const std::vector<std::string> lines = read_lines(log);
  const std::vector<std::string> dec = decisions(lines);
  REQUIRE(dec.size() == 3);
  CHECK(field(dec[0], "decision") == "grant");
  int errors = 0;
  bool decision_first = true;
  for (size_t i = 0; i < lines.size(); ++i)
    if (field(lines[i], "event") == "snapshot_error") {
      ++errors;
      decision_first = decision_first && i > 0 && !field(lines[i - 1], "decision").empty() &&
                       field(lines[i - 1], "visit") == field(lines[i], "visit");
      CHECK(contains(field(lines[i], "detail"), "cannot create"));
    }
  CHECK(errors == 3);
  CHECK(decision_first);  // the record of the decision precedes its failed picture
  CHECK(contains(r.out, "snapshots: 0 written, 3 failed"));
  CHECK(contains(r.out, "snapshot not written"));
  CHECK(jpgs(snaps).empty());
}
