// MQTT topic names of one door and its Home Assistant discovery configs (docs/mqtt.md).
//
//   facegate/<id>/event         every audit line, QoS 1
//   facegate/<id>/state         retained {"lock","last_person","last_decision","last_time","door_id"}
//   facegate/<id>/availability  retained "online" / "offline" (Last Will)
//   facegate/<id>/command       subscribed (mqtt_command.h)
//
// Discovery (retained, under homeassistant/<component>/<id>/<object>/config): a binary_sensor
// (device_class lock: on = unlocked) rather than a lock entity, because HA cannot sign an
// unlock; a sensor for the last person; an event entity for decisions. All share one device
// block and the availability topic. The keys of each payload are listed in
// docs/mqtt-ha-discovery.keys.json (tests check the payloads against it).
#pragma once
#include <string>
#include <vector>

namespace fg::door {

struct DoorTopics {
  std::string event, state, availability, command;
};
DoorTopics door_topics(const std::string& door_id);

struct HaConfig {
  std::string component, object, topic, payload;
};
std::vector<HaConfig> ha_discovery_configs(const std::string& door_id, const std::string& sw_version);

}  // namespace fg::door
