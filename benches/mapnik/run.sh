#!/usr/bin/env bash
# Side-by-side tile rendering: omzien against Mapnik (PyPI `mapnik`), same tiles, one thread each.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -c 'import mapnik' 2>/dev/null || pip install --quiet mapnik
cargo build --release -p omzien-benches --example tileset
RAYON_NUM_THREADS=1 python3 benches/mapnik/compare.py
