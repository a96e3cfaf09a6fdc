// One gallery for many doors (docs/mqtt.md): a running door switching to a published
// gallery, with a real mosquitto on 127.0.0.1 (tests/mqtt_broker_fixture.h). Without
// mosquitto, an MQTT build or the models it prints SKIPPED and exits 77.
//
//   1. a republished gallery switches a running door: no grant for that person before the
//      gallery_snapshot line, grants after; restarting the door does not re-install it
//      (GALLERY.seq); the broker unreachable at start: the door runs on its local file
//   2. no local gallery file at start: the door decides, fails closed (no grant, a
//      gallery_waiting line) until the retained snapshot is verified and installed
//   3. measured: 3 doors on one broker, a 10,002-person gallery published while they decide
//      every frame: publish -> installed per door (audit times), frames lost (0), the only
//      gallery switch is old -> complete new file, the decision gap across the swap.
//      Natively only (visible skip under qemu).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mqtt_broker_fixture.h"
#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"
#include "runtime/gallery/gallery_snapshot.h"
#include "test_util.h"

using namespace fg_test;
using namespace fg_test::galmqtt;
using Json = nlohmann::json;

TEST_CASE("gallery mqtt: a republished gallery switches a running door; a restart keeps it; no broker: local file") {
  Fixture& f = fixture();
  Broker b;
  broker_setup(&b, f.dir + "/b2");
  b.start();
  const std::string gallery = copy_of(f.old_gallery, f.dir + "/door2.fgg"), log = f.dir + "/audit2.jsonl";
  const std::string topic = "site/t2";
  const std::string source = frame("sheldon3.png") + "," + frame("amy3.png");
  const pid_t door = spawn(door_cmd(f, b, "d2", gallery, topic, source, log, "", f.dir + "/door2.out"));
  REQUIRE(wait_lines(log, "\"decision\":", 4, door_start_timeout_s()));
  std::string out;
  REQUIRE(publish(f, b, f.new_gallery, topic, "--sign-key " + f.sign_key + " --sequence 42", &out) == 0);
  CHECK(contains(out, "sequence 42"));
  {
    INFO(file_text(f.dir + "/door2.out"));
    REQUIRE(wait_lines(log, "\"event\":\"gallery_snapshot\"", 1, 20));
    REQUIRE(wait_lines(log, "\"name\":\"sheldon\"", 2, 30));
  }
  ::kill(door, SIGTERM);
  CHECK(wait_exit(door, 30) == 0);
  const std::vector<std::string> lines = read_lines(log);
  bool switched = false;
  int sheldon_grants = 0, amy_grants_before = 0;
  for (const std::string& l : lines) {
    const Json j = Json::parse(l);
    if (j.value("event", "") == "gallery_snapshot") {
      switched = true;
      CHECK(j["sequence"] == 42);
      CHECK(j["people"] == 2);
      CHECK(j["in_use"] == true);
    }
    if (j.value("decision", "") == "grant" && j.value("name", "") == "sheldon") {
      CHECK(switched);  // never before the new gallery is in use
      ++sheldon_grants;
    }
    amy_grants_before += !switched && j.value("decision", "") == "grant" && j.value("name", "") == "amy";
  }
  CHECK(sheldon_grants >= 2);
  CHECK(amy_grants_before >= 1);  // the old gallery was deciding before
  CHECK(read_bytes(gallery) == read_bytes(f.new_gallery));
  CHECK(file_text(gallery + ".seq") == "42\n");
  // Restarted: the retained snapshot is the installed one; nothing is installed or refused again.
  const std::string log2 = f.dir + "/audit2b.jsonl";
  const pid_t again = spawn(door_cmd(f, b, "d2", gallery, topic, source, log2, "--max-frames 20", f.dir + "/door2b.out"));
  CHECK(wait_exit(again, 120) == 0);
  CHECK(lines_with(log2, "\"event\":\"gallery_snapshot\"").empty());
  CHECK(lines_with(log2, "\"event\":\"gallery_refused\"").empty());
  CHECK(lines_with(log2, "\"name\":\"sheldon\"").size() >= 5);
  // No broker at all: the local file decides.
  b.kill9();
  const std::string log3 = f.dir + "/audit2c.jsonl";
  const pid_t offline = spawn(door_cmd(f, b, "d2", gallery, topic, source, log3, "--max-frames 10", f.dir + "/door2c.out"));
  const int rc = wait_exit(offline, 120);
  INFO(file_text(f.dir + "/door2c.out"));
  CHECK(rc == 0);
  CHECK(lines_with(log3, "\"decision\":\"grant\"").size() == 10);
}

