#!/usr/bin/env bash
# Primary-key SELECT on PostgreSQL: a Vert.x pool used directly (in process) vs. the same query
# through the gateway's POST /v1/query (driven by wrk). One command, one run, one summary:
#
#   bash bench/run.sh
#
# Knobs (environment): BENCH_DURATION (s, 20), BENCH_WARMUP (s, 60: on 2 busy cores the gateway JITs
# for 30-40 s under load before its throughput settles), BENCH_CONCURRENCY (64),
# BENCH_POOL_SIZE (10), BENCH_ROWS (10000), BENCH_WRK_THREADS (2), BENCH_JAR (target/db-gateway.jar),
# BENCH_DIRECT_MODES ("pool"; add "connection set-timeout" to also run the baseline the way the
# gateway uses the pool, see bench/src/bench/DirectPoolBench.java), BENCH_PROFILE=1 (after the
# measured run, profiles the gateway under another run of the same load: perf when installed, else
# JFR; the figures are not affected, the profile goes to bench/results/<timestamp>-gateway-profile.txt).
#
# It starts its own throwaway PostgreSQL (initdb into a temp dir, a free port, trust auth) and
# removes it on exit; it does not use any PostgreSQL already running on the machine.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
source bench/lib.sh
DURATION=${BENCH_DURATION:-20}
WARMUP=${BENCH_WARMUP:-60}
CONCURRENCY=${BENCH_CONCURRENCY:-64}
POOL_SIZE=${BENCH_POOL_SIZE:-10}
ROWS=${BENCH_ROWS:-10000}
WRK_THREADS=${BENCH_WRK_THREADS:-2}
DIRECT_MODES=${BENCH_DIRECT_MODES:-pool}
PROFILE=${BENCH_PROFILE:-0}
JAR=${BENCH_JAR:-target/db-gateway.jar}
COMMAND=$(bench_command bench/run.sh)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ROOT/bench/results"
RESULTS=$ROOT/bench/results/$STAMP.md
CLK_TCK=$(getconf CLK_TCK)

log() { echo "[bench] $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

(( DURATION >= 5 )) || die "BENCH_DURATION must be at least 5 (s)"
[[ " $DIRECT_MODES " == *" pool "* ]] || die "BENCH_DIRECT_MODES must include pool (the reference)"
for tool in wrk curl java javac psql ss; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
PGBIN=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")

# PostgreSQL refuses to run as root: run its tools as the postgres user when we are root.
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Sum of user+system CPU ticks of the given pids (processes that are gone count as 0).
cpu_ticks() {
  local total=0 pid stat f
  for pid in "$@"; do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    stat=${stat##*) }                       # drop "pid (comm) ", comm may contain spaces
    read -r -a f <<<"$stat"
    total=$((total + f[11] + f[12]))        # utime, stime (fields 14 and 15 of stat)
  done
  echo "$total"
}
# The postmaster and its children (the backends serving the current run).
pg_pids() { local pm; pm=$(head -1 "$PGDATA/postmaster.pid"); echo "$pm" $(pgrep -P "$pm" || true); }
# "cores (µs of CPU per request)" from a tick delta over $2 seconds at $3 requests/s.
cpu_use() {
  awk -v d="$1" -v s="$2" -v rps="$3" -v hz="$CLK_TCK" 'BEGIN {
    if (d < 0 || rps <= 0) { printf "n/a"; exit }
    printf "%.2f (%.0f µs)", d / hz / s, 1e6 * d / hz / (s * rps) }'
}
# CPU is sampled 1 s after the measured window starts and 2 s before it ends, at times counted from
# its start (on a busy machine, forks take a while; a process that has exited would read as 0).
sleep_until() { local s; s=$(awk -v t="$1" -v now="$EPOCHREALTIME" 'BEGIN { d = t - now; print (d > 0 ? d : 0) }'); sleep "$s"; }
later() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a + b }'; }

# wrk prints latencies as 850.12us / 1.23ms / 1.02s: convert to milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
    printf "%.2f", n }'
}

