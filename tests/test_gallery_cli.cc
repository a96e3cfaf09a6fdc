// facegate enroll / identify / gallery end to end: the real binary on the bundled sample
// chips, exit codes, JSON, corrupt and foreign galleries, the writer lock.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "runtime/gallery.h"
#include "runtime/gallery_key.h"
#include "test_util.h"

using namespace fg_test;

namespace {

using Run = CommandResult;

Run run(const std::string& args) { return run_command(tool_command("facegate") + " " + args + " 2>&1"); }

std::string sample(const std::string& person, int n) { return sample_face(person, n); }

bool has(const std::string& s, const std::string& needle) { return contains(s, needle); }

std::string temp_path(const std::string& name) {
  const std::string p = "/tmp/fg_test_gallery_cli_" + std::to_string(::getpid()) + "_" + name;
  ::unlink(p.c_str());
  return p;
}

// Every command here runs with $FG_GALLERY_KEY set to one key made for this run (the
// environment route of --gallery-key), so the galleries are authenticated (format v2).
struct KeyEnv {
  std::string path = "/tmp/fg_test_gallery_cli_" + std::to_string(::getpid()) + "_key";
  fg::GalleryKey key;
  KeyEnv() {
    ::unlink(path.c_str());
    if (fg::gallery_keygen(path).is_ok() && fg::gallery_key_load(path, &key).is_ok())
      ::setenv("FG_GALLERY_KEY", path.c_str(), 1);
  }
  ~KeyEnv() { ::unlink(path.c_str()); }
};
KeyEnv g_key_env;

const char* const kEnrolled[] = {"amy", "bernadette", "howard", "leonard", "penny"};
const char* const kStrangers[] = {"raj", "sheldon", "stuart"};

// A gallery with photo 1 of each kEnrolled person.
std::string make_gallery(const std::string& name) {
  const std::string g = temp_path(name);
  for (const char* p : kEnrolled) {
    Run r = run("enroll " + g + " " + p + " " + sample(p, 1));
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    CHECK(has(r.out, std::string("enrolled ") + p));
  }
  return g;
}

}  // namespace

TEST_CASE("enroll one photo each, identify the others: right names, strangers not recognized") {
  const std::string g = make_gallery("basic.fgg");
  // The samples are tight chips: the detector mostly finds nothing and says so.
  Run r = run("enroll " + g + " amy " + sample("amy", 1));
  CHECK(has(r.out, "whole image used as the face crop"));
  for (const char* p : kEnrolled)
    for (int n = 2; n <= 5; ++n) {
      r = run("identify " + g + " " + sample(p, n));
      INFO(r.out);
      CHECK(r.exit_code == 0);
      CHECK(has(r.out, std::string(": ") + p + " (distance_sq"));
    }
  for (const char* p : kStrangers)
    for (int n = 1; n <= 5; ++n) {
      r = run("identify " + g + " " + sample(p, n));
      INFO(r.out);
      CHECK(r.exit_code == 1);
      CHECK(has(r.out, "not recognized"));
    }
  // JSON: recognized with name, distance and candidates; --tau 0 turns it into a miss.
  r = run("identify --json --top 3 " + g + " " + sample("howard", 2));
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "\"recognized\": true"));
  CHECK(has(r.out, "\"name\": \"howard\""));
  CHECK(has(r.out, "\"match\": \"mean\""));  // the default (better on LFW)
  CHECK(has(r.out, "\"candidates\": [{\"name\": \"howard\""));
  r = run("identify --json --tau 0 " + g + " " + sample("howard", 2));
  CHECK(r.exit_code == 1);
  CHECK(has(r.out, "\"recognized\": false"));
  CHECK(has(r.out, "\"name\": null"));
  r = run("identify --match min " + g + " " + sample("penny", 3));
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "penny"));
  // --crop: the image is the face; same embedding as the no-face fallback.
  r = run("identify --crop " + g + " " + sample("leonard", 2));
  CHECK(r.exit_code == 0);
  CHECK_FALSE(has(r.out, "no face detected"));
  ::unlink(g.c_str());
}

