#!/usr/bin/env bash
# CTest package_chroot (LABEL package, not in the default run: needs root, debootstrap and
# the network): debootstrap a minimal Debian 12 (bookworm, --variant=minbase) from this
# machine's apt mirror, `apt-get install ./*.deb` the packages cpack makes, check the
# service's user/key/conffile, and run the door demo (scripts/door-demo.sh's enrol + play
# commands, bundled samples) inside it. Exit 77 (SKIPPED) without root / debootstrap /
# network. ~3-5 min (debootstrap dominates; FG_CHROOT_TARBALL=FILE caches its download).
# Usage: tests/package/chroot.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 src=$2
skip() { echo "package_chroot: SKIPPED: $*" >&2; exit 77; }
fail() { echo "package_chroot: FAIL: $*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || skip "needs root (debootstrap, chroot)"
command -v debootstrap >/dev/null || skip "no debootstrap (apt-get install debootstrap)"
# The mirror: the first Debian URI of this machine's apt sources (deb822 or one-line).
mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null |
         grep -v security | sed -E 's/^URIs: *//; s/^deb (\[[^]]*\] )?//' | awk '{print $1; exit}' || true)
mirror=${FG_CHROOT_MIRROR:-${mirror:-http://deb.debian.org/debian}}
curl -fsI --max-time 10 "$mirror/dists/bookworm/Release" >/dev/null 2>&1 ||
  wget -q --spider --timeout=10 "$mirror/dists/bookworm/Release" 2>/dev/null || skip "no network to $mirror"

root=$(mktemp -d /tmp/fg_chroot.XXXXXX)
chmod 755 "$root"   # the chroot's /: mktemp makes it 0700, and the demo runs as user facegate
cleanup() {
  for m in proc dev/pts dev; do umount "$root/$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$root"
}
trap cleanup EXIT
t0=$SECONDS
opts=(--variant=minbase)
if [[ -n "${FG_CHROOT_TARBALL:-}" ]]; then
  [[ -f "$FG_CHROOT_TARBALL" ]] || debootstrap "${opts[@]}" --make-tarball="$FG_CHROOT_TARBALL" bookworm "$root/tb" "$mirror" >/dev/null
  rm -rf "$root/tb"
  opts+=(--unpack-tarball="$FG_CHROOT_TARBALL")
fi
debootstrap "${opts[@]}" bookworm "$root" "$mirror" > "$root.debootstrap.log" 2>&1 ||
  { tail -20 "$root.debootstrap.log" >&2; fail "debootstrap"; }
rm -f "$root.debootstrap.log"
echo "debootstrap: $((SECONDS - t0)) s"
mount -t proc proc "$root/proc" || fail "mount proc"
mount --bind /dev "$root/dev" && mount --bind /dev/pts "$root/dev/pts" || true
cp /etc/resolv.conf "$root/etc/resolv.conf"

mkdir -p "$root/tmp/debs" "$root/tmp/demo"
(cd "$root/tmp/debs" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$root/tmp/debs/out" >/dev/null) || fail "cpack"
mv "$root"/tmp/debs/out/*.deb "$root/tmp/debs/"
cp -r "$src/samples" "$root/tmp/demo/"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }
t1=$SECONDS
in_root sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/debs/*.deb' \
  > "$root/tmp/apt.log" 2>&1 || { tail -30 "$root/tmp/apt.log" >&2; fail "apt-get install ./*.deb"; }
echo "apt-get install ./*.deb: $((SECONDS - t1)) s"

# What postinst made.
in_root getent passwd facegate >/dev/null || fail "no system user facegate"
in_root sh -c 'id -nG facegate' | grep -qw video || fail "facegate is not in group video"
in_root sh -c 'id -nG facegate' | grep -qw gpio || fail "facegate is not in group gpio"
[[ $(in_root stat -c "%U %a" /var/lib/facegate/gallery.key) == "facegate 600" ]] || fail "gallery.key not facegate 0600"
[[ -f "$root/etc/facegate/door.conf" ]] || fail "no /etc/facegate/door.conf"
in_root dpkg-query -W -f='${Conffiles}\n' facegate-tools | grep -q /etc/facegate/door.conf || fail "door.conf not a conffile"
in_root facegate-door --help >/dev/null || fail "facegate-door --help"
in_root man -w facegate-door >/dev/null 2>&1 || [[ -f "$root/usr/share/man/man1/facegate-door.1.gz" ]] || fail "no man page"

# The door demo (scripts/door-demo.sh's two door commands), as the service user, with the
# key the package made; the models from /usr/share/facegate/models.
enroll=()
for p in amy bernadette howard leonard penny raj sheldon; do
  enroll+=(--enroll "$p=/tmp/demo/samples/faces/$p/${p}1.png,/tmp/demo/samples/faces/$p/${p}2.png")
done
chmod -R a+rX "$root/tmp/demo"
k=/var/lib/facegate/gallery.key g=/var/lib/facegate/door.fgg
in_root setpriv --reuid=facegate --regid=facegate --init-groups facegate-door --gallery-key $k --gallery $g "${enroll[@]}" \
  > "$root/tmp/enroll.log" 2>&1 || { cat "$root/tmp/enroll.log" >&2; fail "enrol"; }
in_root setpriv --reuid=facegate --regid=facegate --init-groups facegate-door --gallery-key $k --gallery $g \
  --liveness off --source @/tmp/demo/samples/frames/door-demo.txt --log /var/log/facegate/demo.jsonl > "$root/tmp/door.log" 2>&1 ||
  { cat "$root/tmp/door.log" >&2; fail "door demo"; }
grants=$(grep -c '"grant"' "$root/var/log/facegate/demo.jsonl" || true)
echo "door demo in the chroot: $(wc -l < "$root/var/log/facegate/demo.jsonl") audit lines, $grants grant lines"
[[ $grants -ge 1 ]] || { cat "$root/tmp/door.log" >&2; fail "no grant in the demo"; }
in_root facegate audit verify /var/log/facegate/demo.jsonl >/dev/null || fail "audit chain of the demo log"
echo "package_chroot: passed in $((SECONDS - t0)) s"
