// The door's match threshold: fixed by --tau, or chosen from the gallery's size and the
// target FPIR (--fpir, default 0.003: at most 0.3% of visits by people who are not enrolled
// match someone; runtime/gallery/gallery_tau.h, docs/thresholds.md). A door with 8 people
// gets a looser tau than one with 1,000, and the same door tightens as people are enrolled.
#pragma once
#include "tools/door/door_loop.h"

namespace fg::door {

// Chooses tau for the gallery in use when it is not the one last chosen for (another file
// swapped in, or the same file re-read). Sets d.cfg.policy.tau and the visit policy's copy;
// after the first choice a change is an audit event "tau" (people, fpir, tau). Cheap when
// nothing changed (a pointer and a stamp compared): call it every frame.
void door_tau_refresh(Door& d);

// "tau 0.2771 (FPIR 0.003 at 8 people)" or "tau 0.3000 (fixed)": for the start line.
std::string door_tau_describe(const Door& d);

}  // namespace fg::door