TEST_CASE("gallery list / info / remove / compact") {
  const std::string g = make_gallery("manage.fgg");
  Run r = run("enroll " + g + " amy " + sample("amy", 2) + " " + sample("amy", 3));  // two more records
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "record 6"));
  CHECK(has(r.out, "record 7"));
  r = run("gallery info " + g);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "persons   5"));
  CHECK(has(r.out, "7 live, 0 deleted"));
  CHECK(has(r.out, "recognition-f32-"));
  r = run("gallery list " + g);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "bernadette"));
  size_t amy_lines = 0;
  for (size_t pos = 0; (pos = r.out.find(" amy\n", pos)) != std::string::npos; ++pos) ++amy_lines;
  CHECK(amy_lines == 3);
  r = run("identify " + g + " " + sample("amy", 4));
  CHECK(has(r.out, "over 3 records"));

  r = run("gallery remove " + g + " amy");
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "3 records marked deleted"));
  r = run("gallery remove " + g + " amy");  // nobody left by that name
  CHECK(r.exit_code == 3);
  r = run("identify " + g + " " + sample("amy", 4));
  CHECK(r.exit_code == 1);
  r = run("gallery list --json " + g);
  CHECK_FALSE(has(r.out, "\"amy\""));
  r = run("gallery list --all --json " + g);
  CHECK(has(r.out, "\"name\": \"amy\", "));
  CHECK(has(r.out, "\"deleted\": true"));
  r = run("gallery info --json " + g);
  CHECK(has(r.out, "\"live_records\": 4, \"deleted_records\": 3, \"persons\": 4"));

  r = run("gallery compact " + g);
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "4 records kept, 3 deleted dropped"));
  r = run("gallery info --json " + g);
  CHECK(has(r.out, "\"records\": 4, \"live_records\": 4, \"deleted_records\": 0"));
  r = run("identify " + g + " " + sample("penny", 2));  // still works after the rewrite
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "penny"));
  ::unlink(g.c_str());
}

TEST_CASE("bad galleries, foreign model, locked writer, usage errors") {
  // Not a gallery at all / a truncated header: clear error, exit 3.
  const std::string junk = temp_path("junk.fgg");
  std::ofstream(junk) << "this is not a gallery file, just some text that is long enough to fill a header......"
                         "..........................................................................";
  Run r = run("identify " + junk + " " + sample("amy", 1));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, junk));
  r = run("gallery info " + junk);
  CHECK(r.exit_code == 3);
  r = run("enroll " + junk + " amy " + sample("amy", 1));
  CHECK(r.exit_code == 3);
  const std::string g = make_gallery("victim.fgg");
  CHECK(::truncate(g.c_str(), 60) == 0);
  r = run("identify " + g + " " + sample("amy", 2));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, g));
  ::unlink(g.c_str());

  // A gallery made by another encoder is refused for enroll and identify.
  const std::string other = temp_path("other.fgg");
  {
    fg::GalleryCreateOptions c;
    c.model_id = "some-other-encoder";
    fg::GalleryPtr gp;
    REQUIRE(fg::gallery_create(other, c, &gp));
  }
  r = run("enroll " + other + " amy " + sample("amy", 1));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "some-other-encoder"));
  r = run("identify " + other + " " + sample("amy", 1));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "some-other-encoder"));
  r = run("gallery info " + other);  // v1 (made without a key): refused unless insecure
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "--insecure-gallery"));
  r = run("gallery info --insecure-gallery " + other);  // no model needed to look at it
  CHECK(r.exit_code == 0);

  // Another writer holds the lock: enroll fails at once with a clear error.
  const std::string locked = make_gallery("locked.fgg");
  {
    fg::GalleryOpenOptions o;
    o.writer = true;
    o.key = g_key_env.key;
    fg::GalleryPtr gp;
    REQUIRE(fg::gallery_open(locked, o, &gp));
    r = run("enroll " + locked + " raj " + sample("raj", 1));
    CHECK(r.exit_code == 3);
    CHECK(has(r.out, "lock"));
    r = run("identify " + locked + " " + sample("amy", 2));  // readers need no lock
    CHECK(r.exit_code == 0);
  }
  r = run("enroll " + locked + " raj " + sample("raj", 1));
  CHECK(r.exit_code == 0);

  // A bad photo enrols nothing.
  r = run("enroll " + locked + " stuart " + sample("stuart", 1) + " /nonexistent.png");
  CHECK(r.exit_code == 3);
  r = run("gallery list " + locked);
  CHECK_FALSE(has(r.out, "stuart"));

  CHECK(run("identify " + locked).exit_code == 2);
  CHECK(run("identify --match median " + locked + " " + sample("amy", 1)).exit_code == 2);
  CHECK(run("identify --tau -1 " + locked + " " + sample("amy", 1)).exit_code == 2);
  CHECK(run("enroll " + locked + " amy").exit_code == 2);
  CHECK(run("gallery frobnicate " + locked).exit_code == 2);
  CHECK(run("gallery remove " + locked).exit_code == 2);
  CHECK(run("gallery info /nonexistent/g.fgg").exit_code == 3);
  CHECK(run("eval identify").exit_code == 2);
  CHECK(run("eval identify /nonexistent --k 0").exit_code == 2);
  CHECK(run("eval identify /nonexistent").exit_code == 3);
  for (const std::string& f : {junk, other, locked}) ::unlink(f.c_str());
}

