// A real mosquitto on 127.0.0.1 for the MQTT tests (test_door_mqtt, test_gallery_mqtt), and
// the process helpers they share. Each broker lives in a directory of its own with a password
// file (mosquitto_passwd -b), an ACL and, with TLS, a server certificate; it listens on a free
// port of 127.0.0.1 and nothing else. Tests talk to nothing but 127.0.0.1.
#pragma once
#include <sys/types.h>

#include <nlohmann/json.hpp>
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
// The same check for a fixture: when a broker test cannot run, prints "SKIPPED: why" and exits
// 77 (CTest's SKIP_RETURN_CODE: every case of the file needs the broker and the door).
void mqtt_door_skip_or_exit(const std::string& door_bin);
// fork + exec /bin/sh -c "exec CMD": a pid the test can signal and reap.
pid_t spawn(const std::string& cmd);
// Exit code, or 128 + signal; -1 if still running after timeout_s (then it is killed).
int wait_exit(pid_t pid, double timeout_s);
int free_port();
bool port_open(int port);

double parse_time_s(const std::string& iso);  // 2025-01-31T08:15:02.123Z (an audit line's time)
// "" when `v` fits `schema` (docs/mqtt-event.schema.json): the subset of JSON Schema it uses
// (type, required, anyOf of required lists, additionalProperties false, per-property type and
// enum); else the first problem.
std::string schema_problem(const nlohmann::json& schema, const nlohmann::json& v);
// Every line of an audit log against docs/mqtt-event.schema.json: the first problem, or "".
std::string audit_schema_problem(const std::string& log);

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

// The shared-gallery tests (test_gallery_mqtt, test_gallery_mqtt_switch): one fixture per
// executable, made on first use, SKIPPED (exit 77) when a broker test cannot run here.
namespace galmqtt {

struct Fixture {
  std::string dir;
  std::string old_gallery, new_gallery;  // amy; amy + sheldon
  std::string sign_key, wrong_key;
  ~Fixture();
};
Fixture& fixture();  // sets FG_GALLERY_KEY for everything this process runs

std::string door_bin();
std::string cli_bin();
std::string frame(const char* name);  // samples/frames/NAME
// Users "door" (reads site/#, writes facegate/#) and "admin" (the only one who may publish a gallery).
void broker_setup(Broker* b, const std::string& dir);
std::string copy_of(const std::string& from, const std::string& to);
// facegate-door deciding every frame as its own one-frame visit (a decision line per frame),
// --gallery-mqtt `topic` with the fixture's sign key; stdout + stderr to `out`.
std::string door_cmd(const Fixture& f, const Broker& b, const std::string& id, const std::string& gallery,
                     const std::string& topic, const std::string& source, const std::string& log,
                     const std::string& extra, const std::string& out);
// `facegate gallery publish` as admin: its exit code (output in *out).
int publish(const Fixture& f, const Broker& b, const std::string& gallery, const std::string& topic,
            const std::string& extra, std::string* out = nullptr);
// One raw retained message (the tests' forgeries), as admin.
void publish_raw(const Broker& b, const std::string& topic, const std::string& payload, const std::string& dir);
std::vector<nlohmann::json> lines_with(const std::string& log, const std::string& needle);
// How long a door may take to its first decisions: 60 s natively; under emulation (loading
// the nets in qemu, on a machine that may be running other suites) 240 s.
double door_start_timeout_s();
// Waits until `log` has `n` lines containing `needle`.
bool wait_lines(const std::string& log, const std::string& needle, size_t n, double timeout_s);
double unix_now_s();
long stop_frames(const std::string& log);  // "frames N, ..." of the one stop line
// mosquitto_sub as admin writing "topic<TAB>payload" lines of facegate/#, ready once it saw a probe.
pid_t start_subscriber(const Broker& b, const std::string& out);

}  // namespace galmqtt

}  // namespace fg_test
