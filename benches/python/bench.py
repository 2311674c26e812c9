"""The Python package's benchmark (run by run.sh): omzien.load beside the core's own load,
every figure as one DataFrame, and the polars peer an analyst would write on the same CSVs."""

from __future__ import annotations

import glob
import statistics
import sys
import time
from typing import Callable, TypeVar

import polars as pl

import omzien

T = TypeVar("T")

# The StatLine codes of the two age groups of 50090NED, and the margins' meaning.
AGES = {"20300": "18+", "80200": "65+"}
ID_COLUMNS = ["ID", "Leeftijd", "Marges", "WijkenEnBuurten", "Perioden", "Gemeentenaam_1",
              "SoortRegio_2", "Codering_3"]


def timed(rounds: int, f: Callable[[], T]) -> tuple[float, list[float], T]:
    times, out = [], None
    for _ in range(rounds):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    assert out is not None
    return statistics.median(times), times, out


def peer(folder: str) -> pl.DataFrame:
    """What an analyst writes with polars alone: read the CSVs as text (so "." stays apart
    from empty), one row per area, indicator, wave and age group, value/lower/upper from the
    margins, and the status."""
    files = sorted(glob.glob(f"{folder}/*.csv"))
    df = pl.concat([pl.read_csv(f, infer_schema=False) for f in files], how="diagonal")
    indicators = [c for c in df.columns if c not in ID_COLUMNS]
    long = df.select(
        pl.col("WijkenEnBuurten").str.strip_chars().alias("code"),
        pl.col("Perioden").str.slice(0, 4).cast(pl.Int32).alias("wave"),
        pl.col("Leeftijd").replace_strict(AGES).alias("age"),
        pl.col("Marges").str.strip_chars().alias("margin"),
        *indicators,
    ).unpivot(index=["code", "wave", "age", "margin"], on=indicators,
              variable_name="indicator", value_name="cell")
    long = long.with_columns(pl.col("cell").str.strip_chars())
    wide = long.pivot(on="margin", index=["code", "indicator", "wave", "age"], values="cell")
    cell = pl.col("MW00000")
    bound = lambda m: (pl.col(m).cast(pl.Float64, strict=False) if m in wide.columns  # noqa: E731
                       else pl.lit(None, pl.Float64))
    return wide.select(
        "code", "indicator", "wave", "age",
        cell.cast(pl.Float64, strict=False).alias("value"),
        bound("MOG0095").alias("lower"),
        bound("MBG0095").alias("upper"),
        pl.when(cell.is_null() | (cell == "")).then(pl.lit("not_measured"))
        .when(cell == ".").then(pl.lit("suppressed"))
        .otherwise(pl.lit("value")).alias("status"),
    )


def main() -> None:
    folder, rounds, rust_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rust = [float(line.split()[0]) for line in open(rust_file) if line.strip()]
    rust_median = statistics.median(rust)

    load_median, load_times, ds = timed(rounds, lambda: omzien.load(folder))
    fig_median, fig_times, figures = timed(rounds, ds.figures)
    peer_median, peer_times, by_polars = timed(rounds, lambda: peer(folder))

    # The peer reads the same figures: every published value equal where both have the cell.
    joined = figures.filter(pl.col("status") == "value").join(
        by_polars, on=["code", "indicator", "wave", "age"], how="inner", suffix="_peer")
    assert len(joined) > 0 and (joined["value"] == joined["value_peer"]).all()
    suppressed = figures.filter(pl.col("status") == "suppressed").height

    print(f"\nnational files: {folder} ({ds!r})")
    print(f"{'what':58} {'median s':>9}  rounds")
    print(f"{'core load (Rust, examples/load_timing)':58} {rust_median:9.3f}  {' '.join(f'{t:.3f}' for t in rust)}")
    print(f"{'omzien.load (Python)':58} {load_median:9.3f}  {' '.join(f'{t:.3f}' for t in load_times)}")
    print(f"{'Dataset.figures(): every figure, one DataFrame':58} {fig_median:9.3f}  {' '.join(f'{t:.3f}' for t in fig_times)}")
    print(f"{'load + figures()':58} {load_median + fig_median:9.3f}")
    print(f"{'polars read_csv + reshape (the peer)':58} {peer_median:9.3f}  {' '.join(f'{t:.3f}' for t in peer_times)}")
    print(f"\nPython load / Rust load: {load_median / rust_median:.3f} (target ≤ 1.10)")
    print(f"figures(): {figures.height:,} rows × {figures.width} columns (target < 1 s); "
          f"peer: {by_polars.height:,} rows (areas with a row in the files), "
          f"{len(joined):,} published values equal; {suppressed:,} suppressed kept as such")


if __name__ == "__main__":
    main()
