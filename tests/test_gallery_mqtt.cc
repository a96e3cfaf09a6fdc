// One gallery for many doors (docs/mqtt.md): what a door refuses, and the publisher, with a
// real mosquitto on 127.0.0.1 (tests/mqtt_broker_fixture.h). Without mosquitto, an MQTT build
// or the models it prints SKIPPED and exits 77. (Switching, bootstrap and the 3-door
// measurement: test_gallery_mqtt_switch.cc.)
//
//   1. unsigned, forged, truncated, replayed and oversize snapshots are refused: a
//      gallery_refused line each (audit log and MQTT event), the gallery file untouched, the
//      door keeps deciding with its old gallery (a person only in the refused one is never granted)
//   2. mqtts://: a CA and server certificate made here with the openssl CLI, a TLS listener;
//      the door and the publisher connect with --mqtt-cafile, a wrong CA is refused clearly
//   3. usage errors exit 2, bad files 3
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
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
  REQUIRE(wait_lines(log, "\"decision\":", 3, door_start_timeout_s()));
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
  CHECK(audit_schema_problem(log) == "");
  // Each refusal went out as an MQTT event too.
  for (int i = 0; i < 250 && !contains(file_text(sub_out), "\"event\":\"stop\""); ++i) sleep_ms(20);
  ::kill(sub, SIGTERM);
  wait_exit(sub, 5);
  size_t events = 0;
  for (const std::string& l : read_lines(sub_out))
    events += l.rfind("facegate/d1/event\t", 0) == 0 && contains(l, "\"event\":\"gallery_refused\"");
  CHECK(events == 5);
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
  REQUIRE(wait_lines(log, "\"decision\":", 3, door_start_timeout_s()));
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
