#!/bin/sh
# build.sh [BUILD_DIR]: brings the ARM cost benchmark up to date and self-tests the plugin.
#   - the guest programs (fg_arm_cost_drive, _plugtest, _mbv1) and the model files, through
#     BUILD_DIR's own CMake build (an aarch64 cross build, default build/aarch64), so the
#     driver always links the kernels as they are in the tree now;
#   - the plugin libinsnclass.so, with the host gcc (qemu-aarch64 is an x86 program, so the
#     plugin is a host library; rebuilt when its sources are newer);
#   - the self-test: a loop with known counts per class must count exactly.
# Env: OUT (default build/arm-cost). Run from anywhere; paths are taken from the repo root.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
B=${1:-build/aarch64}
OUT=${OUT:-build/arm-cost}
[ -f "$B/CMakeCache.txt" ] || { echo "build.sh: $B is not a configured build (cmake --preset aarch64 first)" >&2; exit 2; }
grep -q 'aarch64-linux-gnu' "$B/CMakeCache.txt" ||
  { echo "build.sh: $B is not an aarch64 build" >&2; exit 2; }
for t in qemu-aarch64 gcc python3; do
  command -v $t > /dev/null || { echo "build.sh: $t not found (scripts/install-deps.sh --cross)" >&2; exit 2; }
done

mkdir -p "$OUT"
targets="fg_arm_cost_drive fg_arm_cost_plugtest fg_models"
# fg_arm_cost_mbv1 exists when the build found XNNPACK (FG_HAVE_XNNPACK is a plain variable,
# not in CMakeCache.txt: ask the build for its targets).
cmake --build "$B" --target help 2>/dev/null | grep -q 'fg_arm_cost_mbv1' && targets="$targets fg_arm_cost_mbv1"
cmake --build "$B" --target $targets > "$OUT/build.log" 2>&1 || {
  cat "$OUT/build.log" >&2; echo "build.sh: cmake --build $B failed" >&2; exit 1; }

plugin=$OUT/libinsnclass.so
if [ ! -e "$plugin" ] || [ "$HERE/insnclass.c" -nt "$plugin" ] || [ "$HERE/qemu_plugin_api.h" -nt "$plugin" ]; then
  gcc -O2 -shared -fPIC -fvisibility=hidden -Wall -Wextra -Werror -I"$HERE" -o "$plugin" "$HERE/insnclass.c"
fi

# 1000 iterations of a 15-instruction loop with every class; the region also holds a few
# dozen instructions of syscall-wrapper overhead (26 with Debian's GCC 12), hence the range.
t=$(qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu max -d plugin -plugin "$plugin" "$B/bench/arm_cost/fg_arm_cost_plugtest" 2>&1)
r=$(echo "$t" | sed -n 's/.*region_insns \([0-9]*\).*/\1/p')
ok=1
for c in 'sdot/udot/mmla' 'smlal/smull(long)' 'fmla/fmls' 'widen(sadalp/saddw/sxtl)'; do
  echo "$t" | grep -F "insnclass: $c " | grep -q ' region  *2000$' || ok=0
done
echo "$t" | grep -q 'region_mul_lanes int 44000 f32 8000' || ok=0
[ -n "$r" ] && [ "$r" -ge 15000 ] && [ "$r" -le 15100 ] || ok=0
if [ $ok = 1 ]; then
  echo "arm_cost: plugin self-test ok ($r instructions in the region)"
else
  echo "arm_cost: plugin self-test FAILED; plugin output:" >&2; echo "$t" >&2; exit 1
fi
