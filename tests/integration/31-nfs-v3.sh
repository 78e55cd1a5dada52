#!/usr/bin/env bash
# NFSv3 (the guide's `server:/path`, ports from the portmapper): rpcbind and nfs-ganesha run in
# a private network namespace (rpcbind always binds 0.0.0.0:111, so never on the host's
# network), and the NFSv3 Swift test (Tests/.../NFSSourceTests.swift, NFSv3Tests) runs inside
# the same namespace. Everything is stopped by PID when the namespace's shell exits.
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/integration/lib/skip.sh
for tool in ganesha.nfsd rpcbind unshare ip; do
  command -v "$tool" >/dev/null || { skip "$tool is not installed (scripts/install-deps installs it)"; }
done
[ "$(id -u)" -eq 0 ] || { skip "needs root for a network namespace"; }
# No build here (make test has built both; a nested `flock swift build` would deadlock under
# a caller that holds the build lock): the test binary is run directly.
HI=$PWD/.build/debug/host-installer
XCTEST=$PWD/.build/debug/host-installerPackageTests.xctest
[ -x "$HI" ] && [ -x "$XCTEST" ] || { skip "build first (swift build --build-tests)"; }

W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
mkdir -p "$W/export/packages.main" "$W/export/packages.linux" "$W/recov"
head -c 1500000 /dev/urandom >"$W/export/packages.main/dom0-root.tar.bz2"
echo firmware >"$W/export/packages.main/fw.bin"
head -c 20000 /dev/urandom >"$W/export/packages.linux/linux-pack.tar.bz2"
"$HI" make-repo "$W/export/packages.main" >/dev/null
"$HI" make-repo "$W/export/packages.linux" >/dev/null
cat >"$W/ganesha.conf" <<EOF
NFS_CORE_PARAM {
    NFS_Port = 2049; MNT_Port = 20491;
    Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false;
    Protocols = 3, 4;
    Plugins_Dir = /usr/lib/x86_64-linux-gnu/ganesha;
    mount_path_pseudo = true;
}
NFSv4 { Only_Numeric_Owners = true; Graceless = true; RecoveryBackend = fs; RecoveryRoot = $W/recov; Lease_Lifetime = 10; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT_DEFAULTS { SecType = sys; Protocols = 3, 4; Transports = TCP; }
EXPORT {
    Export_Id = 1; Path = $W/export; Pseudo = /export; Access_Type = RO; Squash = No_Root_Squash;
    CLIENT { Clients = 127.0.0.1; Access_Type = RO; }
    FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
EOF

timeout 300 unshare --net --mount --fork bash -s "$W" "$XCTEST" <<'INNER'
set -euo pipefail
W=$1 XCTEST=$2
ip link set lo up
mount -t tmpfs tmpfs /run && mkdir -p /run/rpcbind
RPID=; GPID=
stop() {
  [ -z "$GPID" ] || { kill -TERM "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true; }
  [ -z "$RPID" ] || { kill -TERM "$RPID" 2>/dev/null || true; wait "$RPID" 2>/dev/null || true; }
}
trap stop EXIT
rpcbind -f -w & RPID=$!
for _ in $(seq 250); do [ -S /run/rpcbind.sock ] && break; sleep 0.02; done
ganesha.nfsd -F -f "$W/ganesha.conf" -L "$W/ganesha.log" -p /run/ganesha.pid & GPID=$!
for _ in $(seq 200); do grep -q 'NFS SERVER INITIALIZED' "$W/ganesha.log" 2>/dev/null && break; kill -0 "$GPID"; sleep 0.05; done
grep -q 'NFS SERVER INITIALIZED' "$W/ganesha.log" || { tail -20 "$W/ganesha.log"; exit 1; }
export HI_NFS3_SERVER=127.0.0.1
set -o pipefail
"$XCTEST" --testing-library swift-testing --filter NFSv3Tests 2>&1 | grep -E '✔|✘|passed|failed|error' | tail -20
INNER
