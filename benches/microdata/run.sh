#!/usr/bin/env bash
# Microdata side by side: 10 million SYNTHETIC respondents in Parquet, scored (De Jong-Gierveld)
# and aggregated to buurt, wijk and gemeente per wave and age group with 95% Wilson intervals on
# Kish's effective n and suppression below 50, by omzien and, in the same run on the same file,
# by DuckDB, Python polars (lazy) and pandas. Prints wall time, peak memory and the ratios.
#
#   bash benches/microdata/run.sh            # 10 million respondents, 3 alternating rounds
#   ROUNDS=5 PER_BUURT=256 bash benches/microdata/run.sh
#   BASELINE=/path/to/dir bash benches/microdata/run.sh   # also DIR/omzien, an earlier build
#   BASELINE=/path/to/dir PEERS=0 bash benches/microdata/run.sh   # before/after only
set -euo pipefail
cd "$(dirname "$0")/../.."
: "${OMZIEN_DATA:=../shared/data}"
: "${PER_BUURT:=256}"   # ≈ 10.0 million respondents over 13,000 buurten × 3 waves
: "${ROUNDS:=3}"
: "${THREADS:=2}"
work="${BENCH_DIR:-target/bench-microdata}"
mkdir -p "$work"
python3 -c 'import duckdb, polars, pandas, pyarrow' 2>/dev/null \
  || pip install --quiet duckdb polars pandas pyarrow
command -v /usr/bin/time >/dev/null || { apt-get install -y -q time >/dev/null; }
cargo build --release -p omzien-server -p omzien-benches --example respondents
file="$work/respondents_${PER_BUURT}.parquet"
if [ ! -f "$file" ]; then
  ./target/release/examples/respondents --data "$OMZIEN_DATA/rivm-50090NED" \
    --per-buurt "$PER_BUURT" --out "$file"
fi
THREADS="$THREADS" ROUNDS="$ROUNDS" python3 benches/microdata/compare.py "$file" "$work"
