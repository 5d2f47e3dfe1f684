#!/usr/bin/env bash
# The load harness: seeds thousands of users and ~50 KB projects, starts the server against the machine's
# PostgreSQL and Redis, and drives it with wrk. Each scenario runs RUNS times; the median is reported.
#
#   src/load/run.sh                      # every scenario
#   src/load/run.sh get-anon autosave-patch
#   src/load/run.sh ceiling-netty get-anon get-framework   # the GETs beside a bare Reactor Netty in the same run
#   src/load/run.sh ceiling-webflux ceiling-webflux-security get-framework   # the framework path beside bare Spring
#   JAR=/tmp/before.jar src/load/run.sh autosave-patch autosave-put ceiling-update   # a given build; the PUT's ceiling
#   src/load/run.sh autosave-patch autosave-patch-one-account   # 16 writers of their own accounts, then of one account
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS="-Xmx256m ..." src/load/run.sh get-anon get-anon-gzip
#   S3=external JAR=target/production/dawg-server-0.1.0-SNAPSHOT.jar src/load/run.sh get-anon   # as a production node:
#       the jar without embedded servers, S3 in a process of its own (src/load/external-s3.sh)
#   JAVA_OPTS="-XX:NativeMemoryTracking=summary ..." src/load/run.sh ...   # also where the RSS goes (native-memory.txt)
#
# Needs wrk and psql (Debian: apt-get install -y wrk postgresql-client), PostgreSQL on PGHOST:PGPORT (trust
# auth as PGUSER) and Redis on REDIS_URL. Results: target/load/results.md (and the raw wrk output beside it).
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${PORT:-18090}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-10s}          # one warm-up window; windows repeat until CPU/request moves <= STEADY_PERCENT
WARMUP_WINDOWS=${WARMUP_WINDOWS:-15}
WARMUP_MIN_WINDOWS=${WARMUP_MIN_WINDOWS:-5}
STEADY_PERCENT=${STEADY_PERCENT:-7}
JIT_SETTLED_COMPILES=${JIT_SETTLED_COMPILES:-30}   # and at most this many methods compiled by the JIT in the last window
JIT_WARMUP=${JIT_WARMUP:-20s}
RUNS=${RUNS:-3}
USERS=${USERS:-1000}
PROJECTS=${PROJECTS:-5000}
CONNECTIONS=${CONNECTIONS:-64}
WRITERS=${WRITERS:-16}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DB=${LOAD_DB:-dawg_load}
WORK=target/load
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(ceiling-netty ceiling-webflux ceiling-webflux-security get-anon get-anon-gzip get-framework get-auth get-auth-framework revalidate search comment autosave-patch autosave-patch-one-account autosave-put ceiling-update)
# Issue 20's targets, printed beside each figure; the ceilings are measured in the same run (ceiling-netty: a bare
# Reactor Netty server answering a fixed 50 KB body, src/load/BareNetty.java; ceiling-webflux and
# ceiling-webflux-security: the same body from Spring WebFlux's functional router alone, then behind Spring Security's
# stateless chain, src/load/BareWebFlux.java; ceiling-update: pgbench).
declare -A TARGETS=([get-anon]='≥ 25,000 req/s' [get-anon-gzip]='≥ 25,000 req/s' [get-auth]='≥ 25,000 req/s'
  [get-framework]='≥ 15,000 req/s' [get-auth-framework]='≥ 15,000 req/s' [revalidate]='cheaper than a GET'
  [search]='≥ 2,000 req/s' [comment]='≤ 500 µs CPU' [autosave-patch]='≥ 1,500/s' [autosave-patch-one-account]='(16 writers, one account)' [autosave-put]='≥ 0.8 × ceiling-update'
  [ceiling-netty]='(ceiling of the GETs)' [ceiling-webflux]='(ceiling of the framework GETs)'
  [ceiling-webflux-security]='(ceiling of the framework GETs)' [ceiling-update]='(ceiling of autosave-put)')
BASE=http://127.0.0.1:$PORT

