#!/usr/bin/env bash
# Gemeente reports (a benchmark, not a test): Amsterdam at wijk and at buurt level, then all
# gemeenten of the national data with --all, each timed with its peak memory (/usr/bin/time).
# Targets (issue 13): Amsterdam under 0.5 s, all 355 under 60 s on 2 cores.
# BASELINE=DIR runs DIR/omzien (an earlier build) beside, each case before and after in turn.
#
#   bash benches/report/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${OMZIEN_DATA:-../shared/data}
WORK=${BENCH_DIR:-target/bench-report}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || apt-get install -y -q time >/dev/null
cargo build --release -q -p omzien-server -p omzien-benches --bin omzien --example tileset
BIN=./target/release/omzien
common=(--data "$DATA/rivm-50090NED" --boundaries "$DATA/cbs-2020")
once() { # binary, label, args…
  local bin=$1 label=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$bin" report "$@" "${common[@]}" >/dev/null 2>"$WORK/stderr.txt" \
    || { cat "$WORK/stderr.txt"; exit 1; }
  read -r secs kb < "$WORK/time.txt"
  printf '%-44s %7.2f s %7.0f MB\n' "$label" "$secs" "$((kb / 1024))"
}
run() { # label, args…
  local label=$1; shift
  if [ -n "${BASELINE:-}" ]; then
    [ "$1" = --all ] && rm -rf "$WORK/all"
    once "$BASELINE/omzien" "$label (baseline)" "$@"
    [ "$1" = --all ] && rm -rf "$WORK/all"
  fi
  once "$BIN" "$label" "$@"
}
# Loading the figures and boundaries is part of every run; a load-only baseline tells it apart.
/usr/bin/time -f "%e %M" -o "$WORK/time.txt" "$BIN" summary --data "$DATA/rivm-50090NED" >/dev/null
read -r secs kb < "$WORK/time.txt"
printf '%-32s %7.2f s %7.0f MB\n' "load figures only (summary)" "$secs" "$((kb / 1024))"
run "Amsterdam, wijken" GM0363 --out "$WORK/amsterdam_wijk.pdf"
run "Amsterdam, buurten" GM0363 --level buurt --out "$WORK/amsterdam_buurt.pdf"
run "Delft, wijken" Delft --out "$WORK/delft.pdf"
rm -rf "$WORK/all"
run "all gemeenten (--all)" --all --out "$WORK/all"
echo "$(ls "$WORK/all" | wc -l) PDFs, $(du -sh "$WORK/all" | cut -f1) in $WORK/all"
