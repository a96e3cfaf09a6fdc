// The MQTT pieces of facegate-door that need no broker (tools/door/fg_door_mqtt): URL and
// door-id checks, signed commands (parse, HMAC, replay window, nonce reuse, key files), and
// the Home Assistant discovery payloads against docs/mqtt-ha-discovery.keys.json.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "test_util.h"
#include "tools/door/ha_discovery.h"
#include "tools/door/mqtt_client.h"
#include "tools/door/mqtt_command.h"

using namespace fg::door;
using fg_test::contains;

namespace {

CommandKey test_key() {
  CommandKey k;
  for (int i = 0; i < 32; ++i) k.bytes[i] = (unsigned char)i;
  k.loaded = true;
  return k;
}

std::string signed_unlock(const CommandKey& k, int seconds, int64_t ts, const std::string& nonce) {
  DoorCommand c;
  c.cmd = "unlock";
  c.seconds = seconds;
  c.ts = ts;
  c.nonce = nonce;
  const std::string mac = command_mac_hex(k, command_signed_text(c));
  return "{\"cmd\":\"unlock\",\"seconds\":" + std::to_string(seconds) + ",\"ts\":" + std::to_string(ts) +
         ",\"nonce\":\"" + nonce + "\",\"mac\":\"" + mac + "\"}";
}

std::string temp_file(const std::string& bytes) {
  char tmpl[] = "/tmp/fg_mqtt_key_XXXXXX";
  const int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, bytes.data(), bytes.size()) == (ssize_t)bytes.size());
  ::close(fd);
  return tmpl;
}

}  // namespace

TEST_CASE("mqtt url: schemes, credentials, ports; bad ones refused") {
  MqttUrl u;
  REQUIRE(mqtt_url_parse("mqtt://127.0.0.1:1884", &u));
  CHECK(!u.tls);
  CHECK(u.host == "127.0.0.1");
  CHECK(u.port == 1884);
  REQUIRE(mqtt_url_parse("mqtts://door:s3:cr@t@broker.lan", &u));
  CHECK(u.tls);
  CHECK(u.port == 8883);
  CHECK(u.user == "door");
  CHECK(u.password == "s3:cr@t");  // the last '@' ends the credentials; the first ':' ends the user
  CHECK(u.host == "broker.lan");
  REQUIRE(mqtt_url_parse("mqtt://h", &u));
  CHECK(u.port == 1883);
  for (const char* bad : {"http://h", "mqtt://", "mqtt://h:0", "mqtt://h:65536", "mqtt://h:x", "mqtt://:pw@h", "mqtt://h/x",
                          "h:1883"})
    CHECK_MESSAGE(!mqtt_url_parse(bad, &u), bad);
}

TEST_CASE("door id: [A-Za-z0-9_-]{1,64}") {
  CHECK(mqtt_door_id_valid("front-door_1"));
  CHECK(mqtt_door_id_valid(std::string(64, 'a')));
  CHECK(!mqtt_door_id_valid(std::string(65, 'a')));
  for (const char* bad : {"", "a/b", "a+b", "a#", "a b", "d\xc3\xa9"}) CHECK_MESSAGE(!mqtt_door_id_valid(bad), bad);
}

TEST_CASE("command: signed unlock accepted once; replay, bad mac, stale ts, unsigned refused") {
  const CommandKey k = test_key();
  ReplayGuard g;
  const int64_t now = 1700000000;
  DoorCommand c;
  REQUIRE(command_parse(signed_unlock(k, 5, now, "nonce-0001"), &c) == "");
  CHECK(c.seconds == 5);
  CHECK(command_signed_text(c) == "unlock|5|1700000000|nonce-0001");
  CHECK(command_authorize(c, k, g, now + 3) == "");
  CHECK(command_authorize(c, k, g, now + 4) == "nonce already used (replay)");
  // A different nonce, the same MAC: the MAC covers the nonce.
  DoorCommand forged = c;
  forged.nonce = "nonce-0002";
  CHECK(command_authorize(forged, k, g, now) == "bad mac");
  // ... and a forged attempt does not burn the nonce for the real sender.
  REQUIRE(command_parse(signed_unlock(k, 5, now, "nonce-0002"), &c) == "");
  CHECK(command_authorize(c, k, g, now) == "");
  // More seconds than signed.
  forged = c;
  forged.seconds = 3600;
  forged.nonce = "nonce-0003";
  CHECK(command_authorize(forged, k, g, now) == "bad mac");
  // Outside +-30 s.
  REQUIRE(command_parse(signed_unlock(k, 5, now - 31, "nonce-0004"), &c) == "");
  CHECK(contains(command_authorize(c, k, g, now), "window"));
  REQUIRE(command_parse(signed_unlock(k, 5, now + 31, "nonce-0005"), &c) == "");
  CHECK(contains(command_authorize(c, k, g, now), "window"));
  REQUIRE(command_parse(signed_unlock(k, 5, now - 30, "nonce-0006"), &c) == "");
  CHECK(command_authorize(c, k, g, now) == "");
  // Another key.
  CommandKey other = k;
  other.bytes[0] ^= 1;
  REQUIRE(command_parse(signed_unlock(other, 5, now, "nonce-0007"), &c) == "");
  CHECK(command_authorize(c, k, g, now) == "bad mac");
  // Unsigned unlock; unsigned lock and reload are fine (the broker ACL guards the topic).
  REQUIRE(command_parse("{\"cmd\":\"unlock\",\"seconds\":5}", &c) == "");
  CHECK(command_authorize(c, k, g, now) == "unsigned unlock");
  REQUIRE(command_parse("{\"cmd\":\"lock\"}", &c) == "");
  CHECK(command_authorize(c, k, g, now) == "");
  REQUIRE(command_parse("{\"cmd\":\"reload\"}", &c) == "");
  CHECK(command_authorize(c, k, g, now) == "");
  // No key loaded: a signed unlock cannot be checked, so it is refused.
  REQUIRE(command_parse(signed_unlock(k, 5, now, "nonce-0008"), &c) == "");
  CHECK(contains(command_authorize(c, CommandKey{}, g, now), "no --mqtt-command-key"));
}

