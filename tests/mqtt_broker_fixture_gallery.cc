// The shared-gallery tests' fixture (mqtt_broker_fixture.h, namespace galmqtt).
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <doctest/doctest.h>
#include <fstream>

#include "mqtt_broker_fixture.h"
#include "runtime/gallery/gallery_key.h"

namespace fg_test::galmqtt {
namespace {

std::string source_dir() { return env_or("FG_SOURCE_DIR", "."); }

std::string enroll_cmd(const std::string& gallery, const std::string& people) {
  return exec_prefix() + " " + door_bin() + " --models " + model_dir() + " --gallery " + gallery + people + " 2>&1";
}

}  // namespace

Fixture::~Fixture() {
  if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
}

std::string door_bin() { return bin_dir() + "/facegate-door"; }
std::string cli_bin() { return bin_dir() + "/facegate"; }
std::string frame(const char* name) { return source_dir() + "/samples/frames/" + name; }

Fixture& fixture() {
  static Fixture f;
  if (!f.dir.empty()) return f;
  char tmpl[] = "/tmp/fg_test_galmqtt_XXXXXX";
  REQUIRE(::mkdtemp(tmpl) != nullptr);
  f.dir = tmpl;
  mqtt_door_skip_or_exit(door_bin());
  const std::string key = f.dir + "/gallery.key";
  REQUIRE(fg::gallery_keygen(key).is_ok());
  ::setenv("FG_GALLERY_KEY", key.c_str(), 1);
  f.sign_key = f.dir + "/sign.key";
  f.wrong_key = f.dir + "/wrong.key";
  REQUIRE(fg::gallery_keygen(f.sign_key).is_ok());
  REQUIRE(fg::gallery_keygen(f.wrong_key).is_ok());
  const std::string faces = source_dir() + "/samples/faces/";
  const std::string amy = " --enroll amy=" + faces + "amy/amy1.png," + faces + "amy/amy2.png";
  const std::string sheldon = " --enroll sheldon=" + faces + "sheldon/sheldon1.png," + faces + "sheldon/sheldon2.png";
  f.old_gallery = f.dir + "/old.fgg";
  f.new_gallery = f.dir + "/new.fgg";
  CommandResult r = run_command(enroll_cmd(f.old_gallery, amy));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  r = run_command(enroll_cmd(f.new_gallery, amy + sheldon));
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
  std::ofstream(f.dir + "/doorpw") << "doorpw\n";
  std::ofstream(f.dir + "/adminpw") << "adminpw\n";
  return f;
}

void broker_setup(Broker* b, const std::string& dir) {
  ::mkdir(dir.c_str(), 0700);
  b->setup(dir, {{"door", "doorpw"}, {"admin", "adminpw"}},
           "user door\ntopic readwrite facegate/#\ntopic read site/#\n\n"
           "user admin\ntopic readwrite site/#\ntopic read facegate/#\n");
}

std::string copy_of(const std::string& from, const std::string& to) {
  REQUIRE(run_command("cp '" + from + "' '" + to + "'").exit_code == 0);
  return to;
}

std::string door_cmd(const Fixture& f, const Broker& b, const std::string& id, const std::string& gallery,
                     const std::string& topic, const std::string& source, const std::string& log,
                     const std::string& extra, const std::string& out) {
  return exec_prefix() + " " + door_bin() + " --models " + model_dir() + " --gallery " + gallery + " --source " + source +
         " --loop 0 --visit-gap 0 --votes 1 --window 1 --cooldown 0 --liveness off --tau 0.30 --quiet --log " + log + " --mqtt " +
         b.url("door") + " --mqtt-password-file " + f.dir + "/doorpw --door-id " + id + " --gallery-mqtt " + topic +
         " --gallery-sign-key " + f.sign_key + " " + extra + " >" + out + " 2>&1 </dev/null";
}

int publish(const Fixture& f, const Broker& b, const std::string& gallery, const std::string& topic,
            const std::string& extra, std::string* out) {
  const CommandResult r = run_command(exec_prefix() + " " + cli_bin() + " gallery publish " + gallery + " --mqtt " +
                                      b.url("admin") + " --mqtt-password-file " + f.dir + "/adminpw --topic " + topic +
                                      " " + extra + " 2>&1");
  if (out) *out = r.out;
  INFO(r.out);
  return r.exit_code;
}

void publish_raw(const Broker& b, const std::string& topic, const std::string& payload, const std::string& dir) {
  const std::string file = dir + "/raw.bin";
  std::ofstream(file, std::ios::binary) << payload;
  const CommandResult r = run_command(find_program("mosquitto_pub") + " " + b.client_args("admin", "adminpw") +
                                      " -q 1 -r -t " + topic + " -f " + file + " 2>&1");
  INFO(r.out);
  REQUIRE(r.exit_code == 0);
}

std::vector<nlohmann::json> lines_with(const std::string& log, const std::string& needle) {
  std::vector<nlohmann::json> out;
  for (const std::string& l : read_lines(log))
    if (contains(l, needle)) out.push_back(nlohmann::json::parse(l));
  return out;
}

double door_start_timeout_s() { return exec_prefix().empty() ? 60 : 240; }

bool wait_lines(const std::string& log, const std::string& needle, size_t n, double timeout_s) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    if (lines_with(log, needle).size() >= n) return true;
    sleep_ms(20);
  }
  return false;
}

double unix_now_s() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

long stop_frames(const std::string& log) {
  const std::vector<nlohmann::json> stop = lines_with(log, "\"event\":\"stop\"");
  REQUIRE(stop.size() == 1);
  return std::atol(stop[0]["detail"].get<std::string>().c_str() + 7);
}

pid_t start_subscriber(const Broker& b, const std::string& out) {
  const pid_t pid = spawn(find_program("mosquitto_sub") + " " + b.client_args("admin", "adminpw") +
                          " -q 1 -t 'facegate/#' -F '%t\t%p' > " + out + " 2>&1");
  for (int i = 0; i < 100; ++i) {
    run_command(find_program("mosquitto_pub") + " " + b.client_args("door", "doorpw") + " -t facegate/probe -m probe 2>&1");
    if (contains(file_text(out), "facegate/probe\t")) return pid;
    sleep_ms(50);
  }
  FAIL("the subscriber never received the probe");
  return pid;
}

}  // namespace fg_test::galmqtt
