# Test servers on 127.0.0.1 for the integration scripts (sourced). Each is started on free
# ports, its PID kept for the caller to stop by PID (stop_servers), its files under a
# directory the caller made.

# start_ftp ROOT LOGDIR: testftpd.py serving ROOT; sets FTPPORT and FPID.
start_ftp() {
  /usr/bin/python3 Tests/Fixtures/servers/testftpd.py "$1" >"$2/ftp.out" 2>"$2/ftp.err" & FPID=$!
  for _ in $(seq 100); do grep -q '^PORT' "$2/ftp.out" 2>/dev/null && break; sleep 0.05; done
  FTPPORT=$(awk '/^PORT/{print $2}' "$2/ftp.out")
  [ -n "$FTPPORT" ] || { cat "$2/ftp.err"; echo "FAIL: the FTP server did not start"; return 1; }
}

# start_nfs4 EXPORT_DIR RO|RW WORKDIR: nfs-ganesha, NFSv4 only (no rpcbind), exporting
# EXPORT_DIR as /export; sets NFSPORT and GPID. Its config, log and recovery files go in WORKDIR.
start_nfs4() {
  local dir=$1 access=$2 w=$3 p2 p3 p4
  read -r NFSPORT p2 p3 p4 < <(/usr/bin/python3 - <<'PY'
import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in ss])
PY
)
  mkdir -p "$w/recov"
  cat >"$w/ganesha.conf" <<CONF
NFS_CORE_PARAM {
    Bind_addr = 127.0.0.1;
    NFS_Port = $NFSPORT; MNT_Port = $p2; NLM_Port = $p3; Rquota_Port = $p4;
    Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false;
    Protocols = 4;
    Plugins_Dir = /usr/lib/x86_64-linux-gnu/ganesha;
    mount_path_pseudo = true;
}
NFSv4 { Only_Numeric_Owners = true; Graceless = true; RecoveryBackend = fs; RecoveryRoot = $w/recov; Lease_Lifetime = 10; }
NFS_KRB5 { Active_krb5 = false; }
EXPORT_DEFAULTS { SecType = sys; Protocols = 4; Transports = TCP; }
EXPORT {
    Export_Id = 1; Path = $dir; Pseudo = /export; Access_Type = $access; Squash = No_Root_Squash;
    CLIENT { Clients = 127.0.0.1; Access_Type = $access; }
    FSAL { Name = VFS; }
}
LOG { Default_Log_Level = EVENT; }
CONF
  ganesha.nfsd -F -f "$w/ganesha.conf" -L "$w/ganesha.log" -p "$w/ganesha.pid" & GPID=$!
  for _ in $(seq 200); do grep -q 'NFS SERVER INITIALIZED' "$w/ganesha.log" 2>/dev/null && break; kill -0 "$GPID" || break; sleep 0.05; done
  grep -q 'NFS SERVER INITIALIZED' "$w/ganesha.log" || { tail -20 "$w/ganesha.log"; echo "FAIL: ganesha did not start"; return 1; }
}

# stop_servers: stops what start_ftp and start_nfs4 started, by PID.
stop_servers() {
  [ -z "${FPID:-}" ] || { kill -TERM "$FPID" 2>/dev/null || true; wait "$FPID" 2>/dev/null || true; FPID=; }
  [ -z "${GPID:-}" ] || { kill -TERM "$GPID" 2>/dev/null || true; wait "$GPID" 2>/dev/null || true; GPID=; }
}

# start_fleetd DIR [CERT KEY]: Tests/Fixtures/servers/fleetd.py (answerfiles by MAC, POSTed
# host descriptions, reports) serving DIR; sets FLEETPORT and FLEETPID.
start_fleetd() {
  /usr/bin/python3 Tests/Fixtures/servers/fleetd.py "$@" >"$1/fleetd.out" 2>"$1/fleetd.err" & FLEETPID=$!
  for _ in $(seq 100); do grep -q '^PORT' "$1/fleetd.out" 2>/dev/null && break; sleep 0.05; done
  FLEETPORT=$(awk '/^PORT/{print $2}' "$1/fleetd.out")
  [ -n "$FLEETPORT" ] || { cat "$1/fleetd.err"; echo "FAIL: fleetd did not start"; return 1; }
}

