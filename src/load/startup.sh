#!/usr/bin/env bash
# Time from process start to healthy (readiness UP) against the machine's PostgreSQL and Redis, for the
# packaged jar as it is and for the same application extracted with a class-data-sharing archive (CDS, made
# by one training run) on the default Java (17); then, when a Java 25 is found (JAVA25_HOME, default Temurin's
# place here), the same on Java 25 and extracted with its AOT cache (JEP 483/514/515: classes loaded and linked,
# and method profiles, from one training run), with and without compact object headers (JEP 519). Each is started
# RUNS times, the kinds taking turns run by run; the medians (and the RSS and CPU time used at healthy) go to
# target/load/startup.md. CPU seconds say more than wall time when other work shares the cores.
#
#   src/load/startup.sh
#   JAR=/elsewhere/dawg-server.jar WORK=target/load/before RUNS=1 src/load/startup.sh   # another build, side by side
#   ONLY='cds17|aot' src/load/startup.sh                                                 # some kinds only (a regex)
#   S3=embedded src/load/startup.sh                                                      # the in-process S3, as before
#
# By default all three services are external, as in production: S3 is S3Proxy (the store the default jar embeds)
# started in a process of its own from the default jar's libraries, and the jar measured is the production one
# (target/production, built by `./mvnw -Dproduction -Dmaven.test.skip=true package`) when it is there, which carries no
# embedded servers.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
PORT=${PORT:-18093}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
DB=${STARTUP_DB:-dawg_startup}
WORK=${WORK:-target/load}
EXTRACTED=$WORK/cds
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }
DEFAULT_JAR=$(ls target/dawg-server-*.jar 2>/dev/null | head -1 || true)
[ -n "$DEFAULT_JAR" ] || { ./mvnw -B -q -DskipTests package; DEFAULT_JAR=$(ls target/dawg-server-*.jar | head -1); }
S3=${S3:-external}
if [ "$S3" = external ]; then
  JAR=${JAR:-$(ls target/production/dawg-server-*.jar 2>/dev/null | head -1 || echo "$DEFAULT_JAR")}
else
  JAR=${JAR:-$DEFAULT_JAR}
fi

psql -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
export DAWG_DATA_DIR=$WORK/startup-data SERVER_PORT=$PORT DAWG_DB_URL=postgresql://$PGHOST:$PGPORT/$DB DAWG_DB_USER=$PGUSER \
  DAWG_REDIS_URL=$REDIS_URL
if [ "$S3" = external ]; then
  . src/load/external-s3.sh
  rm -rf "$WORK/jar-lib" && unzip -q -o "$DEFAULT_JAR" 'BOOT-INF/lib/*' -d "$WORK/jar-lib"
  start_external_s3 "$WORK/jar-lib/BOOT-INF/lib" "$WORK" "${S3_PORT:-18097}"
  trap 'kill $S3_PID 2>/dev/null || true' EXIT
fi
JAVA17=${JAVA17:-java}
JAVA25_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA25=$JAVA25_HOME/bin/java
started_ms() { # command...: "milliseconds from launch to readiness UP", "RSS in MB" and "CPU seconds used" at that moment
  local started pid
  started=$(date +%s%N)
  "$@" > "$WORK/startup-server.log" 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:$PORT/actuator/health/readiness" > /dev/null 2>&1; do
    kill -0 $pid 2>/dev/null || { echo "the server died; see $WORK/startup-server.log" >&2; exit 1; }
    sleep 0.05
  done
  local ms=$(( ($(date +%s%N) - started) / 1000000 ))
  echo "$ms $(( $(awk '/VmRSS/ {print $2}' /proc/$pid/status) / 1024 )) $(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/$pid/stat)"
  kill $pid; wait $pid 2>/dev/null || true
}

say "Migrating once, so that no run below pays for it"
started_ms $JAVA17 -jar "$JAR" > /dev/null

