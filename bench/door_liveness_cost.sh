#!/usr/bin/env bash
# What liveness costs the door (issue 13: <= 15% of the int8 door frame p50 on x86): the same
# facegate-door binary, --bench N over samples/frames/door-demo.txt, --liveness off and
# --liveness passive alternated R times, each run's frame p50 / p95, liveness stage p50 and
# user CPU seconds (/usr/bin/time, less sensitive than wall clock to a shared machine).
#   bench/door_liveness_cost.sh [BUILD_DIR=build/release] [PRECISION=int8] [N=30] [R=3] [extra door args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
precision=${2:-int8}
n=${3:-30}
rounds=${4:-3}
shift $(( $# < 4 ? $# : 4 ))
door=$build/tools/facegate-door
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$build/tools/facegate" gallery keygen "$work/key" >/dev/null
enroll=()
for p in amy bernadette howard leonard penny raj sheldon; do
  enroll+=(--enroll "$p=samples/faces/$p/${p}1.png,samples/faces/$p/${p}2.png")
done
"$door" --precision "$precision" --gallery-key "$work/key" --gallery "$work/g.fgg" "${enroll[@]}" >/dev/null
printf '%-8s %-9s %8s %8s %10s %8s %7s\n' round liveness frame_p50 frame_p95 live_p50 live_n user_s
for r in $(seq 1 "$rounds"); do
  for mode in off passive; do
    /usr/bin/time -f %U -o "$work/time" "$door" --precision "$precision" --gallery-key "$work/key" \
      --gallery "$work/g.fgg" --source @samples/frames/door-demo.txt --visit-gap 0.1 --liveness "$mode" \
      --bench "$n" "$@" >"$work/out" 2>&1
    frame=$(awk '$1 == "frame" && NF == 6 {print $3, $4}' "$work/out")
    live=$(awk '$1 == "liveness" && NF == 6 {print $3, $2}' "$work/out")
    printf '%-8s %-9s %8s %8s %10s %8s %7s\n' "$r" "$mode" $frame ${live:-- 0} "$(cat "$work/time")"
  done
done