say() { printf '==> %s\n' "$*"; }
for tool in wrk psql curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install -y wrk postgresql-client curl" >&2; exit 1; }
done
mkdir -p "$WORK" && rm -rf "$WORK/data"
DEFAULT_JAR=$(ls target/dawg-server-*.jar 2>/dev/null | head -1 || true)
if [ -z "$DEFAULT_JAR" ]; then
  say "Building the server jar"
  ./mvnw -B -q -DskipTests package
  DEFAULT_JAR=$(ls target/dawg-server-*.jar | head -1)
fi
JAR=${JAR:-$DEFAULT_JAR}
# Every process this script starts, stopped when it ends (the variables are read then).
SERVER= S3_PID= NETTY_PID= WEBFLUX_PID= SECURED_PID=
trap 'kill $SERVER $S3_PID $NETTY_PID $WEBFLUX_PID $SECURED_PID 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
jar_libraries() { # -> the default jar's libraries, unpacked once (S3Proxy and the ceiling servers run on them)
  [ -d "$WORK/jar-lib/BOOT-INF/lib" ] || unzip -q -o "$DEFAULT_JAR" 'BOOT-INF/lib/*' -d "$WORK/jar-lib"
  echo "$WORK/jar-lib/BOOT-INF/lib"
}
rm -rf "$WORK/jar-lib"
start_ceiling() { # <pid variable> <port> <java source> [args]: a ceiling server on the jar's libraries, once per run
  local variable=$1 port=$2 source=$3; shift 3
  [ -z "${!variable}" ] || return 0
  local log; log="$WORK/$(basename "$source" .java)${1:+-$1}.log"
  java -cp "$(jar_libraries)/*" "$source" "$port" "$@" > "$log" 2>&1 &
  printf -v "$variable" '%s' $!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/big"; do
    kill -0 "${!variable}" 2>/dev/null || { echo "$source died; see $log" >&2; exit 1; }
    sleep 0.2
  done
}
S3=${S3:-embedded}
if [ "$S3" = external ]; then   # S3=external JAR=target/production/dawg-server-*.jar: a production node's make-up
  . src/load/external-s3.sh
  start_external_s3 "$(jar_libraries)" "$WORK" "${S3_PORT:-18097}"
fi

say "Fresh database $DB"
psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"

say "Starting the server on port $PORT"
started=$(date +%s%N)
DAWG_DATA_DIR=$WORK/data SERVER_PORT=$PORT DAWG_DB_URL=postgresql://$PGHOST:$PGPORT/$DB DAWG_DB_USER=$PGUSER \
  DAWG_REDIS_URL=$REDIS_URL DAWG_RATE_LIMIT_LOGIN=100000 DAWG_RATE_LIMIT_REGISTER=100000 DAWG_RATE_LIMIT_WRITES=1000000 \
  DAWG_RATE_LIMIT_REGISTER_PER_ACCOUNT=100000 DAWG_RATE_LIMIT_PROJECT_WRITES=100000000 \
  ${JAVA:-java} ${JAVA_OPTS:--Xmx768m} -jar "$JAR" > "$WORK/server.log" 2>&1 &
SERVER=$!
until curl -fs "$BASE/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $SERVER 2>/dev/null || { echo "The server died; see $WORK/server.log" >&2; exit 1; }
  sleep 0.2
done
ready_ms=$(( ($(date +%s%N) - started) / 1000000 ))
say "Healthy after ${ready_ms} ms ($S3 S3, external PostgreSQL and Redis)"

say "Seeding $USERS users and $PROJECTS projects"
curl -fs -o /dev/null -X POST "$BASE/api/auth/register" -H 'Content-Type: application/json' \
  -d '{"email":"loadtemplate@example.test","username":"loadtemplate","password":"load test password"}'
(cd "$WORK" && psql -q -d "$DB" -v users="$USERS" -v projects="$PROJECTS" -v template=loadtemplate -f ../../src/load/seed.sql)
# As autovacuum would have by then: without statistics the planner guessed 1 matching row and searched 7x slower.
psql -q -d "$DB" -c "VACUUM ANALYZE"
psql -qAt -d "$DB" -c "SELECT id FROM projects WHERE visibility = 'public'" > "$WORK/ids.txt"
psql -qAt -d "$DB" -c "SELECT p.id FROM projects p JOIN users u ON u.id = p.owner_id WHERE u.username = 'loadtemplate' ORDER BY p.title" > "$WORK/owned.txt"
TOKEN=$(curl -fs -X POST "$BASE/api/auth/login" -H 'Content-Type: application/json' \
  -d '{"login":"loadtemplate","password":"load test password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\1/')
