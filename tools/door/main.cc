// facegate-door: the door-access binary (docs/door.md). Wires flags -> frame source -> door
// loop, and owns the process concerns: signals, exit codes, the final latency table.
//
// Graceful stop: SIGINT/SIGTERM only set a flag (no SA_RESTART, so a blocking read of stdin
// returns EINTR); the loop finishes the current frame, then the relay is released, the log
// gets its "stop" line and is closed, and the process exits 0.
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <vector>

#include "tools/door/door_config.h"
#include "tools/door/door_loop.h"
#include "tools/door/door_tau.h"
#include "tools/door/door_version.h"
#include "tools/door/enroll_live.h"
#include "tools/door/frame_source.h"
#include "tools/door/snapshot_door.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

// Exit codes (README "Exit codes", docs/door.md): 5 = the audit log could not record a line
// under --on-log-failure deny (the door stopped rather than open without a record).
constexpr int kExitOk = 0, kExitUsage = 2, kExitFailure = 3, kExitLogFailure = 5;
// --bench keeps at most this many frames in memory.
constexpr size_t kMaxBenchFrames = 64;

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed stdout must not kill the door
}

double ms_between(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

bool frame_limit_reached(const fg::door::Door& d) {
  return d.cfg.max_frames > 0 && d.counters.frames >= d.cfg.max_frames;
}

// Resident set size now (from /proc/self/statm) and at its peak (getrusage), in MB: printed
// with every table so a long run shows whether memory stays flat.
void print_memory() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("  RSS %.1f MB, peak RSS %.1f MB\n", resident * (double)sysconf(_SC_PAGESIZE) / (1 << 20),
              ru.ru_maxrss / 1024.0);  // Linux: ru_maxrss in KiB
  std::fflush(stdout);
}

void print_stats(fg::door::Door& d, const char* title) {
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "%s: %lld frames (%lld without a face, %lld damaged), %lld grants, %lld denies, %lld unknown, %lld spoof",
                title, (long long)d.counters.frames, (long long)d.counters.no_face, (long long)d.counters.bad_frames,
                (long long)d.counters.grants, (long long)d.counters.denies, (long long)d.counters.unknowns,
                (long long)d.counters.spoofs);
  fg::door::latency_print_table(d.stats, stdout, buf);
  if (const std::string snap = fg::door::snapshot_summary(d); !snap.empty()) std::printf("  %s\n", snap.c_str());
  if (d.track.options.redetect_every > 0 && !d.cfg.all_faces)
    std::printf("  track: %s\n", fg::door::door_track_describe(d.track).c_str());
  print_memory();
}

// Plays the source until it ends, a stop is requested or --max-frames is reached.
void play(fg::door::Door& d, fg::door::FrameSource& src) {
  using fg::door::FrameResult;
  fg::Image frame;
  std::string label, error;
  int passes = 1;
  while (!g_stop && !frame_limit_reached(d) && !d.log_failed) {
    const auto t0 = std::chrono::steady_clock::now();
    error.clear();
    const FrameResult r = src.next(&frame, &label, &error);
    const double source_ms = ms_between(t0, std::chrono::steady_clock::now());
    if (r == FrameResult::kEnd) {
      if (!error.empty()) {
        std::fprintf(stderr, "facegate-door: %s\n", error.c_str());
        fg::door::door_event(d, "source_error", error);
        break;
      }
      if (g_stop || !(d.cfg.loop == 0 || passes < d.cfg.loop) || !src.rewind()) break;
      ++passes;
      continue;
    }
    if (r == FrameResult::kBadFrame) {
      fg::door::door_bad_frame(d, label, error);
    } else {
      fg::door::door_process_frame(d, frame, label, source_ms);
    }
    if (d.cfg.stats_every > 0 && d.counters.frames % d.cfg.stats_every == 0) print_stats(d, "latency so far");
  }
}

// --bench: frames decoded once, then played from memory `cfg.bench` times.
void bench(fg::door::Door& d, fg::door::FrameSource& src) {
  std::vector<fg::Image> frames;
  std::vector<std::string> labels;
  fg::Image frame;
  std::string label, error;
  for (;;) {
    const fg::door::FrameResult r = src.next(&frame, &label, &error);
    if (r == fg::door::FrameResult::kEnd || g_stop) break;
    if (r == fg::door::FrameResult::kFrame) {
      frames.push_back(frame);
      labels.push_back(label);
      if (frames.size() >= kMaxBenchFrames) break;
    }
  }
  std::printf("bench: %zu frames x %d passes\n", frames.size(), d.cfg.bench);
  for (int pass = 0; pass < d.cfg.bench && !g_stop; ++pass)
    for (size_t i = 0; i < frames.size() && !g_stop && !d.log_failed; ++i)
      fg::door::door_process_frame(d, frames[i], labels[i], -1.0);
}

}  // namespace

int main(int argc, char** argv) {
  fg::door::DoorConfig cfg;
  fg::Status s = fg::door::door_config_parse(argc, argv, &cfg);
  if (!s) {
    std::fprintf(stderr, "facegate-door: %s\n(facegate-door --help for usage)\n", s.message().c_str());
    return cfg.config_unreadable ? kExitFailure : kExitUsage;
  }
  if (cfg.version) {
    std::printf("%s\n", fg::door::version_line("facegate-door").c_str());
    return kExitOk;
  }
  if (cfg.help) {
    fg::door::door_print_usage(stdout);
    return kExitOk;
  }
  install_signal_handlers();
  if (!cfg.enroll_live.empty()) return fg::door::enroll_live_door(cfg, &g_stop);  // enrolment, not a door run
  if (cfg.bench > 0) cfg.actuator.kind = fg::door::ActuatorKind::kDryRun;  // never open a door while measuring
  auto door = std::make_unique<fg::door::Door>();
  const std::string model_dir = fg::door::door_model_dir(cfg);
  s = fg::door::door_open(cfg, model_dir, door.get());
  std::unique_ptr<fg::door::FrameSource> src;
  if (s && !cfg.source.empty()) s = fg::door::frame_source_open(cfg.source, &g_stop, &src);
  if (!s) {
    std::fprintf(stderr, "facegate-door: %s\n", s.message().c_str());
    fg::door::door_close(*door);
    return door->log_failed ? kExitLogFailure : kExitFailure;
  }
  if (!src) return kExitOk;  // enrol-only run
  std::printf("facegate-door: %s, backend %s, %s, %d of %d frames, actuator %s%s\n", src->describe().c_str(),
              fg::backend_name(cfg.pipeline.backend), fg::door::door_tau_describe(*door).c_str(), cfg.policy.votes,
              cfg.policy.window,
              cfg.actuator.kind == fg::door::ActuatorKind::kDryRun    ? "dry-run"
              : cfg.actuator.kind == fg::door::ActuatorKind::kCommand ? "command"
                                                                      : "gpio",
              cfg.log.path.empty() ? "" : (", log " + cfg.log.path).c_str());
  std::fflush(stdout);
  const double period = src->frame_period_s();
  door->frame_period_s = period > 0 ? period : period < 0 ? 0 : cfg.frame_interval_s;
  if (cfg.bench > 0) bench(*door, *src);
  else play(*door, *src);
  if (g_stop) std::printf("facegate-door: stop requested, finished the current frame\n");
  src.reset();
  fg::door::door_close(*door);
  print_stats(*door, "facegate-door");
  return door->log_failed ? kExitLogFailure : kExitOk;
}
