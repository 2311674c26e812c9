#!/usr/bin/env bash
# The static site export (a benchmark, not a test): `omzien export site` of the national files
# (every age group, every wave and change, gemeenten z5–z9, wijken z10–z12, buurten z13–z14),
# this build side by side with an earlier one (BEFORE=path/to/omzien), alternating, ROUNDS
# rounds each. Prints each round's wall time, peak memory and the site's size, then the medians.
#
#   BEFORE=/path/to/old/omzien bash benches/export/site.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${OMZIEN_DATA:-../shared/data}
WORK=${BENCH_DIR:-target/bench-site}
ROUNDS=${ROUNDS:-3}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
cargo build --release -q -p omzien-server --bin omzien
AFTER=./target/release/omzien
declare -A bins=([after]="$AFTER")
[ -n "${BEFORE:-}" ] && bins[before]="$BEFORE"
for name in "${!bins[@]}"; do : > "$WORK/$name.times"; done
for r in $(seq 1 "$ROUNDS"); do
  for name in before after; do
    bin=${bins[$name]:-}
    [ -z "$bin" ] && continue
    out="$WORK/site-$name"
    rm -rf "$out"
    /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$bin" export site \
      --data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020" --out "$out" > /dev/null 2>"$WORK/err-$name.txt"
    read -r secs kb < "$WORK/time.txt"
    size=$(du -sm "$out" | cut -f1)
    files=$(find "$out" -type f | wc -l)
    printf '%-6s round %d: %6.1f s, %5d MB peak, site %4d MB in %d files\n' "$name" "$r" "$secs" "$((kb / 1024))" "$size" "$files"
    echo "$secs" >> "$WORK/$name.times"
  done
done
for name in before after; do
  [ -f "$WORK/$name.times" ] || continue
  [ -s "$WORK/$name.times" ] || continue
  printf '%-6s median %.1f s\n' "$name" "$(sort -n "$WORK/$name.times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
