// Progress lines on stderr (tools/cli/progress.h).
#include "tools/cli/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace fg::cli {
namespace {

std::string rate_text(double per_s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, per_s < 10 ? "%.1f" : "%.0f", per_s);
  return buf;
}

std::string eta_text(double s) {
  char buf[32];
  const long t = long(s + 0.5);
  if (t < 100) std::snprintf(buf, sizeof buf, "%ld s", t);
  else std::snprintf(buf, sizeof buf, "%ld min %02ld s", t / 60, t % 60);
  return buf;
}

}  // namespace

std::string progress_line(const Progress& p, double elapsed, const std::string& detail) {
  std::string s = p.label + ": " + (detail.empty() ? "" : detail + ", ") + std::to_string(p.done) + "/" +
                  std::to_string(p.total) + " " + p.unit;
  if (p.done > 0 && elapsed > 0) {
    const double rate = double(p.done) / elapsed;
    s += ", " + rate_text(rate) + " " + p.unit + "/s";
    if (p.done < p.total) s += ", ETA " + eta_text(double(p.total - p.done) / rate);
  }
  return s;
}

std::string progress_summary(const Progress& p, double elapsed) {
  char buf[64];
  std::snprintf(buf, sizeof buf, " in %.1f s", elapsed);
  std::string s = p.label + ": " + std::to_string(p.done) + " " + p.unit + buf;
  if (p.done > 0 && elapsed > 0) s += " (" + rate_text(double(p.done) / elapsed) + " " + p.unit + "/s)";
  return s;
}

Progress progress_begin_with(const std::string& label, const std::string& unit, size_t total, bool live, bool summary,
                             std::function<double()> now, std::function<void(const std::string&)> write) {
  Progress p;
  p.label = label, p.unit = unit, p.total = total, p.live = live, p.summary = summary;
  p.now = std::move(now), p.write = std::move(write);
  p.start = p.now();
  return p;
}

Progress progress_begin(const std::string& label, const std::string& unit, size_t total, bool quiet) {
  auto now = [] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  };
  auto write = [](const std::string& s) {
    std::fputs(s.c_str(), stderr);
    std::fflush(stderr);
  };
  Progress p = progress_begin_with(label, unit, total, !quiet && ::isatty(STDERR_FILENO), !quiet, now, write);
  if (const char* env = std::getenv("FG_PROGRESS_AFTER_S"); env && *env) {
    char* end = nullptr;
    const double v = std::strtod(env, &end);
    if (*end == '\0' && v >= 0 && v <= 3600) p.show_after = v;  // anything else: the default
  }
  return p;
}

void progress_update(Progress* p, size_t done, const std::string& detail) {
  p->done = done;
  if (!p->live) return;
  const double t = p->now(), elapsed = t - p->start;
  if (elapsed < p->show_after || (p->drawn && t - p->last_draw < kProgressRedrawS && done < p->total)) return;
  std::string line = progress_line(*p, elapsed, detail);
  if (line.size() < p->drawn_chars) line.append(p->drawn_chars - line.size(), ' ');  // blank what a longer line left
  p->write("\r" + line);
  p->drawn = true, p->drawn_chars = line.size(), p->last_draw = t;  // the padding is on screen too
}

void progress_end(Progress* p) {
  const double elapsed = p->now() - p->start;
  if (!p->drawn && (!p->summary || elapsed < kProgressSummaryAfterS)) return;
  std::string line = p->summary ? progress_summary(*p, elapsed) : "";
  if (p->drawn) {
    const size_t len = line.size();
    if (len < p->drawn_chars) line.append(p->drawn_chars - len, ' ');
    line = "\r" + line;
  }
  p->write(line + "\n");
  p->drawn = false;
}

}  // namespace fg::cli
