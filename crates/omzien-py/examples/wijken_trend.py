"""A gemeente's wijken from one wave to the next, as an analyst would start.

    python examples/wijken_trend.py                       # the synthetic demo
    python examples/wijken_trend.py ../shared/data/rivm-50090NED Amsterdam \
        --boundaries ../shared/data/cbs-2020 --out trend.png

Loads the figures, lists the gemeente's wijken with their change between the first and the last
wave (the largest rises first), and draws the gemeente and its fastest-rising wijken per wave,
with the 95 % interval where the data has one.
"""

from __future__ import annotations

import argparse
from typing import Optional

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt
import polars as pl

import omzien


def main(argv: Optional[list[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("data", nargs="?", help="figure files or folder (default: the demo)")
    p.add_argument("gemeente", nargs="?", default=None, help="code or name")
    p.add_argument("--boundaries", help="boundary files or folder (they name the wijken)")
    p.add_argument("--indicator", default="Eenzaam_28")
    p.add_argument("--age", default="18+")
    p.add_argument("--out", default="wijken_trend.png")
    a = p.parse_args(argv)

    ds = omzien.load(a.data, boundaries=a.boundaries) if a.data else omzien.demo()
    gemeente = a.gemeente or ds.areas(level="gemeente")["code"][0]
    code = ds.resolve(gemeente, level="gemeente")
    first, last = ds.waves[0], ds.waves[-1]

    wijken = ds.areas(level="wijk", gemeente=code)
    trend = ds.trend(first, last, indicator=a.indicator, age=a.age, level="wijk", gemeente=code)
    print(f"{ds.area(code).name}: {len(wijken)} wijken, {a.indicator} {a.age}, {first} → {last}")
    ranked = trend.sort("delta_pp", descending=True, nulls_last=True)
    with pl.Config(tbl_rows=12, tbl_cols=-1, tbl_width_chars=120, fmt_str_lengths=30):
        print(ranked.select("code", "name", "from_value", "to_value", "delta_pp", "direction"))
    rising = ranked.filter(pl.col("direction") == "rising")["name"].to_list()
    more = f" and {len(rising) - 5} more" if len(rising) > 5 else ""
    print("rising:", (", ".join(rising[:5]) + more) if rising else "none")

    shown_wijken = ranked["code"].head(8).to_list()
    figures = ds.figures(indicator=a.indicator, age=a.age, areas=[code, *shown_wijken])
    fig, ax = plt.subplots(figsize=(8, 5))
    for (c, name), rows in figures.sort("wave").group_by("code", "name", maintain_order=True):
        shown = rows.filter(pl.col("status") == "value")
        own = c == code  # the gemeente itself: thick and black
        line = ax.plot(
            shown["wave"], shown["value"], marker="o", label=str(name),
            color="black" if own else None, linewidth=3 if own else 1.5,
        )[0]
        with_bounds = shown.filter(pl.col("lower").is_not_null())
        if len(with_bounds):
            ax.fill_between(
                with_bounds["wave"], with_bounds["lower"], with_bounds["upper"],
                color=line.get_color(), alpha=0.15,
            )
    ax.set_xticks(ds.waves)
    ax.set_xlabel("wave")
    ax.set_ylabel(f"{a.indicator} {a.age} (%)")
    title = f"{ds.area(code).name} and its fastest-rising wijken"
    ax.set_title(title + (" (synthetic)" if ds.synthetic else ""))
    ax.legend(fontsize="small", ncol=2)
    fig.tight_layout()
    fig.savefig(a.out, dpi=100)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