TEST_CASE("command: the MAC is HMAC-SHA256 (RFC 4231 test case 2 through our function)") {
  // RFC 4231 case 2 uses the 4-byte key "Jefe"; HMAC pads keys to the block size, so the same
  // key zero-padded to 32 bytes gives the same MAC.
  CommandKey k;
  std::fill(std::begin(k.bytes), std::end(k.bytes), 0);
  std::copy_n("Jefe", 4, k.bytes);
  CHECK(command_mac_hex(k, "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("command: malformed payloads refused with a reason, never a crash") {
  DoorCommand c;
  for (const char* bad : {"", "garbage", "[]", "{}", "{\"cmd\":1}", "{\"cmd\":\"open\"}", "{\"cmd\":\"unlock\"}",
                          "{\"cmd\":\"unlock\",\"seconds\":0}", "{\"cmd\":\"unlock\",\"seconds\":3601}",
                          "{\"cmd\":\"unlock\",\"seconds\":1.5}", "{\"cmd\":\"unlock\",\"seconds\":5,\"ts\":1}",
                          "{\"cmd\":\"unlock\",\"seconds\":5,\"ts\":1,\"nonce\":\"short\",\"mac\":\"" 
                          "0000000000000000000000000000000000000000000000000000000000000000\"}",
                          "{\"cmd\":\"unlock\",\"seconds\":5,\"ts\":1,\"nonce\":\"abc|defgh\",\"mac\":\""
                          "0000000000000000000000000000000000000000000000000000000000000000\"}",
                          "{\"cmd\":\"unlock\",\"seconds\":5,\"ts\":\"1\",\"nonce\":\"abcdefgh\",\"mac\":\""
                          "0000000000000000000000000000000000000000000000000000000000000000\"}",
                          "{\"cmd\":\"lock\",\"ts\":1,\"nonce\":\"abcdefgh\",\"mac\":\"00\"}", "{\"cmd\":\"lock\""})
    CHECK_MESSAGE(command_parse(bad, &c) != "", bad);
}

TEST_CASE("command key file: 32 raw bytes or 64 hex digits; anything else refused") {
  CommandKey k;
  const std::string raw(32, '\x07');
  std::string path = temp_file(raw);
  REQUIRE(command_key_load(path, &k));
  CHECK(k.bytes[31] == 7);
  ::unlink(path.c_str());
  path = temp_file("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n");
  REQUIRE(command_key_load(path, &k));
  CHECK(k.bytes[31] == 0x1f);
  ::unlink(path.c_str());
  for (const std::string& bad : {std::string(31, 'a'), std::string(33, 'a'), std::string(64, 'g'), std::string()}) {
    path = temp_file(bad);
    CHECK(!command_key_load(path, &k));
    ::unlink(path.c_str());
  }
  CHECK(!command_key_load("/nonexistent/key", &k));
  CHECK(!command_key_load("/tmp", &k));
}

TEST_CASE("Home Assistant discovery: topics and exactly the documented keys") {
  const std::string doc = fg_test::env_or("FG_SOURCE_DIR", ".") + "/docs/mqtt-ha-discovery.keys.json";
  std::ifstream f(doc);
  REQUIRE_MESSAGE(f, doc);
  const nlohmann::json keys = nlohmann::json::parse(f);
  const std::vector<HaConfig> configs = ha_discovery_configs("d1", "9.9.9");
  REQUIRE(configs.size() == keys["configs"].size());
  for (const HaConfig& h : configs) {
    const std::string name = h.component + "/" + h.object;
    INFO(name);
    CHECK(h.topic == "homeassistant/" + name.substr(0, name.find('/')) + "/d1/" + h.object + "/config");
    REQUIRE(keys["configs"].contains(name));
    const nlohmann::json j = nlohmann::json::parse(h.payload);
    std::set<std::string> got, want;
    for (auto it = j.begin(); it != j.end(); ++it) got.insert(it.key());
    for (const auto& k : keys["configs"][name]) want.insert(k.get<std::string>());
    CHECK(got == want);
    std::set<std::string> dev_got, dev_want;
    for (auto it = j["device"].begin(); it != j["device"].end(); ++it) dev_got.insert(it.key());
    for (const auto& k : keys["device_keys"]) dev_want.insert(k.get<std::string>());
    CHECK(dev_got == dev_want);
    CHECK(j["availability_topic"] == "facegate/d1/availability");
    CHECK(j["device"]["manufacturer"] == "facegate");
    CHECK(j["device"]["sw_version"] == "9.9.9");
    CHECK(j["device"]["identifiers"][0] == "facegate_d1");
    CHECK(j["state_topic"].get<std::string>().rfind("facegate/d1/", 0) == 0);
    // HA drops an event whose type is not listed: every decision the door can publish is.
    if (name == "event/decision") {
      std::ifstream sf(fg_test::env_or("FG_SOURCE_DIR", ".") + "/docs/mqtt-event.schema.json");
      REQUIRE(sf);
      const nlohmann::json schema = nlohmann::json::parse(sf);
      for (const auto& d : schema["properties"]["decision"]["enum"]) {
        INFO(d);
        CHECK(std::find(j["event_types"].begin(), j["event_types"].end(), d) != j["event_types"].end());
      }
    }
  }
}
