// One gallery for many doors (docs/mqtt.md): `facegate gallery publish` and facegate-door
// --gallery-mqtt with a real mosquitto on 127.0.0.1 (tests/mqtt_broker_fixture.h). Without
// mosquitto, an MQTT build or the models it prints SKIPPED and exits 77.
//
//   1. unsigned, forged, truncated, replayed and oversize snapshots are refused: a
//      gallery_refused line each (audit log and MQTT event), the gallery file untouched, the
//      door keeps deciding with its old gallery (a person only in the refused one is never granted)
//   2. a republished gallery switches a running door: no grant for that person before the
//      gallery_snapshot line, grants after; restarting the door does not re-install it
//      (GALLERY.seq); the broker unreachable at start: the door runs on its local file
//   3. measured: 3 doors on one broker, a 10,002-person gallery published while they decide
//      every frame: publish -> installed per door (audit times), frames lost (0), the only
//      gallery switch is old -> complete new file. Natively only (visible skip under qemu).
//   4. mqtts://: a CA and server certificate made here with the openssl CLI, a TLS listener;
//      the door and the publisher connect with --mqtt-cafile, a wrong CA is refused clearly
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mqtt_broker_fixture.h"
#include "runtime/gallery/gallery.h"
#include "runtime/gallery/gallery_key.h"
#include "runtime/gallery/gallery_snapshot.h"
#include "test_util.h"

using namespace fg_test;
using Json = nlohmann::json;

