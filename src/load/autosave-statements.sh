#!/usr/bin/env bash
# Where an autosave write's time goes in PostgreSQL: the write statement of main (dawg_document's jsonb check and a
# 50 KB snapshot row), of a PUT now (json only, the snapshot row), of a PATCH now (json only, a small delta row) and
# their parts, each with pgbench (8 clients, the 16 autosave projects, the seeded 50 KB document), interleaved, twice.
# Run it on the database src/load/run.sh leaves behind (LOAD_DB, default dawg_load) after a run of this branch's jar.
#
#   LOAD_DB=dawg_load src/load/autosave-statements.sh
set -euo pipefail
cd "$(dirname "$0")/profile"
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
D=${LOAD_DB:-dawg_load}
psql -q -d "$D" <<'SQL'
DROP TABLE IF EXISTS bench_ids; DROP TABLE IF EXISTS bench_doc;
CREATE TABLE bench_ids AS SELECT row_number() OVER (ORDER BY id) AS n, id, owner_id FROM projects WHERE title LIKE 'Load song autosave%' LIMIT 16;
CREATE TABLE bench_doc AS SELECT project_data::text AS doc FROM projects WHERE title LIKE 'Load song autosave%' LIMIT 1;
SQL
# full: main's statement; new-put / new-patch: this branch's; noversion / nojsonb: main's without the version row, and
# that without dawg_document; metaonly: the UPDATE without the document.
for round in 1 2; do
  for f in full new-put new-patch noversion nojsonb metaonly; do
    echo "$round $f $(pgbench -n -c 8 -j 2 -T "${DURATION:-8}" -f "$f.sql" "$D" 2>&1 | awk '/^tps/ {printf "%.0f tps", $3}')"
  done
done
psql -q -d "$D" -c "DROP TABLE bench_ids" -c "DROP TABLE bench_doc"
