#!/usr/bin/env bash
# The install test (CTest test_install): `cmake --install` the build into a temporary prefix,
# then use it the way an application would, with no flag pointing at the models:
#   - examples/verify_two (separate CMake project, find_package) against libfacegate.so and,
#     with facegate_USE_STATIC, libfacegate.a;
#   - examples/verify_c/verify.c compiled with pkg-config (shared, and static via --static);
#   - the Python package from the prefix (tests/python/test_facegate.py);
# and checks every distance equals the installed `facegate verify --json`'s.
# Usage: tests/install/run.sh BUILD_DIR   (FG_SOURCE_DIR: the source tree)
set -euo pipefail
build=$(cd "$1" && pwd)
src=${FG_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
tmp=$(mktemp -d /tmp/fg_install_test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() { echo "test_install: FAIL: $*" >&2; exit 1; }
unset FG_MODEL_DIR FACEGATE_LIBRARY   # the installed tree must find its own models and library

cmake --install "$build" --prefix "$prefix" >/dev/null
so=$(find "$prefix" -name libfacegate.so.0 | head -1)
[[ -n "$so" ]] || fail "no libfacegate.so.0 installed"
libdir=$(dirname "$so")
for f in include/facegate/facegate.h include/facegate/facegate.hpp include/facegate/export.h \
         include/facegate/version.h share/facegate/models/recognition.fgm share/facegate/models/detector.fgm \
         bin/facegate; do
  [[ -e "$prefix/$f" ]] || fail "missing $f"
done
for f in libfacegate.a libfacegate.so cmake/facegate/facegateConfig.cmake cmake/facegate/facegateConfigVersion.cmake \
         pkgconfig/facegate.pc; do
  [[ -e "$libdir/$f" ]] || fail "missing $libdir/$f"
done
[[ $(readelf -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p') == libfacegate.so.0 ]] || fail "soname is not libfacegate.so.0"
grep -rq '#include "runtime' "$prefix/include" && fail "a public header includes an internal one"
nm -D --defined-only "$so" | awk '{print $3}' | grep -vE '^(fg_|_ZN8facegate|_ZNK8facegate|FACEGATE_0)' | grep . &&
  fail "libfacegate.so exports symbols outside the API (above)"

a=$src/samples/frames/amy3.png
b=$src/samples/frames/amy4.png
want=$("$prefix/bin/facegate" verify --json "$a" "$b" | sed -n 's/.*"distance_sq": \([0-9.]*\).*/\1/p')
[[ -n "$want" ]] || fail "facegate verify --json printed no distance_sq"
echo "facegate verify --json: distance_sq $want"
check() {  # check NAME OUTPUT: OUTPUT's distance_sq equals the CLI's (both printed %.6f)
  local got
  got=$(sed -n 's/^distance_sq \([0-9.]*\) same 1.*/\1/p' <<<"$2")
  [[ "$got" == "$want" ]] || fail "$1: '$2' (want distance_sq $want, same 1)"
  echo "$1: distance_sq $got"
}

gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
for kind in shared static; do
  cmake -S "$src/examples/verify_two" -B "$tmp/vt_$kind" "${gen[@]}" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_BUILD_TYPE=Release -Dfacegate_USE_STATIC=$([[ $kind == static ]] && echo ON || echo OFF) >/dev/null
  cmake --build "$tmp/vt_$kind" >/dev/null
done
grep -q 'libfacegate.so.0' <<<"$(readelf -d "$tmp/vt_shared/verify_two")" || fail "verify_two (shared) does not need libfacegate.so.0"
grep -q 'libfacegate' <<<"$(readelf -d "$tmp/vt_static/verify_two")" && fail "verify_two (static) needs a libfacegate.so"
check "verify_two (find_package, shared)" "$("$tmp/vt_shared/verify_two" "$a" "$b")"
# A static binary finds the models from where it is installed: <prefix>/bin/../share/facegate/models.
cp "$tmp/vt_static/verify_two" "$prefix/bin/verify_two_static"
check "verify_two (find_package, static)" "$("$prefix/bin/verify_two_static" "$a" "$b")"

export PKG_CONFIG_PATH=$libdir/pkgconfig
cc=${CC:-cc}
# shellcheck disable=SC2046  # pkg-config output is a list of flags
"$cc" -o "$tmp/verify_c_shared" "$src/examples/verify_c/verify.c" $(pkg-config --cflags --libs facegate) -Wl,-rpath,"$libdir"
check "verify.c (pkg-config, shared)" "$("$tmp/verify_c_shared" "$a" "$b")"
# Static: the same .pc with --static (Libs.private); -l:libfacegate.a picks the archive over the .so.
# shellcheck disable=SC2046
"$cc" -o "$prefix/bin/verify_c_static" "$src/examples/verify_c/verify.c" $(pkg-config --cflags facegate) \
      $(pkg-config --static --libs facegate | sed 's/-lfacegate\b/-l:libfacegate.a/')
grep -q 'libfacegate' <<<"$(readelf -d "$prefix/bin/verify_c_static")" && fail "verify_c_static needs a libfacegate.so"
check "verify.c (pkg-config --static)" "$("$prefix/bin/verify_c_static" "$a" "$b")"

pydir=$prefix/lib/python3/dist-packages
[[ -f "$pydir/facegate/__init__.py" ]] || fail "python package not installed in $pydir"
if command -v python3 >/dev/null; then
  got=$(cd "$tmp" && PYTHONPATH=$pydir python3 -c \
    'import sys, facegate; same, d = facegate.verify(sys.argv[1], sys.argv[2]); print("distance_sq %.6f same %d" % (d, same))' "$a" "$b")
  check "python3 -c 'import facegate' (installed)" "$got"
  (cd "$tmp" && PYTHONPATH=$pydir FG_EXPECT_DISTANCE=$want python3 "$src/tests/python/test_facegate.py" 2>&1 | tail -3) ||
    fail "tests/python/test_facegate.py against the installed prefix"
else
  echo "test_install: SKIPPED the Python part: no python3" >&2
fi

# The same application against the -dev package: cpack's libfacegate0 + libfacegate-dev .debs
# unpacked (dpkg-deb -x, no root needed) into a root; the CMake package must be relocatable.
# The models are looked for under /usr/share (the .deb's prefix), so point at the unpacked copy.
if command -v dpkg-deb >/dev/null && [[ -f "$build/CPackConfig.cmake" ]]; then
  (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/debs" >/dev/null) || fail "cpack -G DEB"
  for p in libfacegate0 libfacegate-dev; do
    deb=$(ls "$tmp"/debs/${p}_*.deb 2>/dev/null | head -1)
    [[ -n "$deb" ]] || fail "cpack made no $p .deb"
    dpkg-deb -x "$deb" "$tmp/root"
  done
  cmake -S "$src/examples/verify_two" -B "$tmp/vt_deb" "${gen[@]}" -DCMAKE_PREFIX_PATH="$tmp/root/usr" \
        -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$tmp/vt_deb" >/dev/null
  deps=$(ldd "$tmp/vt_deb/verify_two")  # not piped into grep -q: pipefail + SIGPIPE
  grep -q "$tmp/root/usr/lib/.*libfacegate.so.0" <<<"$deps" ||
    fail "verify_two (from the .deb) does not load the unpacked libfacegate.so.0"
  check "verify_two (find_package, from the -dev .deb)" \
        "$(FG_MODEL_DIR=$tmp/root/usr/share/facegate/models "$tmp/vt_deb/verify_two" "$a" "$b")"
else
  echo "test_install: SKIPPED the .deb part: no dpkg-deb or CPackConfig.cmake" >&2
fi
echo "test_install: OK"