namespace {

std::string door_bin() { return bin_dir() + "/facegate-door"; }
std::string cli_bin() { return bin_dir() + "/facegate"; }
std::string source_dir() { return env_or("FG_SOURCE_DIR", "."); }

struct Fixture {
  std::string dir, skip;
  std::string old_gallery, new_gallery;  // amy; amy + sheldon
  std::string sign_key, wrong_key;
  ~Fixture() {
    if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
  }
};

std::string enroll_cmd(const std::string& gallery, const std::string& people) {
  return exec_prefix() + " " + door_bin() + " --models " + model_dir() + " --gallery " + gallery + people + " 2>&1";
}

Fixture& fixture() {
  static Fixture f;
  if (!f.dir.empty()) return f;
  char tmpl[] = "/tmp/fg_test_galmqtt_XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  f.dir = tmpl;
  f.skip = mqtt_door_skip_reason(door_bin());
  if (!f.skip.empty()) {
    std::printf("SKIPPED: %s\n", f.skip.c_str());
    std::fflush(stdout);
    std::exit(77);
  }
  const std::string key = f.dir + "/gallery.key";
  REQUIRE(fg::gallery_keygen(key).is_ok());
  ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
  f.sign_key = f.dir + "/sign.key";
  f.wrong_key = f.dir + "/wrong.key";
  REQUIRE(fg::gallery_keygen(f.sign_key).is_ok());
  REQUIRE(fg::gallery_keygen(f.wrong_key).is_ok());
  const std::string faces = source_dir() + "/samples/faces/";
  const std::string amy = " --enroll amy=" + faces + "amy/amy1.png," + faces + "amy/amy2.png";
  const std::string sheldon = " --enroll sheldon=" + faces + "sheldon/sheldon1.png," + faces + "sheldon/sheldon2.png";
  f.old_gallery = f.dir + "/old.fgg";
  f.new_gallery = f.dir + "/new.fgg";
  CommandResult r = run_command(enroll_cmd(f.old_gallery, amy));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  r = run_command(enroll_cmd(f.new_gallery, amy + sheldon));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  std::ofstream(f.dir + "/doorpw") << "doorpw\n";
  std::ofstream(f.dir + "/adminpw") << "adminpw\n";
  return f;
}

// Doors read the snapshot topics and write their own; only "admin" may publish a gallery.
void broker_setup(Broker* b, const std::string& dir) {
  ::mkdir(dir.c_str(), 0700);
  b->setup(dir, {{"door", "doorpw"}, {"admin", "adminpw"}},
           "user door\ntopic readwrite facegate/#\ntopic read site/#\n\n"
           "user admin\ntopic readwrite site/#\ntopic read facegate/#\n");
}

std::string copy_of(const std::string& from, const std::string& to) {
  REQUIRE(run_command("cp '" + from + "' '" + to + "'").exit_code == 0);
  return to;
}

// Every frame its own one-frame visit, decided by that frame: a decision line per frame.
std::string door_cmd(const Fixture& f, const Broker& b, const std::string& id, const std::string& gallery,
                     const std::string& topic, const std::string& source, const std::string& log,
                     const std::string& extra, const std::string& out) {
  return exec_prefix() + " " + door_bin() + " --models " + f.dir.substr(0, 0) + model_dir() + " --gallery " + gallery +
         " --source " + source + " --loop 0 --visit-gap 0 --votes 1 --window 1 --cooldown 0 --liveness off --tau 0.30 --quiet --log " + log +
         " --mqtt " + b.url("door") + " --mqtt-password-file " + f.dir + "/doorpw --door-id " + id +
         " --gallery-mqtt " + topic + " --gallery-sign-key " + f.sign_key + " " + extra + " >" + out + " 2>&1 </dev/null";
}

std::string frame(const char* name) { return source_dir() + "/samples/frames/" + name; }

int publish(const Fixture& f, const Broker& b, const std::string& gallery, const std::string& topic,
            const std::string& extra, std::string* out = nullptr) {
  const CommandResult r = run_command(exec_prefix() + " " + cli_bin() + " gallery publish " + gallery + " --mqtt " +
                                      b.url("admin") + " --mqtt-password-file " + f.dir + "/adminpw --topic " + topic +
                                      " " + extra + " 2>&1");
  if (out) *out = r.out;
  INFO(r.out);
  return r.exit_code;
}

// One raw retained message (the test's forgeries), as user admin.
void publish_raw(const Broker& b, const std::string& topic, const std::string& payload, const std::string& dir) {
  const std::string file = dir + "/raw.bin";
  std::ofstream(file, std::ios::binary) << payload;
  const CommandResult r = run_command(find_program("mosquitto_pub") + " " + b.client_args("admin", "adminpw") +
                                      " -q 1 -r -t " + topic + " -f " + file + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
}

std::vector<Json> lines_with(const std::string& log, const std::string& needle) {
  std::vector<Json> out;
  for (const std::string& l : read_lines(log))
    if (contains(l, needle)) out.push_back(Json::parse(l));
  return out;
}

// Waits until `log` has `n` lines containing `needle`.
bool wait_lines(const std::string& log, const std::string& needle, size_t n, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    if (lines_with(log, needle).size() >= n) return true;
    sleep_ms(20);
  }
  return false;
}

double parse_time_s(const std::string& iso) {  // 2025-01-31T08:15:02.123Z
  std::tm t{};
  REQUIRE(strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &t) != nullptr);
  return (double)timegm(&t) + std::atoi(iso.c_str() + 20) / 1000.0;
}

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// "frames 123, visits ..." of the stop line.
long stop_frames(const std::string& log) {
  const std::vector<Json> stop = lines_with(log, "\"event\":\"stop\"");
  REQUIRE(stop.size() == 1);
  return std::atol(stop[0]["detail"].get<std::string>().c_str() + 7);
}

// A subscriber writing "topic<TAB>payload" lines of facegate/#, ready once it saw a probe.
pid_t start_subscriber(const Broker& b, const std::string& out) {
  const pid_t pid = spawn(find_program("mosquitto_sub") + " " + b.client_args("admin", "adminpw") +
                          " -q 1 -t 'facegate/#' -F '%t\t%p' > " + out + " 2>&1");
  for (int i = 0; i < 100; ++i) {
    run_command(find_program("mosquitto_pub") + " " + b.client_args("door", "doorpw") + " -t facegate/probe -m probe 2>&1");
    if (contains(file_text(out), "facegate/probe\t")) return pid;
    sleep_ms(50);
  }
  FAIL("the subscriber never received the probe");
  return pid;
}

}  // namespace

