#!/usr/bin/env bash
# DB Gateway benchmarks of issue #10: the gateway and its baselines, every side measured in the same
# run, on the same throwaway PostgreSQL. One command:
#
#   bash bench/run.sh
#
# It starts its own PostgreSQL (initdb into a temp dir, a free port on 127.0.0.1, trust auth; as root,
# run as the postgres user through runuser), loads pgbench's tables (pgbench -i -s BENCH_SCALE) into
# the schema "bench" (on the database's search_path after "public", so the gateway's Flyway finds
# "public" empty), and removes it all on exit; a PostgreSQL already running on the machine is not used.
# It prints a markdown summary and writes it to bench/results/<UTC timestamp>.md (git-ignored): the
# machine, the date, the exact command, the 1-minute load average before the run (a warning when it
# is >= 1: the figures are then disturbed), every figure, and each ratio with its verdict.
#
# Each side warms up under its load for BENCH_WARMUP seconds, then is measured for BENCH_DURATION.
# CPU (user + system, from /proc/<pid>/stat) is sampled inside each measured window, for the load
# generator, the gateway and PostgreSQL, as cores and as µs of CPU per request.
#
# Parts (BENCH_PARTS, default "point bus mixed stream"; whatever the order given, they run in this one):
#   point   The point select SELECT abalance FROM pgbench_accounts WHERE aid = ? (random aid), 3 ways:
#           - pgbench -S -M prepared -c BENCH_CONCURRENCY -j BENCH_PGBENCH_JOBS: one run of -T warm-up,
#             then one of -T duration, whose tps is taken;
#           - the direct pool: bench/src/bench/DirectPoolBench.java, a Vert.x PgBuilder pool in process
#             (size BENCH_POOL_SIZE, the gateway's pool settings), BENCH_CONCURRENCY in flight;
#           - the gateway (java @conf/jvm.options -jar, DB_POOL_SIZE=BENCH_POOL_SIZE) driven by
#             wrk -tBENCH_WRK_THREADS -cBENCH_CONCURRENCY --latency -s bench/query.lua, POST /v1/query.
#           - the floor: bench/src/bench/FloorServer.java, a bare Vert.x HTTP server with a pool per core,
#             answering the same request with the same JSON and nothing else, driven by the same wrk;
#             what any Vert.x service pays here, to read the gateway's CPU against (no target).
#           Prints req/s, p50/p99 (pgbench: its latency average), CPU per request, non-2xx, and the
#           verdicts: gateway/pgbench >= 0.45, gateway/direct pool >= 0.75, the gateway's CPU <= 50 µs per
#           request, the gateway's p99 <= 10 ms, no non-2xx answer.
#   bus     bench/src/bench/BusBench.java: the gateway started in the bench's JVM (ConfigLoader,
#           GatewayMetrics, BootstrapVerticle, configured from DB_* variables as the jar is), and a
#           verticle in that JVM keeping BENCH_CONCURRENCY point selects in flight on the event-bus
#           address dbgateway.query. Prints req/s, p50/p99, the JVM's CPU per request, and the ratio to
#           the direct pool (target >= 0.9; the direct pool runs here too if "point" is not selected).
#   cluster The same point select on dbgateway.query from another member of the gateway's cluster (issue #15):
#           the gateway jar with GATEWAY_CLUSTER=true and an API key, and BusBench in a JVM of its own joined to
#           the cluster (-Dcluster.members), sending the key in dbgateway-api-key. Prints req/s, p50/p99, the CPU
#           of the member, the gateway and PostgreSQL, and the ratio to the in-JVM event bus (the bus part runs
#           too if it is not selected). No target. Not in the default parts.
#   mixed   60 % point selects, 20 % INSERTs with an Idempotency-Key header (a new key each), 10 % batches
#           of 3 INSERTs (POST /v1/batch), 10 % atomic transactions of an UPDATE and an INSERT
#           (POST /v1/transaction): bench/mixed.lua through wrk on the gateway, and the same mix on the
#           direct pool (DirectPoolBench -Dworkload=mixed: the idempotent INSERT as claim + INSERT +
#           recorded response in one transaction, as the gateway does). Prints both, and the ratio
#           (issue #10 sets no target for it).
#   stream  bench/stream.sh on this PostgreSQL: BENCH_STREAM_ROWS rows of (id int, name text, price
#           numeric) as NDJSON through a gateway at -XmxBENCH_HEAP, against
#           psql -c "COPY (<same select>) TO STDOUT" > /dev/null, in rows/s (target >= 0.5), and whether
#           the gateway's heap stays flat (see the header of bench/stream.sh; BENCH_HEAP_FLAT_MB, 32, is
#           passed on to it).
# The mixed load UPDATEs pgbench_accounts and runs after point and bus, so they read an untouched table.
#
# Knobs (environment):
#   BENCH_PARTS ("point bus mixed stream"), BENCH_WARMUP (s, 30), BENCH_DURATION (s, 10),
#   BENCH_CONCURRENCY (32: wrk connections, pgbench clients, requests in flight in the JVM benches),
#   BENCH_POOL_SIZE (16: DB_POOL_SIZE and the direct pool), BENCH_SCALE (1: pgbench -i -s; aids are
#   1..100000 x scale), BENCH_WRK_THREADS (2), BENCH_PGBENCH_JOBS (2), BENCH_JAR (target/db-gateway.jar,
#   built if missing; build it from the commit you measure), BENCH_DIRECT_MODES ("pool"; add
#   "connection set-timeout" for the variants in DirectPoolBench's comment), BENCH_STREAM_ROWS
#   (1000000), BENCH_STREAM_WARMUP_ROWS (1000000), BENCH_HEAP (256m: the streaming gateway's -Xmx),
#   BENCH_PROFILE=1 (after the measured point run, profiles the gateway under another run of the same
#   load: perf when installed, else JFR; written to bench/results/<timestamp>-gateway-profile.txt),
#   BENCH_DEBUG=1 (logs each CPU sample: when it was taken in the window, and the processes read).
#
# Every JVM it starts (the gateway, the direct pool, the floor, the bus bench) runs with the options the
# gateway ships with, conf/jvm.options, so both sides of each ratio run on the same JVM settings.
#
# With the defaults it takes about 5 minutes (every side: 30 s warm-up + 10 s measured, plus start-ups).
# For a quick check that everything works: BENCH_WARMUP=3 BENCH_DURATION=3 BENCH_STREAM_WARMUP_ROWS=200000.
#
# It needs a JDK 17 (java, javac, jcmd), wrk, curl, ss, psql, pgbench and the PostgreSQL server binaries
# (initdb, pg_ctl: on PATH or in /usr/lib/postgresql/*/bin). It exits non-zero if a part fails or any
# answer was not 2xx; missed targets are reported, not failures.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
source bench/lib.sh
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg) # before anything of ours runs, the build included
PARTS=${BENCH_PARTS:-point bus mixed stream}
WARMUP=${BENCH_WARMUP:-30}
DURATION=${BENCH_DURATION:-10}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
POOL_SIZE=${BENCH_POOL_SIZE:-16}
SCALE=${BENCH_SCALE:-1}
ACCOUNTS=$((SCALE * 100000))
WRK_THREADS=${BENCH_WRK_THREADS:-2}
PGBENCH_JOBS=${BENCH_PGBENCH_JOBS:-2}
DIRECT_MODES=${BENCH_DIRECT_MODES:-pool}
STREAM_ROWS=${BENCH_STREAM_ROWS:-1000000}
STREAM_WARMUP_ROWS=${BENCH_STREAM_WARMUP_ROWS:-1000000}
HEAP=${BENCH_HEAP:-256m}
PROFILE=${BENCH_PROFILE:-0}
JAR=${BENCH_JAR:-target/db-gateway.jar}
COMMAND=$(bench_command bench/run.sh)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ROOT/bench/results"
RESULTS=$ROOT/bench/results/$STAMP.md
CLK_TCK=$(getconf CLK_TCK)

