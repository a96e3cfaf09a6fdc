#include "mqtt_broker_fixture.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <doctest/doctest.h>
#include <fstream>
#include <sstream>
#include <thread>

#include "test_util.h"

namespace fg_test {

std::string find_program(const std::string& name) {
  for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/usr/local/sbin/", "/usr/local/bin/"})
    if (path_exists(dir + name)) return dir + name;
  return "";
}

std::string file_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string mqtt_door_skip_reason(const std::string& door_bin) {
  for (const char* p : {"mosquitto", "mosquitto_sub", "mosquitto_pub", "mosquitto_passwd"})
    if (find_program(p).empty()) return std::string(p) + " not installed (apt-get install mosquitto mosquitto-clients)";
  if (!path_exists(door_bin) || !path_exists(model_dir() + "/recognition.fgm"))
    return "facegate-door or the model files are not built";
  if (contains(run_command(exec_prefix() + " " + door_bin + " --help 2>&1").out, "no libmosquitto"))
    return "facegate-door was built without libmosquitto";
  return "";
}

void mqtt_door_skip_or_exit(const std::string& door_bin) {
  const std::string why = mqtt_door_skip_reason(door_bin);
  if (why.empty()) return;
  std::printf("SKIPPED: %s\n", why.c_str());
  std::fflush(stdout);
  std::exit(77);
}

pid_t spawn(const std::string& cmd) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::execl("/bin/sh", "sh", "-c", ("exec " + cmd).c_str(), (char*)nullptr);
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  for (;;) {
    int st = 0;
    const pid_t r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    if (std::chrono::steady_clock::now() > end) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &st, 0);
      return -1;
    }
    sleep_ms(20);
  }
}

int free_port() {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(s >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(s, (sockaddr*)&a, sizeof a) == 0);
  socklen_t len = sizeof a;
  REQUIRE(::getsockname(s, (sockaddr*)&a, &len) == 0);
  ::close(s);
  return ntohs(a.sin_port);
}

bool port_open(int port) {
  const int s = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  const bool ok = ::connect(s, (sockaddr*)&a, sizeof a) == 0;
  ::close(s);
  return ok;
}

double parse_time_s(const std::string& iso) {
  std::tm t{};
  REQUIRE(strptime(iso.c_str(), "%Y-%m-%dT%H:%M:%S", &t) != nullptr);
  return (double)timegm(&t) + std::atoi(iso.c_str() + 20) / 1000.0;
}

std::string schema_problem(const nlohmann::json& schema, const nlohmann::json& v) {
  if (!v.is_object()) return "not an object";
  for (const auto& k : schema["required"])
    if (!v.contains(k.get<std::string>())) return "missing " + k.get<std::string>();
  bool any = false;
  for (const auto& alt : schema["anyOf"]) {
    bool all = true;
    for (const auto& k : alt["required"]) all = all && v.contains(k.get<std::string>());
    any = any || all;
  }
  if (!any) return "fits no anyOf branch";
  const nlohmann::json& props = schema["properties"];
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!props.contains(it.key())) return "undocumented field " + it.key();
    const nlohmann::json& p = props[it.key()];
    // "type" is one name or a list of them (["number", "null"]).
    const nlohmann::json types = p["type"].is_array() ? p["type"] : nlohmann::json::array({p["type"]});
    bool ok = false;
    for (const auto& tj : types) {
      const std::string t = tj;
      ok = ok || (t == "string" && it->is_string()) || (t == "integer" && it->is_number_integer()) ||
           (t == "number" && it->is_number()) || (t == "boolean" && it->is_boolean()) ||
           (t == "object" && it->is_object()) || (t == "array" && it->is_array()) || (t == "null" && it->is_null());
    }
    if (!ok) return it.key() + " is not a " + types.dump();
    if (p.contains("enum") && std::find(p["enum"].begin(), p["enum"].end(), *it) == p["enum"].end())
      return it.key() + " = " + it->dump() + " is not in its enum";
  }
  return "";
}

std::string audit_schema_problem(const std::string& log) {
  std::ifstream sf(env_or("FG_SOURCE_DIR", ".") + "/docs/mqtt-event.schema.json");
  if (!sf) return "docs/mqtt-event.schema.json not found (FG_SOURCE_DIR)";
  const nlohmann::json schema = nlohmann::json::parse(sf);
  for (const std::string& l : read_lines(log)) {
    const std::string why = schema_problem(schema, nlohmann::json::parse(l));
    if (!why.empty()) return why + " in " + l;
  }
  return "";
}

void Broker::setup(const std::string& d) {
  setup(d, {{"door", "doorpw"}, {"panel", "panelpw"}, {"guest", "guestpw"}},
        "user door\ntopic readwrite facegate/d1/#\ntopic write homeassistant/#\n\n"
        "user panel\ntopic read facegate/#\ntopic read homeassistant/#\n"
        "topic write facegate/d1/command\n\n"
        "user guest\ntopic read facegate/#\n");
}

void Broker::setup(const std::string& d, const std::vector<BrokerUser>& users, const std::string& acl_text) {
  dir = d;
  mosquitto = find_program("mosquitto");
  port = free_port();
  const std::string passwd = dir + "/passwd", acl = dir + "/acl";
  const std::string pw = find_program("mosquitto_passwd");
  ::unlink(passwd.c_str());
  for (size_t i = 0; i < users.size(); ++i)
    REQUIRE(run_command(pw + (i == 0 ? " -c" : "") + " -b " + passwd + " " + users[i].name + " " + users[i].password +
                        " 2>&1").exit_code == 0);
  ::chmod(passwd.c_str(), 0600);
  std::ofstream(acl) << acl_text;
  ::chmod(acl.c_str(), 0600);
  // As root, mosquitto would switch to user "mosquitto" and lose access to this directory.
  const struct passwd* me = ::getpwuid(::getuid());
  conf = dir + "/mosquitto.conf";
  std::ofstream c(conf);
  c << "listener " << port << " 127.0.0.1\nallow_anonymous false\npassword_file " << passwd << "\nacl_file " << acl
    << "\npersistence false\nuser " << (me ? me->pw_name : "root") << "\nlog_dest file " << dir << "/broker.log\n";
  if (!tls_cert.empty() && !tls_key.empty()) c << "certfile " << tls_cert << "\nkeyfile " << tls_key << "\n";
}

void Broker::start() {
  // Its output to a file: a broker left behind by a crashed test must not hold CTest's pipe open.
  pid = spawn(mosquitto + " -c " + conf + " >>" + dir + "/broker.out 2>&1");
  for (int i = 0; i < 250 && !port_open(port); ++i) sleep_ms(20);
  REQUIRE_MESSAGE(port_open(port), "mosquitto did not start; see " << dir << "/broker.log");
}

void Broker::kill9() {
  if (pid <= 0) return;
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  pid = -1;
}

std::string Broker::url(const std::string& user) const {
  return std::string(tls_cert.empty() ? "mqtt://" : "mqtts://") + user + "@127.0.0.1:" + std::to_string(port);
}

std::string Broker::client_args(const std::string& user, const std::string& pw) const {
  return "-h 127.0.0.1 -p " + std::to_string(port) + " -u " + user + " -P " + pw;
}

}  // namespace fg_test
