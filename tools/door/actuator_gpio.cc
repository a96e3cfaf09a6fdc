// GPIO output line through the kernel's GPIO character device (/dev/gpiochipN), via libgpiod.
// FG_HAVE_GPIOD is 1 for libgpiod 1.x (Debian 12 "bookworm": libgpiod-dev 1.6) and 2 for the
// 2.x API (Debian 13 "trixie"); 0 when the build found no libgpiod — then gpio_line_open
// fails with a message saying how to get it. (This project's machines have libgpiod 1.6: the
// 1.x branch is built and linked; the 2.x branch was only syntax-checked against the 2.x
// header's declarations. Neither has driven a real line here: no /dev/gpiochip* on the
// build machines.)
#include <cerrno>
#include <cstring>
#include <string>

#include "tools/door/actuator.h"

#ifndef FG_HAVE_GPIOD
#define FG_HAVE_GPIOD 0
#endif
#if FG_HAVE_GPIOD
#include <gpiod.h>
#endif

namespace fg::door {

namespace {
constexpr const char* kConsumer = "facegate-door";
std::string errno_text() { return std::strerror(errno); }
}  // namespace

#if FG_HAVE_GPIOD == 1

struct GpioLine {
  gpiod_chip* chip = nullptr;
  gpiod_line* line = nullptr;
  ~GpioLine() {
    if (line) gpiod_line_release(line);
    if (chip) gpiod_chip_close(chip);
  }
};

Status gpio_line_open(const std::string& chip, int line, bool active_low, GpioLine** out) {
  auto g = std::make_unique<GpioLine>();
  g->chip = gpiod_chip_open_lookup(chip.c_str());  // "gpiochip0", "0" or "/dev/gpiochip0"
  if (!g->chip) return Status::error("GPIO chip " + chip + ": cannot open (" + errno_text() + ")");
  g->line = gpiod_chip_get_line(g->chip, (unsigned)line);
  if (!g->line) return Status::error("GPIO chip " + chip + ": no line " + std::to_string(line));
  const int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
  if (gpiod_line_request_output_flags(g->line, kConsumer, flags, 0) < 0) {
    g->line = nullptr;  // not requested: nothing to release
    return Status::error("GPIO " + chip + " line " + std::to_string(line) + ": cannot request as output (" +
                         errno_text() + "; in use, or no permission on /dev/gpiochip*?)");
  }
  *out = g.release();
  return Status::ok();
}

Status gpio_line_set(GpioLine* g, bool active) {
  if (gpiod_line_set_value(g->line, active ? 1 : 0) < 0)
    return Status::error(std::string("GPIO: cannot set the door line (") + errno_text() + ")");
  return Status::ok();
}

#elif FG_HAVE_GPIOD == 2

struct GpioLine {
  gpiod_chip* chip = nullptr;
  gpiod_line_request* request = nullptr;
  unsigned offset = 0;
  ~GpioLine() {
    if (request) gpiod_line_request_release(request);
    if (chip) gpiod_chip_close(chip);
  }
};

Status gpio_line_open(const std::string& chip, int line, bool active_low, GpioLine** out) {
  auto g = std::make_unique<GpioLine>();
  std::string path = chip;
  if (path.find('/') == std::string::npos)
    path = "/dev/" + (path.compare(0, 8, "gpiochip") == 0 ? path : "gpiochip" + path);
  g->chip = gpiod_chip_open(path.c_str());
  if (!g->chip) return Status::error("GPIO chip " + path + ": cannot open (" + errno_text() + ")");
  g->offset = (unsigned)line;
  gpiod_line_settings* ls = gpiod_line_settings_new();
  gpiod_line_config* lc = gpiod_line_config_new();
  gpiod_request_config* rc = gpiod_request_config_new();
  if (ls && lc && rc) {
    gpiod_line_settings_set_direction(ls, GPIOD_LINE_DIRECTION_OUTPUT);
    gpiod_line_settings_set_active_low(ls, active_low);
    gpiod_line_settings_set_output_value(ls, GPIOD_LINE_VALUE_INACTIVE);
    gpiod_request_config_set_consumer(rc, kConsumer);
    if (gpiod_line_config_add_line_settings(lc, &g->offset, 1, ls) == 0)
      g->request = gpiod_chip_request_lines(g->chip, rc, lc);
  }
  const std::string why = errno_text();
  if (ls) gpiod_line_settings_free(ls);
  if (lc) gpiod_line_config_free(lc);
  if (rc) gpiod_request_config_free(rc);
  if (!g->request)
    return Status::error("GPIO " + path + " line " + std::to_string(line) + ": cannot request as output (" + why +
                         "; in use, or no permission on /dev/gpiochip*?)");
  *out = g.release();
  return Status::ok();
}

Status gpio_line_set(GpioLine* g, bool active) {
  if (gpiod_line_request_set_value(g->request, g->offset,
                                   active ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) < 0)
    return Status::error(std::string("GPIO: cannot set the door line (") + errno_text() + ")");
  return Status::ok();
}

#else

struct GpioLine {};

Status gpio_line_open(const std::string&, int, bool, GpioLine**) {
  return Status::error(
      "this facegate-door was built without GPIO support: install libgpiod-dev "
      "(apt-get install libgpiod-dev) and rebuild");
}

Status gpio_line_set(GpioLine*, bool) { return Status::error("GPIO support not built"); }

#endif

bool actuator_gpio_available() { return FG_HAVE_GPIOD != 0; }

void GpioLineDeleter::operator()(GpioLine* g) const { delete g; }

}  // namespace fg::door