WORK=$(mktemp -d /tmp/dbgw-bench.XXXXXX)
PGDATA=$WORK/pg
GW_PID=
cleanup() {
  local rc=$?
  if [[ -n $GW_PID ]] && kill -0 "$GW_PID" 2>/dev/null; then
    kill "$GW_PID"; wait "$GW_PID" 2>/dev/null || true
  fi
  if [[ -f $PGDATA/postmaster.pid ]]; then
    as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [[ $rc -ne 0 ]]; then
    log "logs of the failed run:"
    { tail -n 20 "$WORK/pg.log"; grep -v '^[[:space:]]*at ' "$WORK/gateway.log" | head -40; } >&2 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. build, classpath, PostgreSQL, data ---------------------------------------------------
ensure_jar "$JAR"
log "resolving the project's classpath and compiling the baseline"
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
CP=$(cat "$WORK/cp.txt")
javac -d "$WORK/classes" -cp "$CP" bench/src/bench/DirectPoolBench.java

PG_PORT=$(free_port)
log "starting a throwaway PostgreSQL ($("$PGBIN/postgres" --version)) on 127.0.0.1:$PG_PORT in $WORK"
[[ $(id -u) -eq 0 ]] && chown postgres: "$WORK"
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C --no-sync >"$WORK/initdb.log"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$WORK/pg.log" -w -t 60 start \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK" >/dev/null
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres)
# The table lives in its own schema, found through the database's search_path: the gateway's
# Flyway refuses to migrate a non-empty "public" schema that has no history table.
"${PSQL[@]}" <<SQL
CREATE SCHEMA bench;
ALTER DATABASE postgres SET search_path = "\$user", public, bench;
CREATE TABLE bench.bench_item (id int PRIMARY KEY, name text NOT NULL, price numeric(10, 2) NOT NULL);
INSERT INTO bench.bench_item SELECT i, 'item ' || i, round((random() * 1000)::numeric, 2) FROM generate_series(1, $ROWS) i;
VACUUM ANALYZE bench.bench_item;
SQL

# --- 2. baseline: the pool, in process -------------------------------------------------------
TABLE=()     # rows of the summary table
CPU_TABLE=() # rows of the CPU table
for mode in $DIRECT_MODES; do
  log "baseline ($mode): PgBuilder pool=$POOL_SIZE, $CONCURRENCY in flight, ${WARMUP}s warm-up + ${DURATION}s"
  java -cp "$WORK/classes:$CP" -Dmode="$mode" -Dpg.port="$PG_PORT" -Dpool.size="$POOL_SIZE" \
    -Dconcurrency="$CONCURRENCY" -Drows="$ROWS" -Dwarmup.seconds="$WARMUP" -Dduration.seconds="$DURATION" \
    -Dlogback.configurationFile="$ROOT/bench/logback-bench.xml" \
    bench.DirectPoolBench >"$WORK/direct-$mode.txt" 2>&1 &
  pid=$!
  start=$(later "$EPOCHREALTIME" "$WARMUP")  # about when the JVM's measured window starts
  sleep_until "$(later "$start" 1)"
  t0=$EPOCHREALTIME; c0=$(cpu_ticks "$pid"); p0=$(cpu_ticks $(pg_pids))
  sleep_until "$(later "$start" $((DURATION - 2)))"
  t1=$EPOCHREALTIME; c1=$(cpu_ticks "$pid"); p1=$(cpu_ticks $(pg_pids))
  elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
  wait "$pid" || { cat "$WORK/direct-$mode.txt" >&2; die "the baseline ($mode) failed"; }
  result=$(grep '^RESULT ' "$WORK/direct-$mode.txt") || die "no RESULT line from the baseline"
  log "baseline ($mode): $result"
  field() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$result"; }
  label="direct pool, in process"
  [[ $mode == pool ]] || label="direct pool, in process, mode $mode"
  TABLE+=("$(printf '| %s | %.0f | %.2f | %.2f | %s |' "$label" "$(field rps)" "$(field p50_ms)" "$(field p99_ms)" "$(field requests)")")
  CPU_TABLE+=("| $label | $(cpu_use $((c1 - c0)) "$elapsed" "$(field rps)") (the bench JVM) | - | $(cpu_use $((p1 - p0)) "$elapsed" "$(field rps)") |")
  if [[ $mode == pool ]]; then D_RPS=$(field rps); fi
done

# --- 3. through the gateway -------------------------------------------------------------------
GW_PORT=$(free_port)
log "starting the gateway on 127.0.0.1:$GW_PORT (DB_POOL_SIZE=$POOL_SIZE)"
gateway_start "$WORK/gateway.log" "$JAR" "$GW_PORT" -- \
  DB_TYPE=postgresql DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" DB_NAME=postgres DB_USER=postgres DB_PASS=unused \
  DB_POOL_SIZE="$POOL_SIZE"
URL=http://127.0.0.1:$GW_PORT

# One request by hand: it must answer 200 with the row asked for.
reply=$(curl -s -w '\n%{http_code}' -H 'Content-Type: application/json' \
  -d '{"sql":"SELECT id, name, price FROM bench_item WHERE id = ?","params":[42]}' "$URL/v1/query")