log() { echo "[bench] $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

for part in $PARTS; do
  [[ " point bus cluster mixed stream " == *" $part "* ]] || die "unknown part in BENCH_PARTS: $part (point bus cluster mixed stream)"
done
has_part() { [[ " $PARTS " == *" $1 "* ]]; }
(( WARMUP >= 1 && DURATION >= 2 )) || die "BENCH_WARMUP must be at least 1 and BENCH_DURATION at least 2 (s)"
[[ " $DIRECT_MODES " == *" pool "* ]] || die "BENCH_DIRECT_MODES must include pool (the reference)"
for tool in wrk curl java javac jcmd psql pgbench ss awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
if awk -v l="${LOAD_BEFORE%% *}" 'BEGIN { exit !(l >= 1) }'; then
  LOAD_WARNING="the 1-minute load average was ${LOAD_BEFORE%% *} before the run (>= 1): other work on the machine disturbs these figures"
  log "WARNING: $LOAD_WARNING"
fi


# User+system CPU ticks of one process, into the variable TICKS (empty when it is gone). Builtins only:
# on 2 loaded cores, every fork while sampling would shift the window.
read_ticks() {
  local stat f
  TICKS=
  { read -r stat </proc/"$1"/stat; } 2>/dev/null || return 0
  stat=${stat##*) }                        # drop "pid (comm) ", comm may contain spaces
  read -r -a f <<<"$stat"
  TICKS=$((f[11] + f[12]))                 # utime, stime (fields 14 and 15 of stat)
}
# Sum of user+system CPU ticks of the given pids (processes that are gone count as 0).
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do read_ticks "$pid"; total=$((total + ${TICKS:-0})); done
  echo "$total"
}
# The postmaster and its children (the backends serving the current run, autovacuum, ...).
pg_pids() { local pm; read -r pm <"$PGDATA/postmaster.pid"; echo "$pm" $(pgrep -P "$pm" || true); }
# "pid ticks" per line for each of the given pids: pid_ticks <pid>...
pid_ticks() { local pid; for pid in "$@"; do read_ticks "$pid"; [[ -z $TICKS ]] || echo "$pid $TICKS"; done; }
# The ticks PostgreSQL's processes used between two pid_ticks samples ($1, $2): a process present in
# both counts its difference, one born in between all its ticks; one that exited in between (an
# autovacuum worker, say) is left out, rather than subtracting what it had used before.
pg_delta() {
  awk 'NR == FNR { before[$1] = $2; next } { total += ($1 in before) ? $2 - before[$1] : $2 } END { print total + 0 }' \
    <(echo "$1") <(echo "$2")
}
# "cores (µs of CPU per request)" from a tick delta over $2 seconds at $3 requests/s.
cpu_use() {
  awk -v d="$1" -v s="$2" -v rps="$3" -v hz="$CLK_TCK" 'BEGIN {
    if (d < 0 || rps <= 0 || s <= 0) { printf "n/a"; exit }
    printf "%.2f (%.0f µs)", d / hz / s, 1e6 * d / hz / (s * rps) }'
}
# µs of CPU per request alone: cpu_us <ticks> <seconds> <requests/s>.
cpu_us() {
  awk -v d="$1" -v s="$2" -v rps="$3" -v hz="$CLK_TCK" 'BEGIN {
    if (d < 0 || rps <= 0 || s <= 0) { printf "n/a"; exit }
    printf "%.0f", 1e6 * d / hz / (s * rps) }'
}
sleep_until() { local s; s=$(awk -v t="$1" -v now="$EPOCHREALTIME" 'BEGIN { d = t - now; print (d > 0 ? d : 0) }'); sleep "$s"; }
later() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "n/a" }'; }
verdict() { if awk "BEGIN { exit !($1) }" 2>/dev/null; then echo "met"; else echo "MISSED"; fi; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# CPU is sampled M_LEAD s after a measured window starts and M_TAIL s before it ends (on a busy machine,
# forks take a while, and a process that has exited would read as 0).
M_LEAD=$(awk -v d="$DURATION" 'BEGIN { print (d >= 8 ? 1 : d / 4) }')
M_END=$(awk -v d="$DURATION" 'BEGIN { print d - (d >= 8 ? 2 : d / 4) }')
# Samples the CPU of a client, a server (optional) and PostgreSQL inside the measured window that
# starts at epoch $1; sets W_SECS and the tick deltas W_CLIENT, W_SERVER, W_PG.
#   window_cpu <window start> <client pid> [<server pid>]
window_cpu() {
  local start=$1 client=$2 server=${3:-} t0 t1 c0 c1 s0 s1 p0 p1
  sleep_until "$(later "$start" "$M_LEAD")"
  t0=$EPOCHREALTIME; c0=$(cpu_ticks "$client"); s0=$(cpu_ticks $server); p0=$(pid_ticks $(pg_pids))
  sleep_until "$(later "$start" "$M_END")"
  t1=$EPOCHREALTIME; c1=$(cpu_ticks "$client"); s1=$(cpu_ticks $server); p1=$(pid_ticks $(pg_pids))
  W_SECS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  W_CLIENT=$((c1 - c0)); W_SERVER=$((s1 - s0)); W_PG=$(pg_delta "$p0" "$p1")
  [[ -z ${BENCH_DEBUG:-} ]] || log "window from $start: sampled +$(awk -v a="$start" -v b="$t0" 'BEGIN { print b - a }')s for ${W_SECS}s: client $W_CLIENT server $W_SERVER pg $W_PG; pg before: $(echo $p0); after: $(echo $p1)"
}
# Waits for the "WINDOW from=<epoch> to=<epoch>" line a bench JVM prints when its load starts, and
# prints the window's start: window_start <output file> <pid>.
window_start() {
  local i
  for i in $(seq 1 1500); do
    if grep -q '^WINDOW ' "$1" 2>/dev/null; then
      sed -nE 's/^WINDOW from=([0-9.]+).*/\1/p' "$1" | head -1
      return
    fi
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# wrk prints latencies as 850.12us / 1.23ms / 1.02s: convert to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}
# Reads wrk's output file $1 into WRK_RPS, WRK_N, WRK_P50, WRK_P99, WRK_NON2XX, WRK_SOCKET_ERRORS.
parse_wrk() {
  WRK_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$1")
  WRK_N=$(awk '/requests in/ { print $1 }' "$1")
  WRK_P50=$(to_ms "$(awk '/Latency Distribution/ { d = 1 } d && $1 == "50%" { print $2; exit }' "$1")")
  WRK_P99=$(to_ms "$(awk '/Latency Distribution/ { d = 1 } d && $1 == "99%" { print $2; exit }' "$1")")
  WRK_NON2XX=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$1")
  WRK_NON2XX=${WRK_NON2XX:-0}
  WRK_SOCKET_ERRORS=$(awk -F': *' '/Socket errors/ { print $2 }' "$1")
  [[ -n $WRK_RPS && -n $WRK_P99 ]] || die "cannot parse wrk's output ($1)"
}
# A field of a RESULT line: field <name> <line>.
field() { sed -nE "s/.* $1=([^ ]+).*/\1/p" <<<"$2"; }

WORK=$(mktemp -d /tmp/dbgw-bench.XXXXXX)
PGDATA=
GW_PID=
BG_PID=      # a bench JVM, wrk or pgbench running in the background
NON2XX_TOTAL=0
FAILED_PART=
CURRENT_PART=setup
VERDICTS=()  # rows of the verdict table
SECTIONS=()  # files holding each part's section, in order

# The summary, from what has been measured so far: write_summary [<note>].
write_summary() {
  {
    echo "# DB Gateway benchmark, $STAMP"
    echo
    echo "Command: \`$COMMAND\` (parts: $PARTS)."
    echo
    echo "Load average before the run (1, 5, 15 min): **$LOAD_BEFORE**."
    [[ -z ${LOAD_WARNING:-} ]] || echo "**Warning: $LOAD_WARNING.**"
    [[ -z ${1:-} ]] || { echo; echo "**$1**"; }
    echo
    echo "Every side: ${WARMUP}s warm-up under load, then ${DURATION}s measured; $CONCURRENCY requests in flight;"
    echo "pool size $POOL_SIZE; pgbench scale $SCALE (aid 1..$ACCOUNTS)."
    echo
    echo "## Verdicts (issue #10)"
    echo
    echo "| check | figure | target | verdict |"
    echo "|---|---:|---|---|"
    printf '%s\n' "${VERDICTS[@]}"
    for s in "${SECTIONS[@]}"; do
      echo
      cat "$s"
    done
    echo
    echo "## Machine"
    echo
    echo "The load generators, the gateway and PostgreSQL share it."
    echo
    echo '```'
    echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC') (started $STAMP)"
    echo "command:   $COMMAND"
    echo "jar:       $JAR, built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo '?'); HEAD of the working tree: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src pom.xml 2>/dev/null || echo ' (src or pom.xml modified)')"
    echo "nproc:     $(nproc)"
    echo "cpu:       $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
    echo "kernel:    $(uname -sr)"
    echo "memory:    $(free -g | awk '/^Mem:/ { print $2 " GB total, " $7 " GB available" }')"
    echo "load avg:  $LOAD_BEFORE before the run; $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "postgres:  $("$PGBIN/postgres" --version)"
    echo "pgbench:   $(pgbench --version)"
    echo "wrk:       $(wrk -v 2>&1 | head -1)"
    java -version 2>&1 | sed 's/^/java:      /'
    echo '```'
  } >"$RESULTS"
}

cleanup() {
  local rc=$?
  if [[ -n $BG_PID ]] && kill -0 "$BG_PID" 2>/dev/null; then kill "$BG_PID" 2>/dev/null || true; wait "$BG_PID" 2>/dev/null || true; fi
  gateway_stop
  pg_stop
  if [[ $rc -ne 0 && -z $FAILED_PART ]]; then
    log "logs of the failed run (part: $CURRENT_PART):"
    { tail -n 20 "$WORK/pg.log"; for f in "$WORK"/gateway-*.log "$WORK"/bus.txt; do
        [[ -f $f ]] && { echo "--- $f"; grep -v '^[[:space:]]*at ' "$f" | tail -30; }; done; } >&2 2>/dev/null || true
    if (( ${#SECTIONS[@]} > 0 )); then
      write_summary "INCOMPLETE: the run failed in part \"$CURRENT_PART\"; the parts below finished before it and their figures stand." 2>/dev/null || true
      log "partial summary written to $RESULTS"
    fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- setup: build, classes, PostgreSQL, data -------------------------------------------------------
ensure_jar "$JAR"
log "resolving the project's classpath and compiling the bench classes"
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP=$(cat "$WORK/cp.txt")
# The direct pool runs on the project's dependencies alone (no gateway code, no gateway service
# providers); BusBench runs on the gateway jar itself.
javac -d "$WORK/classes" -cp "$CP" bench/src/bench/DirectPoolBench.java bench/src/bench/Measured.java
javac -d "$WORK/bus-classes" -cp "$JAR" bench/src/bench/BusBench.java bench/src/bench/Measured.java
javac -d "$WORK/floor-classes" -cp "$JAR" bench/src/bench/FloorServer.java

pg_start "$WORK"
# The tables live in their own schema, found through the database's search_path: the gateway's
# Flyway refuses to migrate a non-empty "public" schema that has no history table.
"${PSQL[@]}" <<SQL
CREATE SCHEMA bench;
ALTER DATABASE postgres SET search_path = "\$user", public, bench;
-- Written by the mixed load (both sides).
CREATE TABLE bench.bench_mixed (id bigserial PRIMARY KEY, k text NOT NULL, v int NOT NULL);
-- The direct pool's idempotency records: the same table as the gateway's own dbgateway_idempotency.
CREATE TABLE bench.bench_idempotency (
    scope        VARCHAR(255) NOT NULL DEFAULT '',
    idem_key     VARCHAR(255) NOT NULL,
    operation    VARCHAR(32)  NOT NULL,
    request_hash CHAR(64)     NOT NULL,
    response     TEXT,
    created_at   BIGINT       NOT NULL,
    PRIMARY KEY (scope, idem_key));
CREATE INDEX bench_idempotency_created ON bench.bench_idempotency (created_at);
SQL
log "pgbench -i -s $SCALE (into schema bench)"
PGOPTIONS="-c search_path=bench" pgbench -i -q -s "$SCALE" "${PG[@]}" postgres >"$WORK/pgbench-init.log" 2>&1 \
  || { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }
"${PSQL[@]}" -c "VACUUM ANALYZE" >/dev/null
[[ $("${PSQL[@]}" -Atc "SELECT count(*) FROM pgbench_accounts") == "$ACCOUNTS" ]] || die "pgbench_accounts does not hold $ACCOUNTS rows"

export BENCH_ACCOUNTS=$ACCOUNTS   # for the wrk scripts
GW_ENV=(DB_TYPE=postgresql DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_NAME=postgres DB_USER=postgres DB_PASS=unused
  DB_POOL_SIZE="$POOL_SIZE")

# Runs DirectPoolBench: direct_bench <label> <output file> [-Dname=value...]; sets D_RESULT and CPU figures.
direct_bench() {
  local label=$1 out=$2 start
  shift 2
  java @"$ROOT/conf/jvm.options" -cp "$WORK/classes:$CP" -Dpg.port="$PG_PORT" -Dpool.size="$POOL_SIZE" -Dconcurrency="$CONCURRENCY" \
    -Daccounts="$ACCOUNTS" -Dwarmup.seconds="$WARMUP" -Dduration.seconds="$DURATION" \
    -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" "$@" bench.DirectPoolBench >"$out" 2>&1 &
  BG_PID=$!
  start=$(window_start "$out" "$BG_PID") || { cat "$out" >&2; die "$label did not start"; }
  window_cpu "$start" "$BG_PID"
  wait "$BG_PID" || { cat "$out" >&2; die "$label failed"; }
  BG_PID=
  D_RESULT=$(grep '^RESULT ' "$out") || die "no RESULT line from $label"
  log "$label: $D_RESULT"
}

# The direct pool on the point select, once per run (the reference of "point" and "bus").
D_RPS=
POINT_ROWS=()  # rows of the point select's table
POINT_CPU=()   # rows of its CPU table
direct_point() {
  local mode label
  for mode in $DIRECT_MODES; do
    label="direct pool, in process"
    [[ $mode == pool ]] || label="direct pool, in process, mode $mode"
    log "$label: pool=$POOL_SIZE, $CONCURRENCY in flight, ${WARMUP}s warm-up + ${DURATION}s"
    direct_bench "$label" "$WORK/direct-point-$mode.txt" -Dworkload=point -Dmode="$mode"
    local rps; rps=$(field rps "$D_RESULT")
    POINT_ROWS+=("$(printf '| %s | %.0f | %.2f | %.2f | %s | %s |' "$label" "$rps" "$(field p50_ms "$D_RESULT")" \
      "$(field p99_ms "$D_RESULT")" "$(field requests "$D_RESULT")" "errors: $(field errors "$D_RESULT")")")
    POINT_CPU+=("| $label | $(cpu_use "$W_CLIENT" "$W_SECS" "$rps") (the bench JVM) | - | $(cpu_use "$W_PG" "$W_SECS" "$rps") |")
    if [[ $mode == pool ]]; then
      D_RPS=$rps; D_P99=$(field p99_ms "$D_RESULT")
    fi
  done
}

# --- part: point ----------------------------------------------------------------------------------
part_point() {
  local section=$WORK/section-point.md load=$(load1)
  # 1. pgbench
  local PGB=(pgbench -S -M prepared -c "$CONCURRENCY" -j "$PGBENCH_JOBS" "${PG[@]}" postgres)
  log "pgbench: ${PGB[*]} -T $WARMUP (warm-up), then -T $DURATION"
  "${PGB[@]}" -T "$WARMUP" >"$WORK/pgbench-warmup.txt" 2>&1 || { cat "$WORK/pgbench-warmup.txt" >&2; die "pgbench failed"; }
  "${PGB[@]}" -T "$DURATION" >"$WORK/pgbench.txt" 2>&1 &
  BG_PID=$!
  window_cpu "$EPOCHREALTIME" "$BG_PID"
  wait "$BG_PID" || { cat "$WORK/pgbench.txt" >&2; die "pgbench failed"; }
  BG_PID=
  local p_tps p_lat p_n p_failed
  p_tps=$(awk '/^tps = / { print $3; exit }' "$WORK/pgbench.txt")
  p_lat=$(awk '/^latency average = / { print $4; exit }' "$WORK/pgbench.txt")
  p_n=$(awk -F': ' '/^number of transactions actually processed/ { print $2; exit }' "$WORK/pgbench.txt")
  p_failed=$(awk -F': ' '/^number of failed transactions/ { print $2; exit }' "$WORK/pgbench.txt")
  [[ -n $p_tps ]] || { cat "$WORK/pgbench.txt" >&2; die "cannot parse pgbench's output"; }
  log "pgbench: tps $p_tps, latency average $p_lat ms, $p_n transactions"
  POINT_ROWS+=("$(printf '| pgbench -S -M prepared -c %s -j %s | %.0f | avg %s | - | %s | failed: %s |' \
    "$CONCURRENCY" "$PGBENCH_JOBS" "$p_tps" "$p_lat" "$p_n" "${p_failed:-0}")")
  POINT_CPU+=("| pgbench | $(cpu_use "$W_CLIENT" "$W_SECS" "$p_tps") (pgbench) | - | $(cpu_use "$W_PG" "$W_SECS" "$p_tps") |")

  # 2. the direct pool
  [[ -n $D_RPS ]] || direct_point

  # 3. the gateway over HTTP
  local gw_port url reply
  gw_port=$(free_port)
  log "starting the gateway on 127.0.0.1:$gw_port (DB_POOL_SIZE=$POOL_SIZE)"
  gateway_start "$WORK/gateway-point.log" "$JAR" "$gw_port" -- "${GW_ENV[@]}"
  url=http://127.0.0.1:$gw_port
  # One request by hand: it must answer 200 with the row asked for.
  reply=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
    -d '{"sql":"SELECT aid, abalance FROM pgbench_accounts WHERE aid = ?","params":[42]}' "$url/v1/query")
  [[ ${reply##*$'\n'} == 200 && $reply == *'"aid":42'* ]] || die "unexpected answer to a sample query: $reply"
  local WRK=(wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -s bench/query.lua)
  log "gateway: wrk warm-up ${WARMUP}s"
  "${WRK[@]}" -d"${WARMUP}s" "$url/v1/query" >"$WORK/wrk-point-warmup.txt"
  log "gateway: ${WRK[*]} -d${DURATION}s --latency $url/v1/query"
  "${WRK[@]}" -d"${DURATION}s" --latency "$url/v1/query" >"$WORK/wrk-point.txt" &
  BG_PID=$!
  window_cpu "$EPOCHREALTIME" "$BG_PID" "$GW_PID"
  wait "$BG_PID" || die "wrk failed"
  BG_PID=
  cat "$WORK/wrk-point.txt" >&2
  parse_wrk "$WORK/wrk-point.txt"
  local g_rps=$WRK_RPS g_p99=$WRK_P99 g_us
  g_us=$(cpu_us "$W_SERVER" "$W_SECS" "$g_rps")
  NON2XX_TOTAL=$((NON2XX_TOTAL + WRK_NON2XX))
  POINT_ROWS+=("$(printf '| gateway, HTTP via wrk | %.0f | %.2f | %.2f | %s | non-2xx: %s, socket errors: %s |' \
    "$g_rps" "$WRK_P50" "$g_p99" "$WRK_N" "$WRK_NON2XX" "${WRK_SOCKET_ERRORS:-none}")")
  POINT_CPU+=("| gateway, HTTP via wrk | $(cpu_use "$W_CLIENT" "$W_SECS" "$g_rps") (wrk) | $(cpu_use "$W_SERVER" "$W_SECS" "$g_rps") | $(cpu_use "$W_PG" "$W_SECS" "$g_rps") |")
  [[ $PROFILE == 1 ]] && profile_gateway "$url"
  gateway_stop

  # 4. the floor: the same exchange through a bare Vert.x HTTP server and pool (FloorServer.java)
  local fl_port fl_pid
  fl_port=$(free_port)
  java @"$ROOT/conf/jvm.options" -cp "$WORK/floor-classes:$JAR" -Dport="$fl_port" -Dpg.port="$PG_PORT" -Dpool.size="$POOL_SIZE" \
    -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" bench.FloorServer >"$WORK/floor.log" 2>&1 &
  fl_pid=$!
  for _ in $(seq 1 100); do grep -q READY "$WORK/floor.log" && break; sleep 0.2; done
  grep -q READY "$WORK/floor.log" || { cat "$WORK/floor.log" >&2; die "the floor server did not start"; }
  log "floor: wrk warm-up ${WARMUP}s, then ${DURATION}s"
  "${WRK[@]}" -d"${WARMUP}s" "http://127.0.0.1:$fl_port/" >/dev/null
  "${WRK[@]}" -d"${DURATION}s" --latency "http://127.0.0.1:$fl_port/" >"$WORK/wrk-floor.txt" &
  BG_PID=$!
  window_cpu "$EPOCHREALTIME" "$BG_PID" "$fl_pid"
  wait "$BG_PID" || die "wrk failed"
  BG_PID=
  kill "$fl_pid" 2>/dev/null; wait "$fl_pid" 2>/dev/null || true
  parse_wrk "$WORK/wrk-floor.txt"
  local f_rps=$WRK_RPS f_us
  f_us=$(cpu_us "$W_SERVER" "$W_SECS" "$f_rps")
  POINT_ROWS+=("$(printf '| floor: bare Vert.x HTTP server + pool (FloorServer) | %.0f | %.2f | %.2f | %s | non-2xx: %s |' \
    "$f_rps" "$WRK_P50" "$WRK_P99" "$WRK_N" "$WRK_NON2XX")")
  POINT_CPU+=("| floor (FloorServer) | $(cpu_use "$W_CLIENT" "$W_SECS" "$f_rps") (wrk) | $(cpu_use "$W_SERVER" "$W_SECS" "$f_rps") | $(cpu_use "$W_PG" "$W_SECS" "$f_rps") |")

  local r_pgb r_direct
  r_pgb=$(ratio "$g_rps" "$p_tps"); r_direct=$(ratio "$g_rps" "$D_RPS")
  VERDICTS+=("| point select: gateway / pgbench (req/s) | **$r_pgb** | ≥ 0.45 | $(verdict "$r_pgb >= 0.45") |")
  VERDICTS+=("| point select: gateway / direct pool (req/s) | **$r_direct** | ≥ 0.75 | $(verdict "$r_direct >= 0.75") |")
  VERDICTS+=("| point select: gateway CPU per request | **$g_us µs** | ≤ 50 µs | $(verdict "$g_us <= 50") |")
  VERDICTS+=("| point select: gateway p99 | **$g_p99 ms** | ≤ 10 ms | $(verdict "$g_p99 <= 10") |")
  VERDICTS+=("| point select: gateway non-2xx answers | **$WRK_NON2XX** | 0 | $(verdict "$WRK_NON2XX == 0") |")
  {
    echo "## Point select"
    echo
    echo "\`SELECT abalance FROM pgbench_accounts WHERE aid = ?\`, random aid in 1..$ACCOUNTS; $CONCURRENCY in flight;"
    echo "pool size $POOL_SIZE (direct pool, DB_POOL_SIZE). 1-minute load average before this part: $load."
    echo
    echo "| side | req/s | p50 (ms) | p99 (ms) | requests | errors |"
    echo "|---|---:|---:|---:|---:|---|"
    printf '%s\n' "${POINT_ROWS[@]}"
    echo
    echo "(pgbench reports no percentiles: its column shows its latency average. Its tps excludes its connection time.)"
    echo
    echo "- gateway / pgbench: **$r_pgb**; gateway / direct pool: **$r_direct**; direct pool / pgbench: $(ratio "$D_RPS" "$p_tps")"
    echo "- the floor, a bare Vert.x HTTP server and pool doing the same exchange (no router, keys, metrics, log,"
    echo "  breaker or deadlines): $f_us µs of CPU per request against the gateway's $g_us µs; floor / pgbench: $(ratio "$f_rps" "$p_tps")"
    echo
    echo "CPU in cores (and µs of CPU per request), sampled inside the measured window:"
    echo
    echo "| side | load generator | gateway | PostgreSQL |"
    echo "|---|---:|---:|---:|"
    printf '%s\n' "${POINT_CPU[@]}"
  } >"$section"
  SECTIONS+=("$section")
}

# Profiles the gateway at $1 under another run of the point load (BENCH_PROFILE=1).
profile_gateway() {
  # Profilers slow the gateway down (JFR's "profile" settings by several times on 2 cores), so this
  # runs after the measured run, under the same load again.
  local url=$1 prof=${RESULTS%.md}-gateway-profile.txt secs load stat_pid rps
  secs=$((DURATION > 5 ? DURATION - 4 : 2))
  log "profiling the gateway for ${secs}s under the same load"
  wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -s bench/query.lua -d"${DURATION}s" "$url/v1/query" >"$WORK/wrk-profile.txt" &
  load=$!
  sleep 2
  if command -v perf >/dev/null && perf stat -e task-clock true >/dev/null 2>&1; then
    # A flat profile of everything the gateway process runs, kernel included; JIT-compiled Java
    # methods are named through the map that Compiler.perfmap writes to /tmp/perf-<pid>.map.
    perf stat -e raw_syscalls:sys_enter,context-switches,task-clock -p "$GW_PID" -o "$WORK/perf-stat.txt" \
      -- sleep "$secs" >/dev/null 2>&1 &
    stat_pid=$!
    perf record -q -F 499 -p "$GW_PID" -o "$WORK/perf.data" -- sleep "$secs" >/dev/null 2>&1
    wait "$stat_pid"
    jcmd "$GW_PID" Compiler.perfmap >/dev/null
    wait "$load"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-profile.txt")
    {
      echo "# gateway under load: perf stat over ${secs}s at ~$rps req/s (wrk's average over the run)"
      grep -E 'sys_enter|context-switches|task-clock' "$WORK/perf-stat.txt" | awk -v rps="$rps" -v s="$secs" \
        '{ gsub(",", "", $1); name = ($2 == "msec") ? "CPU ms (task-clock)" : $2
           printf "%-28s %14s  = %.3f per request\n", name, $1, $1 / (rps * s) }'
      echo
      echo "# perf record: share of the gateway's CPU samples, [k] = kernel"
      perf report -i "$WORK/perf.data" --no-children --sort sym --stdio 2>/dev/null \
        | awk '/^ +[0-9.]+%/ { sub("%", "", $1); if ($2 == "[k]") k += $1; else u += $1 }
               END { printf "kernel %.1f%%, user %.1f%%\n\n", k, u }'
      echo "# the same samples by subsystem (first match wins, in this order)"
      perf report -i "$WORK/perf.data" --no-children --sort sym --stdio 2>/dev/null | awk '
        /^ +[0-9.]+%/ {
          p = $1; sub("%", "", p); $1 = ""
          if ($0 ~ / \[k\] /) g = "kernel (TCP loopback, wake-ups, context switches, epoll)"
          else if ($0 ~ /io\.dbgateway\./) g = "gateway code (io.dbgateway)"
          else if ($0 ~ /eventbus/) g = "Vert.x event bus"
          else if ($0 ~ /jackson|\.json\./) g = "JSON (Jackson, JsonObject)"
          else if ($0 ~ /codec\.http|core\.http|ext\.web/) g = "HTTP server and router"
          else if ($0 ~ /pgclient|sqlclient/) g = "PostgreSQL client"
          else if ($0 ~ /circuitbreaker/) g = "circuit breaker"
          else if ($0 ~ /io\.netty|sun\.nio|java\.nio/) g = "Netty and NIO (event loop, buffers, channels)"
          else if ($0 ~ /io\.vertx/) g = "other Vert.x (futures, contexts)"
          else if ($0 ~ /\(/) g = "other Java (JDK)"
          else g = "JVM and libc (GC, JIT, stubs, vdso)"
          share[g] += p }
        END { for (g in share) printf "%6.1f%%  %s\n", share[g], g }' | sort -rn
      echo
      echo "# top symbols"
      perf report -i "$WORK/perf.data" --no-children --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' | head -60
    } >"$prof" || true
    rm -f "/tmp/perf-$GW_PID.map"
  else
    jcmd "$GW_PID" JFR.start name=bench duration="${secs}s" filename="$WORK/gw.jfr" >/dev/null
    wait "$load"
    sleep 2   # let JFR finish writing the recording
    {
      echo "# JFR jdk.ExecutionSample (default settings): top-of-stack frames"
      jfr print --events jdk.ExecutionSample "$WORK/gw.jfr" | awk '/stackTrace = \[/ { getline; print }' \
        | sed 's/line:.*//' | sort | uniq -c | sort -rn | head -50
    } >"$prof" || true
  fi
  log "profile: $prof"
}

# --- part: bus ------------------------------------------------------------------------------------
part_bus() {
  local section=$WORK/section-bus.md load=$(load1) start result rps
  [[ -n $D_RPS ]] || direct_point
  log "event bus: the gateway in process, $CONCURRENCY in flight on dbgateway.query, ${WARMUP}s warm-up + ${DURATION}s"
  # A clean environment, as for the jar: only the gateway's settings (the HTTP port must be free).
  env -i PATH="$PATH" HOME="$HOME" GATEWAY_HTTP_PORT="$(free_port)" "${GW_ENV[@]}" \
    java @"$ROOT/conf/jvm.options" -cp "$WORK/bus-classes:$JAR" -Dconcurrency="$CONCURRENCY" -Daccounts="$ACCOUNTS" \
    -Dwarmup.seconds="$WARMUP" -Dduration.seconds="$DURATION" bench.BusBench >"$WORK/bus.txt" 2>&1 &
  BG_PID=$!
  start=$(window_start "$WORK/bus.txt" "$BG_PID") || { tail -40 "$WORK/bus.txt" >&2; die "BusBench did not start its load"; }
  window_cpu "$start" "$BG_PID"
  wait "$BG_PID" || { grep -v '^[[:space:]]*at ' "$WORK/bus.txt" | tail -40 >&2; die "BusBench failed"; }
  BG_PID=
  result=$(grep '^RESULT ' "$WORK/bus.txt") || die "no RESULT line from BusBench"
  log "event bus: $result"
  rps=$(field rps "$result")
  B_RPS=$rps B_P99=$(field p99_ms "$result")
  local r; r=$(ratio "$rps" "$D_RPS")
  VERDICTS+=("| event bus (same JVM) / direct pool (req/s) | **$r** | ≥ 0.9 | $(verdict "$r >= 0.9") |")
  {
    echo "## Event bus"
    echo
    echo "The same point select as a request to \`dbgateway.query\` (\`{\"sql\": ..., \"params\": [aid]}\`), from a"
    echo "verticle in the gateway's own JVM (bench/src/bench/BusBench.java), $CONCURRENCY in flight; DB_POOL_SIZE=$POOL_SIZE."
    echo "1-minute load average before this part: $load."
    echo
    echo "| side | req/s | p50 (ms) | p99 (ms) | requests | errors | CPU: bench JVM | CPU: PostgreSQL |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|"
    printf '| event bus, gateway in process | %.0f | %.2f | %.2f | %s | %s | %s | %s |\n' "$rps" "$(field p50_ms "$result")" \
      "$(field p99_ms "$result")" "$(field requests "$result")" "$(field errors "$result")" \
      "$(cpu_use "$W_CLIENT" "$W_SECS" "$rps")" "$(cpu_use "$W_PG" "$W_SECS" "$rps")"
    printf '| direct pool (from the point part) | %.0f | | %.2f | | | | |\n' "$D_RPS" "$D_P99"
    echo
    echo "- event bus / direct pool: **$r** (target ≥ 0.9). The bench JVM's CPU is the gateway's and the load verticle's together."
  } >"$section"
  SECTIONS+=("$section")
}

# --- part: cluster --------------------------------------------------------------------------------
# The same point select on dbgateway.query from another member of the gateway's cluster (issue #15): the
# gateway jar in cluster mode, and BusBench in a JVM of its own, joined to the cluster, sending with a key.
part_cluster() {
  local section=$WORK/section-cluster.md load=$(load1) start result rps gw_port c_port secret r
  [[ -n ${B_RPS:-} ]] || part_bus
  load=$(load1)
  gw_port=$(free_port); c_port=$(free_port); secret="bench-cluster-$(date +%s%N)"
  gateway_start "$WORK/gateway-cluster.log" "$JAR" "$gw_port" -- "${GW_ENV[@]}" GATEWAY_CLUSTER=true \
    GATEWAY_CLUSTER_NAME="bench-$$" GATEWAY_CLUSTER_HOST=127.0.0.1 GATEWAY_CLUSTER_PORT="$c_port" \
    GATEWAY_API_KEYS="bench:write:$secret"
  log "cluster: a member in another JVM, $CONCURRENCY in flight on dbgateway.query, ${WARMUP}s warm-up + ${DURATION}s"
  java @"$ROOT/conf/jvm.options" -cp "$WORK/bus-classes:$JAR" -Dconcurrency="$CONCURRENCY" -Daccounts="$ACCOUNTS" \
    -Dwarmup.seconds="$WARMUP" -Dduration.seconds="$DURATION" -Dcluster.name="bench-$$" \
    -Dcluster.members="127.0.0.1:$c_port" -Dcluster.port="$(free_port)" -Dapi.key="$secret" \
    bench.BusBench >"$WORK/cluster.txt" 2>&1 &
  BG_PID=$!
  start=$(window_start "$WORK/cluster.txt" "$BG_PID") || { tail -40 "$WORK/cluster.txt" >&2; die "BusBench (remote) did not start its load"; }
  window_cpu "$start" "$BG_PID" "$GW_PID"
  wait "$BG_PID" || { grep -v '^[[:space:]]*at ' "$WORK/cluster.txt" | tail -40 >&2; die "BusBench (remote) failed"; }
  BG_PID=
  gateway_stop
  result=$(grep '^RESULT ' "$WORK/cluster.txt") || die "no RESULT line from BusBench (remote)"
  log "cluster: $result"
  rps=$(field rps "$result")
  r=$(ratio "$rps" "$B_RPS")
  VERDICTS+=("| event bus from another cluster member / from the gateway's JVM (req/s) | **$r** | none set | – |")
  {
    echo "## Event bus from another cluster member"
    echo
    echo "The same request to \`dbgateway.query\` from a Vert.x member of the gateway's Hazelcast cluster in a JVM"
    echo "of its own (BusBench with \`-Dcluster.members\`, sending its API key in \`dbgateway-api-key\`), against the"
    echo "gateway jar in cluster mode; beside it, the in-JVM event bus of the bus part. 1-minute load average before: $load."
    echo
    echo "| side | req/s | p50 (ms) | p99 (ms) | requests | errors | CPU: member JVM | CPU: gateway | CPU: PostgreSQL |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
    printf '| another member, over the clustered bus | %.0f | %.2f | %.2f | %s | %s | %s | %s | %s |\n' "$rps" \
      "$(field p50_ms "$result")" "$(field p99_ms "$result")" "$(field requests "$result")" "$(field errors "$result")" \
      "$(cpu_use "$W_CLIENT" "$W_SECS" "$rps")" "$(cpu_use "$W_SERVER" "$W_SECS" "$rps")" "$(cpu_use "$W_PG" "$W_SECS" "$rps")"
    printf '| the gateway'"'"'s own JVM (bus part) | %.0f | | %.2f | | | | | |\n' "$B_RPS" "$B_P99"
    echo
    echo "- another member / in the gateway's JVM: **$r** (no target: what the hop between JVMs costs)."
  } >"$section"
  SECTIONS+=("$section")
}

# --- part: mixed ----------------------------------------------------------------------------------
part_mixed() {
  local section=$WORK/section-mixed.md load=$(load1) d_result d_rps d_cpu gw_port url code
  log "mixed, direct pool: pool=$POOL_SIZE, $CONCURRENCY in flight, ${WARMUP}s warm-up + ${DURATION}s"
  direct_bench "mixed, direct pool" "$WORK/direct-mixed.txt" -Dworkload=mixed
  d_result=$D_RESULT; d_rps=$(field rps "$d_result")
  d_cpu="| direct pool, in process | $(cpu_use "$W_CLIENT" "$W_SECS" "$d_rps") (the bench JVM) | - | $(cpu_use "$W_PG" "$W_SECS" "$d_rps") |"

  gw_port=$(free_port)
  log "mixed: starting the gateway on 127.0.0.1:$gw_port (DB_POOL_SIZE=$POOL_SIZE)"
  gateway_start "$WORK/gateway-mixed.log" "$JAR" "$gw_port" -- "${GW_ENV[@]}"
  url=http://127.0.0.1:$gw_port
  # One request of each kind by hand: each must answer 200.
  local ins='INSERT INTO bench_mixed (k, v) VALUES (?, ?)'
  for req in \
    "/v1/query|{\"sql\":\"SELECT abalance FROM pgbench_accounts WHERE aid = ?\",\"params\":[7]}|" \
    "/v1/query|{\"sql\":\"$ins\",\"params\":[\"check-$STAMP\",1]}|check-$STAMP" \
    "/v1/batch|{\"sql\":\"$ins\",\"params\":[[\"check-b1\",1],[\"check-b2\",2],[\"check-b3\",3]]}|" \
    "/v1/transaction|{\"statements\":[{\"sql\":\"UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?\",\"params\":[1,7]},{\"sql\":\"$ins\",\"params\":[\"check-t\",1]}]}|"; do
    IFS='|' read -r path body key <<<"$req"
    local headers=(-H 'Content-Type: application/json')
    [[ -z $key ]] || headers+=(-H "Idempotency-Key: $key")
    code=$(curl -s -o "$WORK/check.json" -w '%{http_code}' "${headers[@]}" -d "$body" "$url$path")
    [[ $code == 200 ]] || die "mixed: $path answered $code: $(cat "$WORK/check.json") to $body"
  done
  local WRK=(wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -s bench/mixed.lua)
  log "mixed, gateway: wrk warm-up ${WARMUP}s"
  BENCH_KEY_PREFIX="w$STAMP" "${WRK[@]}" -d"${WARMUP}s" "$url" >"$WORK/wrk-mixed-warmup.txt"
  log "mixed, gateway: ${WRK[*]} -d${DURATION}s --latency $url"
  BENCH_KEY_PREFIX="m$STAMP" "${WRK[@]}" -d"${DURATION}s" --latency "$url" >"$WORK/wrk-mixed.txt" &
  BG_PID=$!
  window_cpu "$EPOCHREALTIME" "$BG_PID" "$GW_PID"
  wait "$BG_PID" || die "wrk failed"
  BG_PID=
  cat "$WORK/wrk-mixed.txt" >&2
  parse_wrk "$WORK/wrk-mixed.txt"
  NON2XX_TOTAL=$((NON2XX_TOTAL + WRK_NON2XX))
  local warm_non2xx; warm_non2xx=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$WORK/wrk-mixed-warmup.txt")
  # What the measured run wrote (its keys and values start with m$STAMP): rows of bench_mixed, and the
  # idempotency keys in the gateway's own table (its name is the gateway's business: "?" if it moved).
  local rows_written keys_recorded
  rows_written=$("${PSQL[@]}" -Atc "SELECT count(*) FROM bench_mixed WHERE k LIKE 'm$STAMP-%'" 2>/dev/null || echo "?")
  keys_recorded=$("${PSQL[@]}" -Atc "SELECT count(*) FROM dbgateway_idempotency WHERE idem_key LIKE 'm$STAMP-%' AND response IS NOT NULL" 2>/dev/null || echo "?")
  gateway_stop
  local r; r=$(ratio "$WRK_RPS" "$d_rps")
  VERDICTS+=("| mixed load: gateway / direct pool (req/s) | **$r** | none set | - |")
  VERDICTS+=("| mixed load: gateway non-2xx answers | **$WRK_NON2XX** | 0 | $(verdict "$WRK_NON2XX == 0") |")
  {
    echo "## Mixed load"
    echo
    echo "Each request picked at random: 60 % the point select; 20 % \`INSERT INTO bench_mixed (k, v) VALUES (?, ?)\` with an"
    echo "\`Idempotency-Key\` (a new key each); 10 % a batch of 3 of that INSERT (\`POST /v1/batch\`); 10 % an atomic"
    echo "transaction (\`POST /v1/transaction\`) of \`UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?\`"
    echo "and that INSERT. The direct pool runs the same mix (the idempotent INSERT as claim + INSERT + recorded"
    echo "response in one transaction, as the gateway does). $CONCURRENCY in flight, pool size $POOL_SIZE."
    echo "1-minute load average before this part: $load."
    echo
    echo "| side | req/s | p50 (ms) | p99 (ms) | requests | errors |"
    echo "|---|---:|---:|---:|---:|---|"
    printf '| direct pool, in process | %.0f | %.2f | %.2f | %s | errors: %s; %s |\n' "$d_rps" "$(field p50_ms "$d_result")" \
      "$(field p99_ms "$d_result")" "$(field requests "$d_result")" "$(field errors "$d_result")" \
      "point $(field point "$d_result"), insert $(field insert "$d_result"), batch $(field batch "$d_result"), transaction $(field transaction "$d_result")"
    printf '| gateway, HTTP via wrk (bench/mixed.lua) | %.0f | %.2f | %.2f | %s | non-2xx: %s (warm-up: %s), socket errors: %s |\n' \
      "$WRK_RPS" "$WRK_P50" "$WRK_P99" "$WRK_N" "$WRK_NON2XX" "${warm_non2xx:-0}" "${WRK_SOCKET_ERRORS:-none}"
    echo
    echo "- gateway / direct pool: **$r** (issue #10 sets no target)"
    echo "- written by the gateway's measured run (with the requests still in flight at its end): $rows_written rows of bench_mixed"
    echo "  (expected about 0.6 × its requests: 0.2 × 1 + 0.1 × 3 + 0.1 × 1); $keys_recorded idempotency keys recorded with their"
    echo "  response (expected about 0.2 × its requests)"
    echo
    echo "CPU in cores (and µs of CPU per request), sampled inside the measured window:"
    echo
    echo "| side | load generator | gateway | PostgreSQL |"
    echo "|---|---:|---:|---:|"
    echo "$d_cpu"
    echo "| gateway, HTTP via wrk | $(cpu_use "$W_CLIENT" "$W_SECS" "$WRK_RPS") (wrk) | $(cpu_use "$W_SERVER" "$W_SECS" "$WRK_RPS") | $(cpu_use "$W_PG" "$W_SECS" "$WRK_RPS") |"
  } >"$section"
  SECTIONS+=("$section")
}

# --- part: stream ---------------------------------------------------------------------------------
part_stream() {
  local section=$WORK/section-stream.md load=$(load1) line rows r flat
  log "streaming: bench/stream.sh, $STREAM_ROWS rows at -Xmx$HEAP (warm-up: streams of $STREAM_WARMUP_ROWS rows for ${WARMUP}s)"
  env BENCH_PG_HOST=127.0.0.1 BENCH_PG_PORT="$PG_PORT" BENCH_PG_USER=postgres BENCH_PG_DB=postgres \
    BENCH_ROWS="$STREAM_ROWS" BENCH_WARMUP_ROWS="$STREAM_WARMUP_ROWS" BENCH_WARMUP_SECONDS="$WARMUP" BENCH_HEAP="$HEAP" BENCH_JAR="$JAR" \
    BENCH_STREAM_RESULTS="$WORK/stream.md" bash bench/stream.sh >"$WORK/stream.txt" || die "bench/stream.sh failed"
  while read -r line; do
    rows=$(field rows "$line"); r=$(field ratio "$line"); flat=$(field heap_flat "$line")
    VERDICTS+=("| streaming $(printf "%'d" "$rows") rows: gateway / COPY (rows/s) | **$r** | ≥ 0.5 | $(verdict "$r >= 0.5") |")
    VERDICTS+=("| streaming $(printf "%'d" "$rows") rows: heap flat (live heap after each GC ≤ ${BENCH_HEAP_FLAT_MB:-32} MB) | **$(field heap_after_gc_mb "$line") MB**, $(field gcs "$line") GCs | flat | $([[ $flat == yes ]] && echo met || { [[ $flat == n/a ]] && echo "n/a (no GC)" || echo MISSED; }) |")
  done < <(grep '^RESULT ' "$WORK/stream.txt")
  {
    echo "## Streaming"
    echo
    echo "1-minute load average before this part: $load."
    echo
    cat "$WORK/stream.md"
  } >"$section"
  SECTIONS+=("$section")
}

for part in point bus cluster mixed stream; do
  has_part "$part" || continue
  CURRENT_PART=$part
  "part_$part"
done
CURRENT_PART=summary

write_summary
cat "$RESULTS"
log "written to $RESULTS"
(( NON2XX_TOTAL == 0 )) || { FAILED_PART=summary; die "$NON2XX_TOTAL answers were not 2xx"; }
