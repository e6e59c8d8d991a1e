#!/usr/bin/env bash
# Start-up of the gateway on SQLite: wall time from launching `java -jar` to the first 200 from
# GET /health/ready, and the resident memory (VmRSS) once it has been idle a few seconds. One command:
#
#   bash bench/startup.sh
#
# Each run uses a fresh SQLite file in a temp dir (so Flyway applies every migration, as on a first
# start), a free port and a clean environment; readiness is polled every 20 ms. The variants are run
# interleaved (run 1 of each, then run 2 of each, ...) so a machine that gets busier part-way through
# slows them all alike. It prints the median, min and max of each variant, and when each start-up phase
# was logged (read from the gateway's own log timestamps, counted from the launch).
#
# Knobs (environment):
#   STARTUP_RUNS      runs per variant (5)
#   STARTUP_IDLE      seconds idle after ready before VmRSS is read (3)
#   STARTUP_JAR       the jar (target/db-gateway.jar; built when it is that and missing)
#   STARTUP_JSA       the AppCDS archive (the jar's name with .jsa: target/db-gateway.jsa)
#   STARTUP_VARIANTS  ';'-separated; each a built-in name or name=java options. Built-in:
#                       default  java @conf/jvm.options -jar (the JDK's own CDS archive for JDK classes only)
#                       cds      java -XX:SharedArchiveFile=<STARTUP_JSA> -jar (the app's AppCDS archive)
#                       noshare  java -Xshare:off -jar (no class data sharing at all)
#                     ("default; cds" when the archive exists, else "default"); e.g.
#                     STARTUP_VARIANTS='cds; serial=-XX:SharedArchiveFile=target/db-gateway.jsa -XX:+UseSerialGC'
#                     Options that end in "-jar <path>" run that jar instead of STARTUP_JAR, to compare
#                     builds: 'before=-jar /tmp/old/db-gateway.jar; after=-XX:SharedArchiveFile=... -jar ...'
#   STARTUP_JVM_OPTIONS the JVM options file every variant starts with (conf/jvm.options, as shipped);
#                     none: the JVM's own defaults
#   STARTUP_JAVA_OPTS java options added to every variant, after that file (none)
#   STARTUP_NICE      niceness of the gateway (unset: inherited). As root, a negative one (-15) lets the
#                     gateway take the CPUs from other work on a shared machine: closer to an idle one
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
source bench/lib.sh

RUNS=${STARTUP_RUNS:-5}
IDLE=${STARTUP_IDLE:-3}
JAR=${STARTUP_JAR:-target/db-gateway.jar}
JSA=${STARTUP_JSA:-${JAR%.jar}.jsa}
# The shipped JVM options (conf/jvm.options) go first, as in the README's command and the Docker image.
JVM_OPTIONS=${STARTUP_JVM_OPTIONS:-$ROOT/conf/jvm.options}
COMMON_OPTS=${STARTUP_JAVA_OPTS:-}
if [[ $JVM_OPTIONS != none ]]; then
  [[ -f $JVM_OPTIONS ]] || { echo "no JVM options file at $JVM_OPTIONS (STARTUP_JVM_OPTIONS=none measures without one)" >&2; exit 1; }
  COMMON_OPTS="@$JVM_OPTIONS${COMMON_OPTS:+ $COMMON_OPTS}"
fi
NICE=()
[[ -n ${STARTUP_NICE:-} ]] && NICE=(nice -n "$STARTUP_NICE")
CLK_TCK=$(getconf CLK_TCK)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$ROOT/bench/results"
RESULTS=$ROOT/bench/results/$STAMP-startup.md
COMMAND="$(env | { grep -E '^STARTUP_' || true; } | sort | while IFS= read -r kv; do
  printf '%s=%q ' "${kv%%=*}" "${kv#*=}"; done)bash bench/startup.sh"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

log() { echo "[startup] $*" >&2; }
die() { log "FAIL: $*"; exit 1; }

