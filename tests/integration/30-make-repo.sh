#!/usr/bin/env bash
# host-installer make-repo on the command line: writes metadata that md5sum/sha256sum agree
# with, keeps an existing identity, and exits 2 on bad input.
set -euo pipefail
HI=${HI:-$PWD/.build/debug/host-installer}
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
d=$W/packages.main; mkdir -p "$d"
head -c 123457 /dev/urandom >"$d/dom0-root.tar.bz2"; echo fw >"$d/fw.bin"
"$HI" make-repo "$d"
grep -q '<repository originator="xs" name="main" product="XCP" version="0.1.0" build="1234">' "$d/XS-REPOSITORY"
md5=$(md5sum "$d/dom0-root.tar.bz2" | cut -d' ' -f1); sha=$(sha256sum "$d/dom0-root.tar.bz2" | cut -d' ' -f1)
grep -q "<package label=\"dom0-root\" type=\"tbz2\" size=\"123457\" md5=\"$md5\" sha256=\"$sha\" root=\"/\">dom0-root.tar.bz2</package>" "$d/XS-PACKAGES"
grep -q 'type="firmware" size="3"' "$d/XS-PACKAGES"
# An existing identity is kept; options change it.
sed -i 's/name="main"/name="custom"/' "$d/XS-REPOSITORY"
"$HI" make-repo "$d" | grep -q 'kept XS-REPOSITORY'
grep -q 'name="custom"' "$d/XS-REPOSITORY"
"$HI" make-repo "$d" --version 0.2.0 --description 'A <new> one' >/dev/null
grep -q 'version="0.2.0"' "$d/XS-REPOSITORY"; grep -q '<description>A &lt;new&gt; one</description>' "$d/XS-REPOSITORY"
# Bad input: exit status 2 and a message naming the problem.
set +e
"$HI" make-repo "$W/missing" 2>"$W/err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "not a directory" "$W/err"
echo '<packages><package' >"$d/XS-PACKAGES"
set +e
"$HI" make-repo "$d" 2>"$W/err"; rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "XS-PACKAGES:2: malformed XML (column 1): Couldn.t find end of Start Tag package" "$W/err"
echo "make-repo: ok"