[[ ${reply##*$'\n'} == 200 && $reply == *'"item 42"'* ]] || die "unexpected answer to a sample query: $reply"

export BENCH_ROWS=$ROWS
WRK=(wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -s bench/query.lua)
log "gateway: wrk warm-up ${WARMUP}s"
"${WRK[@]}" -d"${WARMUP}s" "$URL/v1/query" >"$WORK/wrk-warmup.txt"
log "gateway: ${WRK[*]} -d${DURATION}s --latency $URL/v1/query"
"${WRK[@]}" -d"${DURATION}s" --latency "$URL/v1/query" >"$WORK/wrk.txt" &
WRK_PID=$!
start=$EPOCHREALTIME
sleep_until "$(later "$start" 1)"
t0=$EPOCHREALTIME; w0=$(cpu_ticks "$WRK_PID"); g0=$(cpu_ticks "$GW_PID"); p0=$(cpu_ticks $(pg_pids))
sleep_until "$(later "$start" $((DURATION - 2)))"
t1=$EPOCHREALTIME; w1=$(cpu_ticks "$WRK_PID"); g1=$(cpu_ticks "$GW_PID"); p1=$(cpu_ticks $(pg_pids))
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
wait "$WRK_PID" || die "wrk failed"
cat "$WORK/wrk.txt" >&2

G_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk.txt")
G_N=$(awk '/requests in/ { print $1 }' "$WORK/wrk.txt")
G_P50=$(to_ms "$(awk '/Latency Distribution/ { d = 1 } d && $1 == "50%" { print $2; exit }' "$WORK/wrk.txt")")
G_P99=$(to_ms "$(awk '/Latency Distribution/ { d = 1 } d && $1 == "99%" { print $2; exit }' "$WORK/wrk.txt")")
NON2XX=$(awk -F': *' '/Non-2xx or 3xx responses/ { print $2 }' "$WORK/wrk.txt")
SOCKET_ERRORS=$(awk -F': *' '/Socket errors/ { print $2 }' "$WORK/wrk.txt")
[[ -n $G_RPS && -n $G_P99 ]] || die "cannot parse wrk's output"
TABLE+=("$(printf '| gateway, HTTP via wrk | %.0f | %.2f | %.2f | %s |' "$G_RPS" "$G_P50" "$G_P99" "$G_N")")
CPU_TABLE+=("| gateway, HTTP via wrk | $(cpu_use $((w1 - w0)) "$elapsed" "$G_RPS") (wrk) | $(cpu_use $((g1 - g0)) "$elapsed" "$G_RPS") | $(cpu_use $((p1 - p0)) "$elapsed" "$G_RPS") |")

# --- 4. summary ---------------------------------------------------------------------------------
RATIO=$(awk -v g="$G_RPS" -v d="$D_RPS" 'BEGIN { printf "%.2f", g / d }')
verdict() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "MISSED"; fi; }
{
  echo "# DB Gateway benchmark, $STAMP"
  echo
  echo "Primary-key SELECT (\`SELECT id, name, price FROM bench_item WHERE id = ?\`, random id of $ROWS rows),"
  echo "$CONCURRENCY requests in flight, pool size $POOL_SIZE, ${WARMUP}s warm-up then ${DURATION}s measured."
  echo
  echo "| | req/s | p50 (ms) | p99 (ms) | requests |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s\n' "${TABLE[@]}"
  echo
  echo "- gateway/direct throughput: **$RATIO** (target ≥ 0.5: $(verdict "$RATIO >= 0.5"))"
  echo "- gateway p99: **$G_P99 ms** (target < 10 ms: $(verdict "$G_P99 < 10"))"
  echo "- non-2xx responses: ${NON2XX:-0}; socket errors: ${SOCKET_ERRORS:-none}"
  echo
  echo "CPU in cores (and µs of CPU per request), sampled inside the measured window:"
  echo
  echo "| | load generator | gateway | PostgreSQL |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${CPU_TABLE[@]}"
  echo
  echo "Machine (the load generator, the gateway and PostgreSQL share it):"
  echo
  echo '```'
  echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "command:  $COMMAND"
  echo "jar:      $JAR, built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC'); HEAD of the working tree: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc:    $(nproc)"
  echo "cpu:      $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "kernel:   $(uname -sr)"
  echo "load avg: $(cut -d' ' -f1-3 /proc/loadavg) (at the end; other work on the machine shows here)"
  echo "postgres: $("$PGBIN/postgres" --version)"
  echo "wrk:      $(wrk -v 2>&1 | head -1)"
  java -version 2>&1 | sed 's/^/java:     /'
  free -g
  echo '```'
} | tee "$RESULTS"

if [[ $PROFILE == 1 ]]; then
  # Profilers slow the gateway down (JFR's "profile" settings by several times on 2 cores), so this
  # runs after the measured run, under the same load again.
  prof=${RESULTS%.md}-gateway-profile.txt
  secs=$((DURATION - 4))
  log "profiling the gateway for ${secs}s under the same load"
  "${WRK[@]}" -d"${DURATION}s" "$URL/v1/query" >"$WORK/wrk-profile.txt" &
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
fi
log "written to $RESULTS"

[[ -z $NON2XX ]] || die "$NON2XX responses were not 2xx"
