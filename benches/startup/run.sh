#!/usr/bin/env bash
# Time from start to the first tile on the national data, and resident memory after it and
# after the whole gemeente tile set (benches/mapnik's set) has been served once.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${OMZIEN_DATA:-$ROOT/../shared/data}
WORK=$ROOT/target/startup-bench
ROUNDS=${ROUNDS:-3}
PORT=${PORT:-8183}
mkdir -p "$WORK"
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
target/release/examples/tileset tiles --boundaries "$DATA/cbs-2020/gemeenten_2020.geojson" --set gemeente --out "$WORK/gemeente.tiles"
rss() { awk '/VmRSS/ {printf "%.0f MB", $2 / 1024}' "/proc/$1/status"; }
for round in $(seq "$ROUNDS"); do
  start=$(date +%s%N)
  target/release/omzien serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020" \
    --addr "127.0.0.1:$PORT" 2>"$WORK/omzien.log" &
  pid=$!
  trap 'kill $pid 2>/dev/null; true' EXIT
  # Amsterdam's z10 tile at buurt level: the deepest level, so every level must be ready.
  until [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$PORT/tiles/10/525/336.png?level=buurt")" = 200 ]; do
    sleep 0.02
  done
  first_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  after_first=$(rss $pid)
  while read -r z x y; do
    curl -s -o /dev/null "127.0.0.1:$PORT/tiles/$z/$x/$y.png?level=gemeente"
  done < "$WORK/gemeente.tiles"
  printf 'round %s: first tile %s ms after start, %s resident; %s after %s gemeente tiles\n' \
    "$round" "$first_ms" "$after_first" "$(rss $pid)" "$(wc -l < "$WORK/gemeente.tiles")"
  kill $pid; wait $pid 2>/dev/null || true
done