# The autosave writers (src/load/writers.sh). Writes of one account's projects take turns on its history counter
# (autosave-patch-one-account).
source src/load/writers.sh
autosave_writers "$BASE" "$DB" "$WRITERS" > "$WORK/writers.txt"
echo "document size: $(wc -c < "$WORK/put-body.json") bytes; public projects: $(wc -l < "$WORK/ids.txt")"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system time of a process, in clock ticks
# The same for every PostgreSQL process of the machine (backends, WAL writer, checkpointer, autovacuum): what a request
# costs the database, which shares the cores. Processes that end meanwhile drop out, so it is a lower bound.
postgres_ticks() { for pid in $(pgrep -x postgres); do cat "/proc/$pid/stat" 2>/dev/null; done | awk '{s += $14 + $15} END {print s + 0}'; }
TICK_US=$(( 1000000 / $(getconf CLK_TCK) ))

# Methods the JIT has compiled in a JVM so far (empty for a process that is not one).
jit_compiles() { jcmd "$1" PerfCounter.print 2>/dev/null | awk -F= '/^sun.ci.totalCompiles=/ {print $2}'; }

run_wrk() { # name, wrk args...; MEASURED_PID: whose CPU is counted (the server's by default)
  local name=$1 pid=${MEASURED_PID:-$SERVER}; shift
  # Discarded warm-up windows first, until the server's CPU per request settles and its JIT has nearly stopped
  # compiling: this code takes the JIT 60-100 s to compile on a quiet machine (a fixed 5 s warm-up measured the comment
  # POST at 5.7 ms of CPU; steady, it costs 1.8 ms), and on a busy one CPU per request looked steady while a fifth of
  # the server's CPU was still the JIT's (an autosave PATCH profile after 90 s).
  local window=0 previous=0 current compiled=0
  : > "$WORK/$name.warmup.txt"
  while :; do
    window=$((window + 1))
    local start; start=$(cpu_ticks $pid)
    local compiles_before; compiles_before=$(jit_compiles $pid)
    (cd "$WORK" && wrk -d "$WARMUP" "$@") > "$WORK/$name.warmup.$window.txt" 2>&1
    local answered; answered=$(grep -E "requests in" "$WORK/$name.warmup.$window.txt" | awk '{print $1}')
    current=$(( ($(cpu_ticks $pid) - start) * TICK_US / (answered > 0 ? answered : 1) ))
    local compiles_after; compiles_after=$(jit_compiles $pid)
    compiled=$(( ${compiles_after:-0} - ${compiles_before:-0} ))
    echo "warm-up window $window: $current us of CPU per request, $compiled methods compiled" >> "$WORK/$name.warmup.txt"
    local change=$(( current > previous ? current - previous : previous - current ))
    # A cold server can look steady between two early windows: at least WARMUP_MIN_WINDOWS before judging.
    if [ "$window" -ge "$WARMUP_MIN_WINDOWS" ] && [ "$previous" -gt 0 ] && [ $(( 100 * change / previous )) -le "$STEADY_PERCENT" ] \
        && [ "$compiled" -le "$JIT_SETTLED_COMPILES" ]; then break; fi
    [ "$window" -ge "$WARMUP_WINDOWS" ] && break
    previous=$current
  done
  printf '(warm after %s windows of %s: %s us/request, %s methods compiled in the last) ' "$window" "$WARMUP" "$current" "$compiled"
  for run in $(seq 1 "$RUNS"); do
    local before; before=$(cpu_ticks $pid)
    local database_before; database_before=$(postgres_ticks)
    (cd "$WORK" && wrk --latency -d "$DURATION" "$@") > "$WORK/$name.$run.txt" 2>&1
    # The server's CPU per request answered: what a request costs, whatever else the machine is doing.
    local requests; requests=$(grep -E "requests in" "$WORK/$name.$run.txt" | awk '{print $1}')
    echo "server CPU per request: $(( ($(cpu_ticks $pid) - before) * TICK_US / (requests > 0 ? requests : 1) )) us" >> "$WORK/$name.$run.txt"
    echo "PostgreSQL CPU per request: $(( ($(postgres_ticks) - database_before) * TICK_US / (requests > 0 ? requests : 1) )) us" >> "$WORK/$name.$run.txt"
    grep -E "Requests/sec|99%|Non-2xx|autosave|CPU per" "$WORK/$name.$run.txt" | tr '\n' ' '; echo
  done
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; printf "%.2f\n", v}'; }

