#!/bin/sh
# count.sh [BUILD_DIR]: exact dynamic AArch64 instruction counts per inference, under
# qemu-user with the insnclass plugin, for every net x backend x qemu CPU model. Each run
# loads one net, does one warm-up inference, then N inferences inside the measured region.
# build.sh first (ci_check.sh does both).
#   BUILD_DIR  aarch64 cross build with its models/ (default build/aarch64)
#   SYSROOT    its Debian arm64 sysroot, for XNNPACK & co. (default build/sysroot-arm64)
#   OUT        plugin dir from build.sh (default build/arm-cost); raw results go to
#              $OUT/counts/<cpu>.<net>.<backend>.N<n>.{log,tb,maps}
#   CPUS       qemu -cpu models (default "cortex-a72 cortex-a76"; "max" also works)
#   NETS       default: the ten nets below (f32 + int8);  BACKENDS  default "native xnnpack"
#   NS         inferences in the region (default 1; NS="1 5" adds the determinism check)
#   MBV1=1     also the XNNPACK MobileNet v1 calibration workload (f32 and qc8)
#   JOBS       parallel qemu runs (default: nproc)
# Writes $OUT/counts/table.md (the table, also printed), classes.md, summary.json.
# Exit 0 when every run produced its counts, 1 otherwise, 2 on a usage/setup error.
set -eu
export PYTHONDONTWRITEBYTECODE=1

if [ "${1:-}" = --one ]; then   # one qemu run: --one CPU NET BACKEND N (called through xargs)
  cpu=$2 net=$3 be=$4 n=$5
  o=$OUT/counts/$cpu.$net.$be.N$n
  if [ "$net" = mbv1 ]; then set -- "$B/bench/arm_cost/fg_arm_cost_mbv1" "$be" "$n" "$o.maps"
  else set -- "$B/bench/arm_cost/fg_arm_cost_drive" "$B/models/$net.fgm" "$be" "$n" "$o.maps"; fi
  rc=0
  qemu-aarch64 -L /usr/aarch64-linux-gnu -E LD_LIBRARY_PATH="$S" -cpu "$cpu" -d plugin \
    -plugin "$OUT/libinsnclass.so,out=$o.tb" "$@" > "$o.log" 2>&1 || rc=$?
  r=$(sed -n 's/^insnclass: regions 1 .*region_insns \([0-9]*\).*/\1/p' "$o.log")
  if [ "$rc" = 0 ] && [ -n "$r" ]; then
    echo "  $cpu $net $be N=$n: $(echo "$r $n" | awk '{printf "%.2f", $1 / $2 / 1e6}') M insns/inference"
  else
    echo "  $cpu $net $be N=$n: FAILED (exit $rc), see $o.log" >&2
    echo "exit $rc" >> "$o.log"
  fi
  exit 0
fi

HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
B=${1:-build/aarch64}
SYSROOT=${SYSROOT:-build/sysroot-arm64}
OUT=${OUT:-build/arm-cost}
CPUS=${CPUS:-cortex-a72 cortex-a76}
NETS=${NETS:-recognition recognition_int8 detector detector_int8 landmark68 landmark68_int8
  minifasnet_v2_2.7 minifasnet_v2_2.7_int8 minifasnet_v1se_4.0 minifasnet_v1se_4.0_int8}
BACKENDS=${BACKENDS:-native xnnpack}
NS=${NS:-1}
JOBS=${JOBS:-$(nproc)}
MBV1=${MBV1:-0}
for f in "$OUT/libinsnclass.so" "$B/bench/arm_cost/fg_arm_cost_drive"; do
  [ -e "$f" ] || { echo "count.sh: missing $f; run bench/arm_cost/build.sh first" >&2; exit 2; }
done
for net in $NETS; do
  [ -e "$B/models/$net.fgm" ] || { echo "count.sh: missing $B/models/$net.fgm" >&2; exit 2; }
done
[ -d "$SYSROOT/usr/lib/aarch64-linux-gnu" ] || { echo "count.sh: no sysroot $SYSROOT (scripts/sysroot.sh arm64)" >&2; exit 2; }
B=$(cd "$B" && pwd)
S="$(cd "$SYSROOT/usr/lib/aarch64-linux-gnu" && pwd):$(cd "$SYSROOT" && pwd)/lib/aarch64-linux-gnu"
OUT=$(cd "$OUT" && pwd)
# Stale runs would mix into the tables: every invocation starts from an empty counts dir.
rm -rf "$OUT/counts"
mkdir -p "$OUT/counts"
export B S OUT

echo "qemu runs (CPUS='$CPUS', N in '$NS', $JOBS at a time):"
for n in $NS; do for cpu in $CPUS; do
  for net in $NETS; do for be in $BACKENDS; do echo "$cpu $net $be $n"; done; done
  if [ "$MBV1" = 1 ]; then echo "$cpu mbv1 f32 $n"; echo "$cpu mbv1 qc8 $n"; fi
done; done | xargs -P "$JOBS" -L1 "$HERE/count.sh" --one

python3 "$HERE/tabulate.py" "$OUT/counts" > "$OUT/counts/classes.md"
rc=0
python3 "$HERE/table.py" "$OUT/counts" > "$OUT/counts/table.md" || rc=$?
echo
cat "$OUT/counts/table.md"
[ $rc = 0 ] || echo "count.sh: some runs have no counts (FAILED above); see their .log files" >&2
exit $rc
