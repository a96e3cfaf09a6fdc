#!/usr/bin/env bash
# Remakes the README's pictures in docs/img/ with the facegate CLI:
#   annotate-detect.jpg    detect --annotate on samples/frames/bbt3.jpg (5 faces)
#   annotate-verify.jpg    verify --annotate on samples/frames/amy3.png + amy4.png
#   annotate-identify.jpg  identify --annotate: the 8 sample people enrolled from
#                          samples/faces/*/<name>1.png, probed with samples/frames/penny4.png
#   roc.svg                eval lfw --plot (all 10 folds of LFW View 2, eval defaults)
#   det.svg                eval identify --plot (LFW, seed 20240601)
# The annotated pictures use bundled samples only; the curves need LFW (default
# ../shared/data/lfw): without it they are left as they are, and the script says so.
# usage: scripts/make-pictures.sh [BUILD_DIR (build/release)] [LFW_DIR (../shared/data/lfw)]
# Needs a built tree (cmake --build --preset release --target facegate fg_models).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/release}
lfw=${2:-../shared/data/lfw}
fg="$build/tools/facegate"
out=docs/img
[[ -x "$fg" ]] || { echo "make-pictures: $fg not built" >&2; exit 3; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$fg" detect --annotate "$out/annotate-detect.jpg" samples/frames/bbt3.jpg
"$fg" verify --annotate "$out/annotate-verify.jpg" samples/frames/amy3.png samples/frames/amy4.png
"$fg" gallery keygen "$tmp/key" >/dev/null
for p in amy bernadette howard leonard penny raj sheldon stuart; do
  "$fg" enroll --quiet --gallery-key "$tmp/key" "$tmp/g.fgg" "$p" "samples/faces/$p/${p}1.png" >/dev/null
done
"$fg" identify --gallery-key "$tmp/key" --annotate "$out/annotate-identify.jpg" "$tmp/g.fgg" samples/frames/penny4.png

if [[ -f "$lfw/pairs.txt" ]]; then
  "$fg" eval lfw "$lfw" --plot "$out/roc.svg"
  # Its embedding cache is keyed by the recognition model's checksum and the pipeline options.
  "$fg" eval identify "$lfw" --plot "$out/det.svg"
else
  echo "make-pictures: no LFW at $lfw: $out/roc.svg and $out/det.svg not remade" >&2
fi
ls -l "$out"
