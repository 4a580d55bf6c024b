#!/usr/bin/env bash
# What a node keeps per event it has served (bench/README.md, "Memory per event served").
# For each jar given: starts a node with -Xmx512m on a fresh PostgreSQL schema and Redis key prefix,
# creates EVENTS events of SEATS seats (sections of 50 rows x 100) and serves each (the seat map,
# a join, a hold), then forces a full GC and reports the used heap (jvm_memory_used_bytes, area
# heap, from /metrics) and foyer_cached_seats, or that the node died. Cleans up after itself.
#
#   bench/events-memory.sh [--events 100] [--seats 50000] LABEL=JAR [LABEL=JAR ...]
set -euo pipefail

EVENTS=100
SEATS=50000
JARS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --events) EVENTS=$2; shift 2 ;;
    --seats) SEATS=$2; shift 2 ;;
    *) JARS+=("$1"); shift ;;
  esac
done
REDIS_URL=${FOYER_REDIS_URL:-redis://127.0.0.1:6379}
PG_URL=${FOYER_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
ADMIN=bench-admin
SECTIONS=$((SEATS / 5000))
LAYOUT=$(python3 -c "import json; print(json.dumps({'sections': [{'name': 'S%d' % i, 'rows': 50, 'seatsPerRow': 100} for i in range($SECTIONS)]}))")

heap_mb() { # used heap after a full GC, MB
  jcmd "$1" GC.run >/dev/null 2>&1 || true
  sleep 1
  curl -s "localhost:$2/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s += $NF} END {printf "%.0f", s / 1048576}'
}

echo "load average before: $(uptime | sed 's/.*load average: //')"
for spec in "${JARS[@]}"; do
  label=${spec%%=*}
  jar=${spec#*=}
  tag="bmem$(date +%s)$RANDOM"
  port=$((18000 + RANDOM % 1000))
  log=$(mktemp /tmp/events-memory-XXXX.log)
  (cd /tmp && FOYER_HTTP_PORT=$port FOYER_REDIS_URL=$REDIS_URL FOYER_PG_URL=$PG_URL FOYER_PG_SCHEMA=$tag \
    FOYER_KEY_PREFIX=$tag FOYER_ADMIN_KEY=$ADMIN FOYER_SECRET=bench-secret-0123456789 \
    FOYER_UNLIMITED_CLIENTS=127.0.0.0/8,::1 FOYER_CLUSTER_NAME=$tag \
    exec java -Xmx512m -XX:+ExitOnOutOfMemoryError -jar "$jar") >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 120); do curl -sf "localhost:$port/health" >/dev/null && break; sleep 1; done
  start_heap=$(heap_mb $pid $port)
  started=$(date +%s)
  served=0
  died=""
  for i in $(seq 1 "$EVENTS"); do
    e="mem-$i"
    if ! kill -0 $pid 2>/dev/null; then died="after $served events"; break; fi
    curl -s -o /dev/null -X PUT "localhost:$port/api/admin/events/$e" -H "Authorization: Bearer $ADMIN" \
      -H 'Content-Type: application/json' \
      -d "{\"name\":\"$e\",\"seats\":$LAYOUT,\"settings\":{\"gate\":\"off\",\"maxActive\":100000}}" || true
    map=$(curl -s --compressed -o /dev/null -w '%{http_code}' "localhost:$port/api/events/$e/seats" || echo 000)
    pass=$(curl -s -X POST "localhost:$port/api/events/$e/visitors" | jq -r '.pass // empty' 2>/dev/null || true)
    hold=$(curl -s -o /dev/null -w '%{http_code}' -X POST "localhost:$port/api/events/$e/holds" \
      -H "Authorization: Bearer $pass" -H 'Content-Type: application/json' -d '{"seats":["S0-1-1"]}' || echo 000)
    if [ "$map" = 200 ] && [ "$hold" = 201 ]; then served=$((served + 1)); fi
    if [ $((i % 10)) = 0 ] && kill -0 $pid 2>/dev/null; then
      echo "  $label: $i events, heap after GC $(heap_mb $pid $port) MB"
    fi
  done
  if kill -0 $pid 2>/dev/null; then
    heap=$(heap_mb $pid $port)
    cached=$(curl -s "localhost:$port/metrics" | awk '/^foyer_cached_seats / {print $2}')
    # the first event again: read back after eviction, its hold still there
    again=$(curl -s --compressed "localhost:$port/api/events/mem-1/seats" | jq -r '.seats[] | select(.id == "S0-1-1") | .status')
    echo "$label: $served of $EVENTS events of $SEATS seats served in $(( $(date +%s) - started )) s; heap after GC ${start_heap} MB at start, ${heap} MB after; foyer_cached_seats ${cached:-absent}; mem-1 S0-1-1 read again: $again"
    kill $pid; wait $pid 2>/dev/null || true
  else
    wait $pid 2>/dev/null || true
    echo "$label: node DIED ${died:-during the run} ($served events served): $(grep -m1 -iE 'OutOfMemory|heap space' "$log" || tail -1 "$log")"
  fi
  psql "$PG_URL" -q -c "DROP SCHEMA IF EXISTS \"$tag\" CASCADE" >/dev/null 2>&1 || true
  redis-cli -u "$REDIS_URL" --scan --pattern "$tag*" | xargs -r -n 500 redis-cli -u "$REDIS_URL" DEL >/dev/null
done
echo "load average after: $(uptime | sed 's/.*load average: //')"
