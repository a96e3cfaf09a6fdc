// Progress of long CLI jobs (eval lfw, eval identify, eval pad, enroll and identify of many
// photos) on stderr:
//   stderr a terminal:  "eval lfw: fold 3/10, 1834/7701 images, 61 images/s, ETA 96 s", rewritten
//                       in place with \r (shown after kProgressShowAfterS, redrawn at most every
//                       kProgressRedrawS), then the summary line in its place
//   otherwise (a log, a pipe): only the summary "eval lfw: 7701 images in 126.3 s (61 images/s)"
//   --quiet:            nothing
// Jobs shorter than kProgressSummaryAfterS print nothing when no line was shown, so quick
// commands and the tests that read their output stay as they were.
// Not thread-safe: callers with worker threads call progress_update under their own lock.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

namespace fg::cli {

constexpr double kProgressShowAfterS = 1.0;
constexpr double kProgressRedrawS = 0.25;
constexpr double kProgressSummaryAfterS = 2.0;

struct Progress {
  std::string label;  // "eval lfw"
  std::string unit;   // "images"
  size_t total = 0;
  bool live = false;     // the \r line (stderr is a terminal, no --quiet)
  bool summary = false;  // the final line (no --quiet)
  double show_after = kProgressShowAfterS;  // the live line's delay ($FG_PROGRESS_AFTER_S)
  std::function<double()> now;                    // seconds, monotonic
  std::function<void(const std::string&)> write;  // where the text goes
  // state
  double start = 0, last_draw = 0;
  size_t done = 0, drawn_chars = 0;
  bool drawn = false;
};

// The real thing: steady clock, stderr, live iff isatty(stderr) and not quiet.
// $FG_PROGRESS_AFTER_S (seconds, 0..3600) replaces the 1 s delay before the live line: tests
// under a pty (`script`) set 0 to see the line of a job that is quick on their machine.
Progress progress_begin(const std::string& label, const std::string& unit, size_t total, bool quiet);
// With an injected clock and sink (tests): `live` and `summary` as given.
Progress progress_begin_with(const std::string& label, const std::string& unit, size_t total, bool live, bool summary,
                             std::function<double()> now, std::function<void(const std::string&)> write);
// `done` of `total` finished; `detail` (e.g. "fold 3/10") goes before the count.
void progress_update(Progress* p, size_t done, const std::string& detail = "");
// The summary (when due) and, after a live line, the newline that ends it.
void progress_end(Progress* p);

// The texts, without \r (pure: what the tests compare).
std::string progress_line(const Progress& p, double elapsed, const std::string& detail);
std::string progress_summary(const Progress& p, double elapsed);

}  // namespace fg::cli
