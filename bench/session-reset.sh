#!/usr/bin/env bash
# What the session reset of issue #11 costs. One command:
#
#   bash bench/session-reset.sh
#
# It starts its own PostgreSQL with pgbench's tables (as bench/run.sh does) and two gateways on it, the
# same jar and settings (DB_POOL_SIZE=BENCH_POOL_SIZE) but for GATEWAY_SESSION_RESET: "auto" (the
# default: a session is reset only after work whose SQL may have changed it, so never for this load) and
# "always" (after every unit: one more message per request, ROLLBACK; CLOSE ALL; ...; RESET ALL). Both warm
# up for BENCH_WARMUP seconds; then BENCH_ROUNDS rounds measure each in turn for BENCH_DURATION seconds
# under wrk -t2 -cBENCH_CONCURRENCY with bench/query.lua (the point select of bench/run.sh). It reports,
# per side, the median req/s and p99, the CPU per request of the gateway and of PostgreSQL, and the ratio
# always/auto. It also times sql.SessionEffects (bench/src/bench/SessionEffectsBench.java): the one cost
# "auto" adds to every statement. Written to bench/results/<UTC timestamp>-session-reset.md (git-ignored).
#
# Knobs: BENCH_WARMUP (20 s), BENCH_DURATION (10 s), BENCH_ROUNDS (3), BENCH_CONCURRENCY (32),
# BENCH_POOL_SIZE (16), BENCH_JAR (target/db-gateway.jar, built if missing).
set -euo pipefail

cd "$(dirname "$0")/.."
log() { echo "[reset-bench] $*" >&2; }
die() { log "FAIL: $*"; exit 1; }
source bench/lib.sh

WARMUP=${BENCH_WARMUP:-20}
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONCURRENCY=${BENCH_CONCURRENCY:-32}
POOL_SIZE=${BENCH_POOL_SIZE:-16}
JAR=${BENCH_JAR:-target/db-gateway.jar}
COMMAND=$(bench_command bench/session-reset.sh)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for tool in wrk curl psql pgbench java javac; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

WORK=$(mktemp -d /tmp/dbgw-reset.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_jar "$JAR"
javac -d "$WORK/classes" -cp "$JAR" bench/src/bench/SessionEffectsBench.java
LEXICAL=$(java -cp "$JAR:$WORK/classes" bench.SessionEffectsBench)

pg_start "$WORK"
"${PSQL[@]}" <<SQL
CREATE SCHEMA bench;
ALTER DATABASE postgres SET search_path = "\$user", public, bench;
SQL
PGOPTIONS="-c search_path=bench" pgbench -i -q -s 1 "${PG[@]}" postgres >"$WORK/pgbench-init.log" 2>&1 \
  || { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }
"${PSQL[@]}" -c "VACUUM ANALYZE" >/dev/null
export BENCH_ACCOUNTS=100000

declare -A PORT PID
for mode in auto always; do
  PORT[$mode]=$(free_port)
  gateway_start "$WORK/gateway-$mode.log" "$JAR" "${PORT[$mode]}" -- DB_TYPE=postgresql DB_HOST=127.0.0.1 \
    DB_PORT="$PG_PORT" DB_NAME=postgres DB_USER=postgres DB_PASS=unused DB_POOL_SIZE="$POOL_SIZE" \
    GATEWAY_SESSION_RESET="$mode"
  PID[$mode]=$GW_PID
  PIDS+=("$GW_PID")
  GW_PID=
done

# CPU ticks (user + system) of processes: ticks <pid...>
ticks() { local t=0 pid; for pid in "$@"; do t=$((t + $(awk '{ print $14 + $15 }' /proc/"$pid"/stat 2>/dev/null || echo 0))); done; echo "$t"; }
pg_procs() { local pm; read -r pm <"$PGDATA/postmaster.pid"; echo "$pm" $(pgrep -P "$pm" || true); }
HZ=$(getconf CLK_TCK)

WRK=(wrk -t2 -c"$CONCURRENCY" --latency -s bench/query.lua)
for mode in auto always; do
  log "warming up $mode for ${WARMUP}s"
  "${WRK[@]}" -d"${WARMUP}s" "http://127.0.0.1:${PORT[$mode]}/v1/query" >/dev/null
done

declare -A RPS P99 GWUS PGUS
for round in $(seq 1 "$ROUNDS"); do
  for mode in auto always; do
    procs=$(pg_procs)
    g0=$(ticks "${PID[$mode]}"); p0=$(ticks $procs)
    out=$("${WRK[@]}" -d"${DURATION}s" "http://127.0.0.1:${PORT[$mode]}/v1/query")
    g1=$(ticks "${PID[$mode]}"); p1=$(ticks $procs)
    grep -q "Non-2xx" <<<"$out" && die "$mode answered non-2xx: $out"
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    requests=$(awk '/requests in/ { print $1 }' <<<"$out")
    RPS[$mode]+="$rps "; P99[$mode]+="$p99 "
    GWUS[$mode]+="$(awk -v t=$((g1 - g0)) -v hz="$HZ" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }') "
    PGUS[$mode]+="$(awk -v t=$((p1 - p0)) -v hz="$HZ" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }') "
    log "round $round $mode: $rps req/s, p99 $p99"
  done
done

median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
REPORT=$WORK/report.md
{
  echo "## Session reset cost (issue #11), $STAMP"
  echo
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr); load before: $LOAD_BEFORE"
  echo "- command: \`$COMMAND\`"
  echo "- load: wrk -t2 -c$CONCURRENCY, the point select, ${DURATION}s per side per round, $ROUNDS rounds (medians below; every round: ${RPS[auto]}/ ${RPS[always]})"
  echo
  echo "| GATEWAY_SESSION_RESET | req/s | p99 | gateway CPU µs/request | PostgreSQL CPU µs/request |"
  echo "|---|---|---|---|---|"
  for mode in auto always; do
    echo "| $mode | $(median "${RPS[$mode]}") | $(median "${P99[$mode]}") | $(median "${GWUS[$mode]}") | $(median "${PGUS[$mode]}") |"
  done
  echo
  echo "- always / auto throughput: $(awk -v a="$(median "${RPS[always]}")" -v b="$(median "${RPS[auto]}")" 'BEGIN { printf "%.2f", a / b }')"
  echo "- reading each statement for session changes (SessionEffects, the cost of auto):"
  sed 's/^LEXICAL /  - /' <<<"$LEXICAL"
} | tee "$REPORT"
mkdir -p bench/results
cp "$REPORT" "bench/results/$STAMP-session-reset.md"
