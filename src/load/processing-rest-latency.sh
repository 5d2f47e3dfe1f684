#!/usr/bin/env bash
# REST latency while audio is processed (issue 19: "the REST p99 while a batch of 20 is processed").
#
# Starts the packaged server against the machine's PostgreSQL and Redis (processing on, one worker thread), signs
# up a user, creates a public project with a ~50 KB document, and measures a GET of that project with wrk twice:
# idle, then right after 20 one-minute WAVs were uploaded, while their processing jobs run. The GETs carry an
# X-Request-Id of their own, so the in-memory shortcut (projects.CachedReadFastPath) passes them on and every one
# goes the full framework path (filter chain, security, handler) that the workers compete with.
#
#   src/load/processing-rest-latency.sh                # from anywhere; results in target/load/processing-rest-latency.md
#   THREADS=2 CONNECTIONS=16 DURATION=20s BATCH=20 WAV_SECONDS=60 PORT=18097 src/load/processing-rest-latency.sh
#
# Needs java 17, psql, curl, python3 and wrk (installed with apt-get when missing); PostgreSQL on PGHOST:PGPORT
# (trust auth as PGUSER), Redis on REDIS_URL. The processing stream gets a key prefix of its own, so another
# server on the same Redis cannot take these jobs.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${PORT:-18097}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-16}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-5s}
BATCH=${BATCH:-20}
WAV_SECONDS=${WAV_SECONDS:-60}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DB=${LOAD_DB:-dawg_p99}
WORK=target/load
DATA=$WORK/p99-data
OUT=$WORK/processing-rest-latency.md
BASE=http://127.0.0.1:$PORT
PASSWORD='p99 load password'

say() { printf '==> %s\n' "$*"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

command -v wrk >/dev/null || { say "Installing wrk"; apt-get install -y -q wrk >/dev/null; }
for tool in wrk psql curl python3 java; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 1; }
done
mkdir -p "$WORK" && rm -rf "$DATA"

JAR=$(ls target/dawg-server-*.jar 2>/dev/null | grep -v -- '-plain' | head -1 || true)
if [ -z "$JAR" ]; then
  say "Building the server jar"
  ./mvnw -o -q -DskipTests package
  JAR=$(ls target/dawg-server-*.jar | grep -v -- '-plain' | head -1)
fi

say "Fresh database $DB"
psql -q -h "$PGHOST" -U "$PGUSER" -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"

say "Starting $JAR on port $PORT (processing on, concurrency 1)"
started=$(now_ms)
DAWG_DATA_DIR=$DATA SERVER_PORT=$PORT DAWG_DB_URL=postgresql://$PGHOST:$PGPORT/$DB DAWG_DB_USER=$PGUSER DAWG_DB_PASSWORD= \
  DAWG_REDIS_URL=$REDIS_URL DAWG_PROCESSING_ENABLED=true DAWG_PROCESSING_CONCURRENCY=1 \
  java ${JAVA_OPTS:--Xmx768m} -Ddawg.processing.key-prefix="dawg-p99-$PORT:processing" -jar "$JAR" > "$WORK/p99-server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
until curl -fs "$BASE/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $SERVER 2>/dev/null || { echo "The server died; see $WORK/p99-server.log" >&2; exit 1; }
  sleep 0.2
done
say "Ready after $(( $(now_ms) - started )) ms"

# The system sample library is seeded at start and processed like any upload: wait for it, so "idle" is idle.
unprocessed() { psql -qAt -d "$DB" -c "SELECT count(*) FROM assets WHERE processing_status IN ('pending','running')"; }
waited=$(now_ms)
until [ "$(unprocessed)" = 0 ]; do
  [ $(( $(now_ms) - waited )) -lt 600000 ] || { echo "the seeded samples were not processed within 10 minutes" >&2; exit 1; }
  sleep 1
done
say "Seeded samples processed ($(psql -qAt -d "$DB" -c 'SELECT count(*) FROM assets') assets) after $(( $(now_ms) - waited )) ms more"

