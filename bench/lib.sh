# Shared by the bench scripts (sourced, never run): the exact command line, free ports, the jar, and
# starting the gateway. The caller defines log and die.

# The command that ran, with any BENCH_* overrides (shell-quoted) in front of it: bench_command <script>.
bench_command() {
  echo "$(env | { grep -E '^BENCH_' || true; } | sort | while IFS= read -r kv; do
    printf '%s=%q ' "${kv%%=*}" "${kv#*=}"; done)bash $1"
}

# A TCP port nobody listens on (picked at random, then checked with ss).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ -z "$(ss -Htln "sport = :$p")" ]] && { echo "$p"; return; }
  done
}

# Builds target/db-gateway.jar when it is the jar asked for and missing: ensure_jar <jar>.
ensure_jar() {
  if [[ ! -f $1 && $1 == target/db-gateway.jar ]]; then
    log "building target/db-gateway.jar"
    ./mvnw -B -q package -DskipTests
  fi
  [[ -f $1 ]] || die "no gateway jar at $1"
}

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# The PostgreSQL server binaries (initdb, pg_ctl, postgres): on PATH, else the newest installed.
PGBIN=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)")

# Starts a throwaway PostgreSQL in <dir>/pg on a free port of 127.0.0.1 (trust auth, no fsync), logging
# to <dir>/pg.log: pg_start <dir>. Sets PGDATA, PG_PORT, PG (the connection arguments of psql and
# pgbench) and PSQL (psql on the database postgres, stopping at the first error). Stop it with pg_stop.
pg_start() {
  local dir=$1
  PGDATA=$dir/pg
  PG_PORT=$(free_port)
  log "starting a throwaway PostgreSQL ($("$PGBIN/postgres" --version)) on 127.0.0.1:$PG_PORT in $dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$dir/initdb.log"
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$dir/pg.log" -w -t 60 start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir" >/dev/null
  PG=(-h 127.0.0.1 -p "$PG_PORT" -U postgres)
  PSQL=(psql -X -q -v ON_ERROR_STOP=1 "${PG[@]}" -d postgres)
}

# Stops the PostgreSQL of pg_start, if it runs.
pg_stop() {
  if [[ -n ${PGDATA:-} && -f $PGDATA/postmaster.pid ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
}

# Starts the gateway in the background and waits until it is ready; sets GW_PID.
#   gateway_start <log file> <jar> <port> [java option...] -- [VAR=value...]
# The environment is clean, so no GATEWAY_*/DB_* of the caller (API keys, TLS, ...) changes the run.
gateway_start() {
  local out=$1 jar=$2 port=$3 opts=()
  shift 3
  while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  env -i PATH="$PATH" HOME="$HOME" GATEWAY_HTTP_PORT="$port" "$@" java @"${ROOT:-$PWD}/conf/jvm.options" "${opts[@]}" -jar "$jar" >"$out" 2>&1 &
  GW_PID=$!
  local url=http://127.0.0.1:$port
  for _ in $(seq 1 120); do
    kill -0 "$GW_PID" 2>/dev/null || die "the gateway exited during start-up"
    [[ $(curl -s -o /dev/null -w '%{http_code}' "$url/health/ready" || true) == 200 ]] && return
    sleep 0.5
  done
  die "the gateway is not ready after 60 s"
}

# Stops the gateway started by gateway_start, if it still runs, and waits for it to exit.
gateway_stop() {
  if [[ -n ${GW_PID:-} ]] && kill -0 "$GW_PID" 2>/dev/null; then
    kill "$GW_PID"
    wait "$GW_PID" 2>/dev/null || true
  fi
  GW_PID=
}
