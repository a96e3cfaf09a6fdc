#!/usr/bin/env bash
# CTest package_lint: cpack's .debs pass lintian with 0 errors and only the warnings that
# docs/packaging.md justifies, and the systemd unit scores <= 2.5 in
# `systemd-analyze security --offline=yes`. Exit 77 (SKIPPED) without lintian / systemd-analyze.
# Usage: tests/package/lint.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
# initial-upload-closes-no-bugs: no Debian bug to close (not uploaded to the archive);
# pkg-config-unavailable-for-cross-compilation: the library is not multi-arch (lib/, not
# lib/<triplet>/), docs/packaging.md.
allowed='initial-upload-closes-no-bugs|pkg-config-unavailable-for-cross-compilation'
fail() { echo "package_lint: FAIL: $*" >&2; exit 1; }

unit=$src/packaging/facegate-door.service
if command -v systemd-analyze >/dev/null; then
  out=$(systemd-analyze security --offline=yes "$unit" 2>&1) || true
  score=$(sed -n 's/.*Overall exposure level for facegate-door.service: \([0-9.]*\).*/\1/p' <<<"$out")
  [[ -n "$score" ]] || fail "no score from systemd-analyze security: $out"
  echo "systemd-analyze security: $score"
  awk -v s="$score" 'BEGIN { exit !(s <= 2.5) }' || fail "exposure $score > 2.5"
else
  echo "package_lint: SKIPPED the unit's score: no systemd-analyze (apt-get install systemd)" >&2
  exit 77
fi

command -v lintian >/dev/null || { echo "package_lint: SKIPPED: no lintian (apt-get install lintian)" >&2; exit 77; }
tmp=$(mktemp -d /tmp/fg_package_lint.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/debs" >/dev/null) || fail "cpack -G DEB"
n=0
for deb in "$tmp"/debs/*.deb; do
  n=$((n + 1))
  tags=$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' || true)
  echo "$(basename "$deb"): ${tags:-clean}"
  bad=$(grep -E '^[EW]: ' <<<"$tags" | grep -vE "$allowed" || true)
  [[ -z "$bad" ]] || fail "$(basename "$deb"): $bad"
  # Things lintian does not check but the service needs.
  if [[ "$deb" == */facegate-tools_* ]]; then
    dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/facegate/door.conf || fail "door.conf is not a conffile"
    dpkg-deb -c "$deb" > "$tmp/list"
    for f in ./etc/facegate/door.conf ./usr/lib/systemd/system/facegate-door.service \
             ./usr/share/man/man1/facegate.1.gz ./usr/share/man/man1/facegate-door.1.gz; do
      grep -q " $f\$" "$tmp/list" || fail "facegate-tools lacks $f"
    done
  fi
done
[[ $n -ge 1 ]] || fail "cpack made no .deb"
echo "package_lint: $n packages, 0 errors, warnings all justified"