RESULTS=$WORK/results.md
{
  echo "| scenario | req/s (median of $RUNS) | p50 ms | p99 ms | server CPU µs/request | PostgreSQL CPU µs/request | errors (non-2xx/3xx) | target |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$RESULTS"
# The JIT compiles the hot paths before anything is counted; otherwise the first scenario of a run measures it.
say "Warming up ($JIT_WARMUP of anonymous GETs, either coding)"
(cd "$WORK" && wrk -t2 -c"$CONNECTIONS" -d "$JIT_WARMUP" -s ../../src/load/get.lua "$BASE") > "$WORK/jit-warmup.txt" 2>&1
(cd "$WORK" && GZIP=1 wrk -t2 -c"$CONNECTIONS" -d "$JIT_WARMUP" -s ../../src/load/get.lua "$BASE") >> "$WORK/jit-warmup.txt" 2>&1
for scenario in "${SCENARIOS[@]}"; do
  say "Scenario $scenario ($RUNS × $DURATION)"
  case $scenario in
    # The same wrk options as the GETs against servers that do nothing else, on the jar's own libraries.
    ceiling-netty)
      start_ceiling NETTY_PID "${NETTY_PORT:-18099}" src/load/BareNetty.java
      MEASURED_PID=$NETTY_PID run_wrk "$scenario" -t2 -c"$CONNECTIONS" "http://127.0.0.1:${NETTY_PORT:-18099}/big" ;;
    ceiling-webflux)
      start_ceiling WEBFLUX_PID "${WEBFLUX_PORT:-18094}" src/load/BareWebFlux.java
      MEASURED_PID=$WEBFLUX_PID run_wrk "$scenario" -t2 -c"$CONNECTIONS" "http://127.0.0.1:${WEBFLUX_PORT:-18094}/big" ;;
    ceiling-webflux-security)
      start_ceiling SECURED_PID "${SECURED_PORT:-18093}" src/load/BareWebFlux.java security
      MEASURED_PID=$SECURED_PID run_wrk "$scenario" -t2 -c"$CONNECTIONS" "http://127.0.0.1:${SECURED_PORT:-18093}/big" ;;
    get-anon) run_wrk "$scenario" -t2 -c"$CONNECTIONS" -s ../../src/load/get.lua "$BASE" ;;
    get-framework) REQUEST_ID=1 run_wrk "$scenario" -t2 -c"$CONNECTIONS" -s ../../src/load/get.lua "$BASE" ;;
    get-anon-gzip) GZIP=1 run_wrk "$scenario" -t2 -c"$CONNECTIONS" -s ../../src/load/get.lua "$BASE" ;;
    get-auth) TOKEN=$TOKEN IDS=owned.txt run_wrk "$scenario" -t2 -c"$CONNECTIONS" -s ../../src/load/get.lua "$BASE" ;;
    get-auth-framework) TOKEN=$TOKEN IDS=owned.txt REQUEST_ID=1 run_wrk "$scenario" -t2 -c"$CONNECTIONS" -s ../../src/load/get.lua "$BASE" ;;
    revalidate) ETAG_ONE=1 run_wrk "$scenario" -t2 -c"$CONNECTIONS" -s ../../src/load/get.lua "$BASE" ;;
    comment) TOKEN=$TOKEN run_wrk "$scenario" -t"$WRITERS" -c"$WRITERS" -s ../../src/load/comment.lua "$BASE" ;;
    search) run_wrk "$scenario" -t2 -c"$CONNECTIONS" -s ../../src/load/search.lua "$BASE" ;;
    autosave-patch) WRITERS_FILE=writers.txt MODE=patch run_wrk "$scenario" -t"$WRITERS" -c"$WRITERS" -s ../../src/load/autosave.lua "$BASE" ;;
    autosave-put) WRITERS_FILE=writers.txt MODE=put run_wrk "$scenario" -t"$WRITERS" -c"$WRITERS" -s ../../src/load/autosave.lua "$BASE" ;;
    autosave-patch-one-account) TOKEN=$TOKEN MODE=patch run_wrk "$scenario" -t"$WRITERS" -c"$WRITERS" -s ../../src/load/autosave.lua "$BASE" ;;
    ceiling-update)
      # The ceiling autosave-put is compared with, in the same run: pgbench's conditional UPDATE of the seeded document's
      # bytes (parsed as jsonb, as ceilings.sh does), 8 clients, on 1,000 rows of the load database. wrk's columns stay empty.
      psql -q -d "$DB" -c "DROP TABLE IF EXISTS ceiling_projects" -c "CREATE TABLE ceiling_projects AS SELECT g AS id, 1 AS version, \
        d.doc AS data_text, d.doc::jsonb AS data FROM generate_series(1, 1000) g, (SELECT project_data::text AS doc FROM projects \
        WHERE title LIKE 'Load song autosave%' LIMIT 1) d" -c "ALTER TABLE ceiling_projects ADD PRIMARY KEY (id)" -c "VACUUM ANALYZE ceiling_projects"
      printf '\\set id random(1, 1000)\nUPDATE ceiling_projects SET data = (SELECT data_text FROM ceiling_projects WHERE id = 1)::jsonb, version = version + 1 WHERE id = :id AND version = (SELECT version FROM ceiling_projects WHERE id = :id);\n' > "$WORK/ceiling-update.sql"
      for run in $(seq 1 "$RUNS"); do
        pgbench -n -c 8 -j 2 -T "${DURATION%s}" -f "$WORK/ceiling-update.sql" "$DB" 2>/dev/null | awk '/^tps/ {printf "Requests/sec: %.0f\n", $3}' > "$WORK/$scenario.$run.txt"
        cat "$WORK/$scenario.$run.txt"
      done ;;
    *) echo "unknown scenario $scenario" >&2; exit 2 ;;
  esac
  rps=$(cat "$WORK/$scenario".[0-9]*.txt | grep "Requests/sec" | awk '{print $2}' | median)
  p50=$(for f in "$WORK/$scenario".[0-9]*.txt; do (grep -E "^ +50%" "$f" || true) | awk '{print $2}' | to_ms; done | median)
  p99=$(for f in "$WORK/$scenario".[0-9]*.txt; do (grep -E "^ +99%" "$f" || true) | awk '{print $2}' | to_ms; done | median)
  cpu=$(cat "$WORK/$scenario".[0-9]*.txt | (grep "server CPU per request" || true) | awk '{print $5}' | median)
  database_cpu=$(cat "$WORK/$scenario".[0-9]*.txt | (grep "PostgreSQL CPU per request" || true) | awk '{print $5}' | median)
  errors=$(for f in "$WORK/$scenario".[0-9]*.txt; do (grep -E "Non-2xx" "$f" || echo "x 0") | awk '{print $NF}'; done | median)
  echo "| $scenario | $rps | $p50 | $p99 | $cpu | $database_cpu | $errors | ${TARGETS[$scenario]:-} |" >> "$RESULTS"
done
rss=$(ps -o rss= -p $SERVER | awk '{printf "%d", $1/1024}')
# Where the RSS goes, when the JVM was started with -XX:NativeMemoryTracking=summary.
if [[ "${JAVA_OPTS:-}" == *NativeMemoryTracking* ]]; then
  "$(dirname "$(readlink -f "$(command -v "${JAVA:-java}")")")/jcmd" $SERVER VM.native_memory summary > "$WORK/native-memory.txt" 2>&1 || true
  grep -E "^(Total|-)" "$WORK/native-memory.txt" | sed 's/^/    /' || true
fi
{
  echo
  echo "Server: $(basename "$(dirname "$JAR")")/$(basename "$JAR") on $S3 S3, ${JAVA_OPTS:--Xmx768m}; start to healthy ${ready_ms} ms; RSS after the run ${rss} MB; $(nproc) cores; $(date -u +%F); wrk $CONNECTIONS connections (autosave: $WRITERS writers)."
} >> "$RESULTS"
cat "$RESULTS"
