#!/bin/sh
# ci_check.sh [--update-baseline] [--model] [BUILD_DIR]
# The project's ARM performance check that noise cannot fool: exact instruction counts of one
# inference of every net (f32 and int8 recognition, detector @416, landmark68) on the native
# and XNNPACK backends, under qemu-aarch64 -cpu cortex-a72 (Pi 4) and cortex-a76 (Pi 5).
# Fails when a native count is more than 1% above bench/arm_cost/baseline.tsv; prints a
# notice when one is more than 1% below it (then update the baseline in the same commit).
#   BUILD_DIR          the aarch64 cross build (default build/aarch64; its build must exist)
#   --update-baseline  rewrite baseline.tsv and TABLE.md from this run instead of checking
#   --model            also run the llvm-mca cycle model (+ MobileNet v1 calibration runs)
#                      and put its tables into TABLE.md; needs llvm-19; a few minutes more
# Output: build/arm-cost/ (TABLE.md, check.md, counts/). Exit 0 ok, 1 regression or failed
# run, 2 usage/setup error.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/../.."
update=0 model=0 B=build/aarch64
for a in "$@"; do
  case $a in
    --update-baseline) update=1 ;;
    --model) model=1 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "ci_check.sh: unknown option $a" >&2; exit 2 ;;
    *) B=$a ;;
  esac
done
export OUT=${OUT:-build/arm-cost}
t0=$(date +%s)
"$HERE/build.sh" "$B"
mbv1=0; [ $model = 1 ] && mbv1=1
CPUS="cortex-a72 cortex-a76" NS=1 MBV1=$mbv1 "$HERE/count.sh" "$B"
[ $model = 1 ] && "$HERE/cycles.sh"

{
  echo "# ARM cost table"
  echo
  echo "Written by \`bench/arm_cost/ci_check.sh --update-baseline$([ $model = 1 ] && echo ' --model')\` (do not edit by hand)."
  echo "Instruction counts are **measured and exact**: one inference, 1 thread, aarch64 build run under"
  echo "\`qemu-aarch64 -cpu cortex-a72\` (Raspberry Pi 4 core: NEON, no dotprod) and \`-cpu cortex-a76\`"
  echo "(Pi 5 core: dotprod, no i8mm), counted by the insnclass plugin. insn/MAC uses the MACs in"
  echo "\`common.py\`; ideal floors: f32 FMLA 0.25, 8-bit SMULL/SMLAL 0.125, SDOT 0.0625."
  echo "Toolchain: $(aarch64-linux-gnu-g++ --version | head -1); $(qemu-aarch64 --version | head -1)."
  echo
  cat "$OUT/counts/table.md"
  if [ $model = 1 ]; then
    echo
    echo "## Cycle model (llvm-mca-19) — a model, not a measurement"
    echo
    echo "Every executed basic block priced by llvm-mca as a steady-state self-loop: all loads hit L1,"
    echo "no mispredicts, no memory stalls. Pi 4 = cortex-a72 counts on LLVM's Cortex-A57 model @1.5 GHz;"
    echo "Pi 5 = cortex-a76 counts on neoverse-n1 @2.4 GHz (LLVM has no A72/A76 model). Calibration: the"
    echo "same method on XNNPACK's MobileNet v1 against the Pi 4 figures XNNPACK publishes (below); single"
    echo "thread and the Pi 5 are uncalibrated. Read the ms as lower bounds."
    echo
    cat "$OUT/counts/estimate.md"
  fi
} > "$OUT/TABLE.md"

rc=0
if [ $update = 1 ]; then
  python3 "$HERE/check.py" "$OUT/counts" "$HERE/baseline.tsv" --update
  cp "$OUT/TABLE.md" "$HERE/TABLE.md"
  echo "arm_cost: wrote $HERE/baseline.tsv and $HERE/TABLE.md: commit them with the change and its reason"
else
  python3 "$HERE/check.py" "$OUT/counts" "$HERE/baseline.tsv" > "$OUT/check.md" || rc=$?
  cat "$OUT/check.md"
fi
echo "arm_cost: $(($(date +%s) - t0)) s; table: $OUT/TABLE.md"
exit $rc
