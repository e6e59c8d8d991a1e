#!/usr/bin/env bash
# The soak of issue #11: a healthy PostgreSQL under sustained mixed load must never look failed. One
# command:
#
#   bash bench/soak.sh
#
# It starts its own PostgreSQL (as bench/run.sh does: bench/lib.sh pg_start), loads pgbench's tables
# (scale 1) into the schema "bench", and starts the gateway jar with DB_POOL_SIZE=10 and every other
# setting at its default, with two API keys: "app" and "leaky". Then, for SOAK_DURATION seconds (600):
#   - wrk -t2 -c16 with bench/mixed.lua as the "app" key: 60 % point selects, 20 % inserts with an
#     Idempotency-Key, 10 % batches of 3, 10 % two-statement transactions; run as two halves, each
#     reported on its own (throughput, p99);
#   - beside it, as the "leaky" key, a slow loop of interactive transactions (begin, one insert, commit),
#     one in ten left open and abandoned (the gateway rolls it back after GATEWAY_TX_IDLE_TIMEOUT_MS),
#     and a 5,000-row NDJSON stream every SOAK_STREAM_EVERY seconds (5).
# It reports every answer by key, status and problem code; the heap after a full GC and the RSS at the
# start and at the end; once the idle timeouts have passed, the pool's connections in use and the open
# transactions (both should be 0); and how many times the circuit breaker opened (should be 0). The goal
# on a healthy database: no non-2xx answer except 429s to the leaking key. The report is printed and
# written to bench/results/<UTC timestamp>-soak.md (git-ignored), with the machine and the command.
#
# Knobs: SOAK_DURATION (600 s), SOAK_STREAM_EVERY (5 s), BENCH_JAR (target/db-gateway.jar, built if
# missing). Needs wrk, curl, psql, pgbench, jcmd and the PostgreSQL server binaries. Exits non-zero when
# the breaker opened, the pool or the transactions did not come back to 0, or an answer other than 2xx,
# the leaky key's 429, or documented shedding (503 at capacity) was seen.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
log() { echo "[soak] $*" >&2; }
die() { log "FAIL: $*"; exit 1; }
source bench/lib.sh

DURATION=${SOAK_DURATION:-600}
STREAM_EVERY=${SOAK_STREAM_EVERY:-5}
JAR=${BENCH_JAR:-target/db-gateway.jar}
COMMAND=$(bench_command bench/soak.sh)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
APP=soak-app-secret-0123456789
LEAKY=soak-leaky-secret-0123456789
HALF=$((DURATION / 2))
(( HALF >= 5 )) || die "SOAK_DURATION must be at least 10 (s)"
for tool in wrk curl psql pgbench jcmd java; do command -v "$tool" >/dev/null || die "$tool is not installed"; done

