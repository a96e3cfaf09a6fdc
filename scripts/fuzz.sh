#!/usr/bin/env bash
# libFuzzer runs of tests/fuzz (clang-14, ASan+UBSan; tests/fuzz/README.md, docs/reliability.md).
#   scripts/fuzz.sh --ci [T...]     CI: build, each target 25 s (FG_FUZZ_CI_SECONDS) on the
#                                   committed corpus + new inputs; exit 1 on any report
#   scripts/fuzz.sh SECONDS [T...]  campaign: each target (or only T...) SECONDS, corpus kept
#                                   in build/fuzz/corpus/<target>; prints execs and coverage
#   scripts/fuzz.sh --merge [T...]  minimise build/fuzz/corpus/<target> into tests/fuzz/corpus
#   scripts/fuzz.sh --seeds         rewrite the generated seeds (tests/fuzz/make_seeds.cc)
# Targets run min(nproc, 6) at a time, one core each. A report leaves the input in
# build/fuzz/artifacts/<target>/ and the log in build/fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
targets_all=(fuzz_model fuzz_gallery fuzz_image fuzz_y4m fuzz_similarity_head fuzz_door_config fuzz_gallery_snapshot)
build=build/fuzz
bin=$build/tests/fuzz

usage() { sed -n '2,10p' "$0" >&2; exit 2; }
mode=campaign seconds="" targets=()
case "${1:-}" in
  --ci) mode=ci seconds=${FG_FUZZ_CI_SECONDS:-25}; shift; targets=("$@") ;;
  --merge) mode=merge; shift; targets=("$@") ;;
  --seeds) mode=seeds ;;
  ''|-*) usage ;;
  *) [[ "$1" =~ ^[0-9]+$ && "$1" -gt 0 ]] || usage
     seconds=$1; shift; targets=("$@") ;;
esac
[[ ${#targets[@]} -eq 0 ]] && targets=("${targets_all[@]}")
for t in "${targets[@]}"; do
  [[ " ${targets_all[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target '$t' (${targets_all[*]})" >&2; exit 2; }
done

t0=$SECONDS
scripts/install-deps.sh --fuzz
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=$PWD CCACHE_NOHASHDIR=1
fi
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)" --target fg_fuzz fuzz_make_seeds
echo "fuzz.sh: build $((SECONDS - t0)) s"

if [[ $mode == seeds ]]; then
  exec "$bin/fuzz_make_seeds" tests/fuzz/corpus tests/data
fi
if [[ $mode == merge ]]; then
  for t in "${targets[@]}"; do
    [[ -d $build/corpus/$t ]] || continue
    "$bin/$t" -merge=1 tests/fuzz/corpus/$t "$build/corpus/$t" 2>&1 | { grep -E 'MERGE-OUTER: [0-9]+ new files' || true; }
  done
  exit 0
fi

# Per input: 10 s, and no allocation above 512 MB (the decoders' budget is 256 MB, ASan's
# shadow and quarantine sit on top of that in RSS, hence the 2 GB RSS limit).
flags=(-timeout=10 -malloc_limit_mb=512 -rss_limit_mb=2048 -print_final_stats=1 -max_total_time="$seconds")
mkdir -p "$build/logs"
run_one() {  # target: runs it, then prints "target execs cov ft corpus status"
  local t=$1 work log
  log=$build/logs/$t.log
  rm -rf "$build/artifacts/$t"; mkdir -p "$build/artifacts/$t"  # only this run's reports
  if [[ $mode == ci ]]; then
    work=$(mktemp -d)  # new inputs go here: the committed corpus is read, never written
  else
    work=$build/corpus/$t
    mkdir -p "$work"
  fi
  local rc=0
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$bin/$t" "${flags[@]}" -artifact_prefix="$build/artifacts/$t/" "$work" tests/fuzz/corpus/$t >"$log" 2>&1 || rc=$?
  local execs cov ft corp
  # A crash while loading the seeds prints no cov line: the greps may find nothing.
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$( (grep -oE 'cov: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  ft=$( (grep -oE 'ft: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  corp=$( (grep -oE 'corp: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  [[ $mode == ci ]] && rm -rf "$work"
  local status=ok
  if [[ $rc -ne 0 ]] || grep -qE '^==[0-9]+==ERROR|runtime error:|^SUMMARY: ' "$log"; then status="REPORT(rc=$rc)"; fi
  echo "$t ${execs:-0} ${cov:-?} ${ft:-?} ${corp:-?} $status"
}

jobs=$(nproc); (( jobs > ${#targets[@]} )) && jobs=${#targets[@]}
echo "fuzz.sh: ${#targets[@]} targets x ${seconds} s, $jobs at a time (ASan+UBSan)"
results=$(mktemp)
running=0
for t in "${targets[@]}"; do
  run_one "$t" >>"$results" &
  running=$((running + 1))
  if (( running >= jobs )); then wait -n; running=$((running - 1)); fi
done
wait

printf '%-22s %10s %9s %6s %7s %7s  %s\n' target seconds execs exec/s cov ft status
fail=0
while read -r t execs cov ft corp status; do
  printf '%-22s %10s %9s %6s %7s %7s  %s\n' "$t" "$seconds" "$execs" $((execs / seconds)) "$cov" "$ft" "$status"
  if [[ $status != ok ]]; then
    fail=1
    echo "  log: $build/logs/$t.log, input: $(ls "$build/artifacts/$t" | head -1)"
    grep -m3 -E '^==[0-9]+==ERROR|runtime error:|^SUMMARY: ' "$build/logs/$t.log" | sed 's/^/  /'
  fi
done < <(sort "$results")
rm -f "$results"
echo "fuzz.sh: total $((SECONDS - t0)) s"
if [[ $fail -ne 0 ]]; then echo "fuzz.sh: FAILED (reports above)"; exit 1; fi
echo "fuzz.sh: 0 reports"
