#!/usr/bin/env bash
# What liveness costs the door (issue 13: <= 15% of the int8 door frame p50 on x86): the same
# facegate-door binary, --bench N over samples/frames/door-demo.txt, --liveness off and
# --liveness passive alternated R times, each run's frame p50 / p95, liveness stage p50 and
# user CPU seconds (/usr/bin/time, less sensitive than wall clock to a shared machine).
#   bench/door_liveness_cost.sh [BUILD_DIR=build/release] [PRECISION=int8] [N=30] [R=3] [extra door args...]
# FG_BENCH_CLOCK=thread-cpu (default) times the stages in the door thread's CPU time, which a
# shared machine's other jobs do not inflate (tools/door/stage_clock.h); wall for wall clock.
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
# mv_sample as scripts/door-demo.sh enrols her: from the two attack pictures of MiniVision's samples.
enroll+=(--enroll "mv_sample=tests/data/liveness/image_F1.jpg,tests/data/liveness/image_F2.jpg")
"$door" --precision "$precision" --gallery-key "$work/key" --gallery "$work/g.fgg" "${enroll[@]}" >/dev/null
# Two workloads (FG_WORKLOADS="demo live" by default):
#   demo  samples/frames/door-demo.txt: broadcast stills the nets score as screen captures, so no
#         visit is ever decided and every matched frame is judged: the worst case (an attack).
#   live  a person walking up: bench/live_visit_frames (image_T1 shifted + noise, 10 frames, then
#         an empty wall that ends the visit; --cooldown 0): each pass a new visit, granted at its
#         2nd frame, after which liveness does not run for the rest of the visit.
mkdir -p "$work/live"
"$build/bench/live_visit_frames" "$work/live" 10
printf '%-8s %-9s %-9s %8s %8s %10s %8s %7s\n' round workload liveness frame_p50 frame_p95 live_p50 live_n user_s
for r in $(seq 1 "$rounds"); do
  for wl in ${FG_WORKLOADS:-demo live}; do
    case $wl in
      demo) src=(--source @samples/frames/door-demo.txt) ;;
      live) src=(--source "@$work/live/list.txt" --cooldown 0) ;;
      *) echo "unknown workload $wl" >&2; exit 2 ;;
    esac
    for mode in off passive; do
      /usr/bin/time -f %U -o "$work/time" "$door" --precision "$precision" --gallery-key "$work/key" \
        --gallery "$work/g.fgg" "${src[@]}" --visit-gap 0.1 --liveness "$mode" \
        --bench "$n" --bench-clock "${FG_BENCH_CLOCK:-thread-cpu}" "$@" >"$work/out" 2>&1
      frame=$(awk '$1 == "frame" && NF == 6 {print $3, $4}' "$work/out")
      live=$(awk '$1 == "liveness" && NF == 6 {print $3, $2}' "$work/out")
      grants=$(grep -o '[0-9]* grants' "$work/out" | tail -1)
      printf '%-8s %-9s %-9s %8s %8s %10s %8s %7s  %s\n' "$r" "$wl" "$mode" $frame ${live:-- 0} "$(cat "$work/time")" "$grants"
    done
  done
done