say "Signing up and creating a public project with a ~50 KB document"
user=p99user$RANDOM
TOKEN=$(curl -fsS -X POST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$user@example.test\",\"username\":\"$user\",\"password\":\"$PASSWORD\"}" | json 'd["accessToken"]')
python3 - > "$WORK/p99-project.json" <<'EOF'
import json
tracks = [{"id": f"track-{t}", "name": f"Track {t}", "volume": 0.8, "pan": 0.0, "muted": False,
           "clips": [{"id": f"clip-{t}-{c}", "start": c * 4.0, "length": 4.0, "assetId": None,
                      "notes": [{"pitch": 36 + (n * 7 + t) % 48, "start": n * 0.25, "length": 0.25, "velocity": 100}
                                for n in range(16)]}
                     for c in range(6)]}
          for t in range(8)]
print(json.dumps({"title": "p99 under processing", "visibility": "public", "bpm": 120,
                  "projectData": {"tempo": 120, "tracks": tracks}}))
EOF
PROJECT=$(curl -fsS -X POST "$BASE/api/projects" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data-binary @"$WORK/p99-project.json" | json 'd["id"]')
GET_URL=$BASE/api/projects/$PROJECT
size=$(curl -fsS -H 'X-Request-Id: p99-load' "$GET_URL" | wc -c)
echo "project $PROJECT, GET answers $size bytes"

WAV=$WORK/p99-sine-${WAV_SECONDS}s.wav
say "Generating $WAV (${WAV_SECONDS} s, 44.1 kHz stereo 16-bit sine)"
python3 - "$WAV" "$WAV_SECONDS" <<'EOF'
import math, struct, sys, wave
path, seconds, rate = sys.argv[1], int(sys.argv[2]), 44100
one = bytearray()
for i in range(rate):  # one second of 441 Hz (a whole number of periods), left and right a little apart
    one += struct.pack('<hh', int(12000 * math.sin(2 * math.pi * 441 * i / rate)), int(9000 * math.sin(2 * math.pi * 882 * i / rate)))
with wave.open(path, 'wb') as w:
    w.setnchannels(2); w.setsampwidth(2); w.setframerate(rate)
    w.writeframes(bytes(one) * seconds)
EOF
ls -l "$WAV" | awk '{print $5 " bytes"}'

WRK=(wrk --latency -t"$THREADS" -c"$CONNECTIONS" -H 'X-Request-Id: p99-load' "$GET_URL")
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f\n", v}'; }
pct() { grep -E "^ +$1%" "$2" | awk '{print $2}' | to_ms; }
rps() { grep 'Requests/sec' "$1" | awk '{printf "%.0f\n", $2}'; }
errors() { (grep -E 'Non-2xx|Socket errors' "$1" || true) | tr '\n' ' '; }

say "Warm-up ($WARMUP, discarded)"
"${WRK[@]}" -d "$WARMUP" > "$WORK/p99-warmup.txt"
say "Idle: ${WRK[*]} -d $DURATION"
idle_load_before=$(loadavg)
"${WRK[@]}" -d "$DURATION" > "$WORK/p99-idle.txt"
idle_load=$(loadavg)
cat "$WORK/p99-idle.txt"

# Status of the batch's assets, one GET /api/assets/{id} each (one curl, one connection): pending running done failed.
statuses() {
  local urls=()
  for id in "${IDS[@]}"; do urls+=("$BASE/api/assets/$id"); done
  curl -fsS -H "Authorization: Bearer $TOKEN" "${urls[@]}" | python3 -c '
import json, sys
dec, text, i, counts = json.JSONDecoder(), sys.stdin.read(), 0, {"pending": 0, "running": 0, "done": 0, "failed": 0}
while i < len(text):
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    d, i = dec.raw_decode(text, i)
    counts[d["processing"]["status"]] += 1
print(counts["pending"], counts["running"], counts["done"], counts["failed"])'
}

say "Uploading $BATCH × $(basename "$WAV") (POST /api/assets, streamed multipart, one after another)"
IDS=()
batch_start=$(now_ms)
batch_start_db=$(psql -qAt -d "$DB" -c "SELECT now()")
for i in $(seq 1 "$BATCH"); do
  id=$(curl -fsS -X POST "$BASE/api/assets" -H "Authorization: Bearer $TOKEN" -F "file=@$WAV;type=audio/wav" | json 'd["id"]')
  IDS+=("$id")