TEST_CASE("gallery mqtt: unsigned, forged, truncated, replayed, oversize snapshots refused; the door keeps deciding") {
  Fixture& f = fixture();
  Broker b;
  broker_setup(&b, f.dir + "/b1");
  b.start();
  const std::string sub_out = f.dir + "/sub1.txt";
  const pid_t sub = start_subscriber(b, sub_out);
  const std::string gallery = copy_of(f.old_gallery, f.dir + "/door1.fgg"), log = f.dir + "/audit1.jsonl";
  const std::string topic = "site/t1";
  const pid_t door = spawn(door_cmd(f, b, "d1", gallery, topic, frame("sheldon3.png"), log, "", f.dir + "/door1.out"));
  REQUIRE(wait_lines(log, "\"decision\":", 3, 60));
  fg::GalleryKey sign;
  REQUIRE(fg::gallery_key_load(f.sign_key, &sign).is_ok());
  const std::vector<uint8_t> newer = read_bytes(f.new_gallery);
  size_t refused = 0;
  const auto expect_refused = [&](const char* what, const char* reason) {
    INFO(what << "\n" << file_text(f.dir + "/door1.out"));
    REQUIRE(wait_lines(log, "\"event\":\"gallery_refused\"", ++refused, 20));
    const Json last = lines_with(log, "\"event\":\"gallery_refused\"").back();
    CHECK(contains(last["reason"].get<std::string>(), reason));
    CHECK(last["kept_people"] == 1);
    CHECK(last["topic"] == topic);
  };
  // Unsigned: the gallery file itself on the manifest topic.
  publish_raw(b, topic, std::string(newer.begin(), newer.end()), f.dir);
  expect_refused("unsigned", "unsigned");
  // Forged: signed with a key the door does not have.
  REQUIRE(publish(f, b, f.new_gallery, topic, "--sign-key " + f.wrong_key) == 0);
  expect_refused("forged", "bad signature");
  // Truncated: a chunk cut short (its header still claims the full length), then the manifest.
  fg::SnapshotMessages m;
  REQUIRE(fg::snapshot_build(newer.data(), newer.size(), 5000, 0, 1024, sign, &m).is_ok());
  REQUIRE(m.chunks.size() >= 2);
  for (size_t i = 0; i < m.chunks.size(); ++i)
    publish_raw(b, topic + "/" + std::to_string(i), i == 1 ? m.chunks[i].substr(0, m.chunks[i].size() - 100) : m.chunks[i],
                f.dir);
  publish_raw(b, topic, m.manifest, f.dir);
  expect_refused("truncated", "truncated");
  // Replayed: sequence 7000 (the old gallery) is installed, then 6000 (with sheldon) comes.
  REQUIRE(publish(f, b, f.old_gallery, topic, "--sign-key " + f.sign_key + " --sequence 7000") == 0);
  REQUIRE(wait_lines(log, "\"event\":\"gallery_snapshot\"", 1, 20));
  REQUIRE(publish(f, b, f.new_gallery, topic, "--sign-key " + f.sign_key + " --sequence 6000") == 0);
  expect_refused("replayed", "replayed");
  // Oversize: correctly signed, claiming more than the cap.
  fg::SnapshotManifest big;
  big.sequence = 8000;
  big.chunk_bytes = fg::kSnapshotMaxChunkBytes;
  big.total_bytes = fg::kSnapshotMaxBytes + 1;
  big.chunk_count = (uint32_t)((big.total_bytes + big.chunk_bytes - 1) / big.chunk_bytes);
  big.chunk_sha256.resize(big.chunk_count);
  publish_raw(b, topic, fg::snapshot_manifest_encode(big, sign), f.dir);
  expect_refused("oversize", "oversize");
  const size_t decided_before = lines_with(log, "\"decision\":").size();
  REQUIRE(wait_lines(log, "\"decision\":", decided_before + 5, 30));  // still deciding
  ::kill(door, SIGTERM);
  CHECK(wait_exit(door, 30) == 0);
  const std::string door1_out = file_text(f.dir + "/door1.out");
  INFO(door1_out);
  // Sheldon was only ever in refused snapshots: never granted.
  for (const Json& d : lines_with(log, "\"decision\":")) CHECK(d["decision"] != "grant");
  CHECK(lines_with(log, "\"event\":\"gallery_refused\"").size() == 5);
  CHECK(read_bytes(gallery) == read_bytes(f.old_gallery));  // sequence 7000 is the old file, byte for byte
  CHECK(file_text(gallery + ".seq") == "7000\n");
  // Each refusal went out as an MQTT event too.
  for (int i = 0; i < 250 && !contains(file_text(sub_out), "\"event\":\"stop\""); ++i) sleep_ms(20);
  ::kill(sub, SIGTERM);
  wait_exit(sub, 5);
  size_t events = 0;
  for (const std::string& l : read_lines(sub_out))
    events += l.rfind("facegate/d1/event\t", 0) == 0 && contains(l, "\"event\":\"gallery_refused\"");
  CHECK(events == 5);
}

