#include "tools/door/door_version.h"

#include "runtime/base/cpu_features.h"

#ifndef FG_VERSION
#define FG_VERSION "0"
#endif
#ifndef FG_GIT_DESCRIBE
#define FG_GIT_DESCRIBE "unknown"
#endif

namespace fg::door {

const char* version_picked_isa() {
  // Best first: every family's variant list has the same order (docs/kernels.md).
  for (Isa isa : {Isa::kAvx512Vnni, Isa::kAvx512, Isa::kAvxVnni, Isa::kAvx2, Isa::kSse41, Isa::kNeonI8mm,
                  Isa::kNeonDot, Isa::kNeon})
    if (cpu_has_isa(isa)) return isa_name(isa);
  return isa_name(Isa::kScalar);
}

std::string version_line(const char* program) {
  return std::string(program) + " " + FG_VERSION + " (git " + FG_GIT_DESCRIBE + ") isa " + version_picked_isa() +
         " [" + cpu_features_summary() + "]";
}

}  // namespace fg::door