TEST_CASE("gallery mqtt: no local gallery file: no grants until the retained snapshot is verified and installed") {
  Fixture& f = fixture();
  Broker b;
  broker_setup(&b, f.dir + "/b5");
  b.start();
  const std::string topic = "site/t5", source = frame("sheldon3.png") + "," + frame("amy3.png");
  // Door A starts before anything is published: it decides every frame, grants nobody.
  const std::string gallery_a = f.dir + "/door5a.fgg", log_a = f.dir + "/audit5a.jsonl", out_a = f.dir + "/door5a.out";
  const pid_t door = spawn(door_cmd(f, b, "d5a", gallery_a, topic, source, log_a, "", out_a));
  {
    INFO(file_text(out_a));
    REQUIRE(wait_lines(log_a, "\"decision\":", 4, door_start_timeout_s()));
  }
  const std::vector<Json> waiting = lines_with(log_a, "\"event\":\"gallery_waiting\"");
  REQUIRE(waiting.size() == 1);
  CHECK(waiting[0]["topic"] == topic);
  CHECK(contains(file_text(out_a), "nobody is granted until a verified gallery is installed"));
  REQUIRE(publish(f, b, f.new_gallery, topic, "--sign-key " + f.sign_key + " --sequence 100") == 0);
  {
    INFO(file_text(out_a));
    REQUIRE(wait_lines(log_a, "\"event\":\"gallery_snapshot\"", 1, 30));
    REQUIRE(wait_lines(log_a, "\"name\":\"sheldon\"", 2, 30));
  }
  ::kill(door, SIGTERM);
  CHECK(wait_exit(door, 30) == 0);
  bool installed = false;
  int before = 0, grants_after = 0;
  for (const std::string& l : read_lines(log_a)) {
    const Json j = Json::parse(l);
    if (j.value("event", "") == "gallery_snapshot") installed = true;
    if (!j.contains("decision")) continue;
    if (!installed) {
      ++before;
      CHECK(j["decision"] != "grant");  // fail closed: nothing to match against yet
    } else {
      grants_after += j["decision"] == "grant";
    }
  }
  CHECK(before >= 4);
  CHECK(grants_after >= 2);
  const std::vector<Json> changed = lines_with(log_a, "\"event\":\"gallery_changed\"");
  REQUIRE(changed.size() == 1);
  CHECK(changed[0]["before_people"] == 0);
  CHECK(changed[0]["people"] == 2);
  CHECK(read_bytes(gallery_a) == read_bytes(f.new_gallery));
  CHECK(file_text(gallery_a + ".seq") == "100\n");
  CHECK(audit_schema_problem(log_a) == "");  // gallery_waiting, gallery_snapshot: documented fields only
  // Door B starts with the snapshot already retained, and a GALLERY.seq naming it (the file
  // was lost, the sequence file was not): it installs it at once; an older one stays a replay.
  const std::string gallery_b = f.dir + "/door5b.fgg", log_b = f.dir + "/audit5b.jsonl", out_b = f.dir + "/door5b.out";
  std::ofstream(gallery_b + ".seq") << "100\n";
  const int rc = wait_exit(spawn(door_cmd(f, b, "d5b", gallery_b, topic, source, log_b, "--max-frames 30", out_b)), 120);
  INFO(file_text(out_b));
  CHECK(rc == 0);
  REQUIRE(lines_with(log_b, "\"event\":\"gallery_snapshot\"").size() == 1);
  CHECK(lines_with(log_b, "\"event\":\"gallery_refused\"").empty());
  CHECK(lines_with(log_b, "\"decision\":\"grant\"").size() >= 10);
  CHECK(read_bytes(gallery_b) == read_bytes(f.new_gallery));
  // Without --gallery-mqtt a missing gallery file is still an error at start (exit 3).
  const CommandResult plain = run_command(exec_prefix() + " " + door_bin() + " --models " + model_dir() + " --gallery " +
                                          f.dir + "/missing.fgg --source " + frame("amy3.png") + " 2>&1");
  INFO(plain.out);
  CHECK(plain.exit_code == 3);
}

