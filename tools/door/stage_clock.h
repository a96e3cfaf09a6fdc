// The clock the door's latency table and audit "latency_ms" read (--bench-clock).
//
// wall (default): steady_clock, what a person at the door waits.
// thread-cpu: CLOCK_THREAD_CPUTIME_ID of the door's thread. On a machine shared with other
// jobs a descheduled thread's wall time counts the other jobs too, which makes a same-binary
// A/B of two modes (bench/door_liveness_cost.sh) drift by more than the effect measured; the
// thread's own CPU time does not advance while it waits for a core. It counts this thread
// only: with --net-threads > 1 the workers' share is missing, so use it with one thread per
// net (the door's default). On an idle machine the two clocks agree to within the sleeps.
// The door's own timing (visits, cooldown, actuator) always uses steady_clock.
#pragma once
#include <time.h>

#include <chrono>
#include <cstdint>

namespace fg::door {

struct StageClock {
  using rep = int64_t;
  using period = std::nano;
  using duration = std::chrono::nanoseconds;
  using time_point = std::chrono::time_point<StageClock>;
  static constexpr bool is_steady = true;
  static bool thread_cpu;  // set once at start (--bench-clock thread-cpu)
  static time_point now() noexcept {
    if (!thread_cpu) return time_point(std::chrono::duration_cast<duration>(std::chrono::steady_clock::now().time_since_epoch()));
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return time_point(duration((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec));
  }
};

}  // namespace fg::door
