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

# Starts the gateway in the background and waits until it is ready; sets GW_PID.
#   gateway_start <log file> <jar> <port> [java option...] -- [VAR=value...]
# The environment is clean, so no GATEWAY_*/DB_* of the caller (API keys, TLS, ...) changes the run.
gateway_start() {
  local out=$1 jar=$2 port=$3 opts=()
  shift 3
  while [[ $# -gt 0 && $1 != -- ]]; do opts+=("$1"); shift; done
  [[ $# -gt 0 ]] && shift
  env -i PATH="$PATH" HOME="$HOME" GATEWAY_HTTP_PORT="$port" "$@" java "${opts[@]}" -jar "$jar" >"$out" 2>&1 &
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