say "Extracting the jar, and training a CDS archive (Java 17)"
rm -rf "$EXTRACTED"
$JAVA17 -Djarmode=tools -jar "$JAR" extract --destination "$EXTRACTED" > /dev/null
APP=$EXTRACTED/$(basename "$JAR")
$JAVA17 -XX:ArchiveClassesAtExit="$EXTRACTED/app.jsa" -Dspring.context.exit=onRefresh -jar "$APP" > "$WORK/startup-training.log" 2>&1 || true

declare -A KINDS=(
  [a-jar17]="$JAVA17 -jar $JAR"
  [b-cds17]="$JAVA17 -XX:SharedArchiveFile=$EXTRACTED/app.jsa -jar $APP"
)
declare -A NAMES=(
  [a-jar17]='Java 17, `java -jar` (packaged jar)'
  [b-cds17]='Java 17, extracted + CDS archive'
)
if [ -x "$JAVA25" ]; then
  say "Training the AOT cache (Java 25: one training run to the end of the context refresh)"
  # Native access and dynamic agents warn on 25; neither is an error. The cache is made when the training JVM exits.
  $JAVA25 -XX:AOTCacheOutput="$EXTRACTED/app.aot" -Dspring.context.exit=onRefresh --enable-native-access=ALL-UNNAMED \
    -jar "$APP" > "$WORK/startup-aot-training.log" 2>&1 || true
  $JAVA25 -XX:AOTCacheOutput="$EXTRACTED/app-coh.aot" -XX:+UseCompactObjectHeaders -Dspring.context.exit=onRefresh \
    --enable-native-access=ALL-UNNAMED -jar "$APP" > "$WORK/startup-aot-coh-training.log" 2>&1 || true
  KINDS[c-jar25]="$JAVA25 --enable-native-access=ALL-UNNAMED -jar $JAR"
  NAMES[c-jar25]='Java 25, `java -jar` (packaged jar)'
  if [ -f "$EXTRACTED/app.aot" ]; then
    KINDS[d-aot25]="$JAVA25 -XX:AOTCache=$EXTRACTED/app.aot --enable-native-access=ALL-UNNAMED -jar $APP"
    NAMES[d-aot25]='Java 25, extracted + AOT cache'
  fi
  if [ -f "$EXTRACTED/app-coh.aot" ]; then
    KINDS[e-aotcoh25]="$JAVA25 -XX:AOTCache=$EXTRACTED/app-coh.aot -XX:+UseCompactObjectHeaders --enable-native-access=ALL-UNNAMED -jar $APP"
    NAMES[e-aotcoh25]='Java 25, extracted + AOT cache + compact object headers'
  fi
fi

# The kinds take turns run by run, so a machine that slows down (other work on it) slows them alike.
RESULTS=$WORK/startup-runs.txt
: > "$RESULTS"
for kind in "${!KINDS[@]}"; do
  [[ $kind =~ ${ONLY:-.} ]] || { unset "KINDS[$kind]"; }
done
for run in $(seq 1 "$RUNS"); do
  for kind in $(printf '%s\n' "${!KINDS[@]}" | sort); do
    say "Run $run: ${NAMES[$kind]}"
    echo "$kind $(started_ms ${KINDS[$kind]})" >> "$RESULTS"
  done
done

{
  echo "| start | start to healthy, ms (median of $RUNS) | RSS at healthy, MB (median) | CPU s used to healthy (median) |"
  echo "|---|---|---|---|"
  for kind in $(printf '%s\n' "${!KINDS[@]}" | sort); do
    echo "| ${NAMES[$kind]} | $(awk -v k="$kind" '$1 == k {print $2}' "$RESULTS" | median) | $(awk -v k="$kind" '$1 == k {print $3}' "$RESULTS" | median) | $(awk -v k="$kind" '$1 == k {print $4}' "$RESULTS" | median) |"
  done
  echo
  echo "$(basename "$(dirname "$JAR")")/$(basename "$JAR"); external PostgreSQL and Redis, $S3 S3; $(nproc) cores; $(date -u +%F); load average: $(cut -d' ' -f1-3 /proc/loadavg)."
} | tee "$WORK/startup.md"
