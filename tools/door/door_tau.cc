#include "tools/door/door_tau.h"

#include <cstdio>
#include <string>

#include "runtime/gallery/gallery_tau.h"

namespace fg::door {

void door_tau_refresh(Door& d) {
  if (d.cfg.tau_fixed || !d.gallery) return;
  const GalleryFileStamp stamp = gallery_loaded_stamp(*d.gallery);
  if (d.tau_chosen_for == d.gallery.get() && stamp == d.tau_chosen_stamp) return;
  const bool first = d.tau_chosen_for == nullptr;
  d.tau_chosen_for = d.gallery.get();
  d.tau_chosen_stamp = stamp;
  const size_t people = gallery_info(*d.gallery).persons;
  const TauChoice c = tau_for_fpir(people, d.cfg.fpir, d.cfg.pipeline.int8);
  const float before = d.cfg.policy.tau;
  d.tau_people = people;
  d.tau_beyond_table = c.beyond_table;
  d.cfg.policy.tau = c.tau;
  d.visits.policy.options.tau = c.tau;
  if (c.beyond_table)
    std::fprintf(stderr, "facegate-door: warning: FPIR %g at %zu people is beyond the measured table "
                 "(docs/thresholds.md): tau %.4f is its strictest and may let more strangers match\n",
                 d.cfg.fpir, people, c.tau);
  if (first || before == c.tau) return;
  char line[256];
  std::snprintf(line, sizeof line,
                "{\"time\":\"%s\",\"event\":\"tau\",\"people\":%zu,\"fpir\":%g,\"tau\":%.4f,\"before\":%.4f,"
                "\"beyond_table\":%s}",
                utc_timestamp().c_str(), people, d.cfg.fpir, c.tau, before, c.beyond_table ? "true" : "false");
  door_write_line(d, line);
}

std::string door_tau_describe(const Door& d) {
  char s[128];
  if (d.cfg.tau_fixed)
    std::snprintf(s, sizeof s, "tau %.4f (fixed)", d.cfg.policy.tau);
  else
    std::snprintf(s, sizeof s, "tau %.4f (FPIR %g at %zu people%s)", d.cfg.policy.tau, d.cfg.fpir, d.tau_people,
                  d.tau_beyond_table ? ", beyond the table" : "");
  return s;
}

}  // namespace fg::door
