// fg_arm_cost_drive: runs one net on one backend N times between the two region markers the
// insnclass plugin watches (getpid with a magic first argument; getpid ignores arguments, so
// on a real board or without the plugin they are harmless). One warm-up run first, so the
// region holds steady-state inferences only: lazy init, page faults and XNNPACK's first setup
// stay outside. Single thread: the count is the work of one core.
//
// Usage: fg_arm_cost_drive MODEL.fgm native|xnnpack N [MAPS_OUT]
//   MAPS_OUT: copy of /proc/self/maps, for attributing the plugin's per-block dump to symbols.
//   FG_ARM_COST_OP=i (env): the region holds op i of each run only (the per-op split; ops.sh).
// Exit: 0 ok, 2 usage, 3 bad input (unreadable/invalid model, backend unavailable).
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

// The only project headers the driver uses (after the layered move: runtime/base/ and
// runtime/core/); nothing else in this file needs to change with the layout.
#include "runtime/base/cpu_features.h"
#include "runtime/core/executor.h"

namespace {
constexpr unsigned long kRegionStart = 0xFACE0001UL;  // must match insnclass.c
constexpr unsigned long kRegionStop = 0xFACE0002UL;

int usage() {
  std::fprintf(stderr, "usage: fg_arm_cost_drive MODEL.fgm native|xnnpack N [MAPS_OUT]\n");
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) return usage();
  char* end = nullptr;
  const long n = std::strtol(argv[3], &end, 10);
  if (*argv[3] == '\0' || *end != '\0' || n < 1 || n > 1000) {
    std::fprintf(stderr, "fg_arm_cost_drive: N must be an integer in 1..1000, got '%s'\n", argv[3]);
    return 2;
  }
  fg::NetOptions opt;
  if (!fg::backend_from_name(argv[2], &opt.backend)) {
    std::fprintf(stderr, "fg_arm_cost_drive: unknown backend '%s' (native, xnnpack)\n", argv[2]);
    return 2;
  }
  opt.threads = 1;
  fg::Model model;
  fg::Net net;
  fg::Status s = fg::model_load_file(argv[1], &model);
  if (s) s = fg::net_prepare(model, opt, &net);
  if (!s) {
    std::fprintf(stderr, "fg_arm_cost_drive: %s: %s\n", argv[1], s.message().c_str());
    return 3;
  }
  // The same deterministic fill as bench_backends: counts must not depend on a seed.
  const fg::TensorInfo& in = model.tensors[model.inputs[0]];
  float* x = fg::net_input(net);
  for (int64_t i = 0; i < in.elements; ++i) x[i] = static_cast<float>((i * 37) % 255) / 255.f - 0.5f;
  fg::net_run(net);
  const char* op_env = std::getenv("FG_ARM_COST_OP");
  if (op_env) {
    const long only = std::strtol(op_env, nullptr, 10);
    uint8_t* arena = net.arena.data();
    for (long r = 0; r < n; ++r)
      for (size_t i = 0; i < net.ops.size(); ++i) {
        const bool in_region = static_cast<long>(i) == only;
        if (in_region) syscall(SYS_getpid, kRegionStart);
        net.ops[i].run(net.ops[i], arena);
        if (in_region) syscall(SYS_getpid, kRegionStop);
      }
  } else {
    syscall(SYS_getpid, kRegionStart);
    for (long r = 0; r < n; ++r) fg::net_run(net);
    syscall(SYS_getpid, kRegionStop);
  }
  std::printf("cpu: %s\nout0 %g\n", fg::cpu_features_summary().c_str(), fg::net_output(net)[0]);
  std::printf("ops %zu\n", net.ops.size());
  if (opt.backend == fg::Backend::kNative)
    for (size_t i = 0; i < net.ops.size(); ++i) {
      const fg::PreparedOp& op = net.ops[i];
      auto dims = [](const fg::TensorInfo* t) {
        std::string d;
        for (int k = 0; t && k < t->rank; ++k) d += (k ? "x" : "") + std::to_string(t->dims[k]);
        return d;
      };
      std::printf("op %zu %s %s -> %s w %s\n", i, op.kernel_name, dims(op.in[0]).c_str(),
                  dims(op.out).c_str(), dims(op.in[1]).c_str());
    }
  if (argc == 5) {
    std::ifstream maps("/proc/self/maps");
    std::ofstream o(argv[4]);
    o << maps.rdbuf();
    if (!o) {
      std::fprintf(stderr, "fg_arm_cost_drive: cannot write %s\n", argv[4]);
      return 3;
    }
  }
  return 0;
}