WORK=$(mktemp -d /tmp/dbgw-soak.XXXXXX)
GW_PID=
SIDE_PID=
cleanup() {
  [[ -z $SIDE_PID ]] || kill "$SIDE_PID" 2>/dev/null || true
  gateway_stop
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ensure_jar "$JAR"
pg_start "$WORK"
"${PSQL[@]}" <<SQL
CREATE SCHEMA bench;
ALTER DATABASE postgres SET search_path = "\$user", public, bench;
CREATE TABLE bench.bench_mixed (id bigserial PRIMARY KEY, k text NOT NULL, v int NOT NULL);
SQL
PGOPTIONS="-c search_path=bench" pgbench -i -q -s 1 "${PG[@]}" postgres >"$WORK/pgbench-init.log" 2>&1 \
  || { cat "$WORK/pgbench-init.log" >&2; die "pgbench -i failed"; }

PORT=$(free_port)
URL=http://127.0.0.1:$PORT
log "starting the gateway on $URL (DB_POOL_SIZE=10, defaults otherwise)"
gateway_start "$WORK/gateway.log" "$JAR" "$PORT" -- DB_TYPE=postgresql DB_HOST=127.0.0.1 DB_PORT="$PG_PORT" \
  DB_NAME=postgres DB_USER=postgres DB_PASS=unused DB_POOL_SIZE=10 GATEWAY_API_KEYS="app:write:$APP,leaky:write:$LEAKY"

# "heap MB after a full GC" and "RSS MB" of the gateway.
memory() {
  jcmd "$GW_PID" GC.run >/dev/null
  local heap rss
  heap=$(jcmd "$GW_PID" GC.heap_info | awk '/ used / { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub("K,?", "", v); print int(v / 1024); exit } }')
  rss=$(awk '/^VmRSS:/ { print int($2 / 1024) }' /proc/"$GW_PID"/status)
  echo "$heap $rss"
}
# The value of a metric (summed over its series matching the label filter): metric <name> [<filter>].
metric() {
  curl -s "$URL/metrics" | awk -v name="$1" -v filter="${2:-}" '
    $1 ~ "^" name "([{]|$)" && index($1, filter) { total += $NF } END { print total + 0 }'
}

# A short warm-up, then the start figures.
BENCH_BEARER=$APP BENCH_KEY_PREFIX="w$STAMP" wrk -t2 -c16 -d10s -s bench/mixed.lua "$URL" >/dev/null
read -r HEAP_START RSS_START <<<"$(memory)"
OPENED_START=$(metric dbgateway_breaker_opened_total)

# The leaking key's loop, in the background: every answer appended to $WORK/leaky.txt as "status[ code]".
leaky_loop() {
  local auth="Authorization: Bearer $LEAKY" json="Content-Type: application/json" i=0 next_stream=0 out tx status
  while :; do
    out=$(curl -s -w '\n%{http_code}' -X POST "$URL/v1/transactions" -H "$auth" -H "$json" -d '{}')
    status=${out##*$'\n'}
    answer "$status" "${out%$'\n'*}"
    if [[ $status == 200 ]]; then
      tx=$(sed -nE 's/.*"txId" *: *"([^"]+)".*/\1/p' <<<"${out%$'\n'*}")
      out=$(curl -s -w '\n%{http_code}' "$URL/v1/query" -H "$auth" -H "$json" \
        -d "{\"sql\":\"INSERT INTO bench_mixed (k, v) VALUES (?, ?)\",\"params\":[\"leaky-$STAMP-$i\",$i],\"txId\":\"$tx\"}")
      answer "${out##*$'\n'}" "${out%$'\n'*}"
      if (( i % 10 != 9 )); then
        out=$(curl -s -w '\n%{http_code}' -X POST "$URL/v1/transactions/$tx/commit" -H "$auth")
        answer "${out##*$'\n'}" "${out%$'\n'*}"
      fi
    fi
    if (( SECONDS >= next_stream )); then
      out=$(curl -s -w '\n%{http_code}' "$URL/v1/query" -H "$auth" -H "$json" -H 'Accept: application/x-ndjson' \
        -d '{"sql":"SELECT aid, abalance FROM pgbench_accounts WHERE aid <= 5000 ORDER BY aid","maxRows":5000}')
      status=${out##*$'\n'}
      answer "$status" "${out%$'\n'*}"
      [[ $status != 200 || $(grep -c '^{' <<<"${out%$'\n'*}") == 5002 ]] || echo "stream:cut-short" >>"$WORK/leaky.txt"
      next_stream=$((SECONDS + STREAM_EVERY))
    fi
    i=$((i + 1))
    sleep 0.2
  done
}
answer() {
  local code=
  [[ $1 == 2* ]] || code=:$(sed -nE 's/.*"code" *: *"([A-Z_]+)".*/\1/p' <<<"$2" | head -1)
  echo "$1$code" >>"$WORK/leaky.txt"
}
leaky_loop &
SIDE_PID=$!

# The app key's load, in two halves.
HALVES=()
for half in 1 2; do
  log "half $half: wrk -t2 -c16 for ${HALF}s"
  BENCH_BEARER=$APP BENCH_COUNT_ANSWERS=1 BENCH_KEY_PREFIX="h$half$STAMP" \
    wrk -t2 -c16 -d"${HALF}s" --latency -s bench/mixed.lua "$URL" >"$WORK/wrk-$half.txt"
  rps=$(awk '/^Requests\/sec:/ { print $2 }' "$WORK/wrk-$half.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$WORK/wrk-$half.txt")
  answers=$(sed -n 's/^ANSWERS //p' "$WORK/wrk-$half.txt")
  HALVES+=("| $half | $rps | $p99 | $answers |")
done
kill "$SIDE_PID" 2>/dev/null || true
wait "$SIDE_PID" 2>/dev/null || true
SIDE_PID=

log "load done; waiting for the abandoned transactions' idle timeout (30 s) and the pool to settle"
sleep 40
IN_USE=$(metric vertx_pool_in_use 'pool_type="sql"')
TX_OPEN=$(metric dbgateway_transactions_open)
OPENED=$(( $(metric dbgateway_breaker_opened_total) - OPENED_START ))
read -r HEAP_END RSS_END <<<"$(memory)"
LEAKY_ANSWERS=$(sort "$WORK/leaky.txt" | uniq -c | awk '{ printf "%s%s=%s", sep, $2, $1; sep = " " }')

# Every kind of answer that is not allowed: the app key's non-2xx other than shedding, the leaky key's
# other than 429 and shedding, and any stream cut short.
BAD=$( { for row in "${HALVES[@]}"; do awk -F'|' '{ print $5 }' <<<"$row" | tr ' ' '\n'; done
         tr ' ' '\n' <<<"$LEAKY_ANSWERS"; } | awk -F= 'NF == 2 && $1 !~ /^2/ && $1 != "429:RATE_LIMITED" && $1 != "503:UNAVAILABLE"' | tr '\n' ' ')
SHED=$( { for row in "${HALVES[@]}"; do awk -F'|' '{ print $5 }' <<<"$row" | tr ' ' '\n'; done; } | awk -F= '$1 == "503:UNAVAILABLE" { n += $2 } END { print n + 0 }')

mkdir -p bench/results
REPORT=bench/results/$STAMP-soak.md
{
  echo "# DB Gateway soak, $STAMP"
  echo
  echo "Command: \`$COMMAND\`. ${DURATION}s of load; load average before: $LOAD_BEFORE."
  echo
  echo "## The app key: wrk -t2 -c16, bench/mixed.lua"
  echo
  echo "| half | req/s | p99 | answers (status:code=count) |"
  echo "|---|---:|---:|---|"
  printf '%s\n' "${HALVES[@]}"
  echo
  echo "## The leaking key: interactive transactions, one in ten abandoned; a 5,000-row stream every ${STREAM_EVERY}s"
  echo
  echo "Answers: $LEAKY_ANSWERS"
  echo
  echo "## After"
  echo
  echo "| figure | start | end |"
  echo "|---|---:|---:|"
  echo "| heap after a full GC (MB) | $HEAP_START | $HEAP_END |"
  echo "| RSS (MB) | $RSS_START | $RSS_END |"
  echo
  echo "- connections in use 40 s after the load: $IN_USE (goal 0)"
  echo "- interactive transactions open then: $TX_OPEN (goal 0)"
  echo "- circuit-breaker openings during the soak: $OPENED (goal 0)"
  echo "- the app key's answers shed with 503 (pool at capacity): $SHED"
  echo "- answers outside the goal: ${BAD:-none}"
  echo
  echo '```'
  echo "date:    $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "jar:     $JAR, HEAD $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "nproc:   $(nproc); $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "load:    $LOAD_BEFORE before; $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "postgres: $("$PGBIN/postgres" --version)"
  java -version 2>&1 | head -1 | sed 's/^/java:    /'
  echo '```'
} >"$REPORT"
cat "$REPORT"
log "written to $REPORT"

[[ $OPENED == 0 ]] || die "the circuit breaker opened $OPENED time(s) on a healthy database"
[[ $IN_USE == 0 && $TX_OPEN == 0 ]] || die "the gateway did not come back to idle (in use $IN_USE, transactions $TX_OPEN)"
[[ -z $BAD ]] || die "answers outside the goal: $BAD"