TEST_CASE("gallery mqtt: a republished gallery switches a running door; a restart keeps it; no broker: local file") {
  Fixture& f = fixture();
  Broker b;
  broker_setup(&b, f.dir + "/b2");
  b.start();
  const std::string gallery = copy_of(f.old_gallery, f.dir + "/door2.fgg"), log = f.dir + "/audit2.jsonl";
  const std::string topic = "site/t2";
  const std::string source = frame("sheldon3.png") + "," + frame("amy3.png");
  const pid_t door = spawn(door_cmd(f, b, "d2", gallery, topic, source, log, "", f.dir + "/door2.out"));
  REQUIRE(wait_lines(log, "\"decision\":", 4, 60));
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
         << publish_s * 1000 << " ms (CLI start to manifest acknowledged);";
  double worst = 0;
  for (size_t i = 0; i < 3; ++i) {
    INFO(file_text(f.dir + "/door" + std::to_string(i + 1) + ".out"));
    const std::vector<Json> snap = lines_with(logs[i], "\"event\":\"gallery_snapshot\"");
    REQUIRE(snap.size() == 1);
    CHECK(snap[0]["people"] == people + 2);
    CHECK(snap[0]["in_use"] == true);
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
    int grants_after = 0;
    for (const Json& d : dec) {
      const double t = parse_time_s(d["time"]);
      if (prev >= 0) max_gap = std::max(max_gap, t - prev);
      prev = t;
      grants_after += t > t_installed && d["decision"] == "grant";
    }
    CHECK(grants_after >= 5);  // the real people still decide on the big gallery
    report << " door" << i + 1 << ": installed " << latency * 1000 << " ms after publish, " << dec.size()
           << " frames (0 lost), max gap between decisions " << max_gap * 1000 << " ms, stages "
           << snap[0]["stages_ms"].dump() << ";";
  }
  MESSAGE(report.str());
  std::printf("%s\n", report.str().c_str());
  CHECK(worst < 10.0);  // target 2 s (docs/mqtt.md has the figure); generous for a loaded CI machine
}

