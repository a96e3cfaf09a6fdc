#!/usr/bin/env bash
# Writes a man page made from a program's own --help text (so the page cannot drift from the
# binary), gzip -9n'd for the .deb. Run by the build (cmake/packaging.cmake), through the
# cross emulator when cross-compiling.
# Usage: scripts/man-from-help.sh OUT.1.gz NAME "one-line summary" VERSION BINARY [SUBCOMMAND...]
#   each SUBCOMMAND gets a section from `BINARY SUBCOMMAND --help` ("eval identify" = two words).
# The help text goes in verbatim (.nf): only roff's escape character and control characters at
# the start of a line are escaped.
set -euo pipefail
out=$1 name=$2 summary=$3 version=$4 bin=$5
shift 5
[[ -n "${FG_EMULATOR:-}" ]] && bin="$FG_EMULATOR $bin"

verbatim() {
  echo ".nf"
  sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" -e 's/^$/\\\&/'
  echo ".fi"
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
{
  upper=$(echo "$name" | tr '[:lower:]-' '[:upper:]_')
  echo ".TH $upper 1 \"\" \"$name $version\" \"facegate manual\""
  echo ".SH NAME"
  echo "$name \\- $summary"
  echo ".SH DESCRIPTION"
  $bin --help | verbatim
  if [[ $# -gt 0 ]]; then
    echo ".SH COMMANDS"
    for sub in "$@"; do
      echo ".SS $sub"
      # shellcheck disable=SC2086  # "eval identify" is two words on purpose
      $bin $sub --help | verbatim
    done
  fi
  echo ".SH FILES"
  echo ".TP"
  echo ".I /usr/share/facegate/models"
  echo "the model files (detector, landmarks, recognition; f32 and int8)"
  if [[ "$name" == facegate-door ]]; then
    echo ".TP"
    echo ".I /etc/facegate/door.conf"
    echo "the service's configuration (\\fB\\-\\-config\\fR file: key = value lines)"
    echo ".TP"
    echo ".I /var/lib/facegate"
    echo "the service's gallery and gallery key"
  fi
  echo ".SH SEE ALSO"
  echo ".BR facegate (1),"
  echo ".BR facegate-door (1),"
  echo ".BR fg_convert (1);"
  echo "/usr/share/doc/facegate-tools/ for the packaging notes"
} > "$tmp"
gzip -9n < "$tmp" > "$out"
