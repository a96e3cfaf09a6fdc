#!/usr/bin/env bash
# kill -9 facegate-door at random moments (writing lines, rotating the log, starting up),
# N times on ONE log, then check: every decision a run printed on stdout is in the log, and
# `facegate audit verify` passes on the surviving files as one series.
#
# usage: tests/door_kill_loop.sh N BIN_DIR MODEL_DIR SOURCE_DIR [WORK_DIR]
#   (FG_EXEC_PREFIX: emulator command for cross builds, as in tests/test_util.h)
# Each run i gets its own --tau (0.2 + i/10000): every decision line carries "tau", so a line
# printed by run i is matched against the log lines of run i only.
# Exit 0 when nothing is missing and the chain holds; 1 otherwise; 2 usage.
set -uo pipefail
if [[ $# -lt 4 ]]; then
  echo "usage: $0 N BIN_DIR MODEL_DIR SOURCE_DIR [WORK_DIR]" >&2
  exit 2
fi
n=$1 bin=$2 models=$3 src=$4
work=${5:-$(mktemp -d /tmp/fg_kill_loop_XXXXXX)}
mkdir -p "$work"
prefix=${FG_EXEC_PREFIX:-}
door="$prefix $bin/facegate-door --liveness off --models $models"  # broadcast stills: docs/liveness.md
log=$work/audit.jsonl
rm -f "$log" "$log".* "$work"/out_* "$work"/gallery.fgg "$work"/gallery.key
# An authenticated gallery (format v2), its key found through $FG_GALLERY_KEY.
$prefix "$bin"/facegate gallery keygen "$work/gallery.key" >/dev/null || { echo "keygen failed" >&2; exit 1; }
export FG_GALLERY_KEY=$work/gallery.key

$door --gallery "$work/gallery.fgg" --enroll "amy=$src/samples/faces/amy/amy1.png,$src/samples/faces/amy/amy2.png" \
  --enroll "sheldon=$src/samples/faces/sheldon/sheldon1.png" >/dev/null 2>&1 || { echo "enroll failed" >&2; exit 1; }

# 8 KiB files: a rotation every ~15 lines, so many kills land in or near one.
for ((i = 1; i <= n; ++i)); do
  tau=$(printf '0.%04d' $((2000 + i)))
  $door --gallery "$work/gallery.fgg" --source "$src/samples/frames" --loop 0 --tau "$tau" --cooldown 0 --visit-gap 0 \
    --log "$log" --log-max-bytes 8192 --log-keep 1000 >"$work/out_$i" 2>/dev/null &
  pid=$!
  # 20..700 ms: start-up (models, gallery, log open) takes ~150 ms here, a frame ~10 ms.
  sleep "0.$(printf '%03d' $((20 + RANDOM % 680)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
done

# The surviving files, oldest first.
files=()
for f in $(ls "$log".* 2>/dev/null | sed 's/.*\.jsonl\.//' | sort -rn); do files+=("$log.$f"); done
[[ -f $log ]] && files+=("$log")

# "tau frame label decision" of every decision line in the log / printed by each run.
cat "${files[@]}" | sed -n 's/.*"frame":\([0-9]*\),"image":"\([^"]*\)","face":[0-9]*,"decision":"\([a-z]*\)".*"tau":\([0-9.]*\),.*/\4 \1 \2 \3/p' |
  sort -u >"$work/logged"
printed=0 missing=0
: >"$work/printed"
for ((i = 1; i <= n; ++i)); do
  tau=$(printf '0.%04d' $((2000 + i)))
  sed -n "s/^frame \([0-9]*\) \(.*\): \(grant\|deny\|unknown\) .*/$tau \1 \2 \3/p" "$work/out_$i" >>"$work/printed"
done
sort -u "$work/printed" -o "$work/printed"
printed=$(wc -l <"$work/printed")
missing=$(comm -23 "$work/printed" "$work/logged" | wc -l)
comm -23 "$work/printed" "$work/logged" | head -5 | sed 's/^/  missing: /'
repaired=$(cat "${files[@]}" | grep -c '"event":"log_repaired"')
starts=$(cat "${files[@]}" | grep -c '"event":"start"')

$prefix "$bin/facegate" audit verify --quiet "${files[@]}" >"$work/verify" 2>&1
verify_rc=$?
broken=$(grep -c 'BROKEN' "$work/verify")
echo "kill loop: $n kill -9, $starts runs logged a start, $printed decisions printed, $missing missing from the log," \
  "${#files[@]} log files, $repaired torn lines repaired, audit verify exit $verify_rc ($broken files broken)"
[[ $verify_rc -ne 0 ]] && head -20 "$work/verify"
[[ $missing -eq 0 && $verify_rc -eq 0 && $printed -gt 0 ]] && exit 0
exit 1
