#!/usr/bin/env bash
# HTTP load test: cached tiles from `omzien serve` against nginx serving the same tiles as
# static files (the ceiling of this machine), wrk at 64 connections, URLs of the whole gemeente
# tile set in a fixed round-robin. Alternating runs: omzien, nginx, omzien, nginx.
# BASELINE=DIR also serves DIR/omzien (an earlier build) on port 8183 and runs it in each round,
# for before/after in the same run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${OMZIEN_DATA:-$ROOT/../shared/data}
WORK=$ROOT/target/http-bench
DURATION=${DURATION:-10s}
mkdir -p "$WORK/www/tiles"
command -v wrk >/dev/null && command -v nginx >/dev/null || { apt-get update -qq; apt-get install -y -qq wrk nginx-light >/dev/null; }
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
target/release/examples/tileset tiles --boundaries "$DATA/cbs-2020/gemeenten_2020.geojson" --set gemeente --out "$WORK/gemeente.tiles"

target/release/omzien serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020/gemeenten_2020.geojson" --addr 127.0.0.1:8181 2>"$WORK/omzien.log" &
OMZIEN=$!
BASE=""
if [ -n "${BASELINE:-}" ]; then
  "$BASELINE/omzien" serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020/gemeenten_2020.geojson" --addr 127.0.0.1:8183 2>"$WORK/baseline.log" &
  BASE=$!
fi
trap 'kill $OMZIEN $BASE 2>/dev/null; [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null; true' EXIT
until curl -s -o /dev/null 127.0.0.1:8181/health; do sleep 0.1; done
if [ -n "$BASE" ]; then until curl -s -o /dev/null 127.0.0.1:8183/health; do sleep 0.1; done; fi

# Warm the cache and copy every non-empty tile for nginx; keep the list of those paths.
: > "$WORK/paths"
while read -r z x y; do
  p="tiles/$z/$x/$y.png"
  code=$(curl -s -o "$WORK/tile.tmp" -w '%{http_code}' "127.0.0.1:8181/$p?level=gemeente")
  if [ "$code" = 200 ]; then
    mkdir -p "$WORK/www/tiles/$z/$x"; mv "$WORK/tile.tmp" "$WORK/www/$p"; echo "/$p" >> "$WORK/paths"
  fi
done < "$WORK/gemeente.tiles"
echo "$(wc -l < "$WORK/paths") non-empty tiles"
if [ -n "$BASE" ]; then # warm the baseline's cache with the same tiles
  while read -r p; do curl -s -o /dev/null "127.0.0.1:8183$p?level=gemeente"; done < "$WORK/paths"
fi

# wrk script: a fixed round-robin over all paths; omzien gets the layer query string.
cat > "$WORK/rr.lua" <<LUA
local paths = {}
for line in io.lines("$WORK/paths") do paths[#paths + 1] = line end
local i = 0
local suffix = os.getenv("SUFFIX") or ""
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i] .. suffix)
end
LUA

cat > "$WORK/nginx.conf" <<NGX
worker_processes 2;
pid $WORK/nginx.pid;
error_log $WORK/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  server { listen 127.0.0.1:8182; root $WORK/www; location / { add_header Cache-Control "public, max-age=3600"; } }
}
NGX
nginx -c "$WORK/nginx.conf"
sleep 0.5

for round in 1 2; do
  echo "--- omzien (round $round)"
  SUFFIX='?level=gemeente' wrk -t2 -c64 -d"$DURATION" --latency -s "$WORK/rr.lua" http://127.0.0.1:8181 | grep -E "Requests/sec|99%"
  echo "--- nginx (round $round)"
  wrk -t2 -c64 -d"$DURATION" --latency -s "$WORK/rr.lua" http://127.0.0.1:8182 | grep -E "Requests/sec|99%"
  if [ -n "$BASE" ]; then
    echo "--- omzien baseline $BASELINE (round $round)"
    SUFFIX='?level=gemeente' wrk -t2 -c64 -d"$DURATION" --latency -s "$WORK/rr.lua" http://127.0.0.1:8183 | grep -E "Requests/sec|99%"
  fi
done
