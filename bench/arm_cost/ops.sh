#!/bin/sh
# ops.sh NET [BACKEND] [CPU] [BUILD_DIR]: the per-op split of one inference: one qemu run per
# op with the region around that op only (fg_arm_cost_drive, FG_ARM_COST_OP), printing op,
# kernel, shapes and M instructions. For finding where a net's instructions go; not used by CI.
# build.sh first. Defaults: native, cortex-a76, build/aarch64. Exit 0 ok, 1 a run failed, 2 usage.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
[ $# -ge 1 ] || { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
net=$1 be=${2:-native} cpu=${3:-cortex-a76} B=${4:-build/aarch64}
OUT=${OUT:-build/arm-cost}
S="$PWD/build/sysroot-arm64/usr/lib/aarch64-linux-gnu:$PWD/build/sysroot-arm64/lib/aarch64-linux-gnu"
run() {
  FG_ARM_COST_OP=$1 qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH="$S" -E FG_ARM_COST_OP=$1 \
    -cpu "$cpu" -d plugin -plugin "$OUT/libinsnclass.so" "$B/bench/arm_cost/fg_arm_cost_drive" \
    "$B/models/$net.fgm" "$be" 1 2>&1
}
log=$(run -1) || { echo "$log" >&2; exit 1; }
nops=$(echo "$log" | sed -n "s/^ops \([0-9]*\)$/\1/p")
total=0
i=0
while [ "$i" -lt "${nops:-0}" ]; do
  r=$(run $i | sed -n 's/.*region_insns \([0-9]*\).*/\1/p')
  desc=$(echo "$log" | sed -n "s/^op $i //p")
  echo "$i $r $desc" | awk '{d=""; for (k = 3; k <= NF; ++k) d = d " " $k; printf "op %2d %8.2f M %s\n", $1, $2 / 1e6, d}'
  total=$((total + r))
  i=$((i + 1))
done
echo "$total" | awk '{printf "sum   %8.2f M\n", $1 / 1e6}'
