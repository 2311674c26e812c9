#!/usr/bin/env bash
# Cold vector tiles against cold PNG tiles of the same areas (a benchmark, not a test): the
# national data served by `omzien serve`, the same seeded list of tile addresses (z8–z14 over the
# Netherlands, level by zoom) asked once each as .mvt and as .png (every address is new to the
# server, so nothing is cached), one request at a time. Prints mean and p95 milliseconds and
# mean bytes of each.
#
#   N=300 bash benches/vector/cold.sh
#   BASELINE=DIR bash benches/vector/cold.sh   # also DIR/omzien (an earlier build), same addresses
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${OMZIEN_DATA:-../shared/data}
N=${N:-300}
PORT=${PORT:-18089}
WORK=${BENCH_DIR:-target/bench-vector}
mkdir -p "$WORK"
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
./target/release/omzien serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020" \
  --addr "127.0.0.1:$PORT" > "$WORK/serve.log" 2>&1 &
pid=$!
base=""
if [ -n "${BASELINE:-}" ]; then
  "$BASELINE/omzien" serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020" \
    --addr "127.0.0.1:$((PORT + 1))" > "$WORK/baseline.log" 2>&1 &
  base=$!
fi
trap 'kill $pid $base 2>/dev/null || true' EXIT
for p in $PORT ${base:+$((PORT + 1))}; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$p/health" >/dev/null && break; sleep 0.2; done
done
# Seeded tile addresses over the Netherlands (lon 3.4–7.2, lat 50.8–53.5).
python3 - "$N" > "$WORK/tiles.txt" <<'PY'
import math, random, sys
rng = random.Random(42)
n = int(sys.argv[1])
seen = set()
while len(seen) < n:
    z = rng.randint(8, 14)
    lon, lat = rng.uniform(3.4, 7.2), rng.uniform(50.8, 53.5)
    k = 2 ** z
    x = int((lon + 180) / 360 * k)
    y = int((1 - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat))) / math.pi) / 2 * k)
    seen.add((z, x, y))
for z, x, y in sorted(seen):
    print(z, x, y)
PY
run() { # ext route [port label]
  local ext=$1 port=${3:-$PORT} label=${4:-} out="$WORK/$1${4:+.$4}.times"
  : > "$out"
  while read -r z x y; do
    # The level by zoom, as the web map (and /vector by default) has it.
    if [ "$z" -le 9 ]; then level=gemeente; elif [ "$z" -le 12 ]; then level=wijk; else level=buurt; fi
    curl -s -o /dev/null -w '%{time_total} %{size_download}\n' \
      "http://127.0.0.1:$port/$2/$z/$x/$y.$ext?age=65%2B&level=$level" >> "$out"
  done < "$WORK/tiles.txt"
  sort -n "$out" | awk -v ext="$ext${label:+ ($label)}" '{t[NR]=$1; s+=$1; b+=$2} END {
    printf "%-13s %d tiles: mean %.1f ms, p95 %.1f ms, mean %.1f KB\n", ext, NR, 1000*s/NR, 1000*t[int(NR*0.95)], b/NR/1024 }'
}
run mvt vector
if [ -n "$base" ]; then run mvt vector $((PORT + 1)) before; fi
run png tiles
if [ -n "$base" ]; then run png tiles $((PORT + 1)) before; fi