[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "STARTUP_RUNS must be a positive whole number"
for tool in curl java ss awk; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
ensure_jar "$JAR"

if [[ -n ${STARTUP_VARIANTS:-} ]]; then
  VARIANTS_SPEC=$STARTUP_VARIANTS
elif [[ -f $JSA ]]; then
  VARIANTS_SPEC="default; cds"
else
  log "no archive at $JSA (built by ./mvnw package): measuring the plain jar only"
  VARIANTS_SPEC="default"
fi

# Variant names and their java options, in order.
NAMES=()
declare -A OPTS
IFS=';' read -r -a specs <<<"$VARIANTS_SPEC"
for spec in "${specs[@]}"; do
  spec=$(echo "$spec" | sed 's/^ *//; s/ *$//')
  [[ -n $spec ]] || continue
  if [[ $spec == *=* ]]; then
    name=${spec%%=*}; opts=${spec#*=}
  else
    name=$spec
    case $name in
      default) opts="" ;;
      cds) [[ -f $JSA ]] || die "variant cds: no archive at $JSA"; opts="-XX:SharedArchiveFile=$JSA" ;;
      noshare) opts="-Xshare:off" ;;
      *) die "unknown variant '$name' (built-in: default, cds, noshare; or name=java options)" ;;
    esac
  fi
  NAMES+=("$name")
  OPTS[$name]="${COMMON_OPTS:+$COMMON_OPTS }$opts"
