#!/usr/bin/env bash
# README command 1, from a fresh machine: installs what is missing, builds facegate-door and
# the models, enrolls the bundled sample people (samples/faces, chips 1-2 of seven people;
# stuart is left out on purpose) into a gallery, then plays the bundled frames
# (samples/frames/door-demo.txt: enrolled people, strangers, frames with nobody) through
# facegate-door, printing each decision and the latency table. Dry-run actuator: nothing is
# opened; the audit log goes to $FG_DEMO_DIR/audit.jsonl, a JPEG of the face per verdict to
# $FG_DEMO_DIR/snapshots/ (named in the line's "snapshot"). The gallery is authenticated with a
# key made once in $FG_DEMO_DIR/gallery.key (facegate gallery keygen; kept across runs).
#   FG_BACKEND=reference|native|xnnpack   kernels (default native)
#   FG_DEMO_DIR=DIR                       where the gallery and log go (default build/door-demo)
#   FG_BUILD_DIR=DIR                      build folder (default build/release, the release preset)
#   extra arguments are passed to facegate-door (e.g. --all-faces, --bench 20)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build=${FG_BUILD_DIR:-build/release}
if [[ -z "${FG_BUILD_DIR:-}" ]]; then
  cmake --preset release >/dev/null
else
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$build" -j "${FG_JOBS:-$(nproc)}" --target facegate-door facegate fg_models >/dev/null
door=$build/tools/facegate-door
demo=${FG_DEMO_DIR:-build/door-demo}
backend=${FG_BACKEND:-native}
mkdir -p "$demo"
rm -f "$demo/gallery.fgg" "$demo/audit.jsonl"
rm -rf "$demo/snapshots"
key=$demo/gallery.key
[[ -f "$key" ]] || "$build/tools/facegate" gallery keygen "$key" >/dev/null

echo "== enrolling the sample people (two photos each) into $demo/gallery.fgg"
enroll=()
for p in amy bernadette howard leonard penny raj sheldon; do
  enroll+=(--enroll "$p=samples/faces/$p/${p}1.png,samples/faces/$p/${p}2.png")
done
"$door" --backend "$backend" --gallery-key "$key" --gallery "$demo/gallery.fgg" "${enroll[@]}" | grep -v '^enrolled' || true
echo "   $(( ${#enroll[@]} / 2 )) people enrolled; stuart and the woman in angry.jpg are strangers"

echo
echo "== playing samples/frames/door-demo.txt (grant = N of M frames within tau; dry run; --liveness off)"
# One line per visit. The list has a single empty frame (wall.png) between groups of people, at
# 0.1 s per frame: --visit-gap 0.1 ends a visit there (the default 1.5 s would make it one visit).
# --liveness off: these frames are stills of a TV broadcast, i.e. screen captures, and the
# passive anti-spoof net rightly scores them as presentations (docs/liveness.md); they show
# recognition and visits. The next run shows liveness.
"$door" --backend "$backend" --gallery-key "$key" --gallery "$demo/gallery.fgg" --source @samples/frames/door-demo.txt \
        --visit-gap 0.1 --liveness off --log "$demo/audit.jsonl" --snapshots "$demo/snapshots" "$@"
echo
echo "== an attack: amy's picture held up to the camera (the same frame 4 times; --liveness passive, the default)"
a=samples/frames/amy3.png
"$door" --backend "$backend" --gallery-key "$key" --gallery "$demo/gallery.fgg" --source "$a,$a,$a,$a" \
        --log "$demo/audit.jsonl" --snapshots "$demo/snapshots" "$@" | grep -v -e '^ ' -e '^facegate-door: images'
echo
echo "audit log: $demo/audit.jsonl ($(wc -l < "$demo/audit.jsonl") lines, one JSON object per visit verdict/event)"
echo "snapshots: $demo/snapshots/ ($(find "$demo/snapshots" -name '*.jpg' | wc -l) JPEGs, one face per verdict)"
