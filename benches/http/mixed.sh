#!/usr/bin/env bash
# Mixed load: cached PNG tiles alone; the same tiles while eight clients pull the national buurt
# figures as CSV (1.3 MB each); and that CSV itself, cold (the first request of a fresh server)
# and repeated. On the national data, release builds, wrk.
#
# BASELINE=FILE runs an earlier build of `omzien` side by side in the same run (before/after):
#   git worktree add /tmp/base <commit> && (cd /tmp/base && cargo build --release --bin omzien)
#   BASELINE=/tmp/base/target/release/omzien bash benches/http/mixed.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${OMZIEN_DATA:-$ROOT/../shared/data}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=$TARGET/http-mixed
DURATION=${DURATION:-10}
mkdir -p "$WORK"
command -v wrk >/dev/null || { apt-get update -qq; apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
"$TARGET/release/examples/tileset" tiles --boundaries "$DATA/cbs-2020/gemeenten_2020.geojson" --set gemeente --out "$WORK/gemeente.tiles"
CSV='/api/figures?level=buurt&format=csv'

cat > "$WORK/rr.lua" <<LUA
local paths = {}
for line in io.lines("$WORK/paths") do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i] .. "?level=gemeente")
end
LUA

# wrk's summary as "requests/s  mean  p99".
summary() {
  awk '/Requests\/sec/ {r=$2} /^    Latency/ {m=$2} /^ +99%/ {p=$2} END {printf "%10s  %9s  %9s", r, m, p}'
}

run() { # label binary port
  local label=$1 bin=$2 port=$3
  "$bin" serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020/gemeenten_2020.geojson" \
    --addr "127.0.0.1:$port" 2>"$WORK/$label.log" &
  local pid=$!
  until curl -s -o /dev/null "127.0.0.1:$port/health"; do sleep 0.1; done
  # The CSV cold: the first request of the fresh server (the layer classified, the rows built).
  local cold
  cold=$(curl -s -o "$WORK/$label.csv" -w '%{time_total}' "127.0.0.1:$port$CSV")
  # Warm the tile cache with every non-empty tile of the gemeente set.
  : > "$WORK/paths"
  while read -r z x y; do
    p="/tiles/$z/$x/$y.png"
    [ "$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$port$p?level=gemeente")" = 200 ] && echo "$p" >> "$WORK/paths"
  done < "$WORK/gemeente.tiles"
  local solo repeated
  solo=$(wrk -t1 -c32 -d"${DURATION}s" --latency -s "$WORK/rr.lua" "http://127.0.0.1:$port" | summary)
  # Tiles while eight clients pull the CSV: asking for gzip as browsers and Python's requests
  # do, and asking for the plain bytes (1.3 MB each) as curl and wrk do by default.
  local mixed=() csv_mixed=()
  for enc in gzip identity; do
    wrk -t1 -c8 -d"$((DURATION + 2))s" --latency -H "Accept-Encoding: $enc" "http://127.0.0.1:$port$CSV" > "$WORK/$label.csv-load" &
    local csvpid=$!
    sleep 1
    mixed+=("$(wrk -t1 -c32 -d"${DURATION}s" --latency -s "$WORK/rr.lua" "http://127.0.0.1:$port" | summary)")
    wait $csvpid
    csv_mixed+=("$(summary < "$WORK/$label.csv-load")")
  done
  repeated=$(wrk -t1 -c1 -d5s --latency "http://127.0.0.1:$port$CSV" | summary)
  kill $pid; wait $pid 2>/dev/null || true
  printf '%-6s | tiles alone %s | tiles + 8 CSV clients (gzip) %s | their CSV %s | tiles + 8 CSV clients (plain) %s | their CSV %s | CSV cold %4s ms | CSV repeated %s\n' \
    "$label" "$solo" "${mixed[0]}" "${csv_mixed[0]}" "${mixed[1]}" "${csv_mixed[1]}" \
    "$(awk -v t="$cold" 'BEGIN { printf "%.0f", t * 1000 }')" "$repeated"
}

echo "each column: requests/s, mean latency, p99 latency ($(nproc) cores, ${DURATION}s runs)"
for round in 1 2; do
  if [ -n "${BASELINE:-}" ]; then run "before" "$BASELINE" 8191; fi
  run "after" "$TARGET/release/omzien" 8192
done
