#!/usr/bin/env bash
# Tile archives (a benchmark, not a test): the national raster pyramid of one layer (Eenzaam_28,
# 18+, the latest wave, 1x): gemeenten z5–z9, wijken z10–z12, buurten z13–z15 over the
# Netherlands, written to PMTiles and to MBTiles. Prints tiles looked at and drawn, distinct
# tiles, archive bytes, wall time, tiles/s and peak memory.
#
#   bash benches/export/run.sh                  # the full pyramid
#   ZOOMS=gemeente=5-9,wijk=10-12 bash benches/export/run.sh   # a smaller one
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${OMZIEN_DATA:-../shared/data}
WORK=${BENCH_DIR:-target/bench-export}
ZOOMS=${ZOOMS:-gemeente=5-9,wijk=10-12,buurt=13-15}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
BIN=./target/release/omzien
for ext in pmtiles mbtiles; do
  out="$WORK/nl.$ext"
  rm -f "$out"
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" export tiles \
    --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020" \
    --wave 2020 --age 18+ --scale 1 --zooms "$ZOOMS" --out "$out" > "$WORK/out.txt"
  read -r secs kb < "$WORK/time.txt"
  # "…: D tiles drawn of T (U distinct), K KB"
  read -r drawn total unique < <(sed -E 's/.*: ([0-9]+) tiles drawn of ([0-9]+) \(([0-9]+) distinct\).*/\1 \2 \3/' "$WORK/out.txt")
  bytes=$(stat -c %s "$out")
  printf '%-8s %8s tiles, %8s drawn, %8s distinct, %7.1f MB, %6.1f s, %7.0f tiles/s, %5d MB peak\n' \
    "$ext" "$total" "$drawn" "$unique" "$(echo "$bytes / 1048576" | bc -l)" "$secs" \
    "$(echo "$total / $secs" | bc -l)" "$((kb / 1024))"
done