TEST_CASE("keys: keygen, key file checks, enroll needs a key, names, migrate from v1") {
  REQUIRE(g_key_env.key.loaded);
  const std::string key = temp_path("k2.key"), loose = temp_path("loose.key");
  Run r = run("gallery keygen " + key);
  REQUIRE(r.exit_code == 0);
  struct stat st;
  REQUIRE(::stat(key.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK(st.st_size == 32);
  r = run("gallery keygen " + key);  // never overwritten
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "refusing to overwrite"));
  CHECK(run("gallery keygen").exit_code == 2);
  std::ofstream(loose) << std::string(32, 'k');
  ::chmod(loose.c_str(), 0640);

  // Without a key: enroll refuses (usage), unless --insecure-gallery (format v1).
  const std::string g = temp_path("auth.fgg"), v1 = temp_path("v1.fgg"), v2 = temp_path("v2.fgg");
  const std::string no_env = "env -u FG_GALLERY_KEY " + tool_command("facegate") + " ";
  r = run_command(no_env + "enroll " + g + " amy " + sample("amy", 1) + " 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(has(r.out, "--gallery-key"));
  CHECK_FALSE(path_exists(g));
  r = run("enroll --gallery-key " + loose + " " + g + " amy " + sample("amy", 1));  // group-readable key
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "chmod 600"));
  r = run("enroll " + g + " amy " + sample("amy", 1));
  REQUIRE(r.exit_code == 0);
  REQUIRE(::stat(g.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);  // biometric templates: owner only
  r = run("gallery info --json " + g);
  CHECK(has(r.out, "\"version\": 2"));
  CHECK(has(r.out, "\"authenticated\": true"));
  // The wrong key, or none: refused with a message saying which.
  r = run("identify --gallery-key " + key + " " + g + " " + sample("amy", 2));
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "another key"));
  r = run_command(no_env + "identify " + g + " " + sample("amy", 2) + " 2>&1");
  CHECK(r.exit_code == 3);
  CHECK(has(r.out, "--gallery-key"));

  // Names: trimmed; shell metacharacters, empty and blank names refused (usage, nothing enrolled).
  r = run("enroll " + g + " '  amy  ' " + sample("amy", 2));
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "enrolled amy from"));
  for (const char* bad : {"'a$(reboot)'", "'x;y'", "'   '", "''", "'O\"Neil'", "'back\\slash'", "'two  spaces'"}) {
    r = run("enroll " + g + " " + bad + " " + sample("raj", 1));
    CHECK_MESSAGE(r.exit_code == 2, bad << ": " << r.out);
  }
  r = run("gallery info --json " + g);
  CHECK(has(r.out, "\"persons\": 1"));
  CHECK(has(r.out, "\"live_records\": 2"));

  // Migration: a v1 gallery (insecure) -> v2 with the key; ids and names kept; NEW never overwritten.
  r = run_command(no_env + "enroll --insecure-gallery " + v1 + " penny " + sample("penny", 1) + " 2>&1");
  REQUIRE(r.exit_code == 0);
  r = run_command(no_env + "enroll --insecure-gallery " + v1 + " penny " + sample("penny", 1) + " 2>&1");
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "not authenticated"));
  CHECK(run("gallery remove --insecure-gallery " + v1 + " penny").exit_code == 0);
  r = run_command(no_env + "enroll --insecure-gallery " + v1 + " leonard " + sample("leonard", 1) + " 2>&1");
  REQUIRE(r.exit_code == 0);
  CHECK(run("identify " + v1 + " " + sample("leonard", 2)).exit_code == 3);  // v1 needs --insecure-gallery
  r = run("gallery migrate " + v1 + " " + v2);
  REQUIRE(r.exit_code == 0);
  CHECK(has(r.out, "1 records signed"));
  CHECK(has(r.out, "2 deleted or rejected left out"));
  CHECK(run("gallery migrate " + v1 + " " + v2).exit_code == 3);
  r = run("gallery list --json " + v2);
  CHECK(has(r.out, "\"record_id\": 3, \"person_id\": 2, \"name\": \"leonard\""));
  r = run("identify " + v2 + " " + sample("leonard", 2));
  CHECK(r.exit_code == 0);
  CHECK(has(r.out, "leonard"));
  CHECK(run("gallery migrate " + v1 + " " + temp_path("v3.fgg") + " --old-key " + key).exit_code == 3);
  for (const std::string& f : {key, loose, g, v1, v2}) ::unlink(f.c_str());
}