done
uploaded=$(now_ms)
say "Uploaded in $(( uploaded - batch_start )) ms"

window_start_db=$(psql -qAt -d "$DB" -c "SELECT now()")
at_start=$(statuses)
say "During the batch: ${WRK[*]} -d $DURATION   (pending running done failed at its start: $at_start)"
"${WRK[@]}" -d "$DURATION" > "$WORK/p99-batch.txt" &
WRK_PID=$!
sleep "$(( ${DURATION%s} / 2 ))"
at_middle=$(statuses)
batch_load_middle=$(loadavg)
wait $WRK_PID
window_end_db=$(psql -qAt -d "$DB" -c "SELECT now()")
at_end=$(statuses)
batch_load=$(loadavg)
cat "$WORK/p99-batch.txt"
echo "pending running done failed: start $at_start | middle $at_middle | end $at_end"

say "Waiting for the rest of the batch"
until [ "$(statuses | awk '{print $1 + $2}')" = 0 ]; do
  [ $(( $(now_ms) - uploaded )) -lt 1800000 ] || { echo "the batch was not processed within 30 minutes" >&2; exit 1; }
  sleep 1
done
final=$(statuses)
id_list=$(printf "'%s'," "${IDS[@]}"); id_list=${id_list%,}
read -r finished_in_window batch_wall last_job first_job failed < <(psql -qAt -F ' ' -d "$DB" -c "
  SELECT count(*) FILTER (WHERE processed_at BETWEEN '$window_start_db' AND '$window_end_db'),
         round(extract(epoch FROM max(processed_at) - '$batch_start_db'::timestamptz)::numeric, 1),
         round(extract(epoch FROM max(processed_at) - '$window_start_db'::timestamptz)::numeric, 1),
         round(extract(epoch FROM min(processed_at) - '$batch_start_db'::timestamptz)::numeric, 1),
         count(*) FILTER (WHERE processing_status = 'failed')
  FROM assets WHERE id IN ($id_list)")

i50=$(pct 50 "$WORK/p99-idle.txt"); i99=$(pct 99 "$WORK/p99-idle.txt")
b50=$(pct 50 "$WORK/p99-batch.txt"); b99=$(pct 99 "$WORK/p99-batch.txt")
r50=$(awk -v a="$b50" -v b="$i50" 'BEGIN {printf "%.2f", a / b}')
r99=$(awk -v a="$b99" -v b="$i99" 'BEGIN {printf "%.2f", a / b}')
{
  echo "# REST latency while a batch is processed"
  echo
  echo "$(date -u '+%F %H:%M UTC'), $(nproc) cores, GET /api/projects/{id} (public, $size bytes, X-Request-Id set: framework path),"
  echo "\`wrk --latency -t$THREADS -c$CONNECTIONS -d$DURATION\`; batch: $BATCH × ${WAV_SECONDS} s 44.1 kHz stereo 16-bit WAV ($(stat -c %s "$WAV") bytes),"
  echo "DAWG_PROCESSING_CONCURRENCY=1; the wrk window starts right after the last upload."
  echo
  echo "| | idle | during the batch | ratio |"
  echo "|---|---|---|---|"
  echo "| p50 ms | $i50 | $b50 | $r50 |"
  echo "| p99 ms | $i99 | $b99 | **$r99** |"
  echo "| req/s | $(rps "$WORK/p99-idle.txt") | $(rps "$WORK/p99-batch.txt") | |"
  echo "| load average (1/5/15 min) | $idle_load_before → $idle_load | $batch_load_middle (mid) → $batch_load | |"
  echo "| errors | $(errors "$WORK/p99-idle.txt") | $(errors "$WORK/p99-batch.txt") | |"
  echo
  echo "- uploads: $BATCH in $(( uploaded - batch_start )) ms (one after another)"
  echo "- GET /api/assets/{id} processing status (pending running done failed): window start $at_start, middle $at_middle, end $at_end, finally $final"
  echo "- jobs finished during the ${DURATION} window: **$finished_in_window** of $BATCH (processed_at); failed: $failed"
  echo "- batch wall time, first upload to last job done: **${batch_wall} s** (first job done after ${first_job} s; last job ${last_job} s after the window opened)"
} > "$OUT"
echo
cat "$OUT"
