// Readers that survive replacement, and forged records, for the library and the running door:
// - a reader's gallery is a private in-memory copy: truncating, overwriting (cp) or removing
//   the file under it changes nothing until a refresh, and a refresh that fails keeps the last
//   good contents (with the old mmap reader, the scan after a truncate died of SIGBUS);
// - facegate-door keeps running through truncate / cp / rm of its gallery, logs
//   gallery_rejected (file refused, last good gallery kept) and gallery_changed events;
// - a record appended by someone without the key (valid CRC, made-up MAC) is refused: the
//   door grants it nothing and logs gallery_rejected; the same file with --insecure-gallery
//   (no MAC check) does grant it, so it is the MAC that stops it.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_format.h"
#include "runtime/gallery/gallery_key.h"
#include "test_util.h"

using namespace fg_test;

namespace {

std::vector<float> embedding(uint32_t seed, size_t dim = 128) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.f, 0.1f);
  std::vector<float> v(dim);
  for (float& x : v) x = n(rng);
  return v;
}

void make_gallery(const std::string& path, const fg::GalleryKey& key, int people, uint32_t seed0) {
  fg::GalleryCreateOptions c;
  c.model_id = "encoder-A";
  c.key = key;
  fg::GalleryPtr g;
  REQUIRE(fg::gallery_create(path, c, &g).is_ok());
  for (int p = 0; p < people; ++p) {
    uint64_t id;
    const std::vector<float> e = embedding(seed0 + uint32_t(p));
    REQUIRE(fg::gallery_enroll(g.get(), "person-" + std::to_string(p), e.data(), e.size(), &id).is_ok());
  }
}

std::string nearest(const fg::Gallery& g, const std::vector<float>& q) {
  std::vector<fg::IdentifyMatch> m;
  REQUIRE(fg::gallery_identify(g, q.data(), q.size(), fg::IdentifyOptions{}, &m).is_ok());
  return m.empty() ? "" : m[0].name;
}

// Appends a record the way an attacker with write access but no key would: a valid CRC, a
// made-up (random, non-zero) MAC. Returns its record id.
uint64_t append_forged(const std::string& path, const std::string& name, const std::vector<float>& emb) {
  std::vector<uint8_t> file = read_bytes(path);
  fg::GalleryHeader h;
  REQUIRE(fg::gallery_header_decode(file.data(), file.size(), &h).is_ok());
  const size_t count = (file.size() - fg::kGalleryHeaderSize) / h.record_size;
  uint64_t last_id = 0, last_person = 0;
  for (size_t i = 0; i < count; ++i) {
    const fg::GalleryRecordMeta m = fg::gallery_record_meta(h, file.data() + fg::kGalleryHeaderSize + i * h.record_size);
    last_id = std::max(last_id, m.record_id);
    last_person = std::max(last_person, m.person_id);
  }
  fg::GalleryRecordMeta meta;
  meta.record_id = last_id + 1;
  meta.person_id = last_person + 1;
  meta.enrolled_unix_us = 1;
  meta.name = name;
  std::vector<uint8_t> rec(h.record_size);
  fg::gallery_record_encode(h, meta, emb.data(), rec.data());
  REQUIRE(fg::gallery_record_crc_ok(h, rec.data()));
  std::mt19937 rng(7);
  for (size_t k = 0; k < fg::kGalleryMacBytes; ++k) rec[h.meta_offset + fg::kMetaMac + k] = uint8_t(rng() | 1);
  REQUIRE(fg::gallery_record_crc_ok(h, rec.data()));  // the MAC is outside the CRC
  std::ofstream(path, std::ios::binary | std::ios::app).write(reinterpret_cast<const char*>(rec.data()),
                                                              std::streamsize(rec.size()));
  return meta.record_id;
}

}  // namespace

