#!/bin/sh
# cycles.sh: the llvm-mca basic-block cycle model for every N=1 run in $OUT/counts (count.sh
# first), then the millisecond tables ($OUT/counts/estimate.md) and the per-loop table
# ($OUT/counts/loops.md). A MODEL, not a measurement (README.md, "Cycle model").
# LLVM has no Cortex-A72/A76 model: cortex-a72 runs use -mcpu=cortex-a72 (which LLVM maps to
# its Cortex-A57 model) = Pi 4; every other qemu CPU uses neoverse-n1 (A76-derived) = Pi 5.
#   OUT   default build/arm-cost;  JOBS  parallel llvm-mca runs (default: nproc)
#   LLVM_MCA  the llvm-mca binary (default llvm-mca-19, Debian package llvm-19)
set -eu
export PYTHONDONTWRITEBYTECODE=1
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
OUT=${OUT:-build/arm-cost}
JOBS=${JOBS:-$(nproc)}
export LLVM_MCA=${LLVM_MCA:-llvm-mca-19}
command -v "$LLVM_MCA" > /dev/null || { echo "cycles.sh: $LLVM_MCA not found (apt-get install llvm-19)" >&2; exit 2; }
[ -d "$OUT/counts" ] || { echo "cycles.sh: no $OUT/counts; run count.sh first" >&2; exit 2; }
OUT=$(cd "$OUT" && pwd)
export ARMCOST_CACHE="$OUT/discache"
n=0
for f in "$OUT"/counts/*.N1.tb; do
  [ -e "$f" ] || continue
  b=${f%.tb}
  case $(basename "$b") in cortex-a72.*) c=cortex-a72;; *) c=neoverse-n1;; esac
  echo "$b $c"; n=$((n + 1))
done > "$OUT/cycles.jobs"
echo "llvm-mca model for $n runs, $JOBS at a time:"
rc=0
xargs -P "$JOBS" -L1 sh -c 'python3 "$0" "$1" "$2" > "$1.$2.cyc.txt" 2>&1 || { echo "  FAILED: $1 $2" >&2; exit 255; }; head -1 "$1.$2.cyc.txt"' \
  "$HERE/cycles.py" < "$OUT/cycles.jobs" || rc=1
rm -f "$OUT/cycles.jobs"
python3 "$HERE/estimate.py" "$OUT/counts" > /dev/null
python3 "$HERE/loops.py" "$OUT/counts" "$OUT/loops" > "$OUT/counts/loops.md"
echo "model tables: $OUT/counts/estimate.md, per-loop table: $OUT/counts/loops.md"
exit $rc