done
(( ${#NAMES[@]} > 0 )) || die "STARTUP_VARIANTS names no variant"

TMP=$(mktemp -d)
GW_PID=
cleanup() {
  if [[ -n $GW_PID ]] && kill -0 "$GW_PID" 2>/dev/null; then kill -KILL "$GW_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# Milliseconds between two $EPOCHREALTIME values.
ms_between() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
# Milliseconds from $1 ($EPOCHREALTIME) to the timestamp of the first log line of $2 that matches $3.
log_ms() {
  local ts
  ts=$(grep -m1 -E "$3" "$2" | sed -E 's/.*"timestamp":"([^"]+)".*/\1/') || true
  [[ -n $ts ]] || { echo "-"; return; }
  ms_between "$1" "$(date -d "$ts" +%s.%N)"
}
# CPU time (user + system, all threads) the process has used so far, in ms.
cpu_ms_of() {
  local stat f
  stat=$(cat "/proc/$1/stat"); stat=${stat##*) }; read -r -a f <<<"$stat"
  echo $(( (f[11] + f[12]) * 1000 / CLK_TCK ))
}
kb_of() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }

# One start-up: launch, poll readiness, idle, read memory, SIGTERM. Prints
#   ready_ms cpu_ms rss_mb rss_anon_mb rss_file_mb first_log_ms db_ms migrated_ms ready_log_ms
one_run() {
  local name=$1 run=$2 dir port url out t0 t1 code ready_ms cpu_ms rss anon file
  dir=$TMP/$name-$run-${3:-0}; mkdir -p "$dir"
  port=$(free_port); url=http://127.0.0.1:$port/health/ready
  out=$dir/gateway.log
  local launch="${OPTS[$name]}"
  [[ " $launch " == *" -jar "* ]] || launch+=" -jar $JAR"
  t0=$EPOCHREALTIME
  # shellcheck disable=SC2086 # the options are words
  env -i PATH="$PATH" HOME="$HOME" DB_TYPE=sqlite DB_NAME="$dir/gateway.db" GATEWAY_HTTP_PORT="$port" \
    "${NICE[@]}" java $launch >"$out" 2>&1 &
  GW_PID=$!
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)
    [[ $code == 200 ]] && break
    if ! kill -0 "$GW_PID" 2>/dev/null; then
      # Another process took the free port between the check and the bind: try again on another one.
      if grep -q "Address already in use" "$out" && (( ${3:-0} < 3 )); then
        wait "$GW_PID" 2>/dev/null || true
        GW_PID=
        log "$name: port $port was taken meanwhile; again on another port"
        one_run "$name" "$run" $(( ${3:-0} + 1 ))
        return
      fi
      cat "$out" >&2; die "$name: the gateway exited during start-up"
    fi
    (( $(ms_between "$t0" "$EPOCHREALTIME") < 60000 )) || die "$name: not ready after 60 s"
    sleep 0.02
  done
  t1=$EPOCHREALTIME
  cpu_ms=$(cpu_ms_of "$GW_PID")
  ready_ms=$(ms_between "$t0" "$t1")
  sleep "$IDLE"
  rss=$(kb_of VmRSS "$GW_PID"); anon=$(kb_of RssAnon "$GW_PID"); file=$(kb_of RssFile "$GW_PID")
  kill -TERM "$GW_PID"
  for _ in $(seq 1 300); do kill -0 "$GW_PID" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$GW_PID" 2>/dev/null && { log "$name: still running 15 s after SIGTERM; killing it"; kill -KILL "$GW_PID"; }
  wait "$GW_PID" 2>/dev/null || true
  GW_PID=
  if grep -q "Error occurred during initialization\|shared archive file.*\(mismatch\|not\)" "$out"; then
    log "$name: the JVM said: $(grep -m1 -i 'shared archive\|error occurred' "$out")"
  fi
  echo "$ready_ms $cpu_ms $((rss / 1024)) $((anon / 1024)) $((file / 1024)) $(log_ms "$t0" "$out" '"timestamp"') \
$(log_ms "$t0" "$out" 'database .* answered') $(log_ms "$t0" "$out" 'gateway tables at version') \
$(log_ms "$t0" "$out" 'DB Gateway ready')"
}

# median, min and max of the numbers given (the median of an even count is the mean of the middle two).
stats() {
  printf '%s\n' "$@" | grep -v '^-$' | sort -n | awk '{ v[NR] = $1 } END {
    if (NR == 0) { print "- - -"; exit }
    m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%.0f %s %s\n", m, v[1], v[NR] }'
}

log "$RUNS runs of: ${NAMES[*]} (interleaved); $IDLE s idle before VmRSS; jar $JAR"
declare -A READY CPU RSS ANON FILE FIRSTLOG DB MIGRATED READYLOG
for run in $(seq 1 "$RUNS"); do
  for name in "${NAMES[@]}"; do
    read -r r c m a f l d g y < <(one_run "$name" "$run")
    log "run $run $name: ready in $r ms ($c ms CPU), VmRSS $m MB (anon $a, file $f); logged: first line $l ms, database $d ms, migrated $g ms, ready $y ms"
    READY[$name]+="$r "; CPU[$name]+="$c "; RSS[$name]+="$m "; ANON[$name]+="$a "; FILE[$name]+="$f "
    FIRSTLOG[$name]+="$l "; DB[$name]+="$d "; MIGRATED[$name]+="$g "; READYLOG[$name]+="$y "
  done
done

fmt() { local m lo hi; read -r m lo hi < <(stats $1); echo "$m ($lo–$hi)"; }
{
  echo "## Start-up, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Median (min–max) of $RUNS runs each, interleaved. Ready = launch to the first 200 from /health/ready;"
  echo "CPU = user + system time of the process (all its threads) at that moment, less sensitive to a busy"
  echo "machine than the wall time. VmRSS after $IDLE s idle (RssAnon + RssFile; RssFile counts mapped jar, JDK and archive pages)."
  echo
  echo "| variant | java options | ready (ms) | CPU until ready (ms) | VmRSS (MB) | RssAnon (MB) | RssFile (MB) |"
  echo "|---|---|---:|---:|---:|---:|---:|"
  for name in "${NAMES[@]}"; do
    echo "| $name | \`${OPTS[$name]:-}\` | **$(fmt "${READY[$name]}")** | $(fmt "${CPU[$name]}") | **$(fmt "${RSS[$name]}")** | $(fmt "${ANON[$name]}") | $(fmt "${FILE[$name]}") |"
  done
  echo
  echo "When the gateway logged each phase, ms from the launch (medians; the log's clock has 1 ms steps):"
  echo
  echo "| variant | first log line (JVM, config, Vert.x) | database answered | migrations done | \"ready\" logged | first 200 |"
  echo "|---|---:|---:|---:|---:|---:|"
  for name in "${NAMES[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s |\n' "$name" "$(stats ${FIRSTLOG[$name]} | cut -d' ' -f1)" \
      "$(stats ${DB[$name]} | cut -d' ' -f1)" "$(stats ${MIGRATED[$name]} | cut -d' ' -f1)" \
      "$(stats ${READYLOG[$name]} | cut -d' ' -f1)" "$(stats ${READY[$name]} | cut -d' ' -f1)"
  done
  echo
  echo '```'
  echo "date:     $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "command:  $COMMAND"
  echo "jar:      $JAR, built $(date -u -r "$JAR" '+%Y-%m-%d %H:%M UTC'); HEAD: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  [[ -f $JSA ]] && echo "archive:  $JSA, $(( $(stat -c %s "$JSA") / 1024 / 1024 )) MB, built $(date -u -r "$JSA" '+%Y-%m-%d %H:%M UTC')"
  echo "nproc:    $(nproc)"
  echo "cpu:      $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory:   $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel:   $(uname -sr)"
  [[ -n ${STARTUP_NICE:-} ]] && echo "nice:     the gateway ran at niceness $STARTUP_NICE"
  echo "load avg: $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after (other work on the machine shows here)"
  java -version 2>&1 | sed 's/^/java:     /'
  [[ $JVM_OPTIONS != none ]] && echo "options:  $JVM_OPTIONS: $(grep -v '^#' "$JVM_OPTIONS" | sed 's/ *#.*//' | tr '\n' ' ')"
  echo '```'
} | tee "$RESULTS"
log "written to $RESULTS"
