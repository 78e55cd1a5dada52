# The machine profile most integration tests install on (sourced): the qemu VM the boot test
# uses, with one 20G disk sda (a sparse image under the state directory) and eth0 with a
# DHCP lease from qemu's user network.

# vm_machine DIR: writes DIR/machine.json (DIR is made if missing).
vm_machine() {
  mkdir -p "$1"
  cat >"$1/machine.json" <<'JSON'
{
  "cpu": { "model": "QEMU Virtual CPU", "cores": 2, "hvm": true },
  "memory_mib": 2048,
  "disks": [ { "name": "sda", "vendor": "ATA", "model": "QEMU HARDDISK", "size": "20G", "image": "disks/sda.img" } ],
  "nics": [ { "name": "eth0", "mac": "52:54:00:12:34:56", "driver": "e1000", "link": true,
              "dhcp": { "ip": "10.0.2.15", "netmask": "255.255.255.0", "gateway": "10.0.2.2", "dns": ["10.0.2.3"] } } ]
}
JSON
}
