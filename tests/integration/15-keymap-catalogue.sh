#!/usr/bin/env bash
# The keymap catalogue is Debian's console-data (issue 17): every entry of keymaps/catalogue
# is a console-data keymap (/usr/share/keymaps/i386/LAYOUT/NAME.kmap.gz, the files
# scripts/build-iso puts on the CD) that loadkeys compiles and finds by its name alone, as
# the installer calls it; the catalogue is what scripts/gen-keymap-catalogue writes today;
# and the check itself fails on a made-up entry.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
KM=/usr/share/keymaps/i386
[ -d "$KM" ] || skip "console-data is not installed (scripts/install-deps)"
command -v loadkeys >/dev/null || skip "kbd (loadkeys) is not installed (scripts/install-deps)"
W=$(mktemp -d /tmp/keymap-catalogue.XXXXXX)
trap 'rm -rf "$W"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

check() {   # $1: a catalogue; prints the entries that are not loadable console-data keymaps
  local k
  for k in $(grep -v '^#' "$1"); do
    if [ ! -e "$KM/$k.kmap.gz" ]; then echo "$k: no $KM/$k.kmap.gz"; continue; fi
    # By name, as InstallerBackend.loadKeymap runs it (-b: compile only, the console untouched).
    loadkeys -q -b "${k#*/}" >/dev/null 2>&1 || loadkeys -q -u -b "${k#*/}" >/dev/null 2>&1 \
      || echo "$k: loadkeys cannot load it by name"
  done
}

n=$(grep -vc '^#' keymaps/catalogue)
[ "$n" -ge 100 ] || fail "only $n keymaps in keymaps/catalogue"
bad=$(check keymaps/catalogue)
[ -z "$bad" ] || { echo "$bad"; fail "catalogue entries that are not loadable console-data keymaps"; }
for k in qwerty/us qwerty/uk qwertz/de azerty/fr; do grep -qx "$k" keymaps/catalogue || fail "$k is not listed"; done
echo "keymaps/catalogue: $n entries, every one a console-data keymap that loadkeys loads by name"

scripts/gen-keymap-catalogue "$W/fresh" >/dev/null
diff keymaps/catalogue "$W/fresh" || fail "keymaps/catalogue is not what scripts/gen-keymap-catalogue writes (run it)"
echo "keymaps/catalogue is up to date with console-data"

# The check is not blind: a made-up entry is caught.
{ cat keymaps/catalogue; echo "qwerty/klingon"; } >"$W/made-up"
bad=$(check "$W/made-up")
[ "$bad" = "qwerty/klingon: no $KM/qwerty/klingon.kmap.gz" ] || fail "a made-up entry was not caught: '$bad'"
echo "a made-up entry is caught: $bad"
echo "15-keymap-catalogue: ok"
