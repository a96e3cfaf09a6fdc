// The door actuator: what a grant does.
//
//   kDryRun   nothing (prints "would open"); the default, so a misconfigured demo opens nothing
//   kCommand  runs `/bin/sh -c COMMAND` with FG_PERSON, FG_DISTANCE, FG_FRAME, FG_TIME in its
//             environment (the only way the name reaches it: quote it, "$FG_PERSON", and
//             never re-parse it — `sh -c "... $FG_PERSON"` runs whatever a name holds);
//             the command leads its own process group; after command_timeout_s the whole
//             group is killed (so a hung script cannot stall the door loop, and no child of
//             it runs on) and command_on_timeout, if set, runs (the relock step)
//   kGpio     drives a GPIO line through the kernel's character device (libgpiod): active on
//             grant, back to inactive after hold_s (released by actuator_poll from the frame
//             loop, so the loop keeps running while the door is held open). Only compiled when
//             libgpiod was found at build time (FG_HAVE_GPIOD); otherwise opening it fails.
// actuator_close() always leaves the line inactive and releases it (stop, error, exit).
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "runtime/base/status.h"

namespace fg::door {

enum class ActuatorKind { kDryRun, kCommand, kGpio };
bool actuator_kind_from_name(const std::string& name, ActuatorKind* out);

struct ActuatorOptions {
  ActuatorKind kind = ActuatorKind::kDryRun;
  std::string command;
  double command_timeout_s = 5.0;
  std::string command_on_timeout;  // run after a timeout (relock), in its own group too
  std::string gpio_chip = "gpiochip0";  // name, number or /dev/gpiochipN
  int gpio_line = -1;                   // line offset on the chip
  bool gpio_active_low = false;         // relay boards that switch on a low level
  double hold_s = 3.0;
};

struct GpioLine;  // actuator_gpio.cc
struct GpioLineDeleter {
  void operator()(GpioLine* g) const;
};

struct Actuator {
  ActuatorOptions options;
  std::unique_ptr<GpioLine, GpioLineDeleter> gpio;
  double release_at_s = -1;  // GPIO: when to set the line inactive again (< 0: not held)
  int64_t activations = 0;
};

// Whether this build can drive GPIO lines.
bool actuator_gpio_available();

Status actuator_open(const ActuatorOptions& options, Actuator* a);
// Opens the door for `person`. `now_s` is monotonic seconds (for the GPIO hold).
Status actuator_grant(Actuator& a, const std::string& person, float distance, int64_t frame,
                      double now_s);
// Releases a held GPIO line once its hold time is over. Cheap; call every frame.
void actuator_poll(Actuator& a, double now_s);
void actuator_close(Actuator& a);

// GPIO backend (actuator_gpio.cc).
Status gpio_line_open(const std::string& chip, int line, bool active_low, GpioLine** out);
Status gpio_line_set(GpioLine* g, bool active);

}  // namespace fg::door
