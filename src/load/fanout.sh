#!/usr/bin/env bash
# Fan-out benchmark: two server nodes on the machine's PostgreSQL and Redis, subscribers held by our own load client
# (src/load/FanoutClient.java) in its own process, events caused by comment POSTs spread over both nodes (so half of
# each event's deliveries cross Redis). Scenarios (as in issue 20 and the peer's bench):
#   a  1 project x 1,000 subscribers, 100 events/s        b  100 projects x 10 subscribers, 100 events/s
#   c  saturation: 1 x 1,000, WINDOW (64) POSTs in flight
# Per run: events/s, deliveries/s, p50/p99/max latency (POST sent -> frame read), lost deliveries, and the CPU in
# cores of each node, Redis and the client during the measured writes (from /proc). Medians of RUNS after.
#
#   src/load/fanout.sh                               # a b c, RUNS=3, with target/dawg-server-*.jar
#   BASE_JAR=/tmp/main.jar src/load/fanout.sh a c    # also that jar on two more nodes; runs interleaved base/ours
#   PEER=1 src/load/fanout.sh a                      # also the Socket.IO peer's bench (PEERS dir) for each scenario
# The ceiling, measured in the same run with the same client (CEILING=0 leaves it out): src/load/BareFanout.java on two
# more nodes, the same protocol over Redis pub/sub with nothing else (no auth, no database, no history).
#
# Before a scenario's runs, each variant runs it in throwaway WARMUP_WINDOW (10) s windows until its nodes' CPU per event
# moves by at most STEADY_PERCENT (7) %, after at least WARMUP_MIN_WINDOWS (9), at most WARMUP_WINDOWS (15; 0: none).
# Settings: RUNS (3), DURATION (20), WARMUP (3), DRAIN (15: seconds the client waits after the writes for deliveries
# still on their way; what has not arrived by then counts as lost), WINDOW (64), CONNS (1000), JAVA_OPTS (-Xmx768m),
# PEERS (/work/shared/peers), PGHOST/PGPORT/PGUSER, REDIS_URL. Needs psql, curl, redis-cli; java 17+.
# Raw output: target/load/fanout/.
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}; DURATION=${DURATION:-20}; WARMUP=${WARMUP:-3}; WINDOW=${WINDOW:-64}; CONNS=${CONNS:-1000}
# At least 9 windows: at a paced 100 events/s the JIT sees few calls a second, and after 4 windows a node's CPU per
# event had stopped moving by 7 % window to window while still 20-30 % above its steady level.
WARMUP_WINDOW=${WARMUP_WINDOW:-10}; WARMUP_WINDOWS=${WARMUP_WINDOWS:-15}; WARMUP_MIN_WINDOWS=${WARMUP_MIN_WINDOWS:-9}
STEADY_PERCENT=${STEADY_PERCENT:-7}
PEERS=${PEERS:-/work/shared/peers}
PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGHOST PGPORT PGUSER
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
WORK=target/load/fanout
SCENARIOS=("$@")
[ ${#SCENARIOS[@]} -gt 0 ] || SCENARIOS=(a b c)
mkdir -p "$WORK"
say() { printf '==> %s\n' "$*"; }

JAR=${JAR:-$(ls target/dawg-server-*.jar 2>/dev/null | head -1 || true)}
if [ -z "$JAR" ]; then
  say "Building the server jar"
  ./mvnw -B -q -o -DskipTests package
  JAR=$(ls target/dawg-server-*.jar | head -1)
fi
VARIANTS=(ours)
declare -A JARS=([ours]=$JAR) PORTS=([ours]="18093 18094") PIDS=() TOKENS=() IDS1=() IDS100=()
if [ -n "${BASE_JAR:-}" ]; then
  VARIANTS=(base ours)
  JARS[base]=$BASE_JAR
  PORTS[base]="18091 18092"
fi
if [ "${CEILING:-1}" = 1 ]; then
  VARIANTS+=(bare)
  PORTS[bare]="18095 18096"
  # Its libraries (Reactor Netty, Lettuce) are the server's own, taken from the jar.
  rm -rf "$WORK/lib" && unzip -q -o "$JAR" 'BOOT-INF/lib/*' -d "$WORK/lib"
  BARE_CP="$WORK/bare:$WORK/lib/BOOT-INF/lib/*"
  mkdir -p "$WORK/bare"
  javac -cp "$BARE_CP" -d "$WORK/bare" src/load/BareFanout.java
fi

# The client runs from source on the JDK (17+): compiled once, so its start-up is not in the measurement.
mkdir -p "$WORK/client"
javac -d "$WORK/client" src/load/FanoutClient.java

ALL_PIDS=()
cleanup() { for p in "${ALL_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${ALL_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

# One signing key for both nodes of a variant: a token issued by one is accepted by the other.
JWT_SECRET=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
start_node() { # variant port db -> pid
  local variant=$1 port=$2 db=$3
  DAWG_JWT_SECRET=$JWT_SECRET DAWG_DATA_DIR=$WORK/data-$port SERVER_PORT=$port DAWG_DB_URL=postgresql://$PGHOST:$PGPORT/$db DAWG_DB_USER=$PGUSER \
    DAWG_REDIS_URL=$REDIS_URL DAWG_RATE_LIMIT_LOGIN=100000 DAWG_RATE_LIMIT_REGISTER=100000 DAWG_RATE_LIMIT_WRITES=100000000 \
    DAWG_RATE_LIMIT_PROJECT_WRITES=100000000 DAWG_REALTIME_MAX_CONNECTIONS_PER_ADDRESS=100000 \
    java ${JAVA_OPTS:--Xmx768m} -jar "${JARS[$variant]}" > "$WORK/server-$port.log" 2>&1 &
  echo $!
}
wait_healthy() { # port pid
  until curl -fs "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1; do
    kill -0 "$2" 2>/dev/null || { echo "node on $1 died; see $WORK/server-$1.log" >&2; exit 1; }
    sleep 0.2
  done
}
login() { # port -> token
  curl -fs -X POST "http://127.0.0.1:$1/api/auth/login" -H 'Content-Type: application/json' \
    -d '{"login":"fanoutwriter","password":"fanout load password"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\1/'
}

for v in "${VARIANTS[@]}"; do
  if [ "$v" = bare ]; then
    read -r pa pb <<< "${PORTS[bare]}"
    for port in $pa $pb; do
      java -Xmx512m -cp "$BARE_CP" BareFanout "$port" "$REDIS_URL" > "$WORK/server-$port.log" 2>&1 &
      ALL_PIDS+=("$!"); PIDS[bare]="${PIDS[bare]:-} $!"; wait_healthy "$port" "$!"
    done
    ids=(); for n in $(seq 1 100); do ids+=("$(cat /proc/sys/kernel/random/uuid)"); done
    IDS1[bare]=${ids[0]}; IDS100[bare]=$(IFS=,; echo "${ids[*]}")
    continue
  fi
  db=dawg_fanout_$v
  read -r pa pb <<< "${PORTS[$v]}"
  say "$v: fresh database $db, nodes on $pa and $pb (${JARS[$v]})"
  psql -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  rm -rf "$WORK/data-$pa" "$WORK/data-$pb"
  a=$(start_node "$v" "$pa" "$db"); ALL_PIDS+=("$a"); wait_healthy "$pa" "$a"   # the first node migrates
  b=$(start_node "$v" "$pb" "$db"); ALL_PIDS+=("$b"); wait_healthy "$pb" "$b"
  PIDS[$v]="$a $b"
  curl -fs -o /dev/null -X POST "http://127.0.0.1:$pa/api/auth/register" -H 'Content-Type: application/json' \
    -d '{"email":"fanoutwriter@example.test","username":"fanoutwriter","password":"fanout load password"}'
  token=$(login "$pa")
  ids=()
  for n in $(seq 1 100); do
    ids+=("$(curl -fs -X POST "http://127.0.0.1:$pa/api/projects" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
      -d "{\"title\":\"fanout $n\",\"visibility\":\"public\"}" | sed -E 's/.*"id":"([0-9a-f-]{36})".*/\1/')")
  done
  IDS1[$v]=${ids[0]}
  IDS100[$v]=$(IFS=,; echo "${ids[*]}")
done

REDIS_PID=$(redis-cli -u "$REDIS_URL" info server | awk -F: '/^process_id/{print $2}' | tr -d '\r')
HZ=$(getconf CLK_TCK)
ticks() { local t=0 p f; for p in "$@"; do f=$(cut -d' ' -f14,15 "/proc/$p/stat" 2>/dev/null) || continue; t=$((t + ${f% *} + ${f#* })); done; echo $t; }
waitfor() { for _ in $(seq 1 2400); do grep -q "$1" "$2" 2>/dev/null && return 0; sleep 0.05; done; return 1; }

run_client() { # variant scenario run [duration warm-up drain] -> one summary line
  local v=$1 s=$2 r=$3 out="$WORK/$2-$1-$3.txt" args duration=${4:-$DURATION} warmup=${5:-$WARMUP} drain=${6:-${DRAIN:-15}}
  read -r pa pb <<< "${PORTS[$v]}"
  case $s in
    a) args="--projects 1 --project ${IDS1[$v]} --rate 100" ;;
    b) args="--projects 100 --project ${IDS100[$v]} --rate 100" ;;
    c) args="--projects 1 --project ${IDS1[$v]} --window $WINDOW" ;;
  esac
  local token=none; [ "$v" = bare ] || token=$(login "$pa")
  java -Xmx1g -cp "$WORK/client" FanoutClient --url "http://127.0.0.1:$pa,http://127.0.0.1:$pb" --conns "$CONNS" \
    --duration "$duration" --warmup "$warmup" --drain "$drain" --token "$token" $args > "$out" 2>&1 &
  local cp=$!
  waitfor "^measuring" "$out" || { echo "client did not start measuring; see $out" >&2; cat "$out" >&2; return 1; }
  set -- ${PIDS[$v]}
  local a0 b0 r0 c0 a1 b1 r1 c1 t0 t1
  a0=$(ticks "$1"); b0=$(ticks "$2"); r0=$(ticks "$REDIS_PID"); c0=$(ticks $cp); t0=$(date +%s.%N)
  waitfor "^writes done" "$out"
  a1=$(ticks "$1"); b1=$(ticks "$2"); r1=$(ticks "$REDIS_PID"); c1=$(ticks $cp); t1=$(date +%s.%N)
  wait $cp || true
  local result; result=$(grep '^RESULT' "$out" | sed 's/^RESULT //')
  awk -v a=$((a1-a0)) -v b=$((b1-b0)) -v rr=$((r1-r0)) -v c=$((c1-c0)) -v hz="$HZ" -v t0="$t0" -v t1="$t1" \
    -v head="$s $v run $r:" -v res="$result" \
    'BEGIN{s=(t1-t0)*hz; printf "%s %s node-a %.2f node-b %.2f servers %.2f redis %.2f client %.2f\n", head, res, a/s, b/s, (a+b)/s, rr/s, c/s}'
}

median_line() { # prefix -> medians of the numeric fields of the lines starting with it
  grep "^$1 run" "$WORK/summary.txt" | python3 -c '
import re, sys, statistics as st
rows = [dict(re.findall(r"([a-z][a-z0-9/\-]*) ([\d.]+|nan)", l.split(":", 1)[1])) for l in sys.stdin]
keys = ["events/s", "deliveries/s", "p50", "p99", "max", "lost", "servers", "node-a", "node-b", "redis", "client"]
print("median of %d: " % len(rows) + "  ".join("%s %g (%g-%g)" % (k, st.median(float(r[k]) for r in rows), min(float(r[k]) for r in rows), max(float(r[k]) for r in rows)) for k in keys if all(k in r for r in rows)))
'
}

# The JIT takes 60-100 s of load to compile this server's code; a run measured before that measures the compiler.
# So each variant first runs the scenario in throwaway windows until its nodes' CPU per event settles.
warm_until_steady() { # variant scenario
  local v=$1 s=$2 n line cpu previous=""
  for n in $(seq 1 "$WARMUP_WINDOWS"); do
    line=$(run_client "$v" "$s" "warm$n" "$WARMUP_WINDOW" 1 3)
    cpu=$(awk '{for (i = 1; i < NF; i++) { if ($i == "events/s") e = $(i + 1); if ($i == "servers") c = $(i + 1) }} END {printf "%.0f", (e > 0 ? c / e * 1e6 : 0)}' <<< "$line")
    echo "$s $v warm-up window $n: $cpu us of server CPU per event" >> "$WORK/warmup.txt"
    if [ -n "$previous" ] && [ "$n" -ge "$WARMUP_MIN_WINDOWS" ] && \
       awk -v a="$previous" -v b="$cpu" -v p="$STEADY_PERCENT" 'BEGIN {d = a - b; if (d < 0) d = -d; exit !(a > 0 && d * 100 <= p * a)}'; then
      echo "$s $v: steady after $n warm-up windows ($cpu us per event)"; return
    fi
    previous=$cpu
  done
  echo "$s $v: not steady after $WARMUP_WINDOWS warm-up windows ($cpu us per event); measuring anyway"
}

: > "$WORK/summary.txt"; : > "$WORK/warmup.txt"
for s in "${SCENARIOS[@]}"; do
  for v in "${VARIANTS[@]}"; do
    [ "$WARMUP_WINDOWS" -gt 0 ] && warm_until_steady "$v" "$s"
  done
  say "scenario $s: ${RUNS} runs of ${DURATION} s (+${WARMUP} s warm-up), variants ${VARIANTS[*]} interleaved"
  for r in $(seq 1 "$RUNS"); do
    for v in "${VARIANTS[@]}"; do
      run_client "$v" "$s" "$r" | tee -a "$WORK/summary.txt"
      sleep 2
    done
  done
  for v in "${VARIANTS[@]}"; do
    printf '%s %s ' "$s" "$v"; median_line "$s $v" | tee -a "$WORK/medians.txt"
  done
  if [ "${PEER:-0}" = 1 ]; then
    say "peer (Socket.IO + Redis adapter, its own fanout.js client): $PEERS/socketio-fanout/bench.sh $s $RUNS"
    DURATION=$DURATION WARMUP=$WARMUP WINDOW=$WINDOW "$PEERS/socketio-fanout/bench.sh" "$s" "$RUNS" 2>&1 | grep -E "^run|median" | sed "s/^/$s peer /" | tee -a "$WORK/summary.txt"
  fi
done
echo "raw output: $WORK (summary.txt)"
