#!/usr/bin/env bash
# The national vector pyramid of the buurt layer (a benchmark, not a test): omzien
# (`omzien export tiles --format mvt`, rendering on every core) beside GDAL's MVT driver
# (`ogr2ogr -f MVT`, Debian gdal-bin) on the same polygons and attributes, in the same run.
# GDAL reads a GeoJSON that `tileset vector-input` writes from the polygons omzien loaded (after
# repair) with exactly the attributes of omzien's tiles (code, name, gemeente, status/value/
# bounds of every wave, the changes). Both: extent 4096, buffer 64, gzip-compressed tiles, no
# size or feature limit per tile (GDAL's MAX_SIZE and MAX_FEATURES raised so that it drops
# nothing). Prints tiles, total tile bytes, archive or folder bytes, wall time and peak memory.
#
#   bash benches/vector/pyramid.sh                 # buurt z5–z14 over the Netherlands
#   ZOOMS=5-12 bash benches/vector/pyramid.sh      # a smaller pyramid
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${OMZIEN_DATA:-../shared/data}
WORK=${BENCH_DIR:-target/bench-vector}
ZOOMS=${ZOOMS:-5-14}
MINZ=${ZOOMS%-*}
MAXZ=${ZOOMS#*-}
mkdir -p "$WORK"
command -v ogr2ogr >/dev/null || { echo "ogr2ogr not found: apt install gdal-bin" >&2; exit 1; }
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset

./target/release/examples/tileset vector-input --data "$DATA/rivm-50090NED" \
  --boundaries "$DATA/cbs-2020/buurten_2020.geojson" --out "$WORK/buurt.geojson"

rm -f "$WORK/buurt.pmtiles"
/usr/bin/time -f "%e %M" -o "$WORK/omzien.time" ./target/release/omzien export tiles \
  --format mvt --age 18+ --zooms "buurt=$ZOOMS" \
  --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020/buurten_2020.geojson" \
  --out "$WORK/buurt.pmtiles" > "$WORK/omzien.out"
read -r o_secs o_kb < "$WORK/omzien.time"
read -r o_tiles o_tilebytes < <(python3 - "$WORK/buurt.pmtiles" <<'PY'
import sys
from pmtiles.reader import MmapSource, Reader
with open(sys.argv[1], "rb") as f:
    h = Reader(MmapSource(f)).header()
    print(h["addressed_tiles_count"], h["tile_data_length"])
PY
)
o_bytes=$(stat -c %s "$WORK/buurt.pmtiles")

rm -rf "$WORK/gdal"
/usr/bin/time -f "%e %M" -o "$WORK/gdal.time" ogr2ogr -q -f MVT "$WORK/gdal" "$WORK/buurt.geojson" \
  -nln buurt -dsco MINZOOM="$MINZ" -dsco MAXZOOM="$MAXZ" -dsco EXTENT=4096 -dsco BUFFER=64 \
  -dsco COMPRESS=YES -dsco MAX_SIZE=1000000000 -dsco MAX_FEATURES=100000000
read -r g_secs g_kb < "$WORK/gdal.time"
g_tiles=$(find "$WORK/gdal" -name '*.pbf' | wc -l)
g_tilebytes=$(find "$WORK/gdal" -name '*.pbf' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
g_bytes=$(du -sb "$WORK/gdal" | cut -f1)

printf 'buurt z%s, %s\n' "$ZOOMS" "$(nproc) cores"
printf '%-7s %8s tiles  %7.1f MB tiles  %7.1f MB on disk  %7.1f s  %5d MB peak\n' \
  omzien "$o_tiles" "$(echo "$o_tilebytes / 1048576" | bc -l)" "$(echo "$o_bytes / 1048576" | bc -l)" \
  "$o_secs" "$((o_kb / 1024))"
printf '%-7s %8s tiles  %7.1f MB tiles  %7.1f MB on disk  %7.1f s  %5d MB peak\n' \
  gdal "$g_tiles" "$(echo "$g_tilebytes / 1048576" | bc -l)" "$(echo "$g_bytes / 1048576" | bc -l)" \
  "$g_secs" "$((g_kb / 1024))"
printf 'omzien is %.1fx faster; its tiles are %.2fx the bytes of GDAL'"'"'s\n' \
  "$(echo "$g_secs / $o_secs" | bc -l)" "$(echo "$o_tilebytes / $g_tilebytes" | bc -l)"
