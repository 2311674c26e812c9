#!/usr/bin/env bash
# Coverage-guided fuzzing with AFL++ (cargo afl, stable Rust): each target of omzien-fuzz for a
# given time, from its seeds and dictionary. Prints per target the inputs run, inputs/s, the
# corpus AFL kept, edges found, crashes and hangs; copies every crash and hang to
# target/afl-out/findings/<target>/ and exits 1 when there is any. Once fixed, a finding goes to
# fuzz/regressions/<target>/, which the test suite replays on every run.
#
#   bash fuzz/afl/run.sh                     # every target, 600 s each
#   SECONDS_PER_TARGET=60 bash fuzz/afl/run.sh figures urls
#   NO_MICRODATA=1 bash fuzz/afl/run.sh      # without polars: all but mapping and respondents
#                                            # (CI's short run; a much faster instrumented build)
#   AFL_TARGET_DIR=DIR                       # the instrumented build folder (default target/afl)
#   AFL_PROFILE=ci                           # a quicker build (opt-level 1, no debug info)
#
# Needs cargo-afl (`cargo install cargo-afl`, then `cargo afl config --build` once).
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(cd ../.. && pwd)
export CARGO_TARGET_DIR="${AFL_TARGET_DIR:-$ROOT/target/afl}"
OUT="$ROOT/target/afl-out"
SECS=${SECONDS_PER_TARGET:-600}
command -v cargo-afl >/dev/null || cargo install cargo-afl --locked
cargo afl config --build >/dev/null 2>&1 || true   # once per toolchain; "already built" is fine
targets=("$@")
PROFILE=${AFL_PROFILE:-release}
if [ "${NO_MICRODATA:-0}" = 1 ]; then
  cargo afl build --profile "$PROFILE" --locked -q --no-default-features
  [ ${#targets[@]} -gt 0 ] || targets=(figures boundaries weights groups urls)
else
  cargo afl build --profile "$PROFILE" --locked -q
  [ ${#targets[@]} -gt 0 ] || targets=(figures boundaries weights groups mapping respondents urls)
fi
BIN="$CARGO_TARGET_DIR/$PROFILE/omzien-afl"
# No core dumps to wait for and no CPU governor to ask about in a container.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
export AFL_FAST_CAL=1
# The instrumented binary (polars, axum, …) has more edges than AFL's default map holds.
AFL_MAP_SIZE=$( (AFL_DUMP_MAP_SIZE=1 "$BIN" figures || true) | tail -1)
export AFL_MAP_SIZE
printf '%-12s %10s %8s %7s %10s %8s %6s\n' target inputs "inputs/s" corpus edges crashes hangs
found=0
for t in "${targets[@]}"; do
  rm -rf "$OUT/seeds/$t" "$OUT/$t" "$OUT/findings/$t"
  mkdir -p "$OUT/seeds"
  "$BIN" "$t" --seeds "$OUT/seeds/$t"
  # -t: an input slower than 2 s is a hang (omzien_fuzz::SLOW); -m none: polars maps much.
  cargo afl fuzz -i "$OUT/seeds/$t" -o "$OUT/$t" -x "$OUT/seeds/$t.dict" -V "$SECS" -t 2000 -m none \
    -- "$BIN" "$t" > "$OUT/$t.log" 2>&1 || { tail -20 "$OUT/$t.log"; exit 1; }
  stats="$OUT/$t/default/fuzzer_stats"
  get() { awk -F' *: *' -v k="$1" '$1==k {print $2}' "$stats"; }
  printf '%-12s %10s %8s %7s %10s %8s %6s\n' "$t" "$(get execs_done)" "$(get execs_per_sec)" \
    "$(get corpus_count)" "$(get edges_found)" "$(get saved_crashes)" "$(get saved_hangs)"
  for kind in crashes hangs; do
    for f in "$OUT/$t/default/$kind"/id:*; do
      [ -e "$f" ] || continue
      mkdir -p "$OUT/findings/$t"
      cp "$f" "$OUT/findings/$t/$kind-$(basename "$f" | cut -d, -f1 | tr ':' '-')"
      found=$((found + 1))
    done
  done
done
if [ "$found" -gt 0 ]; then
  echo "$found findings in $OUT/findings: fix, then copy each to fuzz/regressions/<target>/ (replayed by cargo test --test fuzz)"
  exit 1
fi