TEST_CASE("a reader keeps its copy through truncate / overwrite / rm; a failed refresh keeps it") {
  TempDir dir("fg_gallery_replace");
  fg::GalleryKey key;
  REQUIRE(fg::gallery_keygen(dir.file("k")).is_ok());
  REQUIRE(fg::gallery_key_load(dir.file("k"), &key).is_ok());
  const std::string live = dir.file("live.fgg"), other = dir.file("other.fgg");
  make_gallery(live, key, 50, 100);
  fg::GalleryOpenOptions o;
  o.key = key;
  fg::GalleryPtr g;
  REQUIRE(fg::gallery_open(live, o, &g).is_ok());
  const std::vector<float> q = embedding(100 + 17);
  CHECK(nearest(*g, q) == "person-17");
  const std::vector<uint8_t> backup = read_bytes(live);

  // Shrunk under the reader: the scan still runs on the copy (an mmap reader got SIGBUS here).
  REQUIRE(::truncate(live.c_str(), 100) == 0);
  CHECK(fg::gallery_file_stamp(live) != fg::gallery_loaded_stamp(*g));
  CHECK(nearest(*g, q) == "person-17");
  fg::Status s = fg::gallery_refresh(g.get());
  CHECK_FALSE(s.is_ok());
  CHECK(contains(s.message(), "truncated"));
  CHECK(nearest(*g, q) == "person-17");
  CHECK(fg::gallery_info(*g).persons == 50);

  // Overwritten in place with another valid gallery (cp backup.fgg live.fgg), then refreshed.
  make_gallery(other, key, 3, 900);
  write_bytes(live, read_bytes(other));
  CHECK(nearest(*g, q) == "person-17");
  REQUIRE(fg::gallery_refresh(g.get()).is_ok());
  CHECK(fg::gallery_info(*g).persons == 3);
  CHECK(fg::gallery_loaded_stamp(*g) == fg::gallery_file_stamp(live));

  // Removed: the refresh fails, the copy stays; restored: picked up again.
  REQUIRE(::unlink(live.c_str()) == 0);
  CHECK_FALSE(fg::gallery_file_stamp(live).exists);
  CHECK_FALSE(fg::gallery_refresh(g.get()).is_ok());
  CHECK(fg::gallery_info(*g).persons == 3);
  write_bytes(live, backup);
  REQUIRE(fg::gallery_refresh(g.get()).is_ok());
  CHECK(nearest(*g, q) == "person-17");

  // A forged append: refused on refresh, counted, never a match.
  const std::vector<float> mallory = embedding(4242);
  append_forged(live, "mallory", mallory);
  REQUIRE(fg::gallery_refresh(g.get()).is_ok());
  CHECK(fg::gallery_info(*g).rejected_records == 1);
  CHECK(fg::gallery_info(*g).persons == 50);
  CHECK(nearest(*g, mallory) != "mallory");
  // Without the key (insecure) the same file would match it: the MAC is what refuses it.
  fg::GalleryOpenOptions insecure;
  insecure.insecure = true;
  fg::GalleryPtr weak;
  REQUIRE(fg::gallery_open(live, insecure, &weak).is_ok());
  CHECK(nearest(*weak, mallory) == "mallory");
}

