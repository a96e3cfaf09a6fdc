// `--version` of facegate and facegate-door: one line a bug report can quote.
//   facegate-door 0.1.0 (git 4dab277-dirty) isa avx512vnni [x86_64: sse41 avx2 ...]
// The git description is taken when CMake configures (FG_GIT_DESCRIBE, "unknown" outside a
// clone); the ISA is the best one this CPU runs and FG_MAX_ISA allows: what dispatch picks.
#pragma once
#include <string>

namespace fg::door {

std::string version_line(const char* program);
// The best ISA the kernels may pick here ("scalar" when nothing better).
const char* version_picked_isa();

}  // namespace fg::door
