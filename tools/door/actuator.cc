#include "tools/door/actuator.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

extern char** environ;

namespace fg::door {
namespace {

std::string utc_now_iso() {
  const time_t t = time(nullptr);
  tm tm_utc;
  gmtime_r(&t, &tm_utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm_utc);
  return buf;
}

enum class RunResult { kDone, kTimedOut, kFailed };

// Runs `/bin/sh -c cmd` as the leader of a new process group and waits up to timeout_s; on
// timeout the WHOLE group gets SIGKILL (killing only the shell would leave its children, e.g.
// the `sleep` of `on; sleep 6; off`, running with the door open). posix_spawn rather than
// fork: no copy of the models' page tables on small boards.
RunResult run_in_group(const std::string& command, char** envp, double timeout_s, std::string* error) {
  std::string cmd = command;
  char sh[] = "/bin/sh", dash_c[] = "-c";
  char* argv[] = {sh, dash_c, cmd.data(), nullptr};
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);  // pgid = the child's pid
  pid_t pid;
  const int rc = posix_spawn(&pid, "/bin/sh", nullptr, &attr, argv, envp);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    *error = std::string("cannot start the door command: ") + std::strerror(rc);
    return RunResult::kFailed;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) break;
    if (r < 0 && errno != EINTR) {
      *error = std::string("waitpid: ") + std::strerror(errno);
      ::kill(-pid, SIGKILL);
      return RunResult::kFailed;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(-pid, SIGKILL);  // the group: the shell and everything it started
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      *error = "door command timed out after " + std::to_string(timeout_s) + " s (process group killed)";
      return RunResult::kTimedOut;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return RunResult::kDone;
  *error = WIFEXITED(status) ? "door command exited with " + std::to_string(WEXITSTATUS(status))
                             : "door command killed by signal " + std::to_string(WTERMSIG(status));
  return RunResult::kFailed;
}

// The person's name goes to the command ONLY through the environment (FG_PERSON), never into
// the command text: a name is user data and may hold `$ ; ( ) *`.
Status run_command(const ActuatorOptions& o, const std::string& person, float distance, int64_t frame) {
  std::vector<std::string> vars;
  for (char** e = environ; *e; ++e)
    if (std::strncmp(*e, "FG_PERSON=", 10) && std::strncmp(*e, "FG_DISTANCE=", 12) &&
        std::strncmp(*e, "FG_FRAME=", 9) && std::strncmp(*e, "FG_TIME=", 8))
      vars.push_back(*e);
  char dist[32];
  std::snprintf(dist, sizeof dist, "%.6f", distance);
  vars.push_back("FG_PERSON=" + person);
  vars.push_back(std::string("FG_DISTANCE=") + dist);
  vars.push_back("FG_FRAME=" + std::to_string(frame));
  vars.push_back("FG_TIME=" + utc_now_iso());
  std::vector<char*> envp;
  for (std::string& v : vars) envp.push_back(v.data());
  envp.push_back(nullptr);
  std::string error;
  const RunResult r = run_in_group(o.command, envp.data(), o.command_timeout_s, &error);
  if (r == RunResult::kDone) return Status::ok();
  if (r == RunResult::kTimedOut && !o.command_on_timeout.empty()) {
    // The relock step: whatever the timed-out command left half done, put the door back.
    std::string relock_error;
    const RunResult rr = run_in_group(o.command_on_timeout, envp.data(), o.command_timeout_s, &relock_error);
    error += rr == RunResult::kDone ? "; --command-on-timeout ran" : "; --command-on-timeout FAILED: " + relock_error;
  }
  return Status::error(error);
}

}  // namespace

bool actuator_kind_from_name(const std::string& name, ActuatorKind* out) {
  if (name == "dry" || name == "dry-run" || name == "none") *out = ActuatorKind::kDryRun;
  else if (name == "command") *out = ActuatorKind::kCommand;
  else if (name == "gpio") *out = ActuatorKind::kGpio;
  else return false;
  return true;
}

Status actuator_open(const ActuatorOptions& options, Actuator* a) {
  a->options = options;
  a->release_at_s = -1;
  if (options.kind == ActuatorKind::kCommand && options.command.empty())
    return Status::error("--actuator command needs --command CMD");
  if (options.kind == ActuatorKind::kCommand && !(options.command_timeout_s > 0))
    return Status::error("--command-timeout must be > 0 seconds");
  if (options.kind != ActuatorKind::kGpio) return Status::ok();
  if (options.gpio_line < 0) return Status::error("--actuator gpio needs --gpio-line N (the line offset)");
  if (!(options.hold_s > 0)) return Status::error("--hold must be > 0 seconds");
  GpioLine* g = nullptr;
  FG_RETURN_IF_ERROR(gpio_line_open(options.gpio_chip, options.gpio_line, options.gpio_active_low, &g));
  a->gpio.reset(g);
  return Status::ok();
}

Status actuator_grant(Actuator& a, const std::string& person, float distance, int64_t frame, double now_s) {
  ++a.activations;
  switch (a.options.kind) {
    case ActuatorKind::kDryRun: return Status::ok();
    case ActuatorKind::kCommand: return run_command(a.options, person, distance, frame);
    case ActuatorKind::kGpio:
      FG_RETURN_IF_ERROR(gpio_line_set(a.gpio.get(), true));
      a.release_at_s = now_s + a.options.hold_s;
      return Status::ok();
  }
  return Status::ok();
}

void actuator_poll(Actuator& a, double now_s) {
  if (a.release_at_s >= 0 && now_s >= a.release_at_s && a.gpio) {
    Status s = gpio_line_set(a.gpio.get(), false);
    if (!s) std::fprintf(stderr, "facegate-door: %s\n", s.message().c_str());
    a.release_at_s = -1;
  }
}

void actuator_close(Actuator& a) {
  if (a.gpio) {
    Status s = gpio_line_set(a.gpio.get(), false);  // never leave the door unlocked
    if (!s) std::fprintf(stderr, "facegate-door: %s\n", s.message().c_str());
  }
  a.gpio.reset();
  a.release_at_s = -1;
}

}  // namespace fg::door
