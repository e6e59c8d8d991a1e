#!/usr/bin/env bash
# Run a real 3-node MariaDB Galera cluster on loopback ports, for tests, benchmarks and local work.
#
#   scripts/galera-cluster.sh start              bootstrap (or resume) the cluster; no-op when it runs
#   scripts/galera-cluster.sh status             one line per node
#   scripts/galera-cluster.sh stop               clean shutdown, node 3 first and node 1 last
#   scripts/galera-cluster.sh kill-node N        SIGKILL node N's mariadbd
#   scripts/galera-cluster.sh start-node N       (recover and) rejoin node N, by IST when possible
#   scripts/galera-cluster.sh stop-node N        clean shutdown of node N only
#   scripts/galera-cluster.sh bootstrap-node N   make N a new Primary Component after quorum loss
#   scripts/galera-cluster.sh sql N 'SQL'        run SQL on node N as the admin user (via its socket)
#   scripts/galera-cluster.sh wipe               stop, then delete the base directory (and its namespaces)
#   scripts/galera-cluster.sh hosts              the nodes' SQL addresses, as DB_HOST takes them
#
# Namespace mode (GALERA_NETNS=1 at `start`, root only): each node runs in a network namespace of its
# own, on a bridge this script makes, with a private address inside the namespaces only; the host side
# of the bridge gets the subnet's .1, so processes on the host reach the nodes. Later commands find the
# mode in the base directory. Extra commands:
#   scripts/galera-cluster.sh cut NAME           take NAME's link to the bridge down (n1..n3: a node,
#                                                g1..g9: a host namespace): a partition, the process runs on
#   scripts/galera-cluster.sh heal NAME          bring the link up again
#   scripts/galera-cluster.sh net-host NAME      make namespace NAME (g1..g9) on the bridge; prints
#                                                "<namespace> <address>"
#   scripts/galera-cluster.sh net-clean          end the processes in this run's namespaces, delete them,
#                                                their links and the bridge
#   scripts/galera-cluster.sh net-clean-stale    the same for every other run that is over: its owner
#                                                (GALERA_NETNS_OWNER, a pid) has exited, or, with no owner on
#                                                record, no process is left in its namespaces
#
# Environment (defaults in brackets):
#   GALERA_BASE_DIR [/tmp/dbgw-galera]           one sub-directory per node: nodeN/{my.cnf,data,...}
#   GALERA_SQL_PORTS [3311 3312 3313]            SQL ports (space- or comma-separated, 3 values)
#   GALERA_GCOMM_PORTS [4567 4577 4587]          Galera group-communication ports
#   GALERA_IST_PORTS [4568 4578 4588]            incremental state transfer ports
#   GALERA_SST_PORTS [4444 4454 4464]            state snapshot transfer (rsync) ports
#   GALERA_DB_NAME [test] GALERA_DB_USER [gateway] GALERA_DB_PASS [gateway]
#                                                database and user created (replicated) by `start`
#   GALERA_OS_USER [mysql when run as root]      the OS user mariadbd runs as
#   GALERA_MARIADBD [mariadbd on PATH or /usr/sbin/mariadbd]
#   GALERA_PROVIDER [/usr/lib/galera/libgalera_smm.so]
#   GALERA_BUFFER_POOL [64M]                     innodb_buffer_pool_size per node
#   GALERA_PROVIDER_OPTIONS_EXTRA []             appended to wsrep_provider_options (e.g. evs.*)
#   GALERA_START_TIMEOUT [120]                   seconds to wait for one node to reach Synced
#   GALERA_STOP_TIMEOUT [60]                     seconds to wait for one node to shut down
#   GALERA_NETNS [0]                             1: namespace mode (see above), chosen at `start`
#   GALERA_NETNS_ID [random]                     namespace mode: 1-6 of [a-z0-9], in every name it makes
#   GALERA_NETNS_SUBNET [random 10.2xx.y]        namespace mode: the /24's first three octets
#   GALERA_NETNS_OWNER []                        namespace mode: the pid whose exit makes the run stale
#
# Exit status: 0 on success, 1 on failure (with the tail of the node's log), 2 on bad usage.
set -euo pipefail

