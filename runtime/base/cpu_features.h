// CPU feature detection for run-time kernel dispatch.
// x86: cpuid via the compiler builtins; ARM: getauxval(AT_HWCAP/AT_HWCAP2).
// FG_MAX_ISA=<token> (e.g. scalar, avx2, neon) caps what dispatch may pick, for debugging
// and for testing lower paths on a bigger CPU.
#pragma once
#include <cstddef>
#include <string>

namespace fg {

enum class Isa {
  kScalar = 0,
  // x86-64, in increasing order
  kSse41,
  kAvx2,       // AVX2 + FMA
  kAvxVnni,    // AVX2 + AVX-VNNI (vpdpbusd on ymm)
  kAvx512,     // F + BW + DQ + VL
  kAvx512Vnni,
  // ARM
  kNeon,       // armv7 NEON (VFPv4) or aarch64 ASIMD
  kNeonDot,    // + sdot/udot
  kNeonI8mm,   // + smmla
};

const char* isa_name(Isa isa);
// Parses an ISA token ("avx2", "neondot", ...); false if unknown.
bool isa_from_name(const std::string& name, Isa* out);

struct CpuFeatures {
  bool sse41 = false, avx2 = false, fma = false, avxvnni = false;
  bool avx512f = false, avx512bw = false, avx512dq = false, avx512vl = false, avx512vnni = false;
  bool neon = false, neon_dot = false, neon_i8mm = false;
};

// What the CPU reports (cached after the first call).
const CpuFeatures& cpu_features();
// True when this CPU can run code built for `isa` and FG_MAX_ISA does not forbid it.
bool cpu_has_isa(Isa isa);
// Kernel families choose among their variants with pick_variant (kernels/common/variant_list.h).

// One line for logs and benchmark headers: "x86_64: sse41 avx2 avx512 avx512vnni avxvnni".
std::string cpu_features_summary();

}  // namespace fg
