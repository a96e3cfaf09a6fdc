// facegate-door's MQTT side (docs/mqtt.md): the door loop's hooks into the MQTT client.
//
//   door_mqtt_open   after the audit log is open (so the "start" line is published too)
//   door_mqtt_line   after every line the audit log accepted: that same line (with its "prev"
//                    chain field: byte for byte the audit line) goes to facegate/<id>/event;
//                    decisions update the retained state
//   door_mqtt_poll   once per frame, on the door thread: commands received since the last
//                    frame are checked and run here (the network thread never touches the
//                    actuator), dropped events are reported, the state's lock times out
//   door_mqtt_close  after the "stop" line: drains (up to 2 s), disconnects and writes an
//                    "mqtt_summary" line (events / delivered / dropped / undelivered)
//
// The audit log stays the record of truth: a line that was not written is not published, a
// command is recorded before it acts, and nothing here can block the door thread.
#pragma once
#include <memory>
#include <string>

#include "runtime/base/status.h"

namespace fg::door {

struct DoorMqttOptions {
  std::string url;            // --mqtt mqtt[s]://[user[:pass]@]host[:port]; empty: no MQTT
  std::string password_file;  // --mqtt-password-file (first line)
  std::string cafile;         // --mqtt-cafile (mqtts)
  std::string door_id;        // --door-id, [A-Za-z0-9_-]{1,64}
  std::string command_key;    // --mqtt-command-key FILE (32 bytes or 64 hex)
  bool ha_discovery = false;  // --ha-discovery
  int queue = 1000;           // --mqtt-queue: events waiting for the broker
  std::string gallery_topic;     // --gallery-mqtt T: signed gallery snapshots (door_gallery_mqtt.h)
  std::string gallery_sign_key;  // --gallery-sign-key FILE (32 bytes, mode 0600)
};

// Whether this build has libmosquitto.
bool door_mqtt_available();
// Usage checks (exit 2): URL syntax, door id, flags that need --mqtt.
Status door_mqtt_options_check(const DoorMqttOptions& o);

struct Door;
struct DoorMqtt;  // door_mqtt.cc
Status door_mqtt_open(Door& d);
void door_mqtt_line(Door& d, const std::string& json);
void door_mqtt_poll(Door& d);
void door_mqtt_close(Door& d);

}  // namespace fg::door
