# Sourced by the tests that boot the installer image the way real servers do (UEFI or BIOS,
# CD or USB stick): tests/integration/53-uefi-ahci.sh, 54-usb-nvme.sh.

# iso_remaster ISO OUT ENTRY "PARAMETERS" [PATH_ON_IMAGE=FILE]...: writes OUT, a copy of the
# installer image whose boot menus (isolinux for BIOS, GRUB for UEFI) start ENTRY (install,
# serial or shell) at once with PARAMETERS added to its kernel command line, plus the files
# given (e.g. answerfiles/usb.xml=/tmp/a.xml). The boot equipment (El Torito BIOS and EFI
# images, isohybrid MBR and GPT) is replayed from ISO by xorriso, so OUT boots the same four
# ways. Nothing has to be typed at a boot prompt. In GRUB's menu a ";" would end the linux
# command (network_config=dhcp;vlan=42): there it is written "\;", which GRUB passes as ";".
iso_remaster() {
  local iso=$1 out=$2 entry=$3 params=$4 t maps=() f gparams
  gparams=${4//;/\\;}
  shift 4
  t=$(mktemp -d /tmp/iso-remaster.XXXXXX)
  xorriso -osirrox on -indev "$iso" -extract /isolinux/isolinux.cfg "$t/isolinux.cfg" \
    -extract /boot/grub/grub.cfg "$t/grub.cfg" >"$t/log" 2>&1 || { cat "$t/log" >&2; rm -rf "$t"; return 1; }
  chmod u+w "$t"/*.cfg
  awk -v e="$entry" -v p="$params" '
    /^TIMEOUT / { print "TIMEOUT 1"; next }
    /^DEFAULT / { print "DEFAULT " e; next }
    /^LABEL / { cur = $2 }
    /^  APPEND / && cur == e { print $0 " " p; next }
    { print }' "$t/isolinux.cfg" >"$t/isolinux.new"
  GP=$gparams awk -v e="$entry" '
    /^set timeout=/ { print "set timeout=0"; next }
    /^set default=/ { print "set default=" e; next }
    /^menuentry / { cur = ""; if (index($0, "--id " e " ")) cur = e }
    /^  linux / && cur == e { print $0 " " ENVIRON["GP"]; next }
    { print }' "$t/grub.cfg" >"$t/grub.new"
  grep -qF -- "$params" "$t/isolinux.new" && grep -qF -- "$gparams" "$t/grub.new" ||
    { echo "iso_remaster: no entry '$entry' in the boot menus" >&2; rm -rf "$t"; return 1; }
  maps=(-map "$t/isolinux.new" /isolinux/isolinux.cfg -map "$t/grub.new" /boot/grub/grub.cfg)
  for f in "$@"; do maps+=(-map "${f#*=}" "/${f%%=*}"); done
  rm -f "$out"
  xorriso -indev "$iso" -outdev "$out" -boot_image any replay "${maps[@]}" -commit >"$t/log" 2>&1 ||
    { cat "$t/log" >&2; rm -rf "$t"; return 1; }
  rm -rf "$t"
}

# iso_ovmf WORK: the qemu options for UEFI firmware (OVMF, package ovmf): the read-only code
# and a private copy of the variable store in WORK (a VM's boot entries stay its own).
iso_ovmf() {
  local code=/usr/share/OVMF/OVMF_CODE_4M.fd vars=/usr/share/OVMF/OVMF_VARS_4M.fd
  [ -r "$code" ] && [ -r "$vars" ] || { echo "iso_ovmf: $code is missing (package ovmf; scripts/install-deps)" >&2; return 1; }
  cp "$vars" "$1/ovmf-vars.fd"
  echo "-drive if=pflash,format=raw,unit=0,file=$code,readonly=on -drive if=pflash,format=raw,unit=1,file=$1/ovmf-vars.fd"
}

# iso_vm "OPTIONS": the qemu command line (one line, for a replay's exec) of a 2-CPU TCG VM
# with 2 GiB, its serial console on the terminal, no reboot, and OPTIONS (firmware, machine,
# controllers, disks, NIC).
iso_vm() {
  echo "qemu-system-x86_64 -accel tcg,thread=multi -smp 2 -m 2048 -nographic -no-reboot $1"
}
