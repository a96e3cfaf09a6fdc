#!/usr/bin/env bash
# What tracking saves the door (issue 14 item 2: the tracked frame p50 <= 0.5x the untracked one,
# x86, int8, one thread, one face, 640x480): the same facegate-door binary, --bench N over one
# moving 640x480 clip (bench/track_clip.cc: samples/frames/amy3.png sliding 4+2 px a frame over
# the wall and back, 62 frames, the face found in every one), --track on and --track off
# alternated R times (all four runs in each round), for --liveness off (the issue's figure: every frame after the first may
# be tracked) and --liveness passive (the default: frames liveness judges run the detector).
# Each run's frame p50 / p95, detector samples, tracked frames and user CPU seconds, then the
# median p50 / p95 of each mode and the ratio on / off, then the modelled Pi 4 frame
# (bench/arm_cost/estimate.py on the committed bench/arm_cost/TABLE.md: a model, not a
# measurement).
#   bench/door_track_cost.sh [BUILD_DIR=build/release] [PRECISION=int8] [N=10] [R=3] [extra door args...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
precision=${2:-int8}
n=${3:-10}
rounds=${4:-3}
shift $(( $# < 4 ? $# : 4 ))
door=$build/tools/facegate-door
clipper=$build/bench/fg_track_clip
for b in "$door" "$clipper" "$build/tools/facegate"; do
  [ -x "$b" ] || { echo "door_track_cost.sh: $b not built (cmake --build --preset release --target facegate facegate-door fg_track_clip)" >&2; exit 2; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$clipper" "$work/clip.y4m" samples/frames/wall.png samples/frames/amy3.png 32 40 60 4 2 pingpong >/dev/null
"$build/tools/facegate" gallery keygen "$work/key" >/dev/null
enroll=()
for p in amy bernadette howard leonard penny raj sheldon; do
  enroll+=(--enroll "$p=samples/faces/$p/${p}1.png,samples/faces/$p/${p}2.png")
done
"$door" --precision "$precision" --gallery-key "$work/key" --gallery "$work/g.fgg" "${enroll[@]}" >/dev/null
echo "facegate-door --precision $precision --net-threads 1 --source <62-frame 640x480 clip> --bench $n, $(nproc) cores; $*"
printf '%-6s %-9s %-6s %9s %9s %8s %8s %8s %7s\n' round liveness track frame_p50 frame_p95 detect_n tracked no_face user_s
for r in $(seq 1 "$rounds"); do
  for live in off passive; do
    for track in on off; do
      /usr/bin/time -f %U -o "$work/time" "$door" --precision "$precision" --net-threads 1 --gallery-key "$work/key" \
        --gallery "$work/g.fgg" --source "$work/clip.y4m" --liveness "$live" --track "$track" --bench "$n" "$@" \
        >"$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
      frame=$(awk '$1 == "frame" && NF == 6 {print $3, $4}' "$work/out")
      det=$(awk '$1 == "detect" && NF == 6 {print $2}' "$work/out")
      tracked=$(sed -n 's/.*track: tracked \([0-9]*\) of.*/\1/p' "$work/out")
      noface=$(sed -n 's/.*frames (\([0-9]*\) without a face.*/\1/p' "$work/out" | tail -1)
      printf '%-6s %-9s %-6s %9s %9s %8s %8s %8s %7s\n' "$r" "$live" "$track" $frame "${det:-0}" "${tracked:-0}" \
        "${noface:-?}" "$(cat "$work/time")" | tee -a "$work/rows"
    done
  done
done
echo
echo "median over rounds (ms), ratio = track on / track off:"
awk '
  { p50[$2" "$3] = p50[$2" "$3] " " $4; p95[$2" "$3] = p95[$2" "$3] " " $5 }
  function median(s,   a, n, i, j, t) {
    n = split(s, a, " ")
    for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (k = 0; k < 2; ++k) {
      l = k == 0 ? "off" : "passive"
      on50 = median(p50[l" on"]); off50 = median(p50[l" off"]); on95 = median(p95[l" on"]); off95 = median(p95[l" off"])
      printf "  liveness %-7s  track on p50 %6.2f p95 %6.2f | track off p50 %6.2f p95 %6.2f | ratio p50 %.2f p95 %.2f\n",
             l, on50, on95, off50, off95, on50 / off50, on95 / off95
    }
  }' "$work/rows"
echo
echo "modelled Pi 4 frame (bench/arm_cost/estimate.py --from-table bench/arm_cost/TABLE.md; a model, not a measurement):"
python3 bench/arm_cost/estimate.py --from-table bench/arm_cost/TABLE.md
