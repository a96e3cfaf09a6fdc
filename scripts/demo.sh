#!/usr/bin/env bash
# The main job, from a fresh machine: installs what is missing, builds, then embeds and
# compares the bundled sample faces (samples/faces) and prints distances and verdicts.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target facegate fg_models >/dev/null
fg=build/release/tools/facegate
backend=${FG_BACKEND:-native}
people=(amy bernadette howard leonard penny raj sheldon stuart)
echo "facegate demo: squared L2 distance between face descriptors, tau 0.36 (backend $backend)"
right=0 total=0
for i in "${!people[@]}"; do
  p=${people[$i]}
  q=${people[$(( (i + 1) % ${#people[@]} ))]}
  for pair in "samples/faces/$p/${p}1.png samples/faces/$p/${p}2.png same" \
              "samples/faces/$p/${p}1.png samples/faces/$q/${q}1.png different"; do
    set -- $pair
    rc=0
    line=$("$fg" compare --backend "$backend" "$1" "$2") || rc=$?
    [[ $rc -gt 1 ]] && { echo "facegate failed (exit $rc)" >&2; exit $rc; }
    verdict=$([[ $rc -eq 0 ]] && echo same || echo different)
    total=$((total + 1))
    [[ $verdict == "$3" ]] && right=$((right + 1)) && mark=ok || mark=WRONG
    echo "$line   [expected $3: $mark]"
  done
done
echo "$right/$total verdicts as expected"
