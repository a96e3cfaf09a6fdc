#include "runtime/base/cpu_features.h"

#include <cstdlib>
#include <cstring>

#if defined(__aarch64__) || defined(__arm__)
#include <sys/auxv.h>
#endif

namespace fg {
namespace {

struct IsaName {
  Isa isa;
  const char* name;
};
constexpr IsaName kIsaNames[] = {
    {Isa::kScalar, "scalar"},   {Isa::kSse41, "sse41"},     {Isa::kAvx2, "avx2"},
    {Isa::kAvxVnni, "avxvnni"}, {Isa::kAvx512, "avx512"},   {Isa::kAvx512Vnni, "avx512vnni"},
    {Isa::kNeon, "neon"},       {Isa::kNeonDot, "neondot"}, {Isa::kNeonI8mm, "neoni8mm"},
};

CpuFeatures detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  f.sse41 = __builtin_cpu_supports("sse4.1");
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512bw = __builtin_cpu_supports("avx512bw");
  f.avx512dq = __builtin_cpu_supports("avx512dq");
  f.avx512vl = __builtin_cpu_supports("avx512vl");
  f.avx512vnni = __builtin_cpu_supports("avx512vnni");
  {
    // AVX-VNNI: CPUID.(EAX=7,ECX=1):EAX bit 4. GCC 12's builtin does not know it.
    unsigned a = 7, b, c = 1, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
    f.avxvnni = f.avx2 && ((a >> 4) & 1u);
  }
#elif defined(__aarch64__)
  unsigned long hw = getauxval(AT_HWCAP);
  unsigned long hw2 = getauxval(AT_HWCAP2);
  f.neon = (hw & (1ul << 1)) != 0;          // HWCAP_ASIMD
  f.neon_dot = (hw & (1ul << 20)) != 0;     // HWCAP_ASIMDDP
  f.neon_i8mm = (hw2 & (1ul << 13)) != 0;   // HWCAP2_I8MM
#elif defined(__arm__)
  unsigned long hw = getauxval(AT_HWCAP);
  f.neon = (hw & (1ul << 12)) != 0 && (hw & (1ul << 16)) != 0;  // HWCAP_NEON + HWCAP_VFPv4
#endif
  return f;
}

bool hardware_has(const CpuFeatures& f, Isa isa) {
  switch (isa) {
    case Isa::kScalar: return true;
    case Isa::kSse41: return f.sse41;
    case Isa::kAvx2: return f.avx2 && f.fma;
    case Isa::kAvxVnni: return f.avxvnni && f.fma;
    case Isa::kAvx512: return f.avx512f && f.avx512bw && f.avx512dq && f.avx512vl && f.fma;
    case Isa::kAvx512Vnni: return hardware_has(f, Isa::kAvx512) && f.avx512vnni;
    case Isa::kNeon: return f.neon;
    case Isa::kNeonDot: return f.neon && f.neon_dot;
    case Isa::kNeonI8mm: return f.neon && f.neon_dot && f.neon_i8mm;
  }
  return false;
}

// Rank used to compare against FG_MAX_ISA within one architecture family.
bool within_cap(Isa isa) {
  static const char* cap_env = std::getenv("FG_MAX_ISA");
  if (!cap_env || !*cap_env) return true;
  Isa cap;
  if (!isa_from_name(cap_env, &cap)) return true;
  if (isa == Isa::kScalar) return true;
  if (cap == Isa::kScalar) return false;
  const bool isa_arm = isa >= Isa::kNeon, cap_arm = cap >= Isa::kNeon;
  if (isa_arm != cap_arm) return true;  // a cap for the other architecture means nothing here
  // AVX-VNNI sits beside AVX-512 rather than under it: an avx512 cap still allows it only
  // if the cap is avxvnni or above in this order.
  return static_cast<int>(isa) <= static_cast<int>(cap);
}

}  // namespace

const char* isa_name(Isa isa) {
  for (const auto& n : kIsaNames)
    if (n.isa == isa) return n.name;
  return "?";
}

bool isa_from_name(const std::string& name, Isa* out) {
  for (const auto& n : kIsaNames) {
    if (name == n.name) {
      *out = n.isa;
      return true;
    }
  }
  return false;
}

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

bool cpu_has_isa(Isa isa) { return hardware_has(cpu_features(), isa) && within_cap(isa); }

std::string cpu_features_summary() {
#if defined(__x86_64__)
  std::string s = "x86_64:";
#elif defined(__aarch64__)
  std::string s = "aarch64:";
#elif defined(__arm__)
  std::string s = "armv7:";
#else
  std::string s = "generic:";
#endif
  for (const auto& n : kIsaNames)
    if (n.isa != Isa::kScalar && hardware_has(cpu_features(), n.isa)) (s += ' ') += n.name;
  if (const char* cap = std::getenv("FG_MAX_ISA")) (s += " (FG_MAX_ISA=") += std::string(cap) + ")";
  return s;
}

}  // namespace fg