namespace {

// new.fgg's people (amy, sheldon: real embeddings, so frames still decide) + `synthetic`
// random people, built in /dev/shm when there is one (10,000 fdatasync'd appends take ~50 s
// on a disk, 0.2 s there), then copied next to the doors.
std::string big_gallery(const Fixture& f, int synthetic) {
  fg::GalleryOpenOptions o;
  REQUIRE(fg::gallery_key_from_flag_or_env("", &o.key).is_ok());
  fg::GalleryPtr src;
  REQUIRE(fg::gallery_open(f.new_gallery, o, &src).is_ok());
  const std::string work = path_exists("/dev/shm") ? "/dev/shm/fg_galmqtt_" + std::to_string(::getpid()) + ".fgg"
                                                   : f.dir + "/big_work.fgg";
  ::unlink(work.c_str());
  fg::GalleryCreateOptions c;
  c.model_id = fg::gallery_info(*src).model_id;
  c.key = o.key;
  fg::GalleryPtr g;
  REQUIRE(fg::gallery_create(work, c, &g).is_ok());
  std::vector<float> e;
  uint64_t id = 0;
  for (const fg::GalleryRecord& r : fg::gallery_list(*src)) {
    REQUIRE(fg::gallery_embedding(*src, r.record_id, &e).is_ok());
    REQUIRE(fg::gallery_enroll(g.get(), r.name, e.data(), e.size(), &id).is_ok());
  }
  std::mt19937 rng(17);
  std::normal_distribution<float> n(0.f, 0.09f);  // norm ~1, like the descriptors
  e.assign(128, 0.f);
  char name[32];
  for (int p = 0; p < synthetic; ++p) {
    for (float& x : e) x = n(rng);
    std::snprintf(name, sizeof name, "synthetic-%05d", p);
    REQUIRE(fg::gallery_enroll(g.get(), name, e.data(), e.size(), &id).is_ok());
  }
  g.reset();
  const std::string out = copy_of(work, f.dir + "/big.fgg");
  ::unlink(work.c_str());
  return out;
}

}  // namespace

