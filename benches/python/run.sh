#!/usr/bin/env bash
# The Python package beside Rust and beside polars on the national files (2 cores, release):
#  1. loading through Python (`omzien.load`) against the core's own load (examples/load_timing);
#  2. every figure of every area (all indicators, waves, age groups) as one DataFrame
#     (`Dataset.figures()`), target under 1 s;
#  3. the peer an analyst would write: polars' `read_csv` of the same six CSVs and the reshaping
#     to the same long table (value, lower, upper, status per area, indicator, wave, age group).
# Medians of ROUNDS (default 5). The wheel is the release build (`pip wheel`), installed in a
# virtual environment of its own, so the tests' development install is left alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DATA=${OMZIEN_DATA:-$ROOT/../shared/data}
ROUNDS=${ROUNDS:-5}
WORK=$ROOT/target/python-bench
mkdir -p "$WORK"
cargo build --release -q -p omzien-benches --example load_timing
python3 -m pip wheel -q --no-deps -w "$WORK/wheel" ./crates/omzien-py
[ -x "$WORK/venv/bin/python" ] || python3 -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check polars
"$WORK/venv/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps "$WORK"/wheel/omzien-*.whl
echo "rust load (examples/load_timing), $ROUNDS rounds:"
"$ROOT/target/release/examples/load_timing" "$ROUNDS" "$DATA/rivm-50090NED" | tee "$WORK/rust.txt"
"$WORK/venv/bin/python" benches/python/bench.py "$DATA/rivm-50090NED" "$ROUNDS" "$WORK/rust.txt"
