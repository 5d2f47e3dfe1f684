#!/usr/bin/env bash
# The ceilings the performance issue compares the server with, measured on this machine with the same tools:
# PostgreSQL reading and updating one ~50 KB project document (pgbench, 8 clients, 10,000 projects), a bare
# Reactor Netty server answering fixed 50 KB and 100-byte bodies (wrk, 1 thread, 64 connections), and Redis
# PUBLISH (redis-benchmark, no pipelining). Each is run RUNS times; the median goes to target/load/ceilings.md.
#
#   src/load/ceilings.sh
#
# Needs pgbench, psql, wrk and redis-benchmark (Debian: postgresql-client wrk redis-tools), PostgreSQL on
# PGHOST:PGPORT (trust auth as PGUSER) and Redis on REDIS_HOST:REDIS_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
DURATION=${DURATION:-10}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_HOST=${REDIS_HOST:-127.0.0.1} REDIS_PORT=${REDIS_PORT:-6379}
NETTY_PORT=${NETTY_PORT:-18099}
DB=${CEILING_DB:-dawg_ceilings}
WORK=target/load
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }

say "Fresh database $DB with 10,000 projects of ~50 KB, as JSONB and as text"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql -q -d "$DB" <<'SQL'
CREATE TABLE doc AS SELECT jsonb_build_object('tempo', 120, 'tracks', (SELECT jsonb_agg(jsonb_build_object('id', 't' || t,
    'name', 'Track ' || t, 'volume', 0.8, 'clips', (SELECT jsonb_agg(jsonb_build_object('id', 'c' || t || '-' || c, 'start', c * 4,
    'notes', (SELECT jsonb_agg(jsonb_build_object('pitch', 40 + (n * 7) % 40, 'start', n * 0.25, 'len', 0.25, 'vel', 64 + n % 60))
    FROM generate_series(1, 8) n))) FROM generate_series(1, 6) c))) FROM generate_series(1, 17) t)) AS data;
CREATE TABLE projects (id int PRIMARY KEY, version int NOT NULL, title text, data jsonb, data_text text);
INSERT INTO projects SELECT g, 1, 'Song ' || g, doc.data, doc.data::text FROM generate_series(1, 10000) g, doc;
VACUUM ANALYZE projects;
SQL
echo "document size: $(psql -qAt -d "$DB" -c "SELECT octet_length(data::text) FROM projects WHERE id = 1") bytes"

pg() { # name, sql
  printf '\\set id random(1, 10000)\n%s\n' "$2" > "$WORK/ceiling-$1.sql"
  for run in $(seq 1 "$RUNS"); do
    pgbench -n -c 8 -j 2 -T "$DURATION" -f "$WORK/ceiling-$1.sql" "$DB" 2>/dev/null | awk '/^tps/ {printf "%.0f\n", $3}'
  done | median
}
say "pgbench"
jsonb=$(pg jsonb "SELECT data FROM projects WHERE id = :id;")
text=$(pg text "SELECT data_text FROM projects WHERE id = :id;")
meta=$(pg meta "SELECT id, version, title FROM projects WHERE id = :id;")
# The new document arrives as text and is parsed into JSONB, as a client's would be.
update=$(pg update "UPDATE projects SET data = (SELECT data_text FROM projects WHERE id = 1)::jsonb, version = version + 1 WHERE id = :id AND version = (SELECT version FROM projects WHERE id = :id);")

say "Bare Reactor Netty"
[ -f target/classpath.txt ] || ./mvnw -B -q dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
java -cp "$(cat target/classpath.txt)" src/load/BareNetty.java "$NETTY_PORT" > "$WORK/bare-netty.log" 2>&1 &
NETTY=$!
trap 'kill $NETTY 2>/dev/null || true' EXIT
until curl -fs -o /dev/null "http://127.0.0.1:$NETTY_PORT/small"; do sleep 0.2; done
bare() { # path
  wrk -t1 -c64 -d5s "http://127.0.0.1:$NETTY_PORT$1" > /dev/null
  for run in $(seq 1 "$RUNS"); do
    wrk -t1 -c64 -d"${DURATION}s" "http://127.0.0.1:$NETTY_PORT$1" | awk '/Requests\/sec/ {printf "%.0f\n", $2}'
  done | median
}
big=$(bare /big)
small=$(bare /small)

say "Redis PUBLISH"
publish=$(for run in $(seq 1 "$RUNS"); do
  redis-benchmark -h "$REDIS_HOST" -p "$REDIS_PORT" -n 200000 -c 50 -q PUBLISH ceiling-channel "an event of about one hundred bytes, as a like or a comment event would be on the wire ...." \
    | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | awk '{printf "%.0f\n", $1}' | tail -1
done | median)

{
  echo "| ceiling | tool | median of $RUNS |"
  echo "|---|---|---|"
  echo "| one 50 KB document by id from a JSONB column | pgbench, 8 clients | $jsonb rows/s |"
  echo "| the same bytes from a text column | pgbench, 8 clients | $text rows/s |"
  echo "| metadata only | pgbench, 8 clients | $meta rows/s |"
  echo "| conditional UPDATE of a 50 KB document | pgbench, 8 clients | $update updates/s |"
  echo "| bare Reactor Netty, fixed 50 KB body | wrk, 1 thread, 64 connections | $big req/s |"
  echo "| bare Reactor Netty, fixed 100-byte body | wrk, 1 thread, 64 connections | $small req/s |"
  echo "| Redis PUBLISH, no pipelining | redis-benchmark, 50 clients | $publish /s |"
  echo
  echo "$(nproc) cores; $(date -u +%F); load average before: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$WORK/ceilings.md"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB"