// ---- the running door ----
namespace {

std::string door_bin() { return bin_dir() + "/facegate-door"; }
std::string frames_dir() { return env_or("FG_SOURCE_DIR", ".") + "/samples/frames"; }

CommandResult run_door(const std::string& args) {
  return run_command(exec_prefix() + " " + door_bin() + " --liveness off --models " + model_dir() + " " + args + " </dev/null 2>&1");
}

size_t count_lines(const std::vector<std::string>& lines, const std::string& key, const std::string& value) {
  size_t n = 0;
  for (const std::string& l : lines) n += field(l, key) == value;
  return n;
}

struct DoorFixture {
  TempDir dir{"fg_gallery_replace"};
  std::string key, gallery;
  bool ready = false;
};

// amy and sheldon in an authenticated gallery; stuart's embedding forged into a copy.
DoorFixture& door_fixture() {
  static DoorFixture f;
  if (!f.key.empty()) return f;
  f.key = f.dir.file("gallery.key");
  REQUIRE(fg::gallery_keygen(f.key).is_ok());
  if (!path_exists(door_bin()) || !path_exists(model_dir() + "/recognition.fgm")) {
    MESSAGE("SKIPPED: facegate-door or the model files are not built (" << door_bin() << ")");
    return f;
  }
  f.gallery = f.dir.file("door.fgg");
  const std::string faces = env_or("FG_SOURCE_DIR", ".") + "/samples/faces/";
  CommandResult r = run_door("--gallery-key " + f.key + " --gallery " + f.gallery + " --enroll amy=" + faces +
                             "amy/amy1.png," + faces + "amy/amy2.png --enroll sheldon=" + faces + "sheldon/sheldon1.png");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  struct stat st;
  REQUIRE(::stat(f.gallery.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  f.ready = true;
  return f;
}

// stuart's embedding, as the door computes it (enrolled into a throwaway v1 gallery).
std::vector<float> stuart_embedding(DoorFixture& f) {
  const std::string tmp = f.dir.file("stuart.fgg");
  const std::string faces = env_or("FG_SOURCE_DIR", ".") + "/samples/faces/";
  CommandResult r = run_command("env -u FG_GALLERY_KEY " + exec_prefix() + " " + door_bin() + " --models " +
                                model_dir() + " --insecure-gallery --gallery " + tmp + " --enroll stuart=" + faces +
                                "stuart/stuart1.png </dev/null 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  fg::GalleryOpenOptions o;
  o.insecure = true;
  fg::GalleryPtr g;
  REQUIRE(fg::gallery_open(tmp, o, &g).is_ok());
  std::vector<float> e;
  REQUIRE(fg::gallery_embedding(*g, 1, &e).is_ok());
  return e;
}

}  // namespace

TEST_CASE("door: a forged record (valid CRC, no key) grants nothing and is logged") {
  DoorFixture& f = door_fixture();
  if (!f.ready) return;
  const std::string forged = f.dir.file("forged.fgg");
  write_bytes(forged, read_bytes(f.gallery));
  ::chmod(forged.c_str(), 0600);
  append_forged(forged, "stuart", stuart_embedding(f));
  const std::string fd = frames_dir();
  const std::string frames = " --source " + fd + "/stuart1.png," + fd + "/stuart2.png," + fd + "/amy3.png," + fd +
                             "/amy4.png --votes 1 --window 1 --cooldown 0 --visit-gap 0 --quiet";
  const std::string log = f.dir.file("forged.jsonl");
  CommandResult r = run_door("--gallery-key " + f.key + " --gallery " + forged + frames + " --log " + log);
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> lines = read_lines(log);
  size_t stuart_grants = 0, amy_grants = 0, rejected_events = 0;
  for (const std::string& l : lines) {
    stuart_grants += field(l, "decision") == "grant" && field(l, "name") == "stuart";
    amy_grants += field(l, "decision") == "grant" && field(l, "name") == "amy";
    rejected_events += field(l, "event") == "gallery_rejected" && field(l, "records") == "1";
  }
  CHECK(stuart_grants == 0);
  CHECK(amy_grants == 2);  // the genuine records still work
  CHECK(rejected_events == 1);
  CHECK(contains(r.out, "failed the MAC check"));
  // Control: without the MAC check the same file grants the forged person.
  const std::string weak_log = f.dir.file("forged-insecure.jsonl");
  r = run_command("env -u FG_GALLERY_KEY " + exec_prefix() + " " + door_bin() + " --liveness off --models " + model_dir() +
                  " --insecure-gallery --gallery " + forged + frames + " --log " + weak_log + " </dev/null 2>&1");
  REQUIRE(r.exit_code == 0);
  lines = read_lines(weak_log);
  size_t weak_grants = 0;
  for (const std::string& l : lines) weak_grants += field(l, "decision") == "grant" && field(l, "name") == "stuart";
  CHECK(weak_grants >= 1);
  CHECK(count_lines(lines, "event", "gallery_insecure") == 1);
  // And no key at all is a startup error, not a silent insecure run.
  r = run_command("env -u FG_GALLERY_KEY " + exec_prefix() + " " + door_bin() + " --liveness off --models " + model_dir() +
                  " --gallery " + forged + frames + " </dev/null 2>&1");
  CHECK(r.exit_code == 3);
  CHECK(contains(r.out, "--gallery-key"));
}

TEST_CASE("door: truncate / cp / rm of the gallery while it runs: no crash, last good gallery kept") {
  DoorFixture& f = door_fixture();
  if (!f.ready) return;
  const std::string live = f.dir.file("live.fgg"), backup = f.dir.file("backup.fgg");
  write_bytes(live, read_bytes(f.gallery));
  write_bytes(backup, read_bytes(f.gallery));
  const std::string log = f.dir.file("replace.jsonl");
  const std::string fd = frames_dir();
  const std::string cmd = "exec " + exec_prefix() + " " + door_bin() + " --liveness off --models " + model_dir() + " --gallery-key " +
                          f.key + " --gallery " + live + " --source " + fd + "/amy3.png," + fd + "/amy4.png," + fd +
                          "/stuart1.png --loop 0 --votes 1 --window 1 --cooldown 0 --visit-gap 0 --quiet --log " + log +
                          " >/dev/null 2>&1 </dev/null";
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), (char*)nullptr);
    ::_exit(127);
  }
  auto wait_lines = [&](size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (read_lines(log).size() < n && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  };
  // Each step: change the file, let the door poll it (once a second) and decide a few frames.
  auto step = [&](const std::string& shell) {
    REQUIRE(std::system(shell.c_str()) == 0);
    const size_t before = read_lines(log).size();
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    wait_lines(before + 3);
  };
  wait_lines(4);
  const std::string q = "'" + live + "'", b = "'" + backup + "'";
  step("truncate -s 100 " + q);  // shrinks: refused, kept
  step("cp " + b + " " + q);     // restored in place: changed
  step("rm " + q);               // gone: kept
  step("cp " + b + " " + q);     // back: changed
  step("truncate -s 0 " + q);    // empty: refused, kept
  step("cp " + b + " " + q);
  bool alive = ::waitpid(pid, nullptr, WNOHANG) == 0;
  CHECK(alive);
  REQUIRE(::kill(pid, SIGTERM) == 0);
  int status = 0;
  pid_t done = 0;
  const auto stop_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((done = ::waitpid(pid, &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < stop_deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (done == 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    FAIL("facegate-door did not stop within 30 s of SIGTERM");
  }
  CHECK(WIFEXITED(status));  // not killed by SIGBUS
  CHECK(WEXITSTATUS(status) == 0);
  const std::vector<std::string> lines = read_lines(log);
  REQUIRE(!lines.empty());
  CHECK(field(lines.back(), "event") == "stop");
  size_t file_rejected = 0, changed = 0, grants_while_broken = 0, stuart_grants = 0;
  bool broken = false;
  for (const std::string& l : lines) {
    if (field(l, "event") == "gallery_rejected" && !field(l, "file").empty()) {
      ++file_rejected, broken = true;
      CHECK(field(l, "kept_people") == "2");
    }
    if (field(l, "event") == "gallery_changed") ++changed, broken = false;
    if (field(l, "decision") == "grant") {
      grants_while_broken += broken && field(l, "name") == "amy";
      stuart_grants += field(l, "name") == "stuart";
    }
  }
  MESSAGE(lines.size() << " log lines: " << file_rejected << " files refused, " << changed << " changes, "
                       << grants_while_broken << " amy grants while the file was bad");
  CHECK(file_rejected == 3);  // truncate, rm, truncate to 0
  CHECK(changed == 3);        // the three restores
  CHECK(grants_while_broken >= 1);  // the last good gallery kept deciding
  CHECK(stuart_grants == 0);
}
