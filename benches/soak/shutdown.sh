#!/usr/bin/env bash
# Graceful shutdown under load: `omzien serve` on the national data gets the soak's mix of cold
# tiles and API calls from wrk at 64 connections; after WARM seconds it gets SIGTERM. Requests
# in flight must finish (no 5xx answer) and the process must exit within 5 s. Connections
# refused after the listener closed are expected and not counted as failures.
#
#   bash benches/soak/shutdown.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${OMZIEN_DATA:-$ROOT/../shared/data}
WORK=$ROOT/target/soak
WARM=${WARM:-8}
PORT=${PORT:-8185}
mkdir -p "$WORK"
command -v wrk >/dev/null || { apt-get update -qq; apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
[ -s "$WORK/urls.txt" ] || python3 benches/soak/urls.py "$DATA/rivm-50090NED" 500000 1 > "$WORK/urls.txt"
target/release/omzien serve --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020" \
  --addr "127.0.0.1:$PORT" 2>"$WORK/shutdown-omzien.log" &
PID=$!
until curl -s -o /dev/null "127.0.0.1:$PORT/health"; do sleep 0.1; done
URLS="$WORK/urls.txt" SEED=2 wrk -t2 -c64 -d$((WARM + 10))s --timeout 30s \
  -s benches/soak/soak.lua "http://127.0.0.1:$PORT" > "$WORK/shutdown-wrk.txt" 2>&1 &
WRK=$!
sleep "$WARM"
start=$(date +%s%N)
kill -TERM $PID
waited=0
while kill -0 $PID 2>/dev/null; do
  sleep 0.05
  if [ $(( ($(date +%s%N) - start) / 1000000 )) -gt 10000 ]; then break; fi
done
exit_ms=$(( ($(date +%s%N) - start) / 1000000 ))
wait $PID 2>/dev/null; code=$?
wait $WRK 2>/dev/null || true
grep -E '^(STATUSES|ERRORS|RESULT)' "$WORK/shutdown-wrk.txt"
echo "SIGTERM after ${WARM} s of load: exited ${exit_ms} ms later with status ${code}"
fail=0
if grep -E '^STATUSES' "$WORK/shutdown-wrk.txt" | tr ' ' '\n' | grep -qE '^5[0-9][0-9]='; then
  echo "FAIL: 5xx answers during shutdown"; fail=1
fi
if [ "$exit_ms" -gt 5000 ]; then echo "FAIL: exit took ${exit_ms} ms (more than 5 s)"; fail=1; fi
if [ "$code" -ne 0 ]; then echo "FAIL: exit status ${code}"; fail=1; fi
grep -q "shutting down" "$WORK/shutdown-omzien.log" || { echo "FAIL: no graceful shutdown logged"; fail=1; }
[ "$fail" = 0 ] && echo "PASS: no 5xx, exit within 5 s"
exit "$fail"