# stop_fleetd: stops what start_fleetd started, by PID.
stop_fleetd() {
  [ -z "${FLEETPID:-}" ] || { kill -TERM "$FLEETPID" 2>/dev/null || true; wait "$FLEETPID" 2>/dev/null || true; FLEETPID=; }
}

# make_test_ca DIR CN IP: a certificate authority made for a test (DIR/ca.pem, ca.key) and a
# server certificate it signs for the address IP (DIR/srv.pem, srv.key). openssl's output goes
# to DIR/openssl.log, shown on failure (then it returns 1).
make_test_ca() {
  local dir=$1 cn=$2 ip=$3
  ( cd "$dir" &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$cn" -keyout ca.key -out ca.pem \
      -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign &&
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$ip" -keyout srv.key -out srv.csr &&
    printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$ip" >ext.cnf &&
    openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile ext.cnf -out srv.pem ) >"$dir/openssl.log" 2>&1 \
    || { cat "$dir/openssl.log"; echo "FAIL: openssl"; return 1; }
}

# start_http DIR LOG [ADDR [NETNS [BYTES_PER_SECOND]]]: python3 -m http.server serving DIR on
# 127.0.0.1 (a port the kernel picks), its log in LOG; sets HTTPPORT and HTTPPID (returns 1 if
# it did not start). With ADDR and NETNS it listens on ADDR inside the private network
# namespace NETNS instead (`ip netns exec` execs the server, so HTTPPID is still the server's
# own PID). With a rate (on 127.0.0.1 only), Tests/Fixtures/servers/slowhttpd.py instead: the
# same files and log, throttled, with a "served N bytes" line after each MiB.
# stop_http stops it by its PID.
start_http() {
  local addr=${3:-127.0.0.1} in_ns=()
  [ -z "${4:-}" ] || in_ns=(ip netns exec "$4")
  if [ -n "${5:-}" ]; then
    python3 -u Tests/Fixtures/servers/slowhttpd.py "$1" "$5" >"$2" 2>&1 &
  else
    "${in_ns[@]}" python3 -u -m http.server --bind "$addr" --directory "$1" 0 >"$2" 2>&1 &
  fi
  HTTPPID=$!; HTTPPORT=
  for _ in $(seq 50); do
    HTTPPORT=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$2" | head -n 1)
    [ -n "$HTTPPORT" ] && return 0; sleep 0.1
  done
  echo "FAIL: the HTTP server did not start"; cat "$2"; return 1
}
stop_http() {
  [ -z "${HTTPPID:-}" ] || { kill "$HTTPPID" 2>/dev/null; wait "$HTTPPID" 2>/dev/null || true; HTTPPID=; }
}

# serve_cd_repository [ADDR [NETNS [BYTES_PER_SECOND]]]: the installer CD's repositories (built
# by iso_setup under .cache/iso/media) linked under $work/www/xcp/ and served by start_http from
# $work/www (log $work/http.log; put answerfiles in $work/www too); sets PORT (and HTTPPORT,
# HTTPPID). Returns 1 unless the server answers with the main repository.
serve_cd_repository() {
  local addr=${1:-127.0.0.1} ns=${2:-} in_ns=() d
  [ -z "$ns" ] || in_ns=(ip netns exec "$ns")
  mkdir -p "$work/www/xcp"
  for d in packages.main packages.linux driver.megaraid_sas; do ln -sfn "$TOP/.cache/iso/media/$d" "$work/www/xcp/$d"; done
  start_http "$work/www" "$work/http.log" "$addr" "$ns" "${3:-}" || return 1
  PORT=$HTTPPORT
  "${in_ns[@]}" curl -sf -m 5 "http://$addr:$PORT/xcp/packages.main/XS-REPOSITORY" | grep -q 'name="main"' ||
    { echo "FAIL: the HTTP server${ns:+ in $ns} does not serve the repository"; return 1; }
}
