# Helpers for the upgrade tests (sourced). Everything acts only on files under $work and on
# loop devices backed by them, released by name.
. "$(dirname "${BASH_SOURCE[0]}")/machine.sh"

# upg_products WORK: the sample product 0.1.0 in WORK/m010 and 0.1.1 in WORK/m011 ($BIN builds them).
upg_products() {
  HOST_INSTALLER=$BIN scripts/build-sample-product --version 0.1.0 "$1/m010" >/dev/null
  HOST_INSTALLER=$BIN scripts/build-sample-product --version 0.1.1 "$1/m011" >/dev/null
}

# upg_machine WORK: a profile with one 20G disk (sda) and eth0, in WORK/state.
upg_machine() {
  vm_machine "$1/state"
  export HOST_INSTALLER_STATE="$1/state"
}

# upg_fresh_answerfile WORK MEDIA: a fresh install with settings an upgrade must keep; the
# post-install script plants an ssh host key and a pool file.
upg_fresh_answerfile() {
  cat > "$1/post-install" <<'SH'
#!/bin/sh
mkdir -p "$1/etc/ssh" "$1/etc/xensource"
printf 'old host key\n' > "$1/etc/ssh/ssh_host_test_key"; chmod 600 "$1/etc/ssh/ssh_host_test_key"
printf 'master\n' > "$1/etc/xensource/pool.conf"
ln -s /etc/xensource/pool.conf "$1/root/pool-link"
mkfifo "$1/root/fifo"; mknod "$1/root/null" c 1 3
ln "$1/etc/xensource/pool.conf" "$1/root/pool-hardlink"
chown 12:34 "$1/root/fifo"; chmod 4750 "$1/root/null"
SH
  chmod 755 "$1/post-install"
  cat <<XML
<?xml version="1.0"?>
<installation>
  <primary-disk>sda</primary-disk>
  <keymap>de</keymap>
  <root-password>oldpassword</root-password>
  <source type="local">$2</source>
  <post-install-script type="local">$1/post-install</post-install-script>
  <admin-interface name="eth0" proto="static">
    <ip>10.0.2.15</ip><subnet-mask>255.255.255.0</subnet-mask><gateway>10.0.2.2</gateway>
  </admin-interface>
  <nameserver>10.0.2.3</nameserver>
  <hostname>oldhost.example.com</hostname>
  <timezone>Asia/Tokyo</timezone>
  <ntp-server>ntp.example.com</ntp-server>
</installation>
XML
}

# upg_offset IMAGE N: byte offset of partition N.
upg_offset() {
  sfdisk -J "$1" | python3 -c "import json,sys; p=[x for x in json.load(sys.stdin)['partitiontable']['partitions'] if x['node'].endswith('$2')][0]; print(p['start']*512)"
}
upg_size() {
  sfdisk -J "$1" | python3 -c "import json,sys; p=[x for x in json.load(sys.stdin)['partitiontable']['partitions'] if x['node'].endswith('$2')][0]; print(p['size']*512)"
}

# upg_manifest IMAGE N: every entry of partition N's filesystem (path, type, mode, owner,
# size, link target, md5 of regular files), lost+found left out; mounted read-only.
# ldlinux.sys holds its own block list, so its contents change whenever extlinux installs
# it (a restore reinstalls the bootloader): its md5 is left out, its size and mode are not.
upg_manifest() {
  local loop mnt
  loop=$(losetup --find --show --read-only --offset "$(upg_offset "$1" "$2")" --sizelimit "$(upg_size "$1" "$2")" "$1")
  mnt=$(mktemp -d /tmp/upg-mnt.XXXXXX)
  mount -o ro,noload -t ext3 "$loop" "$mnt" || { losetup -d "$loop"; rmdir "$mnt"; return 1; }
  (cd "$mnt" && find . -path ./lost+found -prune -o -printf '%p %y %m %U %G %s %l\n' | LC_ALL=C sort > "$mnt.list"
   find . -path ./lost+found -prune -o -type f -print0 | xargs -0 md5sum | LC_ALL=C sort -k2 \
     | sed 's#^[0-9a-f]*  \./boot/extlinux/ldlinux\.sys$#(rewritten by extlinux --install)  ./boot/extlinux/ldlinux.sys#' >> "$mnt.list")
  umount "$mnt"; losetup -d "$loop"; rmdir "$mnt"
  cat "$mnt.list"; rm -f "$mnt.list"
}

# upg_partsum IMAGE N: md5 of partition N's bytes.
upg_partsum() {
  dd if="$1" bs=1M iflag=skip_bytes,count_bytes skip="$(upg_offset "$1" "$2")" count="$(upg_size "$1" "$2")" status=none | md5sum | cut -d' ' -f1
}

# upg_release WORK: after a SIGKILL nothing was released: unmount what is mounted from
# loop devices backed by images under WORK, then detach those loop devices (by name).
upg_release() {
  local l dev
  for l in $(losetup -a | awk -F: -v w="$1" 'index($0, w) {print $1}'); do
    for m in $(awk -v d="$l" '$1==d {print $2}' /proc/mounts); do umount "$m" 2>/dev/null || umount -l "$m"; rmdir "$m" 2>/dev/null; done
    losetup -d "$l" 2>/dev/null || true
  done
}
