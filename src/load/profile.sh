#!/usr/bin/env bash
# Where a scenario's server CPU goes: starts the jar on the database src/load/run.sh seeded (dawg_load), warms the
# scenario up with wrk, records JDK Flight Recorder CPU samples while wrk drives it again, and prints the frames
# most often on top of the stack (self) and anywhere on it (total), by method and by package.
#
#   src/load/run.sh get-anon            # once, to seed dawg_load
#   src/load/profile.sh get-framework   # or get-anon, get-auth-framework, search, comment, autosave-patch, autosave-put
#   ASYNC_PROFILER=/tmp/ap/linux-x64/libasyncProfiler.so src/load/profile.sh get-auth-framework
#       # async-profiler instead of JFR (unzip tools.profiler:async-profiler:4.2:jar:linux-x64 from Maven Central);
#       # also writes <scenario>.collapsed, the stacks with their sample counts, for flame graphs
#   AP_EVENT="event=alloc,alloc=64k" ASYNC_PROFILER=... src/load/profile.sh get-framework   # where allocations come from
set -euo pipefail
cd "$(dirname "$0")/../.."
SCENARIO=${1:-get-framework}
PORT=${PORT:-18091}
WARMUP=${WARMUP:-30s}
DURATION=${DURATION:-20}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
DB=${LOAD_DB:-dawg_load}
WORK=target/load
BASE=http://127.0.0.1:$PORT
JAR=${JAR:-$(ls target/dawg-server-*.jar | head -1)}
mkdir -p "$WORK/profile"
DAWG_DATA_DIR=$WORK/profile/data SERVER_PORT=$PORT DAWG_DB_URL=postgresql://$PGHOST:$PGPORT/$DB DAWG_DB_USER=$PGUSER \
  DAWG_REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379} DAWG_RATE_LIMIT_LOGIN=100000 DAWG_RATE_LIMIT_WRITES=1000000 \
  DAWG_RATE_LIMIT_PROJECT_WRITES=100000000 \
  java ${JAVA_OPTS:--Xmx768m} -jar "$JAR" > "$WORK/profile/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
until curl -fs "$BASE/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $SERVER 2>/dev/null || { echo "The server died; see $WORK/profile/server.log" >&2; exit 1; }
  sleep 0.2
done
psql -qAt -d "$DB" -c "SELECT id FROM projects WHERE visibility = 'public'" > "$WORK/ids.txt"
TOKEN=$(curl -fs -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"login":"loadtemplate","password":"load test password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
export TOKEN
source src/load/writers.sh
autosave_writers "$BASE" "$DB" "${WRITERS:-16}" > "$WORK/writers.txt"
export WRITERS_FILE=writers.txt
case $SCENARIO in
  get-anon) export TOKEN=; args=(-t2 -c64 -s ../../src/load/get.lua) ;;
  get-framework) export REQUEST_ID=1 TOKEN=; args=(-t2 -c64 -s ../../src/load/get.lua) ;;
  get-auth-framework) export REQUEST_ID=1 IDS=owned.txt; args=(-t2 -c64 -s ../../src/load/get.lua) ;;
  search) args=(-t2 -c64 -s ../../src/load/search.lua) ;;
  comment) args=(-t16 -c16 -s ../../src/load/comment.lua) ;;
  autosave-patch) export MODE=patch; args=(-t16 -c16 -s ../../src/load/autosave.lua) ;;
  autosave-put) export MODE=put; args=(-t16 -c16 -s ../../src/load/autosave.lua) ;;
  *) echo "unknown scenario $SCENARIO" >&2; exit 2 ;;
esac
(cd "$WORK" && wrk -d "$WARMUP" "${args[@]}" "$BASE") > /dev/null
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
if [ -n "${ASYNC_PROFILER:-}" ]; then
  # async-profiler (ASYNC_PROFILER=/path/to/libasyncProfiler.so, from the tools.profiler:async-profiler jar): CPU time
  # sampled by interval timer, unlike JFR's samples of threads in Java code, which a busy machine's preemption inflates.
  jcmd $SERVER JVMTI.agent_load "$ASYNC_PROFILER" "\"start,${AP_EVENT:-event=itimer,interval=1ms}\"" > /dev/null
else
  jcmd $SERVER JFR.start name=profile settings=profile filename="$PWD/$WORK/profile/$SCENARIO.jfr" > /dev/null
fi
ticks=$(cpu_ticks $SERVER)
(cd "$WORK" && wrk --latency -d "${DURATION}s" "${args[@]}" "$BASE") | tee "$WORK/profile/$SCENARIO.wrk.txt" | grep -E "Requests/sec|99%|Non-2xx"
requests=$(awk '/requests in/ {print $1}' "$WORK/profile/$SCENARIO.wrk.txt")
echo "server CPU per request: $(( ($(cpu_ticks $SERVER) - ticks) * 1000000 / $(getconf CLK_TCK) / requests )) us (while profiled)"
if [ -n "${ASYNC_PROFILER:-}" ]; then
  jcmd $SERVER JVMTI.agent_load "$ASYNC_PROFILER" "\"stop,file=$PWD/$WORK/profile/$SCENARIO.collapsed,collapsed,dot\"" > /dev/null
  # The same shape as jfr print's stacks (innermost frame first), for the summary below.
  awk '{n = $NF; $NF = ""; c = split($0, f, ";"); for (k = 0; k < n; k++) { print "jdk.ExecutionSample {"; for (i = c; i >= 1; i--) { g = f[i]; gsub(/ +$/, "", g); sub(/_\[[a-z0-9]\]$/, "", g); print g "() line: 0" } } }' \
    "$WORK/profile/$SCENARIO.collapsed" > "$WORK/profile/$SCENARIO.samples.txt"
else
  jcmd $SERVER JFR.stop name=profile > /dev/null
  jfr print --events jdk.ExecutionSample --stack-depth 96 "$WORK/profile/$SCENARIO.jfr" > "$WORK/profile/$SCENARIO.samples.txt"
fi
python3 - "$WORK/profile/$SCENARIO.samples.txt" <<'PY'
import re, sys, collections
stacks, current = [], None
for line in open(sys.argv[1]):
    line = line.strip()
    if line.startswith('jdk.ExecutionSample'):
        current = []; stacks.append(current)
    elif current is not None and re.match(r'^[\w$.<>/]+\(.*\)\s+line:', line):
        current.append(line.split('(')[0])
total = len(stacks) or 1
self_counts = collections.Counter(s[0] for s in stacks if s)
incl = collections.Counter(); pkg_incl = collections.Counter()
for s in stacks:
    incl.update(set(s))
    pkg_incl.update(set('.'.join(f.split('.')[:3]) for f in s))
print(f"{len(stacks)} samples")
print("\ntop self frames"); [print(f"{100*c/total:5.1f}%  {f}") for f, c in self_counts.most_common(25)]
print("\ntop total frames"); [print(f"{100*c/total:5.1f}%  {f}") for f, c in incl.most_common(60)]
print("\npackages on the stack"); [print(f"{100*c/total:5.1f}%  {p}") for p, c in pkg_incl.most_common(30)]
PY
