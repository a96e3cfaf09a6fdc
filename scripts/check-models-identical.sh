#!/usr/bin/env bash
# Checks that a cross build made the same model files as the host build, byte for byte.
#   scripts/check-models-identical.sh build/release build/aarch64
# The cross build must have converted and quantized its models itself (its fg_convert and
# fg_quantize running under qemu), not copied them with FG_HOST_MODEL_DIR: a gallery
# enrolled on a PC records the encoder's checksum, and a board refuses the gallery (exit 3)
# when its int8 encoder differs by one byte (runtime/quantize/quantize.h says why they match).
set -euo pipefail
host=${1:?usage: $0 HOST_BUILD CROSS_BUILD}
cross=${2:?usage: $0 HOST_BUILD CROSS_BUILD}
if grep -q '^FG_HOST_MODEL_DIR:PATH=.\+' "$cross/CMakeCache.txt"; then
  echo "$cross copies the host's models (FG_HOST_MODEL_DIR is set): nothing to compare" >&2
  exit 1
fi
shopt -s nullglob
files=("$host"/models/*.fgm)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "no model files in $host/models" >&2
  exit 1
fi
bad=0
for f in "${files[@]}"; do
  name=$(basename "$f")
  if [[ ! -f "$cross/models/$name" ]]; then
    echo "MISSING  $cross/models/$name"; bad=1
  elif cmp -s "$f" "$cross/models/$name"; then
    echo "same     $name  $(sha256sum < "$f" | cut -c1-16)"
  else
    echo "DIFFERS  $name  host $(sha256sum < "$f" | cut -c1-16)  cross $(sha256sum < "$cross/models/$name" | cut -c1-16)"
    bad=1
  fi
done
exit $bad