TEST_CASE("gallery mqtt: mqtts:// with a CA made here; a wrong CA is refused with a clear error") {
  Fixture& f = fixture();
  const std::string openssl = find_program("openssl");
  if (openssl.empty()) {
    MESSAGE("SKIPPED: openssl not installed (apt-get install openssl): no certificates for the TLS broker");
    std::printf("SKIPPED: openssl not installed\n");
    return;
  }
  const std::string dir = f.dir + "/b4";
  ::mkdir(dir.c_str(), 0700);
  // A CA, a server certificate it signs for 127.0.0.1 (IP SAN: the host name libmosquitto
  // checks), and a second, unrelated CA.
  const std::string q = " 2>&1";
  for (const std::string& cmd :
       {openssl + " req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/ca.key -out " + dir +
            "/ca.crt -days 2 -subj /CN=facegate-test-ca" + q,
        openssl + " req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/wrong.key -out " + dir +
            "/wrong.crt -days 2 -subj /CN=facegate-wrong-ca" + q,
        openssl + " req -newkey rsa:2048 -nodes -keyout " + dir + "/server.key -out " + dir +
            "/server.csr -subj /CN=127.0.0.1" + q,
        "printf 'subjectAltName=IP:127.0.0.1\\n' > " + dir + "/ext.cnf",
        openssl + " x509 -req -in " + dir + "/server.csr -CA " + dir + "/ca.crt -CAkey " + dir + "/ca.key -CAcreateserial -out " +
            dir + "/server.crt -days 2 -extfile " + dir + "/ext.cnf" + q}) {
    const CommandResult r = run_command(cmd);
    INFO(cmd << "\n" << r.out);
    REQUIRE(r.exit_code == 0);
  }
  Broker b;
  b.tls_cert = dir + "/server.crt";
  b.tls_key = dir + "/server.key";
  broker_setup(&b, dir);
  b.start();
  REQUIRE(contains(b.url("door"), "mqtts://"));
  const std::string ca = " --mqtt-cafile " + dir + "/ca.crt", wrong = " --mqtt-cafile " + dir + "/wrong.crt";
  const std::string topic = "site/tls";
  // The right CA: events delivered, a snapshot published and installed over TLS.
  const std::string gallery = copy_of(f.old_gallery, f.dir + "/door4.fgg"), log = f.dir + "/audit4.jsonl";
  const pid_t door = spawn(door_cmd(f, b, "d4", gallery, topic, frame("sheldon3.png"), log, ca, f.dir + "/door4.out"));
  REQUIRE(wait_lines(log, "\"decision\":", 3, 60));
  std::string out;
  CHECK(publish(f, b, f.new_gallery, topic, "--sign-key " + f.sign_key + ca, &out) == 0);
  {
    INFO(out << file_text(f.dir + "/door4.out"));
    CHECK(wait_lines(log, "\"event\":\"gallery_snapshot\"", 1, 30));
    CHECK(wait_lines(log, "\"name\":\"sheldon\"", 1, 30));
  }
  ::kill(door, SIGTERM);
  CHECK(wait_exit(door, 30) == 0);
  const std::vector<Json> summary = lines_with(log, "\"event\":\"mqtt_summary\"");
  REQUIRE(summary.size() == 1);
  CHECK(summary[0]["connects"].get<int64_t>() >= 1);
  CHECK(summary[0]["delivered"] == summary[0]["events"]);
  // The wrong CA: the publisher stops with exit 3 and says why; the door runs on its local
  // file, delivers nothing and says why on stderr.
  CHECK(publish(f, b, f.new_gallery, topic, "--sign-key " + f.sign_key + wrong, &out) == 3);
  CHECK(contains(out, "certificate verify failed"));
  CHECK(contains(out, "--mqtt-cafile"));
  const std::string log_w = f.dir + "/audit4w.jsonl", out_w = f.dir + "/door4w.out";
  const int rc = wait_exit(spawn(door_cmd(f, b, "d5", copy_of(f.old_gallery, f.dir + "/door5.fgg"), topic,
                                          frame("amy3.png"), log_w, wrong + " --max-frames 20", out_w)), 120);
  const std::string door_out = file_text(out_w);
  INFO(door_out);
  CHECK(rc == 0);
  CHECK(lines_with(log_w, "\"decision\":").size() == 20);
  CHECK(contains(door_out, "certificate verify failed"));
  CHECK(contains(door_out, "--mqtt-cafile"));
  const std::vector<Json> s = lines_with(log_w, "\"event\":\"mqtt_summary\"");
  REQUIRE(s.size() == 1);
  CHECK(s[0]["connects"] == 0);
  CHECK(s[0]["delivered"] == 0);
}

