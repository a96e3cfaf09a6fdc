#include "tools/door/door_mqtt.h"

#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tools/door/door_gallery_mqtt.h"
#include "tools/door/door_loop.h"
#include "tools/door/ha_discovery.h"
#include "tools/door/mqtt_client.h"
#include "tools/door/mqtt_command.h"

#ifndef FG_HAVE_MQTT
#define FG_HAVE_MQTT 0
#endif
#ifndef FG_VERSION
#define FG_VERSION "0"
#endif

namespace fg::door {

Status door_mqtt_options_check(const DoorMqttOptions& o) {
  if (o.url.empty()) {
    if (o.ha_discovery || !o.command_key.empty() || !o.password_file.empty() || !o.cafile.empty() ||
        !o.gallery_topic.empty() || !o.gallery_sign_key.empty())
      return Status::error("--ha-discovery, --mqtt-command-key, --mqtt-password-file, --mqtt-cafile, --gallery-mqtt and "
                           "--gallery-sign-key need --mqtt URL");
    return Status::ok();
  }
  if (!o.gallery_topic.empty() && !gallery_mqtt_topic_valid(o.gallery_topic))
    return Status::error("--gallery-mqtt '" + o.gallery_topic + "': a topic without wildcards (+ #) or empty levels");
  if (o.gallery_topic.empty() != o.gallery_sign_key.empty())
    return Status::error("--gallery-mqtt TOPIC and --gallery-sign-key KEYFILE go together (snapshots are always signed)");
  MqttUrl u;
  FG_RETURN_IF_ERROR(mqtt_url_parse(o.url, &u));
  if (o.door_id.empty()) return Status::error("--mqtt needs --door-id ID (its topics are facegate/<ID>/...)");
  if (!mqtt_door_id_valid(o.door_id)) return Status::error("--door-id '" + o.door_id + "': use [A-Za-z0-9_-]{1,64}");
  if (!u.password.empty() && !o.password_file.empty())
    return Status::error("--mqtt: give the password in the URL or in --mqtt-password-file, not both");
  if (!o.password_file.empty() && u.user.empty())
    return Status::error("--mqtt-password-file needs a user name in the URL (mqtt://user@host)");
  if (u.tls && o.cafile.empty()) return Status::error("mqtts:// needs --mqtt-cafile FILE");
  return Status::ok();
}

#if FG_HAVE_MQTT

bool door_mqtt_available() { return true; }

struct DoorMqtt {
  MqttClientPtr client;
  DoorTopics topics;
  CommandKey key;
  ReplayGuard guard;
  std::string last_person, last_decision, last_time;
  double unlocked_until_s = -1;  // < 0: locked
  int64_t dropped_reported = 0, commands_dropped_reported = 0;
  double next_drop_report_s = 0;
  std::vector<MqttCommandMessage> commands;
  std::shared_ptr<DoorGalleryMqtt> gallery;  // --gallery-mqtt
};

namespace {

Status read_password(const std::string& path, std::string* out) {
  std::ifstream f(path);
  if (!f) return Status::error(path + ": cannot read the MQTT password file");
  std::getline(f, *out);
  if (!out->empty() && out->back() == '\r') out->pop_back();
  if (out->empty()) return Status::error(path + ": the MQTT password file is empty");
  return Status::ok();
}

void publish_state(Door& d) {
  DoorMqtt& m = *d.mqtt;
  const nlohmann::ordered_json j = {{"lock", m.unlocked_until_s >= 0 ? "unlocked" : "locked"},
                                    {"last_person", m.last_person},
                                    {"last_decision", m.last_decision},
                                    {"last_time", m.last_time},
                                    {"door_id", d.cfg.mqtt.door_id}};
  mqtt_client_set_sticky(*m.client, m.topics.state, j.dump());
}

// Audit line of a command: written BEFORE the command acts; false = not recorded (no action).
bool record_command(Door& d, const char* event, const DoorCommand& c, const std::string& cmd_text,
                    const std::string& reason) {
  nlohmann::ordered_json j = {{"time", utc_timestamp()}, {"event", event}, {"cmd", cmd_text}};
  if (c.seconds > 0) j["seconds"] = c.seconds;
  if (c.signed_fields) {
    j["ts"] = c.ts;
    j["nonce"] = c.nonce;
  }
  if (!reason.empty()) j["reason"] = reason;
  // error_handler replace: a hostile "cmd" with invalid UTF-8 still gives a valid line.
  return door_write_line(d, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void run_command(Door& d, const MqttCommandMessage& msg) {
  DoorMqtt& m = *d.mqtt;
  DoorCommand c;
  std::string why = command_parse(msg.payload, &c);
  if (!why.empty()) {
    // What was asked, when it can be told: the "cmd" string of a malformed command.
    std::string asked = "?";
    const nlohmann::json j = nlohmann::json::parse(msg.payload, nullptr, false);
    if (j.is_object() && j.contains("cmd") && j["cmd"].is_string()) asked = j["cmd"].get<std::string>().substr(0, 32);
    std::fprintf(stderr, "facegate-door: mqtt command refused: %s\n", why.c_str());
    record_command(d, "command_refused", DoorCommand{}, asked, why);
    return;
  }
  why = command_authorize(c, m.key, m.guard, (int64_t)std::time(nullptr));
  if (!why.empty()) {
    std::fprintf(stderr, "facegate-door: mqtt command %s refused: %s\n", c.cmd.c_str(), why.c_str());
    record_command(d, "command_refused", c, c.cmd, why);
    return;
  }
  if (!record_command(d, "command", c, c.cmd, "")) return;  // no record, no action
  const double now = door_now_s(d);
  if (c.cmd == "unlock") {
    Status a = actuator_grant(d.actuator, "mqtt:unlock", 0.f, d.counters.frames, now);
    if (a && d.actuator.release_at_s >= 0) d.actuator.release_at_s = now + c.seconds;  // GPIO: hold N s
    if (!a) {
      ++d.counters.errors;
      door_event(d, "actuator_error", a.message());
    }
    m.unlocked_until_s = now + c.seconds;
  } else if (c.cmd == "lock") {
    if (d.actuator.release_at_s >= 0) {
      d.actuator.release_at_s = now;
      actuator_poll(d.actuator, now);
    }
    m.unlocked_until_s = -1;
  } else {  // reload
    Status s = d.gallery ? gallery_refresh(d.gallery.get()) : Status::error("no gallery yet (waiting for a snapshot)");
    if (!s) door_event(d, "command_error", "reload: " + s.message());
  }
  publish_state(d);
}

}  // namespace

Status door_mqtt_open(Door& d) {
  const DoorMqttOptions& o = d.cfg.mqtt;
  if (o.url.empty()) return Status::ok();
  auto m = std::make_shared<DoorMqtt>();
  m->topics = door_topics(o.door_id);
  MqttClientOptions co;
  FG_RETURN_IF_ERROR(mqtt_url_parse(o.url, &co.url));
  if (!o.password_file.empty()) FG_RETURN_IF_ERROR(read_password(o.password_file, &co.url.password));
  if (!o.command_key.empty()) FG_RETURN_IF_ERROR(command_key_load(o.command_key, &m->key));
  co.cafile = o.cafile;
  co.client_id = "facegate-" + o.door_id;
  co.will_topic = m->topics.availability;
  co.subscribe = m->topics.command;
  co.queue_max = (size_t)o.queue;
  FG_RETURN_IF_ERROR(mqtt_client_start(co, &m->client));
  if (!o.gallery_topic.empty()) FG_RETURN_IF_ERROR(door_gallery_mqtt_open(d, co.url, co.cafile, &m->gallery));
  d.mqtt = m;
  publish_state(d);
  if (o.ha_discovery)
    for (const HaConfig& h : ha_discovery_configs(o.door_id, FG_VERSION)) mqtt_client_set_sticky(*m->client, h.topic, h.payload);
  std::printf("facegate-door: mqtt %s:%d, door %s, topics facegate/%s/{event,state,availability,command}%s\n",
              co.url.host.c_str(), co.url.port, o.door_id.c_str(), o.door_id.c_str(),
              o.ha_discovery ? ", Home Assistant discovery" : "");
  return Status::ok();
}

void door_mqtt_line(Door& d, const std::string& json) {
  if (!d.mqtt || !d.mqtt->client) return;
  DoorMqtt& m = *d.mqtt;
  // The chained line as the file holds it (without a log file: the record itself).
  mqtt_client_publish_event(*m.client, m.topics.event, d.log.fd >= 0 ? d.log.last_line : json);
  if (json.find("\"decision\":") == std::string::npos) return;
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (!j.is_object() || !j.contains("decision")) return;
  m.last_decision = j.value("decision", "");
  // The state keeps its "last_person" text: "unknown" when the line names no one (null).
  m.last_person = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "unknown";
  m.last_time = j.value("time", "");
  if (m.last_decision == "grant") m.unlocked_until_s = door_now_s(d) + d.cfg.actuator.hold_s;
  publish_state(d);
}

void door_mqtt_poll(Door& d) {
  if (!d.mqtt || !d.mqtt->client) return;
  DoorMqtt& m = *d.mqtt;
  const double now = door_now_s(d);
  if (m.unlocked_until_s >= 0 && now >= m.unlocked_until_s) {
    m.unlocked_until_s = -1;
    publish_state(d);
  }
  mqtt_client_take_commands(*m.client, &m.commands);
  for (const MqttCommandMessage& c : m.commands) {
    if (d.log_failed) break;
    run_command(d, c);
  }
  if (m.gallery && !d.log_failed) door_gallery_mqtt_poll(d, *m.gallery);
  // Drops: at most one line a second, so a long outage does not flood the log.
  if (now < m.next_drop_report_s) return;
  const MqttStats s = mqtt_client_stats(*m.client);
  if (s.dropped == m.dropped_reported && s.commands_dropped == m.commands_dropped_reported) return;
  m.next_drop_report_s = now + 1.0;
  char line[256];
  std::snprintf(line, sizeof line,
                "{\"time\":\"%s\",\"event\":\"mqtt_dropped\",\"dropped\":%lld,\"dropped_total\":%lld,"
                "\"commands_dropped_total\":%lld}",
                utc_timestamp().c_str(), (long long)(s.dropped - m.dropped_reported), (long long)s.dropped,
                (long long)s.commands_dropped);
  std::fprintf(stderr, "facegate-door: mqtt: %lld events dropped (queue of %d full: broker down or slow)\n",
               (long long)(s.dropped - m.dropped_reported), d.cfg.mqtt.queue);
  m.dropped_reported = s.dropped;
  m.commands_dropped_reported = s.commands_dropped;
  door_write_line(d, line);
}

void door_mqtt_close(Door& d) {
  if (!d.mqtt || !d.mqtt->client) return;
  d.mqtt->gallery.reset();
  const MqttStats s = mqtt_client_stop(*d.mqtt->client, 2.0);
  d.mqtt->client.reset();
  const int64_t events = s.offered;  // == delivered + dropped + undelivered
  char line[320];
  std::snprintf(line, sizeof line,
                "{\"time\":\"%s\",\"event\":\"mqtt_summary\",\"events\":%lld,\"delivered\":%lld,\"dropped\":%lld,"
                "\"undelivered\":%lld,\"connects\":%lld,\"commands_dropped\":%lld}",
                utc_timestamp().c_str(), (long long)events, (long long)s.delivered, (long long)s.dropped,
                (long long)s.undelivered, (long long)s.connects, (long long)s.commands_dropped);
  std::printf("facegate-door: mqtt: %lld events, %lld delivered, %lld dropped, %lld undelivered, %lld connects\n",
              (long long)events, (long long)s.delivered, (long long)s.dropped, (long long)s.undelivered,
              (long long)s.connects);
  door_write_line(d, line);
}

#else  // built without libmosquitto

bool door_mqtt_available() { return false; }
struct DoorMqtt {};
Status door_mqtt_open(Door& d) {
  if (d.cfg.mqtt.url.empty()) return Status::ok();
  return Status::error("--mqtt: this facegate-door was built without libmosquitto (apt-get install libmosquitto-dev, rebuild)");
}
void door_mqtt_line(Door&, const std::string&) {}
void door_mqtt_poll(Door&) {}
void door_mqtt_close(Door&) {}

#endif

}  // namespace fg::door