PROG=${0##*/}
BASE_DIR=${GALERA_BASE_DIR:-/tmp/dbgw-galera}
BASE_DIR=${BASE_DIR%/}
MARKER=.dbgw-galera-cluster
DB_NAME=${GALERA_DB_NAME:-test}
DB_USER=${GALERA_DB_USER:-gateway}
DB_PASS=${GALERA_DB_PASS:-gateway}
CLUSTER_NAME=${GALERA_CLUSTER_NAME:-dbgw-galera}
PROVIDER=${GALERA_PROVIDER:-/usr/lib/galera/libgalera_smm.so}
BUFFER_POOL=${GALERA_BUFFER_POOL:-64M}
PROVIDER_EXTRA=${GALERA_PROVIDER_OPTIONS_EXTRA:-}
START_TIMEOUT=${GALERA_START_TIMEOUT:-120}
STOP_TIMEOUT=${GALERA_STOP_TIMEOUT:-60}
NODES=(1 2 3)
NET_STATE=$BASE_DIR/netns.env
NET_RUNS=/run/dbgw-netns
NETNS=${GALERA_NETNS:-0}
NET_ID=""
NET_PREFIX=""

if [ -n "${GALERA_MARIADBD:-}" ]; then
  MARIADBD=$GALERA_MARIADBD
elif command -v mariadbd > /dev/null 2>&1; then
  MARIADBD=$(command -v mariadbd)
else
  MARIADBD=/usr/sbin/mariadbd
fi

if [ "$(id -u)" -eq 0 ]; then
  OS_USER=${GALERA_OS_USER:-mysql}
else
  OS_USER=${GALERA_OS_USER:-$(id -un)}
fi

# ---------------------------------------------------------------------------------------------------
# small helpers

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage_error() { printf '%s: %s\n' "$PROG" "$*" >&2; usage >&2; exit 2; }

usage() {
  sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

ports() { # ports VAR DEFAULT -> prints 3 ports, validated
  local raw=${!1:-$2} p
  local -a list
  read -r -a list <<< "${raw//,/ }"
  [ "${#list[@]}" -eq 3 ] || die "$1 must name 3 ports, got '$raw'"
  for p in "${list[@]}"; do
    [[ $p =~ ^[0-9]+$ ]] && [ "$p" -gt 0 ] && [ "$p" -lt 65536 ] || die "$1: '$p' is not a port"
  done
  echo "${list[@]}"
}
_p=$(ports GALERA_SQL_PORTS '3311 3312 3313'); read -r -a SQL_PORTS <<< "$_p"
_p=$(ports GALERA_GCOMM_PORTS '4567 4577 4587'); read -r -a GCOMM_PORTS <<< "$_p"
_p=$(ports GALERA_IST_PORTS '4568 4578 4588'); read -r -a IST_PORTS <<< "$_p"
_p=$(ports GALERA_SST_PORTS '4444 4454 4464'); read -r -a SST_PORTS <<< "$_p"

node_dir() { echo "$BASE_DIR/node$1"; }
cnf() { echo "$BASE_DIR/node$1/my.cnf"; }
datadir() { echo "$BASE_DIR/node$1/data"; }
sock() { echo "$BASE_DIR/node$1/mysqld.sock"; }
pidfile() { echo "$BASE_DIR/node$1/mysqld.pid"; }
errlog() { echo "$BASE_DIR/node$1/mysqld.log"; }
sql_port() { echo "${SQL_PORTS[$1-1]}"; }
gcomm_port() { echo "${GCOMM_PORTS[$1-1]}"; }

check_node_arg() {
  [ $# -ge 1 ] && [[ $1 =~ ^[123]$ ]] || usage_error "a node number (1, 2 or 3) is required"
}

tail_log() { # tail_log N [lines]
  local f
  f=$(errlog "$1")
  if [ -s "$f" ]; then
    printf -- '--- last %s lines of %s ---\n' "${2:-40}" "$f" >&2
    tail -n "${2:-40}" "$f" >&2
    printf -- '---\n' >&2
  fi
  f="$(node_dir "$1")/mysqld.out"
  if [ -s "$f" ]; then
    printf -- '--- %s ---\n' "$f" >&2
    tail -n 10 "$f" >&2
  fi
}

node_fail() { # node_fail N message
  tail_log "$1"
  die "node $1: $2"
}

# Regex-escape a path for pgrep (ERE).
ere_escape() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# The pid of node N's mariadbd, or nothing. The server is recognised by its exact --defaults-file, so
# neither the system MariaDB nor a --wsrep-recover run nor an SST helper process ever matches.
node_pid() {
  local re
  re="^([^ ]*/)?(mariadbd|mysqld) --defaults-file=$(ere_escape "$(cnf "$1")")( |$)"
  pgrep -f -- "$re" | head -n 1 || true
}

is_running() { [ -n "$(node_pid "$1")" ]; }

# Run SQL on node N through its socket, as the OS user's MariaDB account (root -> root@localhost).
node_sql() { # node_sql N SQL
  mariadb --defaults-file="$(cnf "$1")" --connect-timeout=3 -N -B -e "$2"
}

# "state cluster_status size ready" of a running node, or nothing if it does not answer.
node_state() {
  node_sql "$1" "SELECT MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE', VARIABLE_VALUE, NULL)),
                        MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT', VARIABLE_VALUE, NULL)),
                        MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_STATUS', VARIABLE_VALUE, NULL)),
                        MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_SIZE', VARIABLE_VALUE, NULL)),
                        MAX(IF(VARIABLE_NAME='WSREP_READY', VARIABLE_VALUE, NULL))
                 FROM information_schema.GLOBAL_STATUS
                 WHERE VARIABLE_NAME IN ('WSREP_LOCAL_STATE','WSREP_LOCAL_STATE_COMMENT',
                                         'WSREP_CLUSTER_STATUS','WSREP_CLUSTER_SIZE','WSREP_READY')" \
    2> /dev/null || true
}

grastate_field() { # grastate_field N field  (uuid | seqno | safe_to_bootstrap)
  local f
  f="$(datadir "$1")/grastate.dat"
  [ -f "$f" ] || return 0
  awk -v k="$2:" '$1 == k { print $2; exit }' "$f"
}

has_cluster_state() { # the node has been part of a cluster (a real uuid in grastate.dat)
  local uuid
  uuid=$(grastate_field "$1" uuid)
  [ -n "$uuid" ] && [ "$uuid" != "00000000-0000-0000-0000-000000000000" ]
}

port_listener() { # port_listener N PORT: who listens on PORT where node N runs
  in_node_ns "$1" ss -Hltnp "sport = :$2" 2> /dev/null | head -n 1
}

# ---------------------------------------------------------------------------------------------------
# namespace mode (GALERA_NETNS=1): one network namespace per node, on a bridge of this run

netns_on() { [ "$NETNS" = 1 ]; }
ns_name() { echo "dbgw-$NET_ID-$1"; }      # ns_name n1 | g1
veth_host() { echo "dgw$NET_ID$1"; }       # the host's end, on the bridge
veth_peer() { echo "dgw$NET_ID${1}p"; }    # the namespace's end
bridge_name() { echo "dgw${NET_ID}br"; }

# node N's address: its namespace's, or loopback
node_addr() {
  if netns_on; then echo "$NET_PREFIX.$((10 + $1))"; else echo 127.0.0.1; fi
}

# Run a command where node N's network is: in its namespace, or here.
in_node_ns() {
  local n=$1
  shift
  if netns_on; then ip netns exec "$(ns_name "n$n")" "$@"; else "$@"; fi
}

net_load() {
  if [ -f "$NET_STATE" ]; then
    # shellcheck disable=SC1090
    . "$NET_STATE"
    NETNS=1
  fi
}

net_preflight() {
  [ "$(id -u)" -eq 0 ] || die "GALERA_NETNS=1 needs root (ip netns add)"
  command -v ip > /dev/null || die "ip is missing: apt-get install -y iproute2"
}

pick_subnet() { # a 10.2xx.y/24 that no interface or route here uses
  local a b i
  for i in $(seq 1 100); do
    a=$((200 + RANDOM % 50))
    b=$((1 + RANDOM % 254))
    if ! ip -o -4 addr show | grep -q " 10\.$a\.$b\." && ! ip -4 route show | grep -q "^10\.$a\.$b\."; then
      echo "10.$a.$b"
      return 0
    fi
  done
  die "no free 10.2xx.y/24 subnet found"
}

# Make namespace NAME with address .HOST on the bridge (idempotent).
ns_add() {
  local name=$1 host=$2 ns
  ns=$(ns_name "$name")
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  ip netns exec "$ns" ip link set lo up
  if ! ip link show "$(veth_host "$name")" > /dev/null 2>&1; then
    ip link add "$(veth_host "$name")" type veth peer name "$(veth_peer "$name")"
    ip link set "$(veth_peer "$name")" netns "$ns"
    ip link set "$(veth_host "$name")" master "$(bridge_name)"
    ip netns exec "$ns" ip addr add "$NET_PREFIX.$host/24" dev "$(veth_peer "$name")"
  fi
  ip link set "$(veth_host "$name")" up
  ip netns exec "$ns" ip link set "$(veth_peer "$name")" up
}

# The bridge and the nodes' namespaces, made once per base directory.
net_up() {
  net_preflight
  net_load
  if [ -z "$NET_ID" ]; then
    NET_ID=${GALERA_NETNS_ID:-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')}
    [[ $NET_ID =~ ^[a-z0-9]{1,6}$ ]] || die "GALERA_NETNS_ID must be 1 to 6 of [a-z0-9], got '$NET_ID'"
    NET_PREFIX=${GALERA_NETNS_SUBNET:-$(pick_subnet)}
    [[ $NET_PREFIX =~ ^10\.[0-9]{1,3}\.[0-9]{1,3}$ ]] || die "GALERA_NETNS_SUBNET must look like 10.a.b, got '$NET_PREFIX'"
    mkdir -p "$BASE_DIR"
    if [ ! -f "$BASE_DIR/$MARKER" ] && [ -n "$(ls -A "$BASE_DIR")" ]; then
      die "$BASE_DIR exists, is not empty and was not created by $PROG; choose another GALERA_BASE_DIR"
    fi
    touch "$BASE_DIR/$MARKER"
    printf 'NET_ID=%s\nNET_PREFIX=%s\n' "$NET_ID" "$NET_PREFIX" > "$NET_STATE"
    # Who the run belongs to, for net-clean-stale: the process named by GALERA_NETNS_OWNER (a test JVM).
    mkdir -p "$NET_RUNS"
    printf 'BASE_DIR=%s\nOWNER=%s\n' "$BASE_DIR" "${GALERA_NETNS_OWNER:-}" > "$NET_RUNS/$NET_ID"
    NETNS=1
  fi
  if ! ip link show "$(bridge_name)" > /dev/null 2>&1; then
    ip link add "$(bridge_name)" type bridge
    ip addr add "$NET_PREFIX.1/24" dev "$(bridge_name)"
  fi
  ip link set "$(bridge_name)" up
  local n
  for n in "${NODES[@]}"; do ns_add "n$n" $((10 + n)); done
}

# Ends the processes left in the namespaces of run ID (all of them are this script's or its caller's),
# then deletes the namespaces, their links and the bridge.
net_clean_id() {
  local id=$1 ns pids link
  for ns in $(ip netns list 2> /dev/null | awk '{ print $1 }' | grep -E "^dbgw-$id-" || true); do
    pids=$(ip netns pids "$ns" 2> /dev/null || true)
    if [ -n "$pids" ]; then
      log "ending processes in $ns: $(echo $pids)"
      # shellcheck disable=SC2086
      kill -KILL $pids 2> /dev/null || true
      for _ in $(seq 1 50); do [ -n "$(ip netns pids "$ns" 2> /dev/null)" ] || break; sleep 0.1; done
    fi
    ip netns del "$ns" 2> /dev/null || true
  done
  for link in $(ip -o link show 2> /dev/null | awk -F': ' '{ print $2 }' | sed 's/@.*//' | grep -E "^dgw$id" || true); do
    ip link del "$link" 2> /dev/null || true
  done
  rm -f "$NET_RUNS/$id"
}

# Is run ID over? Its owner process (GALERA_NETNS_OWNER at start) has exited; a run with no owner on
# record is over when no process is left in any of its namespaces.
run_is_stale() {
  local id=$1 owner="" ns
  [ ! -f "$NET_RUNS/$id" ] || owner=$(awk -F= '$1 == "OWNER" { print $2 }' "$NET_RUNS/$id")
  if [ -n "$owner" ]; then
    ! kill -0 "$owner" 2> /dev/null
    return
  fi
  for ns in $(ip netns list 2> /dev/null | awk '{ print $1 }' | grep -E "^dbgw-$id-" || true); do
    [ -z "$(ip netns pids "$ns" 2> /dev/null)" ] || return 1
  done
  return 0
}

cmd_net_clean() {
  net_load
  [ -n "$NET_ID" ] || { log "no namespaces to clean (no $NET_STATE)"; return 0; }
  net_clean_id "$NET_ID"
  rm -f "$NET_STATE"
  log "namespaces, links and bridge of run $NET_ID deleted"
}

cmd_net_clean_stale() {
  net_preflight
  local ns id ids=() dir
  for ns in $(ip netns list 2> /dev/null | awk '{ print $1 }' | grep -E '^dbgw-[a-z0-9]+-' || true); do
    id=${ns#dbgw-}
    id=${id%%-*}
    [[ " ${ids[*]} " == *" $id "* ]] || ids+=("$id")
  done
  for id in "${ids[@]}"; do
    run_is_stale "$id" || continue
    log "deleting the leftovers of run $id (ending what still runs in its namespaces)"
    dir=""
    [ ! -f "$NET_RUNS/$id" ] || dir=$(awk -F= '$1 == "BASE_DIR" { print $2 }' "$NET_RUNS/$id")
    net_clean_id "$id"
    # its base directory too, if the script made it (the nodes in it are gone with the namespaces)
    if [ -n "$dir" ] && [ -f "$dir/$MARKER" ]; then rm -rf "$dir" "$dir.lock"; fi
  done
  # bridges whose run left no namespace behind
  local link
  for link in $(ip -o link show type bridge 2> /dev/null | awk -F': ' '{ print $2 }' | grep -E '^dgw[a-z0-9]+br$' || true); do
    id=${link#dgw}
    id=${id%br}
    ip netns list | awk '{ print $1 }' | grep -qE "^dbgw-$id-" || ip link del "$link" 2> /dev/null || true
  done
}

net_name_arg() { # n1..n3 or g1..g9
  [ $# -ge 1 ] && [[ $1 =~ ^(n[123]|g[1-9])$ ]] || usage_error "a namespace name (n1..n3 or g1..g9) is required"
  netns_on || die "not in namespace mode (start the cluster with GALERA_NETNS=1)"
}

cmd_cut() {
  net_name_arg "$@"
  ip link set "$(veth_host "$1")" down
  log "$1 ($(ns_name "$1")) is cut off: $(veth_host "$1") is down"
}

cmd_heal() {
  net_name_arg "$@"
  ip link set "$(veth_host "$1")" up
  log "$1 ($(ns_name "$1")) is connected again"
}

cmd_net_host() {
  net_name_arg "$@"
  [[ $1 =~ ^g ]] || usage_error "net-host makes g1..g9; the nodes' namespaces exist already"
  ns_add "$1" $((20 + ${1#g}))
  echo "$(ns_name "$1") $NET_PREFIX.$((20 + ${1#g}))"
}

cmd_hosts() {
  local n out=""
  for n in "${NODES[@]}"; do out+="${out:+,}$(node_addr "$n"):$(sql_port "$n")"; done
  echo "$out"
}

# ---------------------------------------------------------------------------------------------------
# preparation

preflight() {
  [ -x "$MARIADBD" ] || die "mariadbd not found at $MARIADBD (install mariadb-server, or set GALERA_MARIADBD)"
  command -v mariadb > /dev/null || die "the mariadb client is missing (install mariadb-client)"
  command -v mariadb-install-db > /dev/null || die "mariadb-install-db is missing (install mariadb-server)"
  [ -f "$PROVIDER" ] || die "Galera provider $PROVIDER is missing: apt-get install -y galera-4 (or set GALERA_PROVIDER)"
  command -v rsync > /dev/null || die "rsync is missing (the SST method): apt-get install -y rsync"
  command -v wsrep_sst_rsync > /dev/null || die "wsrep_sst_rsync is missing (part of mariadb-server)"
  command -v pgrep > /dev/null && command -v ss > /dev/null || die "pgrep (procps) and ss (iproute2) are required"
  id "$OS_USER" > /dev/null 2>&1 || die "OS user '$OS_USER' does not exist"
  case "$BASE_DIR" in
    "" | / | /var/lib/mysql | /var/lib/mysql/* | /etc | /etc/* | /usr | /usr/*) die "refusing GALERA_BASE_DIR=$BASE_DIR" ;;
  esac
  [ "${#BASE_DIR}" -lt 80 ] || die "GALERA_BASE_DIR is too long for a unix socket path: $BASE_DIR"
}

as_os_user() { # run a command as OS_USER (a plain call when we already are that user)
  if [ "$(id -u)" -eq 0 ] && [ "$OS_USER" != root ]; then
    setpriv --reuid="$OS_USER" --regid="$OS_USER" --init-groups -- "$@"
  else
    "$@"
  fi
}

prepare_dirs() {
  if [ -d "$BASE_DIR" ] && [ ! -f "$BASE_DIR/$MARKER" ] && [ -n "$(ls -A "$BASE_DIR")" ]; then
    die "$BASE_DIR exists, is not empty and was not created by $PROG; choose another GALERA_BASE_DIR"
  fi
  mkdir -p "$BASE_DIR"
  chmod 755 "$BASE_DIR"
  touch "$BASE_DIR/$MARKER"
  local n d
  for n in "${NODES[@]}"; do
    d=$(node_dir "$n")
    # Its own tmpdir: a starting mariadbd deletes every #sql* file in its tmpdir, which in a shared /tmp
    # would include other servers' open temporary tables (a cursor's result, for one).
    mkdir -p "$d/data" "$d/tmp"
    if [ "$(id -u)" -eq 0 ]; then
      chown "$OS_USER:" "$d" "$d/data" "$d/tmp"
    fi
    write_cnf "$n"
  done
  if ! as_os_user test -w "$(node_dir 1)/data"; then
    die "user $OS_USER cannot write $(node_dir 1)/data: every parent of $BASE_DIR must be searchable by $OS_USER"
  fi
}

write_cnf() {
  local n=$1 d gcomm_list="" p
  d=$(node_dir "$n")
  local m addr
  for m in "${NODES[@]}"; do gcomm_list+="${gcomm_list:+,}$(node_addr "$m"):${GCOMM_PORTS[$m-1]}"; done
  addr=$(node_addr "$n")
  local opts
  opts="gmcast.listen_addr=tcp://$addr:$(gcomm_port "$n");ist.recv_addr=$addr:${IST_PORTS[$n-1]};gcache.size=64M"
  [ -z "$PROVIDER_EXTRA" ] || opts+=";$PROVIDER_EXTRA"
  cat > "$d/my.cnf.tmp" <<EOF
# Written by scripts/galera-cluster.sh on every start; edits are overwritten.
[client]
socket=$d/mysqld.sock
port=$(sql_port "$n")

[mysqld]
user=$OS_USER
datadir=$d/data
tmpdir=$d/tmp
socket=$d/mysqld.sock
port=$(sql_port "$n")
pid-file=$d/mysqld.pid
log-error=$d/mysqld.log
bind-address=$addr
skip-name-resolve
max_connections=300
performance_schema=OFF
default_storage_engine=InnoDB
innodb_buffer_pool_size=$BUFFER_POOL
innodb_log_file_size=48M
innodb_flush_log_at_trx_commit=1
innodb_autoinc_lock_mode=2
binlog_format=ROW
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
wsrep_on=ON
wsrep_provider=$PROVIDER
wsrep_cluster_name=$CLUSTER_NAME
wsrep_cluster_address=gcomm://$gcomm_list
wsrep_node_name=node$n
wsrep_node_address=$addr
wsrep_provider_options="$opts"
wsrep_sst_method=rsync
wsrep_sst_receive_address=$addr:${SST_PORTS[$n-1]}
EOF
  mv "$d/my.cnf.tmp" "$d/my.cnf"
  chmod 644 "$d/my.cnf"
}

# Give node N a system database if its datadir is empty. Only the bootstrap node needs one: joiners
# get theirs by SST.
init_datadir() {
  local n=$1 dd
  dd=$(datadir "$n")
  [ -d "$dd/mysql" ] && return 0
  log "node $n: initialising $dd"
  local user_opt=()
  [ "$(id -u)" -ne 0 ] || user_opt=(--user="$OS_USER")
  if ! mariadb-install-db --defaults-file="$(cnf "$n")" "${user_opt[@]}" --datadir="$dd" \
      --auth-root-authentication-method=socket --skip-test-db --skip-name-resolve \
      > "$(node_dir "$n")/install-db.log" 2>&1 9>&-; then
    tail -n 30 "$(node_dir "$n")/install-db.log" >&2
    die "node $n: mariadb-install-db failed (full output: $(node_dir "$n")/install-db.log)"
  fi
}

check_ports_free() {
  local n=$1 p l
  for p in "$(sql_port "$n")" "$(gcomm_port "$n")" "${IST_PORTS[$n-1]}" "${SST_PORTS[$n-1]}"; do
    l=$(port_listener "$n" "$p")
    [ -z "$l" ] || die "node $n: port $p is already in use: $l"
  done
}

# Before a start: the ports must be free, and files left by a SIGKILL must go.
pre_start_checks() {
  local n=$1
  check_ports_free "$n"
  rm -f "$(pidfile "$n")" "$(sock "$n")" "$(sock "$n").lock" "$(node_dir "$n")/wsrep-recovered-position"
}

# Launch mariadbd for node N in its own session (so it outlives this script and its caller's
# process group), with any extra options.
LOG_OFFSET=(0 0 0 0)
launch() {
  local n=$1 f
  shift
  pre_start_checks "$n"
  write_cnf "$n"
  f=$(errlog "$n")
  LOG_OFFSET[n]=0
  [ ! -f "$f" ] || LOG_OFFSET[n]=$(stat -c %s "$f")
  log "node $n: starting mariadbd${*:+ $*}"
  local netns=()
  ! netns_on || netns=(ip netns exec "$(ns_name "n$n")")
  (cd / && exec "${netns[@]}" setsid "$MARIADBD" --defaults-file="$(cnf "$n")" "$@" \
      < /dev/null >> "$(node_dir "$n")/mysqld.out" 2>&1 9>&-) &
  disown 2> /dev/null || true
}

# Errors after which a joining mariadbd never reaches Synced although it may keep running, e.g. the
# IST race when two nodes join at once ("IST didn't contain all write sets ... node restart required").
FATAL_JOIN_RE='node restart required|Failed to JOIN the cluster|Will never receive state|SST failed|\[ERROR\] Aborting'

fatal_join_error() { # prints the first fatal line logged since node N was launched
  local f
  f=$(errlog "$1")
  [ -f "$f" ] || return 1
  tail -c +"$((LOG_OFFSET[$1] + 1))" "$f" | grep -a -m 1 -E "$FATAL_JOIN_RE"
}

# Wait until node N is Synced (local_state 4) in a Primary component, with wsrep_ready=ON.
# Returns 0 when Synced, 3 when mariadbd exited or logged a fatal join error, 4 on timeout;
# WAIT_ERROR says what happened.
WAIT_ERROR=""
wait_synced() {
  local n=$1 timeout=${2:-$START_TIMEOUT} started gone=0 st="" fatal
  started=$SECONDS
  WAIT_ERROR=""
  while [ $((SECONDS - started)) -lt "$timeout" ]; do
    if is_running "$n"; then
      gone=0
      st=$(node_state "$n")
      if [ -n "$st" ]; then
        IFS=$'\t' read -r state comment status size ready <<< "$st"
        if [ "$state" = 4 ] && [ "$status" = Primary ] && [ "$ready" = ON ]; then
          log "node $n: Synced (cluster size $size)"
          return 0
        fi
      fi
      if fatal=$(fatal_join_error "$n"); then
        WAIT_ERROR="mariadbd logged: $fatal"
        return 3
      fi
    else
      # give a just-launched process a moment to appear
      gone=$((gone + 1))
      if [ "$gone" -ge 6 ]; then
        WAIT_ERROR="mariadbd exited before reaching Synced"
        return 3
      fi
    fi
    sleep 0.5
  done
  WAIT_ERROR="not Synced after ${timeout}s (last state: ${st:-no answer on $(sock "$n")})"
  return 4
}

await_synced() { # wait_synced, or fail with the log
  local rc=0
  wait_synced "$@" || rc=$?
  [ "$rc" = 0 ] || node_fail "$1" "$WAIT_ERROR"
}

# Join node N and wait for Synced. A join that fails fast (see FATAL_JOIN_RE) is retried once after
# a SIGKILL, which is what Galera asks for ("node restart required").
join_and_wait() {
  local n=$1 attempt rc pid
  for attempt in 1 2; do
    join_node "$n"
    rc=0
    wait_synced "$n" || rc=$?
    [ "$rc" != 0 ] || return 0
    [ "$rc" = 3 ] && [ "$attempt" = 1 ] || node_fail "$n" "$WAIT_ERROR"
    tail_log "$n" 15
    log "node $n: join failed ($WAIT_ERROR); restarting it once"
    pid=$(node_pid "$n")
    if [ -n "$pid" ]; then
      kill -KILL "$pid" 2> /dev/null || true
      for _ in $(seq 1 100); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
    fi
  done
}

wait_cluster_size() { # wait_cluster_size N size
  local n=$1 want=$2 started st
  started=$SECONDS
  while [ $((SECONDS - started)) -lt "$START_TIMEOUT" ]; do
    st=$(node_state "$n")
    if [ -n "$st" ]; then
      IFS=$'\t' read -r state comment status size ready <<< "$st"
      [ "$size" = "$want" ] && [ "$state" = 4 ] && return 0
    fi
    sleep 0.5
  done
  node_fail "$n" "cluster size did not reach $want within ${START_TIMEOUT}s (last: ${st:-no answer})"
}

# After a SIGKILL grastate.dat says seqno -1: ask InnoDB for the last committed position.
# Prints "uuid:seqno", or nothing when no recovery is needed or possible.
recover_position() {
  local n=$1 seqno rlog pos cache
  has_cluster_state "$n" || return 0
  seqno=$(grastate_field "$n" seqno)
  [ "$seqno" = "-1" ] || return 0
  [ -d "$(datadir "$n")/mysql" ] || return 0
  rlog="$(node_dir "$n")/wsrep-recover.log"
  cache="$(node_dir "$n")/wsrep-recovered-position"
  if [ -s "$cache" ] && [ "$cache" -nt "$(datadir "$n")/grastate.dat" ]; then
    cat "$cache"
    return 0
  fi
  log "node $n: grastate.dat has seqno -1 (unclean stop); running mariadbd --wsrep-recover"
  if ! timeout 120 "$MARIADBD" --defaults-file="$(cnf "$n")" --wsrep-recover --skip-networking --disable-log-error \
      > "$rlog" 2>&1 < /dev/null 9>&-; then
    tail -n 30 "$rlog" >&2
    die "node $n: mariadbd --wsrep-recover failed (full output: $rlog)"
  fi
  pos=$(grep -a 'WSREP: Recovered position:' "$rlog" | tail -n 1 | sed 's/.*Recovered position:[[:space:]]*//' | tr -d '[:space:]')
  if [[ ! $pos =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:-?[0-9]+$ ]]; then
    tail -n 30 "$rlog" >&2
    die "node $n: could not parse the recovered position from $rlog"
  fi
  log "node $n: recovered position $pos"
  [ "${pos##*:}" = "-1" ] && pos=""
  printf '%s' "$pos" > "$cache"
  [ -z "$pos" ] || echo "$pos"
}

# Start node N so that it joins the running cluster (IST when the donor's gcache allows, else SST).
join_node() {
  local n=$1 pos others=() m args=()
  for m in "${NODES[@]}"; do
    [ "$m" = "$n" ] || ! is_running "$m" || others+=("$m")
  done
  [ "${#others[@]}" -gt 0 ] || die "node $n: no other node is running, so there is nothing to join; run '$PROG start' (bootstraps the most advanced node) or '$PROG bootstrap-node $n'"
  local primary=0 st
  for m in "${others[@]}"; do
    st=$(node_state "$m")
    [ -z "$st" ] || { IFS=$'\t' read -r _ _ status _ _ <<< "$st"; [ "$status" != Primary ] || primary=1; }
  done
  [ "$primary" = 1 ] || die "node $n: no running node is in a Primary component (quorum lost?); run '$PROG bootstrap-node ${others[0]}' first"
  pos=$(recover_position "$n")
  [ -z "$pos" ] || args+=(--wsrep-start-position="$pos")
  launch "$n" "${args[@]}"
}

# Start node N as the first node of a new Primary Component.
bootstrap_stopped_node() {
  local n=$1 pos args=() f
  pos=$(recover_position "$n")
  [ -z "$pos" ] || args+=(--wsrep-start-position="$pos")
  f="$(datadir "$n")/grastate.dat"
  if [ -f "$f" ] && grep -q '^safe_to_bootstrap: 0' "$f"; then
    log "node $n: setting safe_to_bootstrap: 1 in $f"
    sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$f"
  fi
  launch "$n" --wsrep-new-cluster "${args[@]}"
}

# Which node should bootstrap a cluster whose nodes are all stopped? The one Galera marked
# safe_to_bootstrap; failing that, the one with the highest (recovered) seqno; node 1 on a new cluster.
choose_bootstrap_node() {
  local n best="" best_seq=-2 seq pos any=0
  for n in "${NODES[@]}"; do
    has_cluster_state "$n" || continue
    any=1
    if [ "$(grastate_field "$n" safe_to_bootstrap)" = 1 ] && [ "$(grastate_field "$n" seqno)" != -1 ]; then
      echo "$n"
      return 0
    fi
  done
  [ "$any" = 1 ] || { echo 1; return 0; }
  for n in "${NODES[@]}"; do
    has_cluster_state "$n" || continue
    seq=$(grastate_field "$n" seqno)
    if [ "$seq" = -1 ]; then
      pos=$(recover_position "$n")
      seq=${pos##*:}
      [ -n "$seq" ] || seq=-1
    fi
    if [ "$seq" -gt "$best_seq" ]; then best=$n; best_seq=$seq; fi
  done
  echo "${best:-1}"
}

ensure_database_and_user() {
  local n=$1 u=${DB_USER//\'/\'\'} p=${DB_PASS//\'/\'\'} d=${DB_NAME//\`/\`\`}
  node_sql "$n" "CREATE DATABASE IF NOT EXISTS \`$d\`;
    CREATE USER IF NOT EXISTS '$u'@'%' IDENTIFIED BY '$p';
    CREATE USER IF NOT EXISTS '$u'@'localhost' IDENTIFIED BY '$p';
    GRANT ALL PRIVILEGES ON *.* TO '$u'@'%';
    GRANT ALL PRIVILEGES ON *.* TO '$u'@'localhost';" \
    || node_fail "$n" "could not create database '$DB_NAME' and user '$DB_USER'"
}

with_lock() { # serialise commands that change the cluster
  exec 9> "$BASE_DIR.lock"
  flock -w 600 9 || die "another $PROG holds $BASE_DIR.lock for more than 600s"
}

# Clean shutdown (SIGTERM) of the given nodes, all at once; SIGKILL after GALERA_STOP_TIMEOUT.
stop_nodes() {
  local n pid pids=() names=() started i alive
  for n in "$@"; do
    pid=$(node_pid "$n")
    [ -n "$pid" ] || continue
    log "node $n: shutting down (pid $pid)"
    kill -TERM "$pid" 2> /dev/null || true
    pids+=("$pid")
    names+=("$n")
  done
  [ "${#pids[@]}" -gt 0 ] || return 0
  started=$SECONDS
  while :; do
    alive=0
    for i in "${!pids[@]}"; do
      ! kill -0 "${pids[$i]}" 2> /dev/null || alive=1
    done
    [ "$alive" = 1 ] || break
    if [ $((SECONDS - started)) -ge "$STOP_TIMEOUT" ]; then
      for i in "${!pids[@]}"; do
        if kill -0 "${pids[$i]}" 2> /dev/null; then
          tail_log "${names[$i]}" 20
          log "node ${names[$i]}: still running after ${STOP_TIMEOUT}s; sending SIGKILL (the next start recovers it)"
          kill -KILL "${pids[$i]}" 2> /dev/null || true
        fi
      done
      sleep 1
      break
    fi
    sleep 0.2
  done
  for n in "${names[@]}"; do rm -f "$(pidfile "$n")"; done
}

# ---------------------------------------------------------------------------------------------------
# commands

cmd_status() {
  local n pid st line
  for n in "${NODES[@]}"; do
    pid=$(node_pid "$n")
    line="node$n addr=$(node_addr "$n") sql=$(sql_port "$n") gcomm=$(gcomm_port "$n")"
    if [ -n "$pid" ]; then
      st=$(node_state "$n")
      if [ -n "$st" ]; then
        IFS=$'\t' read -r state comment status size ready <<< "$st"
        line+=" pid=$pid running state=$comment($state) cluster=$status size=$size ready=$ready"
      else
        line+=" pid=$pid running state=not-answering (starting or in SST)"
      fi
    else
      line+=" pid=- stopped"
      if has_cluster_state "$n"; then
        line+=" seqno=$(grastate_field "$n" seqno) safe_to_bootstrap=$(grastate_field "$n" safe_to_bootstrap)"
      elif [ -d "$(datadir "$n")/mysql" ]; then
        line+=" (initialised)"
      elif [ ! -d "$(node_dir "$n")" ]; then
        line+=" (no datadir)"
      fi
    fi
    echo "$line"
  done
}

cmd_start() {
  preflight
  ! netns_on || net_up
  prepare_dirs
  with_lock
  local t0 n running=() missing=() b
  t0=$(now)
  for n in "${NODES[@]}"; do
    if is_running "$n"; then running+=("$n"); else missing+=("$n"); fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    log "the cluster is already running"
    cmd_status
    return 0
  fi
  for n in "${missing[@]}"; do
    check_ports_free "$n"
  done
  if [ "${#running[@]}" -eq 0 ]; then
    b=$(choose_bootstrap_node)
    init_datadir "$b"
    log "bootstrapping a new Primary Component on node $b"
    bootstrap_stopped_node "$b"
    await_synced "$b"
    running=("$b")
    local rest=()
    for n in "${missing[@]}"; do [ "$n" = "$b" ] || rest+=("$n"); done
    missing=("${rest[@]}")
  else
    log "nodes ${running[*]} are running; starting ${missing[*]}"
  fi
  # One joiner at a time: a donor serves one state transfer at a time anyway, and two nodes that
  # join at once can hit Galera's IST race ("IST didn't contain all write sets").
  for n in "${missing[@]}"; do
    join_and_wait "$n"
  done
  for n in "${NODES[@]}"; do
    wait_cluster_size "$n" 3
  done
  ensure_database_and_user "${running[0]}"
  log "cluster up in $(elapsed "$t0")s"
  cmd_status
}

cmd_start_node() {
  check_node_arg "$@"
  local n=$1 t0
  preflight
  ! netns_on || net_up
  prepare_dirs
  with_lock
  if is_running "$n"; then
    log "node $n is already running"
    cmd_status
    return 0
  fi
  t0=$(now)
  join_and_wait "$n"
  log "node $n rejoined in $(elapsed "$t0")s"
  cmd_status
}

cmd_stop_node() {
  check_node_arg "$@"
  [ -d "$BASE_DIR" ] || return 0
  with_lock
  if ! is_running "$1"; then
    log "node $1 is not running"
    return 0
  fi
  stop_nodes "$1"
  log "node $1 stopped"
}

cmd_kill_node() {
  check_node_arg "$@"
  local n=$1 pid
  pid=$(node_pid "$n")
  if [ -z "$pid" ]; then
    log "node $n is not running; nothing to kill"
    return 0
  fi
  kill -KILL "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.1
  done
  ! kill -0 "$pid" 2> /dev/null || die "node $n: pid $pid survived SIGKILL for 5s"
  rm -f "$(pidfile "$n")"
  log "node $n: SIGKILLed mariadbd (pid $pid)"
}

cmd_bootstrap_node() {
  check_node_arg "$@"
  local n=$1 st m
  preflight
  ! netns_on || net_up
  prepare_dirs
  with_lock
  if is_running "$n"; then
    st=$(node_state "$n")
    [ -n "$st" ] || node_fail "$n" "it is running but does not answer on $(sock "$n")"
    IFS=$'\t' read -r state comment status size ready <<< "$st"
    if [ "$status" = Primary ]; then
      log "node $n is already in a Primary component (size $size); nothing to do"
    else
      log "node $n is $status (size $size): SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'"
      node_sql "$n" "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES'" \
        || node_fail "$n" "SET GLOBAL wsrep_provider_options='pc.bootstrap=YES' failed"
    fi
  else
    for m in "${NODES[@]}"; do
      [ "$m" = "$n" ] || ! is_running "$m" \
        || die "node $m is running; join node $n to it with '$PROG start-node $n', or bootstrap node $m instead"
    done
    init_datadir "$n"
    bootstrap_stopped_node "$n"
  fi
  await_synced "$n"
  cmd_status
}

cmd_stop() {
  [ -d "$BASE_DIR" ] || { log "nothing to stop ($BASE_DIR does not exist)"; return 0; }
  with_lock
  # One at a time, node 1 last: each node leaves a Primary Component gracefully, and the last one
  # records safe_to_bootstrap: 1, so the next `start` bootstraps from it. (Stopping two nodes at the
  # same moment can leave the survivor non-Primary, and then no node is marked safe.)
  local n
  for n in 3 2 1; do
    stop_nodes "$n"
  done
  log "all nodes stopped"
}

cmd_wipe() {
  if [ ! -e "$BASE_DIR" ]; then
    log "nothing to wipe ($BASE_DIR does not exist)"
    rm -f "$BASE_DIR.lock"
    return 0
  fi
  [ -f "$BASE_DIR/$MARKER" ] || die "$BASE_DIR was not created by $PROG (no $MARKER); not deleting it"
  cmd_stop
  cmd_net_clean
  rm -rf "$BASE_DIR"
  rm -f "$BASE_DIR.lock"
  log "deleted $BASE_DIR"
}

cmd_sql() {
  check_node_arg "$@"
  [ $# -ge 2 ] || usage_error "sql needs a node number and a statement"
  is_running "$1" || die "node $1 is not running"
  node_sql "$1" "$2"
}

main() {
  [ $# -ge 1 ] || usage_error "a command is required"
  net_load
  local cmd=$1
  shift
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    kill-node) cmd_kill_node "$@" ;;
    start-node) cmd_start_node "$@" ;;
    stop-node) cmd_stop_node "$@" ;;
    bootstrap-node) cmd_bootstrap_node "$@" ;;
    sql) cmd_sql "$@" ;;
    wipe) cmd_wipe ;;
    hosts) cmd_hosts ;;
    cut) cmd_cut "$@" ;;
    heal) cmd_heal "$@" ;;
    net-host) cmd_net_host "$@" ;;
    net-clean) cmd_net_clean ;;
    net-clean-stale) cmd_net_clean_stale ;;
    -h | --help | help) usage ;;
    *) usage_error "unknown command '$cmd'" ;;
  esac
}

main "$@"