TEST_CASE("gallery mqtt: usage errors exit 2, bad files 3") {
  Fixture& f = fixture();
  const std::string door = exec_prefix() + " " + door_bin() + " --models " + model_dir() + " --gallery " + f.old_gallery +
                           " --source " + frame("amy3.png") + " ";
  for (const std::string& bad :
       {std::string("--gallery-mqtt site/g --gallery-sign-key ") + f.sign_key,  // no --mqtt
        std::string("--mqtt mqtt://h --door-id d1 --gallery-mqtt site/g"),        // no sign key
        "--mqtt mqtt://h --door-id d1 --gallery-sign-key " + f.sign_key,          // no topic
        "--mqtt mqtt://h --door-id d1 --gallery-mqtt 'site/#' --gallery-sign-key " + f.sign_key,
        "--mqtt mqtt://h --door-id d1 --gallery-mqtt site//g --gallery-sign-key " + f.sign_key}) {
    const CommandResult r = run_command(door + bad + " 2>&1");
    INFO(bad << " -> " << r.out);
    CHECK(r.exit_code == 2);
  }
  const CommandResult k = run_command(door + "--mqtt mqtt://127.0.0.1:1 --door-id d1 --gallery-mqtt site/g "
                                             "--gallery-sign-key " + f.dir + "/missing.key 2>&1");
  INFO(k.out);
  CHECK(k.exit_code == 3);
  const std::string pub = exec_prefix() + " " + cli_bin() + " gallery publish ";
  for (const std::string& bad :
       {f.old_gallery + " --topic t --sign-key " + f.sign_key,                           // no --mqtt
        f.old_gallery + " --mqtt mqtt://127.0.0.1:1 --sign-key " + f.sign_key,           // no --topic
        f.old_gallery + std::string(" --mqtt mqtt://127.0.0.1:1 --topic t"),             // no key
        f.old_gallery + " --mqtt mqtt://127.0.0.1:1 --topic 't/+' --sign-key " + f.sign_key,
        f.old_gallery + " --mqtt mqtts://127.0.0.1:1 --topic t --sign-key " + f.sign_key,  // no CA
        f.old_gallery + " --mqtt mqtt://127.0.0.1:1 --topic t --sign-key " + f.sign_key + " --chunk-bytes 10",
        f.old_gallery + " --mqtt mqtt://127.0.0.1:1 --topic t --sign-key " + f.sign_key + " --sequence 0",
        std::string("--mqtt mqtt://127.0.0.1:1 --topic t --sign-key ") + f.sign_key}) {  // no file
    const CommandResult r = run_command(pub + bad + " 2>&1");
    INFO(bad << " -> " << r.out);
    CHECK(r.exit_code == 2);
  }
  for (const std::string& bad :
       {f.sign_key + " --mqtt mqtt://127.0.0.1:1 --topic t --sign-key " + f.sign_key,  // not a gallery
        f.old_gallery + " --mqtt mqtt://127.0.0.1:1 --topic t --sign-key " + f.dir + "/missing.key",
        f.old_gallery + " --mqtt mqtt://127.0.0.1:" + std::to_string(free_port()) + " --topic t --sign-key " + f.sign_key}) {
    const CommandResult r = run_command(pub + bad + " 2>&1");
    INFO(bad << " -> " << r.out);
    CHECK(r.exit_code == 3);
    CHECK(r.out.find("facegate: ") != std::string::npos);
  }
  CHECK(run_command(pub + "--help").exit_code == 0);
}
