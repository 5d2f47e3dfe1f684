#!/usr/bin/env bash
# Time from process start to healthy (readiness UP) against the machine's PostgreSQL and Redis, for the
# packaged jar as it is and for the same application extracted with a class-data-sharing archive (CDS, made
# by one training run). Each is started RUNS times; the medians go to target/load/startup.md.
#
#   src/load/startup.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
PORT=${PORT:-18093}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DB=${STARTUP_DB:-dawg_startup}
WORK=target/load
EXTRACTED=$WORK/cds
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }
JAR=$(ls target/dawg-server-*.jar 2>/dev/null | head -1 || true)
[ -n "$JAR" ] || { ./mvnw -B -q -DskipTests package; JAR=$(ls target/dawg-server-*.jar | head -1); }

psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DAWG_DATA_DIR=$WORK/startup-data SERVER_PORT=$PORT DAWG_DB_URL=postgresql://$PGHOST:$PGPORT/$DB DAWG_DB_USER=$PGUSER \
  DAWG_REDIS_URL=$REDIS_URL
started_ms() { # command...: milliseconds from launch to readiness UP
  local started pid
  started=$(date +%s%N)
  "$@" > "$WORK/startup-server.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" > /dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { echo "the server died; see $WORK/startup-server.log" >&2; exit 1; }
    sleep 0.05
  done
  echo $(( ($(date +%s%N) - started) / 1000000 ))
  kill $pid; wait $pid 2>/dev/null || true
}

say "Migrating once, so that no run below pays for it"
started_ms java -jar "$JAR" > /dev/null

say "Packaged jar"
plain=$(for run in $(seq 1 "$RUNS"); do started_ms java -jar "$JAR"; done | median)

say "Extracted, with a CDS archive from a training run"
rm -rf "$EXTRACTED"
java -Djarmode=tools -jar "$JAR" extract --destination "$EXTRACTED" > /dev/null
APP=$EXTRACTED/$(basename "$JAR")
java -XX:ArchiveClassesAtExit="$EXTRACTED/app.jsa" -Dspring.context.exit=onRefresh -jar "$APP" > "$WORK/startup-training.log" 2>&1 || true
cds=$(for run in $(seq 1 "$RUNS"); do started_ms java -XX:SharedArchiveFile="$EXTRACTED/app.jsa" -jar "$APP"; done | median)

{
  echo "| start | start to healthy, ms (median of $RUNS) |"
  echo "|---|---|"
  echo "| \`java -jar\` (packaged jar) | $plain |"
  echo "| extracted + CDS archive | $cds |"
  echo
  echo "External PostgreSQL and Redis, embedded S3; $(nproc) cores; $(date -u +%F); load average: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$WORK/startup.md"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB"
