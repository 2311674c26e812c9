#!/usr/bin/env bash
# Soak test (a benchmark, not a test): `omzien serve` on the national data under a seeded random
# mix of cold tile URLs (z6–z16, every level, four indicators, 18+ and 65+, each wave or the
# 2012→2020 change, three classification methods, a quarter @2x) and API calls, with wrk at 64
# connections. Resident memory is sampled every 5 s. Prints requests/s, p50/p99, statuses,
# errors and the memory curve; fails when memory rises above ready + cache_mb + 100 MB or any
# request fails (a non-2xx answer or a socket error).
#
#   bash benches/soak/run.sh                       # 10 minutes, cache_mb 256
#   DURATION=10m CACHE_MB=64 bash benches/soak/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${OMZIEN_DATA:-$ROOT/../shared/data}
WORK=$ROOT/target/soak
DURATION=${DURATION:-10m}
CACHE_MB=${CACHE_MB:-256}
CONNECTIONS=${CONNECTIONS:-64}
SEED=${SEED:-1}
PORT=${PORT:-8184}
mkdir -p "$WORK"
command -v wrk >/dev/null || { apt-get update -qq; apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
python3 benches/soak/urls.py "$DATA/rivm-50090NED" 500000 "$SEED" > "$WORK/urls.txt"

target/release/omzien serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020" \
  --addr "127.0.0.1:$PORT" --cache-mb "$CACHE_MB" 2>"$WORK/omzien.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; kill $SAMPLER 2>/dev/null || true' EXIT
until curl -s -o /dev/null "127.0.0.1:$PORT/health"; do sleep 0.1; done
rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$PID/status"; }
READY=$(rss_mb)
LIMIT=$((READY + CACHE_MB + 100))
echo "ready: ${READY} MB resident; limit ${LIMIT} MB (ready + cache_mb ${CACHE_MB} + 100)"

: > "$WORK/memory.txt"
( start=$(date +%s); while kill -0 $PID 2>/dev/null; do
    echo "$(( $(date +%s) - start )) $(rss_mb)" >> "$WORK/memory.txt"; sleep 5
  done ) &
SAMPLER=$!

URLS="$WORK/urls.txt" SEED="$SEED" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 30s \
  -s benches/soak/soak.lua "http://127.0.0.1:$PORT" | tee "$WORK/wrk.txt"
kill $SAMPLER 2>/dev/null || true
curl -s "127.0.0.1:$PORT/metrics" > "$WORK/metrics.txt"

echo "memory (seconds, MB resident), every 30 s:"
awk 'NR % 6 == 1 { printf "  %4d s %5d MB\n", $1, $2 }' "$WORK/memory.txt"
MAX=$(awk 'BEGIN { m = 0 } $2 > m { m = $2 } END { print m }' "$WORK/memory.txt")
echo "peak ${MAX} MB, limit ${LIMIT} MB"
grep -E '^omzien_cache_(bytes|entries|hits_total|misses_total)' "$WORK/metrics.txt" | sed 's/^/  /'
fail=0
if [ "$MAX" -gt "$LIMIT" ]; then echo "FAIL: memory ${MAX} MB above ${LIMIT} MB"; fail=1; fi
if grep -E '^STATUSES' "$WORK/wrk.txt" | tr ' ' '\n' | grep -E '^[0-9]+=' | grep -vqE '^(200|304)='; then
  echo "FAIL: answers other than 200/304: $(grep '^STATUSES' "$WORK/wrk.txt")"; fail=1
fi
if ! grep -qE '^ERRORS connect=0 read=0 write=0 timeout=0 status=0$' "$WORK/wrk.txt"; then
  echo "FAIL: $(grep '^ERRORS' "$WORK/wrk.txt")"; fail=1
fi
[ "$fail" = 0 ] && echo "PASS: no failed request, memory within the bound"
exit "$fail"
