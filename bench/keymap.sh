#!/usr/bin/env bash
# Launch to the Select Keymap screen fully drawn, against whiptail --menu showing the same
# list, both run through the replay harness at 80x25 (median of RUNS, default 15).
set -u
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/host-installer}
RUNS=${RUNS:-15}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

mapfile -t entries < <(grep -v '^#' keymaps/catalogue | grep . | awk -F/ '{k=$2; r=(k=="us"?0:(k=="uk"?1:2)); print r" "$1" "k}' | sort -k1,1n -k2,2 -k3,3 | awk '{print "["$2"] "$3}')
menu=(); for e in "${entries[@]}"; do menu+=("$e" ""); done
{
  echo 'size 80x25'
  printf 'exec whiptail --title "Select Keymap" --menu "Please select the keymap you would like to use:" 20 52 8'
  for m in "${menu[@]}"; do printf ' "%s"' "$m"; done; echo
  echo 'wait "fr-latin1"'
} > "$tmp/keymap-whiptail.replay"
for i in $(seq "$RUNS"); do
  $BIN replay bench/keymap-installer.replay --times | awk '/time to/ {print $(NF-1); exit}' >> "$tmp/inst"
  $BIN replay "$tmp/keymap-whiptail.replay" --times | awk '/time to/ {print $(NF-1); exit}' >> "$tmp/whip"
done
mi=$(median < "$tmp/inst"); mw=$(median < "$tmp/whip")
awk -v i="$mi" -v w="$mw" -v n="$RUNS" 'BEGIN {printf "keymap screen: host-installer %.1f ms, whiptail %.1f ms (median of %d): ratio %.2fx (goal: within 2x)\n", i*1000, w*1000, n, i/w}'

