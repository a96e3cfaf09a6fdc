#!/usr/bin/env bash
# Fetches the Debian packages a cross build links against and unpacks them into a per-arch
# sysroot: build/sysroot-<ARCH>/usr/{include,lib/<triple>}. The toolchain files in
# toolchains/ search there first (then the cross compiler's own /usr/<triple> for libc).
#
# Usage: scripts/sysroot.sh arm64|armhf      (FG_SYSROOT_REFRESH=1 re-reads the archive)
#
# Why not `dpkg --add-architecture` + `apt-get install libxnnpack-dev:arm64`: Debian's
# arm64/armhf XNNPACK packages are not co-installable with the amd64 ones, and a foreign
# architecture changes the whole machine's apt state for everyone on it. Instead apt runs
# with a private state folder (build/apt-<ARCH>: package lists + .debs) in which the
# native architecture is the target's, and the .debs are unpacked with dpkg-deb -x.
# Nothing outside build/ is touched, so root is not needed.
#
# Idempotent and cached: when build/sysroot-<ARCH>/.fg-sysroot already lists the same
# package versions as the cached package lists, it does nothing (no network).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

arch=${1:-}
case "$arch" in
  arm64|aarch64) arch=arm64 ;;
  armhf|arm)     arch=armhf ;;
  *) echo "usage: $0 arm64|armhf" >&2; exit 2 ;;
esac

# Runtime + -dev packages of every library the build finds through cmake/dependencies.cmake.
# The header-only ones (stb, doctest, nlohmann-json: arch "all" or headers only) come along
# so that the cross build never has to put the host's /usr/include on its include path.
pkgs=(libxnnpack-dev libxnnpack0 libpthreadpool-dev libpthreadpool0 libcpuinfo-dev libcpuinfo0
      libbenchmark-dev libbenchmark1debian libstb-dev libstb0 doctest-dev nlohmann-json3-dev
      libgpiod-dev libgpiod2 libjpeg62-turbo-dev libjpeg62-turbo libpng-dev libpng16-16 libsodium-dev libsodium23
      zlib1g-dev zlib1g libmosquitto-dev libmosquitto1 libssl3)  # libmosquitto: facegate-door --mqtt

sysroot=$root/build/sysroot-$arch
state=$root/build/apt-$arch
stamp=$sysroot/.fg-sysroot

apt_opts=(
  -o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$state/sources.list.d"
  -o "Dir::Etc::Preferences=/dev/null" -o "Dir::Etc::PreferencesParts=$state/preferences.d"
  -o "Dir::State::Lists=$state/lists" -o "Dir::State::status=$state/status"
  -o "Dir::Cache=$state/cache" -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
  -o "APT::Sandbox::User=root" -o "Debug::NoLocking=1")

lists_present() { compgen -G "$state/lists/*_binary-${arch}_Packages*" >/dev/null; }

update_lists() {
  mkdir -p "$state"/{lists/partial,cache/archives/partial,sources.list.d,preferences.d}
  : >"$state/status"
  # The same archive (and snapshot) the host uses, so versions match the host's packages.
  rm -f "$state"/sources.list.d/*
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    case "$f" in
      *.list) grep -E '^\s*deb\s' "$f" | grep -Ei 'debian|ubuntu' >"$state/sources.list.d/$(basename "$f")" || true ;;
      *.sources) grep -qEi 'URIs:.*(debian|ubuntu)' "$f" && cp "$f" "$state/sources.list.d/" ;;
    esac
  done
  if [[ -z "$(ls -A "$state/sources.list.d")" ]]; then
    echo "sysroot: no Debian/Ubuntu apt source found in /etc/apt" >&2; exit 1
  fi
  echo "sysroot: reading the $arch package lists"
  # One index failing (a mirror mid-sync) is survivable when the main one came through.
  if ! apt-get -q "${apt_opts[@]}" update >"$state/update.log" 2>&1; then
    grep -E '^(E|W):' "$state/update.log" >&2 || true
    lists_present || { echo "sysroot: apt-get update failed" >&2; exit 1; }
    echo "sysroot: apt-get update reported a problem; continuing with the lists it got" >&2
  fi
}

# pkg=version lines of what the cached lists offer, in the order of pkgs.
wanted_versions() {
  local p v policy
  policy=$(apt-cache "${apt_opts[@]}" policy "${pkgs[@]}" 2>/dev/null \
           | awk '/^[^ ]/ {sub(":$", ""); p=$1} /Candidate:/ {print p "=" $2}')
  for p in "${pkgs[@]}"; do
    v=$(awk -F= -v p="$p" '$1 == p {print $2}' <<<"$policy")
    if [[ -z "$v" || "$v" == "(none)" ]]; then
      echo "sysroot: package $p has no $arch version in the lists" >&2; return 1
    fi
    echo "$p=$v"
  done
}

if [[ "${FG_SYSROOT_REFRESH:-0}" == 1 ]] || ! lists_present; then
  update_lists
fi
wanted=$(wanted_versions)
if [[ -f "$stamp" && "$(cat "$stamp")" == "$wanted" ]]; then
  echo "sysroot: $sysroot is up to date"
  exit 0
fi

debs=$state/debs
mkdir -p "$debs"
rm -f "$debs"/*.deb
echo "sysroot: downloading ${#pkgs[@]} $arch packages"
# arch "all" packages must be named without the :arch qualifier.
(cd "$debs" && apt-get -q "${apt_opts[@]}" download $(sed 's/=.*//' <<<"$wanted") >"$state/download.log" 2>&1) \
  || { cat "$state/download.log" >&2; echo "sysroot: apt-get download failed" >&2; exit 1; }

rm -rf "$sysroot.tmp"
mkdir -p "$sysroot.tmp"
for deb in "$debs"/*.deb; do
  dpkg-deb -x "$deb" "$sysroot.tmp"
done
# Keep only the copyright files: cmake/packaging.cmake ships them with the bundled libraries.
find "$sysroot.tmp/usr/share/doc" ! -type d ! -name copyright -delete 2>/dev/null || true
find "$sysroot.tmp/usr/share/doc" -type d -empty -delete 2>/dev/null || true
rm -rf "$sysroot.tmp/usr/share/lintian"
# Development symlinks with absolute targets (zlib1g-dev: libz.so -> /lib/<triple>/libz.so.1...)
# would point at the host's files: make them relative to the sysroot.
while IFS= read -r link; do
  target=$(readlink "$link")
  [[ "$target" == /* && -e "$sysroot.tmp$target" ]] || continue
  ln -sfn "$(realpath --relative-to="$(dirname "$link")" "$sysroot.tmp$target")" "$link"
done < <(find "$sysroot.tmp" -type l)
echo "$wanted" >"$sysroot.tmp/.fg-sysroot"
rm -rf "$sysroot"
mv "$sysroot.tmp" "$sysroot"
echo "sysroot: $sysroot ready:"
sed 's/^/  /' "$stamp"
