// mqtt_url_parse and mqtt_door_id_valid (declared in mqtt_client.h).
#include <cstdlib>

#include "tools/door/mqtt_client.h"

namespace fg::door {
namespace {

bool id_char(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'; }

}  // namespace

Status mqtt_url_parse(const std::string& url, MqttUrl* out) {
  MqttUrl u;
  std::string rest;
  if (url.compare(0, 7, "mqtt://") == 0) {
    rest = url.substr(7);
  } else if (url.compare(0, 8, "mqtts://") == 0) {
    u.tls = true;
    rest = url.substr(8);
  } else {
    return Status::error("--mqtt '" + url + "': expected mqtt://[user[:pass]@]host[:port] or mqtts://...");
  }
  const size_t at = rest.rfind('@');
  if (at != std::string::npos) {
    const std::string cred = rest.substr(0, at);
    rest = rest.substr(at + 1);
    const size_t colon = cred.find(':');
    u.user = cred.substr(0, colon);
    if (colon != std::string::npos) u.password = cred.substr(colon + 1);
    if (u.user.empty()) return Status::error("--mqtt: empty user name before '@'");
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  const size_t colon = rest.rfind(':');
  u.port = u.tls ? 8883 : 1883;
  if (colon != std::string::npos) {
    const std::string port = rest.substr(colon + 1);
    char* end = nullptr;
    const long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 1 || p > 65535)
      return Status::error("--mqtt: bad port '" + port + "' (1..65535)");
    u.port = (int)p;
    rest = rest.substr(0, colon);
  }
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos)
    return Status::error("--mqtt: bad host '" + rest + "'");
  u.host = rest;
  *out = u;
  return Status::ok();
}

bool mqtt_door_id_valid(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char ch : id)
    if (!id_char(ch)) return false;
  return true;
}

}  // namespace fg::door
