// A real mosquitto on 127.0.0.1 for the MQTT tests (test_door_mqtt, test_gallery_mqtt), and
// the process helpers they share. Each broker lives in a directory of its own with a password
// file (mosquitto_passwd -b), an ACL and, with TLS, a server certificate; it listens on a free
// port of 127.0.0.1 and nothing else. Tests talk to nothing but 127.0.0.1.
#pragma once
#include <sys/types.h>

#include <string>
#include <vector>

#include "test_util.h"  // read_lines, run_command

namespace fg_test {

// /usr/sbin, /usr/bin, /usr/local/...: the program's path, or "" when it is not installed.
std::string find_program(const std::string& name);
std::string file_text(const std::string& path);
void sleep_ms(int ms);
// Why a broker test cannot run here ("" when it can): mosquitto's programs missing, the door
// binary or the models not built, or a door built without libmosquitto.
std::string mqtt_door_skip_reason(const std::string& door_bin);
// fork + exec /bin/sh -c "exec CMD": a pid the test can signal and reap.
pid_t spawn(const std::string& cmd);
// Exit code, or 128 + signal; -1 if still running after timeout_s (then it is killed).
int wait_exit(pid_t pid, double timeout_s);
int free_port();
bool port_open(int port);

struct BrokerUser {
  std::string name, password;
};

struct Broker {
  std::string dir, conf, mosquitto;
  int port = 0;
  pid_t pid = -1;
  // TLS listener when both are set (PEM files): mqtts:// on `port`.
  std::string tls_cert, tls_key;

  // Users "door" (publishes facegate/d1/#, reads its command topic, writes discovery),
  // "panel" (reads everything, may command the door) and "guest" (may read events only).
  void setup(const std::string& d);
  // Any users, and the ACL file's text as it is.
  void setup(const std::string& d, const std::vector<BrokerUser>& users, const std::string& acl_text);
  void start();
  void kill9();
  ~Broker() { kill9(); }
  std::string url(const std::string& user) const;
  // mosquitto_sub / mosquitto_pub arguments for a user (plain listener only).
  std::string client_args(const std::string& user, const std::string& pw) const;
};

}  // namespace fg_test