TEST_CASE("gallery mqtt: 3 doors switch to a republished 10,002-person gallery while deciding (measured)") {
  Fixture& f = fixture();
  // Timing is measured natively; under qemu a frame is ~10x slower and the figure says
  // nothing about a board. Visible skip there (as test_door_mqtt's fault run).
  if (!exec_prefix().empty()) {
    MESSAGE("SKIPPED under emulation: the 3-door gallery switch is measured natively only");
    return;
  }
  const int people = std::atoi(env_or("FG_GALLERY_MQTT_PEOPLE", "10000").c_str());
  REQUIRE(people >= 1);
  const std::string big = big_gallery(f, people);
  Broker b;
  broker_setup(&b, f.dir + "/b3");
  b.start();
  const std::string topic = "site/building";
  const std::string source = frame("amy3.png") + "," + frame("sheldon3.png");
  std::vector<pid_t> doors;
  std::vector<std::string> logs;
  for (int i = 1; i <= 3; ++i) {
    const std::string id = "door" + std::to_string(i);
    const std::string gallery = copy_of(f.new_gallery, f.dir + "/" + id + ".fgg");
    logs.push_back(f.dir + "/audit_" + id + ".jsonl");
    doors.push_back(spawn(door_cmd(f, b, id, gallery, topic, source, logs.back(), "", f.dir + "/" + id + ".out")));
  }
  for (const std::string& log : logs) REQUIRE(wait_lines(log, "\"decision\":", 10, 60));
  const double t_publish = unix_now_s();
  std::string out;
  REQUIRE(publish(f, b, big, topic, "--sign-key " + f.sign_key, &out) == 0);
  const double publish_s = unix_now_s() - t_publish;
  for (const std::string& log : logs) {
    INFO(log);
    CHECK(wait_lines(log, "\"event\":\"gallery_snapshot\"", 1, 30));
  }
  // A second of frames on the new gallery, then stop.
  std::vector<size_t> decided(3);
  for (size_t i = 0; i < 3; ++i) decided[i] = lines_with(logs[i], "\"decision\":").size();
  for (size_t i = 0; i < 3; ++i) wait_lines(logs[i], "\"decision\":", decided[i] + 20, 30);
  for (pid_t p : doors) ::kill(p, SIGTERM);
  for (pid_t p : doors) CHECK(wait_exit(p, 60) == 0);
  std::ostringstream report;
  report << "gallery switch: " << people + 2 << " people, " << read_bytes(big).size() << " bytes; publish "
         << publish_s * 1000 << " ms (CLI start to manifest acknowledged; "
         << out.substr(0, out.find('\n')) << ");";
  double worst = 0;
  for (size_t i = 0; i < 3; ++i) {
    INFO(file_text(f.dir + "/door" + std::to_string(i + 1) + ".out"));
    const std::vector<Json> snap = lines_with(logs[i], "\"event\":\"gallery_snapshot\"");
    REQUIRE(snap.size() == 1);
    CHECK(snap[0]["people"] == people + 2);
    CHECK(snap[0]["in_use"] == true);
    CHECK(audit_schema_problem(logs[i]) == "");
    const double t_installed = parse_time_s(snap[0]["time"]);
    const double latency = t_installed - t_publish;
    worst = std::max(worst, latency);
    // The only switch: the complete old file -> the complete new one; nothing refused.
    const std::vector<Json> changed = lines_with(logs[i], "\"event\":\"gallery_changed\"");
    REQUIRE(changed.size() == 1);
    CHECK(changed[0]["before_people"] == 2);
    CHECK(changed[0]["people"] == people + 2);
    CHECK(changed[0]["rejected"] == 0);
    CHECK(lines_with(logs[i], "\"event\":\"gallery_rejected\"").empty());
    CHECK(lines_with(logs[i], "\"event\":\"gallery_refused\"").empty());
    // No frame lost: one decision per frame, frames 1..N without a hole, N = the stop count.
    const std::vector<Json> dec = lines_with(logs[i], "\"decision\":");
    for (size_t k = 0; k < dec.size(); ++k) REQUIRE(dec[k]["frame"] == (int64_t)k + 1);
    CHECK((long)dec.size() == stop_frames(logs[i]));
    double max_gap = 0, prev = -1;
    std::vector<double> gaps;
    int grants_after = 0;
    for (const Json& d : dec) {
      const double t = parse_time_s(d["time"]);
      if (prev >= 0) gaps.push_back(t - prev), max_gap = std::max(max_gap, t - prev);
      prev = t;
      grants_after += t > t_installed && d["decision"] == "grant";
    }
    CHECK(grants_after >= 5);  // the real people still decide on the big gallery
    // The gap across the swap: the last decision before the gallery_snapshot line to the first after.
    double last_before = -1, first_after = -1;
    bool seen = false;
    for (const std::string& l : read_lines(logs[i])) {
      const Json j = Json::parse(l);
      if (j.value("event", "") == "gallery_snapshot") seen = true;
      if (!j.contains("decision")) continue;
      if (!seen) last_before = parse_time_s(j["time"]);
      else if (first_after < 0) first_after = parse_time_s(j["time"]);
    }
    REQUIRE(last_before >= 0);
    REQUIRE(first_after >= 0);
    std::sort(gaps.begin(), gaps.end());
    report << " door" << i + 1 << ": installed " << latency * 1000 << " ms after publish ("
           << snap[0]["since_publish_ms"].get<double>() << " ms after the manifest's time), " << dec.size()
           << " frames (0 lost), gap across the swap " << (first_after - last_before) * 1000
           << " ms, decision gaps median " << gaps[gaps.size() / 2] * 1000 << " / max " << max_gap * 1000
           << " ms, stages " << snap[0]["stages_ms"].dump() << ";";
  }
  MESSAGE(report.str());
  std::printf("%s\n", report.str().c_str());
  CHECK(worst < 10.0);  // target 2 s (docs/mqtt.md has the figure); generous for a loaded CI machine
}
