#!/usr/bin/env bash
# Joins per second with wrk, a build of an older commit against this tree, side by side.
#
#   bench/joins-wrk.sh [BASE_COMMIT] [ROUNDS]      (defaults: 4384f25, 2)
#
# Each build runs as one node on the local Redis and PostgreSQL (FOYER_REDIS_URL / FOYER_PG_URL,
# defaults 127.0.0.1), loopback exempt from the limits per client, an event with the gate on and
# paused (every join stays in line), no proof of work or identity. wrk: 2 threads, 64 connections,
# an 8 s warm-up, then 15 s measured; POST /api/events/{e}/visitors with no body. The builds take
# turns for ROUNDS rounds (base, this tree, base, ...) on fresh key prefixes and schemas, so a
# neighbour's burst falls on both alike. Prints one JSON object: joins/s per run, medians, the
# ratio of this tree over the base, non-2xx answers, and the load average before and after.
# Each build runs with its own defaults; FOYER_HTTP_INSTANCES=N in the environment gives both N
# ingress event loops (4384f25 takes one per core by default, this tree half the cores).
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:-4384f25}
ROUNDS=${2:-2}
REDIS=${FOYER_REDIS_URL:-redis://127.0.0.1:6379}
PG=${FOYER_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}
PORT=${PORT:-18080}
WORK=$(mktemp -d /tmp/foyer-joins-XXXXXX)
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }

cleanup() {
  [ -n "${NODE:-}" ] && kill "$NODE" 2>/dev/null && wait "$NODE" 2>/dev/null || true
  git worktree remove --force "$WORK/base" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "building this tree and $BASE ..." >&2
mvn -B -q -pl server -am package -DskipTests >/dev/null
cp server/target/foyer.jar "$WORK/main.jar"
git worktree add -q --detach "$WORK/base" "$BASE"
(cd "$WORK/base" && mvn -B -q -pl server -am package -DskipTests >/dev/null)
cp "$WORK/base/server/target/foyer.jar" "$WORK/base.jar"

cat > "$WORK/join.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = "{}"
LUA

# one run: start the node, make the event, warm up, measure; prints "joins_per_second non2xx"
run() {
  local jar=$1 tag=$2
  local prefix="joinsbench-$tag-$RANDOM$RANDOM" schema="joinsbench_${tag}_$RANDOM$RANDOM"
  FOYER_HTTP_PORT=$PORT FOYER_REDIS_URL=$REDIS FOYER_PG_URL=$PG FOYER_PG_SCHEMA=$schema FOYER_KEY_PREFIX=$prefix \
    FOYER_ADMIN_KEY=bench-admin FOYER_SECRET=bench-secret-0123456789 FOYER_UNLIMITED_CLIENTS=127.0.0.0/8,::1 \
    FOYER_CLUSTER_NAME="joinsbench-$prefix" FOYER_REDIS_WAIT_REPLICAS=0 \
    java -Xmx1g -jar "$jar" > "$WORK/$tag.log" 2>&1 &
  NODE=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -sf -X PUT "http://127.0.0.1:$PORT/api/admin/events/joins" -H "Authorization: Bearer bench-admin" \
    -H "Content-Type: application/json" \
    -d '{"name":"Joins benchmark","seats":{"sections":[{"name":"A","rows":1,"seatsPerRow":10}]},"settings":{"gate":"on","paused":true}}' >/dev/null
  local url="http://127.0.0.1:$PORT/api/events/joins/visitors"
  wrk -t2 -c64 -d8s -s "$WORK/join.lua" "$url" >/dev/null
  local out
  out=$(wrk -t2 -c64 -d15s -s "$WORK/join.lua" "$url")
  kill "$NODE"; wait "$NODE" 2>/dev/null || true; NODE=
  redis-cli -u "$REDIS" --scan --pattern "$prefix:*" | xargs -r -n 1000 redis-cli -u "$REDIS" unlink >/dev/null
  psql "$PG" -q -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
  local rps non2xx
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "$rps ${non2xx:-0}"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
base_runs=(); main_runs=(); base_bad=0; main_bad=0
for r in $(seq 1 "$ROUNDS"); do
  read -r rps bad < <(run "$WORK/base.jar" base); base_runs+=("$rps"); base_bad=$((base_bad + bad))
  echo "round $r: $BASE $rps joins/s" >&2
  read -r rps bad < <(run "$WORK/main.jar" main); main_runs+=("$rps"); main_bad=$((main_bad + bad))
  echo "round $r: this tree $rps joins/s" >&2
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$BASE" "$(git rev-parse --short HEAD)" "$load_before" "$load_after" "$base_bad" "$main_bad" \
  "${base_runs[*]}" "${main_runs[*]}" <<'PY'
import json, statistics, sys
base, head, before, after, base_bad, main_bad, b, m = sys.argv[1:]
b = [float(x) for x in b.split()]; m = [float(x) for x in m.split()]
print(json.dumps({"scenario": "joins-wrk", "wrk": "2 threads, 64 connections, 8 s warm-up, 15 s measured",
                  "base": {"commit": base, "joinsPerSecond": b, "median": statistics.median(b), "non2xx": int(base_bad)},
                  "tree": {"commit": head, "joinsPerSecond": m, "median": statistics.median(m), "non2xx": int(main_bad)},
                  "ratio": round(statistics.median(m) / statistics.median(b), 3),
                  "loadBefore": before, "loadAfter": after}, indent=2))
PY
