#!/usr/bin/env bash
# Crash durability: starts the server jar against the machine's PostgreSQL (its own database, dawg_crash, created
# and dropped here) and Redis, drives a burst of concurrent PUT/PATCH writes recording every acknowledged version,
# kill -9s the server mid-burst, restarts it, and checks that every acknowledged write is there (version and
# content) and that no refused write is.
#
#   src/load/crash-test.sh                 # WRITERS=16 projects, kill after KILL_AFTER=8 s
#
# Needs psql and curl, PostgreSQL on PGHOST:PGPORT (trust auth as PGUSER), Redis on REDIS_URL, python3.
# Output: target/crash/report.txt (and the server logs beside it). Exit status 0 only when nothing was lost.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${PORT:-18091}
WRITERS=${WRITERS:-16}
KILL_AFTER=${KILL_AFTER:-8}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DB=dawg_crash
WORK=target/crash
BASE=http://127.0.0.1:$PORT
say() { printf '==> %s\n' "$*"; }
for tool in psql curl python3; do command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }; done

JAR=$(ls target/dawg-server-*.jar 2>/dev/null | head -1 || true)
if [ -z "$JAR" ]; then
  say "Building the server jar"
  ./mvnw -B -q -DskipTests package
  JAR=$(ls target/dawg-server-*.jar | head -1)
fi
mkdir -p "$WORK" && rm -rf "$WORK/data" "$WORK"/*.log "$WORK"/*.json

say "Fresh database $DB"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" || true
}
trap cleanup EXIT

start_server() { # log file; sets SERVER and READY_MS
  DAWG_DATA_DIR=$WORK/data SERVER_PORT=$PORT DAWG_DB_URL=postgresql://$PGHOST:$PGPORT/$DB DAWG_DB_USER=$PGUSER \
    DAWG_REDIS_URL=$REDIS_URL DAWG_RATE_LIMIT_LOGIN=100000 DAWG_RATE_LIMIT_REGISTER=100000 \
    DAWG_PROJECT_VERSION_RETENTION=100000 DAWG_JWT_SECRET=crash-test-secret-0123456789abcdef0123456789 \
    java ${JAVA_OPTS:--Xmx512m} -jar "$JAR" > "$1" 2>&1 &
  SERVER=$!
  local started; started=$(date +%s%N)
  until curl -fs "$BASE/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 "$SERVER" 2>/dev/null || { echo "The server died; see $1" >&2; exit 1; }
    sleep 0.1
  done
  READY_MS=$(( ($(date +%s%N) - started) / 1000000 ))
}

say "Starting the server on port $PORT"
start_server "$WORK/server-1.log"
say "Healthy after ${READY_MS} ms"

say "Burst: $WRITERS writers, kill -9 after ${KILL_AFTER} s"
python3 src/load/crash_writers.py burst "$BASE" "$WRITERS" "$WORK/journal.json" &
DRIVER=$!
sleep "$KILL_AFTER"
kill -9 "$SERVER"
killed_at=$(date +%s%N)
wait "$SERVER" 2>/dev/null || true
SERVER=
wait "$DRIVER"

say "Restarting"
start_server "$WORK/server-2.log"
restart_ms=$READY_MS
since_kill_ms=$(( ($(date +%s%N) - killed_at) / 1000000 ))
say "Healthy again after ${restart_ms} ms (${since_kill_ms} ms after the kill)"

python3 src/load/crash_writers.py verify "$BASE" "$WRITERS" "$WORK/journal.json" | tee "$WORK/report.txt"
echo "restart: healthy ${restart_ms} ms after start, ${since_kill_ms} ms after kill -9" | tee -a "$WORK/report.txt"
grep -q "^RESULT: OK" "$WORK/report.txt"
