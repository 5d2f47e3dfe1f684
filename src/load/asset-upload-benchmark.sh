#!/usr/bin/env bash
# Uploads a large WAV (default 300 MB) to a dawg-server running with a small heap (-Xmx256m; the embedded
# S3 endpoint runs in the same JVM, PostgreSQL and Redis beside it), downloads it back, checks the bytes, and prints throughput next to
# a direct MinIO-client copy of the same file to the same S3 endpoint (the ceiling).
#
#   src/load/asset-upload-benchmark.sh [size-in-MB] [heap]      e.g. src/load/asset-upload-benchmark.sh 300 256m
#
# Needs a JDK, curl and python3; builds the jar first if it is missing. Everything runs on 127.0.0.1 and is
# removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZE_MB=${1:-300}
HEAP=${2:-256m}
PORT=${BENCH_PORT:-18089}
WORK=$(mktemp -d /tmp/dawg-bench.XXXXXX)
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

JAR=$(ls target/dawg-server-*.jar 2>/dev/null | grep -v original | head -1 || true)
if [[ -z "$JAR" ]]; then
  ./mvnw -q -B -DskipTests package
  JAR=$(ls target/dawg-server-*.jar | grep -v original | head -1)
fi
if [[ ! -f target/bench-classpath.txt ]]; then
  ./mvnw -q -B dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
  ./mvnw -q -B test-compile >/dev/null
fi

echo "==> Writing a ${SIZE_MB} MB WAV"
python3 - "$WORK/big.wav" "$SIZE_MB" <<'PY'
import os, struct, sys
path, mb = sys.argv[1], int(sys.argv[2])
data = mb * 1024 * 1024 - 44
with open(path, "wb") as f:
    f.write(b"RIFF" + struct.pack("<I", 36 + data) + b"WAVEfmt " + struct.pack("<IHHIIHH", 16, 1, 2, 48000, 192000, 4, 16))
    f.write(b"data" + struct.pack("<I", data))
    block = os.urandom(4 * 1024 * 1024)
    left = data
    while left > 0:
        f.write(block[:min(left, len(block))])
        left -= len(block)
PY
SHA=$(sha256sum "$WORK/big.wav" | cut -d' ' -f1)

echo "==> Starting the server with -Xmx$HEAP"
DAWG_DATA_DIR="$WORK/data" DAWG_ASSETS_MAX_UPLOAD_SIZE=$((SIZE_MB + 16))MB DAWG_ASSETS_QUOTA=$((SIZE_MB * 4))MB \
DAWG_ADMIN_EMAIL=bench@example.test DAWG_ADMIN_PASSWORD='bench password 123' SERVER_PORT=$PORT \
  java -Xmx$HEAP -XX:+ExitOnOutOfMemoryError -jar "$JAR" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log"; exit 1; }
  sleep 1
done
S3=$(grep -o 'S3Proxy) on http://127.0.0.1:[0-9]*' "$WORK/server.log" | sed 's/.* on //')

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
TOKEN=$(curl -fsS -X POST "http://127.0.0.1:$PORT/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"login":"bench@example.test","password":"bench password 123"}' | json "['accessToken']")

# Into a project when the projects API is there; else into the sample library (the same streamed upload path).
TARGET="http://127.0.0.1:$PORT/api/system-assets"
PROJECT=$(curl -fsS -X POST "http://127.0.0.1:$PORT/api/projects" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"title":"Benchmark"}' 2>/dev/null | json "['id']" 2>/dev/null || true)
[[ -n "$PROJECT" ]] && TARGET="http://127.0.0.1:$PORT/api/projects/$PROJECT/assets"

# Peak resident memory of the server while the file goes through.
( peak=0; while kill -0 "$SERVER_PID" 2>/dev/null; do
    rss=$(ps -o rss= -p "$SERVER_PID" | tr -d ' '); [[ -n "$rss" && "$rss" -gt "$peak" ]] && peak=$rss && echo "$peak" > "$WORK/peak"
    sleep 0.2; done ) &
SAMPLER=$!

echo "==> Uploading through the API ($TARGET)"
read -r CODE TIME SPEED < <(curl -sS -o "$WORK/asset.json" -w '%{http_code} %{time_total} %{speed_upload}\n' \
  -H "Authorization: Bearer $TOKEN" -F "file=@$WORK/big.wav;type=audio/wav" -F category=bench "$TARGET")
[[ "$CODE" == 201 ]] || { echo "upload answered $CODE: $(cat "$WORK/asset.json")"; exit 1; }
ID=$(json "['id']" < "$WORK/asset.json")
[[ "$(json "['sha256']" < "$WORK/asset.json")" == "$SHA" ]] || { echo "SHA-256 differs"; exit 1; }
UP=$(python3 -c "print(f'{$SPEED/1e6:.1f} MB/s ({$TIME:.2f} s)')")

echo "==> Downloading through the API"
read -r CODE TIME SPEED < <(curl -sS -o "$WORK/back.wav" -w '%{http_code} %{time_total} %{speed_download}\n' \
  -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/assets/$ID/content")
[[ "$CODE" == 200 ]] || { echo "download answered $CODE"; exit 1; }
cmp -s "$WORK/big.wav" "$WORK/back.wav" || { echo "downloaded bytes differ"; exit 1; }
DOWN=$(python3 -c "print(f'{$SPEED/1e6:.1f} MB/s ({$TIME:.2f} s)')")
kill "$SAMPLER" 2>/dev/null || true
PEAK_MB=$(( $(cat "$WORK/peak" 2>/dev/null || echo 0) / 1024 ))
rm -f "$WORK/back.wav"

echo "==> Direct MinIO-client copy to the same endpoint ($S3)"
CEILING=$(java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.dawg.assets.bench.ObjectStoreCeiling \
  "$S3" dawg-embedded dawg-embedded-secret-key dawg-assets "$WORK/big.wav")

echo
echo "file: ${SIZE_MB} MB WAV, server heap -Xmx$HEAP (S3Proxy in the same JVM), server peak RSS ${PEAK_MB} MB"
echo "through the API:     upload $UP, download $DOWN, SHA-256 and bytes identical"
echo "$CEILING"
