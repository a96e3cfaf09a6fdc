#include "tools/door/ha_discovery.h"

#include <nlohmann/json.hpp>

namespace fg::door {

DoorTopics door_topics(const std::string& door_id) {
  const std::string base = "facegate/" + door_id + "/";
  return {base + "event", base + "state", base + "availability", base + "command"};
}

std::vector<HaConfig> ha_discovery_configs(const std::string& door_id, const std::string& sw_version) {
  using Json = nlohmann::ordered_json;
  const DoorTopics t = door_topics(door_id);
  const Json device = {{"identifiers", Json::array({"facegate_" + door_id})},
                       {"name", "facegate " + door_id},
                       {"manufacturer", "facegate"},
                       {"model", "facegate-door"},
                       {"sw_version", sw_version}};
  const auto common = [&](const std::string& object, const std::string& name) {
    return Json{{"name", name},
                {"unique_id", "facegate_" + door_id + "_" + object},
                {"object_id", "facegate_" + door_id + "_" + object},
                {"availability_topic", t.availability},
                {"payload_available", "online"},
                {"payload_not_available", "offline"},
                {"device", device}};
  };
  std::vector<HaConfig> out;
  const auto add = [&](const std::string& component, const std::string& object, const Json& j) {
    out.push_back({component, object, "homeassistant/" + component + "/" + door_id + "/" + object + "/config", j.dump()});
  };
  Json lock = common("door", "Door");
  lock["state_topic"] = t.state;
  lock["value_template"] = "{{ value_json.lock }}";
  lock["payload_on"] = "unlocked";
  lock["payload_off"] = "locked";
  lock["device_class"] = "lock";
  add("binary_sensor", "door", lock);
  Json person = common("last_person", "Last person");
  person["state_topic"] = t.state;
  person["value_template"] = "{{ value_json.last_person }}";
  person["icon"] = "mdi:account";
  add("sensor", "last_person", person);
  // Event lines without a decision (start, stop, errors) map to "other": HA wants every
  // message on the topic to name one of event_types.
  Json decision = common("decision", "Decision");
  decision["state_topic"] = t.event;
  decision["event_types"] = Json::array({"grant", "deny", "unknown", "spoof", "other"});
  decision["value_template"] =
      "{{ {'event_type': value_json.decision if value_json.decision is defined else 'other'} | tojson }}";
  add("event", "decision", decision);
  return out;
}

}  // namespace fg::door
