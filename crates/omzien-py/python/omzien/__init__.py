"""omzien: loneliness figures of the Dutch GGD Gezondheidsmonitor per buurt, wijk and gemeente.

Load the published figures (RIVM StatLine table 50090NED and tables of its kind) or the built-in
synthetic demo, and get them as polars DataFrames with typed columns::

    import omzien
    ds = omzien.load("../shared/data/rivm-50090NED")
    ds.figures(indicator="Eenzaam_28", wave=2020, level="gemeente")
    ds.trend(2016, 2020, level="wijk", gemeente="Amsterdam")

A figure that was not published is never a 0 or a NaN: its ``value`` is null and its ``status``
says ``suppressed`` or ``not_measured``. Use ``.to_pandas()`` on any frame for pandas.

The work runs in Rust with the GIL released, so other Python threads keep running; nothing is
printed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
import json
from pathlib import Path as _PathType
from typing import Any, Callable, Dict, Optional, Sequence, Union

import polars as pl

from . import _omzien
from .errors import (
    FetchError,
    LoadError,
    MicrodataError,
    OmzienError,
    QueryError,
    RenderError,
)

__all__ = [
    "Area",
    "Comparison",
    "Dataset",
    "Fetched",
    "Layer",
    "FetchError",
    "LEVELS",
    "LoadError",
    "MicrodataError",
    "OmzienError",
    "QueryError",
    "RenderError",
    "STATUSES",
    "VERDICTS",
    "DIRECTIONS",
    "demo",
    "fetch",
    "load",
    "microdata",
]

__version__: str = _omzien.__version__

#: Area levels, largest first: the ``level`` column's enum.
LEVELS: tuple[str, ...] = ("land", "gemeente", "wijk", "buurt")
#: A figure's state: the ``status`` column's enum. Only ``value`` has a value.
STATUSES: tuple[str, ...] = ("value", "suppressed", "not_measured")
#: The direction of a change beyond the stable band: the ``direction`` column's enum.
DIRECTIONS: tuple[str, ...] = ("rising", "falling", "stable")

Path = Union[str, "os.PathLike[str]"]
Wave = Union[int, str]

#: How a figure compares with its benchmark, as a reader takes it.
VERDICTS: tuple[str, ...] = ("worse", "better", "higher", "lower", "similar", "unknown")

_ENUMS: dict[str, pl.Enum] = {
    "verdict_95": pl.Enum(list(VERDICTS)),
    "verdict_998": pl.Enum(list(VERDICTS)),
    "benchmark_status": pl.Enum(list(STATUSES)),
    "level": pl.Enum(list(LEVELS)),
    "status": pl.Enum(list(STATUSES)),
    "from_status": pl.Enum(list(STATUSES)),
    "to_status": pl.Enum(list(STATUSES)),
    "direction": pl.Enum(list(DIRECTIONS)),
}


def _frame(table: _omzien.Table) -> pl.DataFrame:
    """The native table as a DataFrame (no copy), closed vocabularies as enums."""
    df = pl.DataFrame(table)
    casts = [pl.col(c).cast(e) for c, e in _ENUMS.items() if c in df.columns]
    return df.with_columns(casts) if casts else df


def _wave(w: Optional[Wave]) -> Optional[str]:
    return None if w is None else str(w)


def _paths(paths: Union[Path, Sequence[Path]]) -> list[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def load(
    paths: Union[Path, Sequence[Path]],
    classification: Optional[int] = None,
    boundaries: Union[Path, Sequence[Path], None] = None,
) -> Dataset:
    """Load figure files or folders: StatLine CSV or OData JSON, as ``omzien --data`` does.

    ``classification`` keeps the areas of that year's classification (default: the newest the
    files hold). ``boundaries`` are GeoJSON files or folders (default: the ``boundaries/``
    folder beside each data folder, as ``omzien fetch`` writes it): they name the wijken and
    buurten and draw the report's maps. Raises :class:`LoadError` naming the file and line of
    anything it cannot read.
    """
    b = None if boundaries is None else _paths(boundaries)
    return Dataset(_omzien.load(_paths(paths), classification, b))


@dataclass(frozen=True)
class Fetched:
    """What :func:`fetch` downloaded."""

    #: ``OUT/TABLE``: the figures, ``metadata.json`` and ``boundaries/`` (what :func:`load`
    #: takes).
    folder: _PathType
    table: str
    title: str
    #: Rows of figures, pages, and pages taken up from an earlier interrupted run.
    rows: int
    pages: int
    resumed_pages: int
    #: Areas named by the table.
    names: int
    #: The boundary files and how many areas each holds.
    boundaries: list[tuple[_PathType, int]]
    #: The key figures file and its areas, with ``population=True``.
    population: Optional[tuple[_PathType, int]]


ProgressCallback = Callable[..., None]


class _Bars:
    """tqdm bars for :func:`fetch` (``progress=True``): one per download, notes and retries
    written above them."""

    def __init__(self) -> None:
        from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]  # optional

        self._tqdm = tqdm
        self._bar: Any = None

    def __call__(self, event: str, *args: Any) -> None:
        if event == "start":
            self.close()
            self._bar = self._tqdm(desc=str(args[0]), total=args[1], unit=" rows")
        elif event == "advance" and self._bar is not None:
            self._bar.update(args[0])
        elif event == "finish":
            self.close()
        elif event == "retry":
            url, why, wait, attempt, attempts = args
            self._tqdm.write(f"{url}: {why}; try {attempt + 1} of {attempts} in {wait:.1f} s")
        elif event == "note":
            self._tqdm.write(str(args[0]))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def fetch(
    table: str,
    out: Path,
    *,
    ages: Optional[Sequence[str]] = None,
    level: Optional[str] = None,
    gemeente: Optional[str] = None,
    boundaries: bool = True,
    population: bool = False,
    force: bool = False,
    accept_count: bool = False,
    odata: Optional[str] = None,
    pdok: Optional[str] = None,
    pdok_mirror: Optional[str] = None,
    key_figures_feed: Optional[str] = None,
    tries: Optional[int] = None,
    wait: Optional[float] = None,
    progress: Union[bool, ProgressCallback] = False,
) -> Fetched:
    """Downloads a table of the series (``50090NED``, ``50120NED``, ``50150NED``) from CBS's
    OData feed into ``out/TABLE``, with its area names, its boundaries from PDOK
    (``boundaries=False``: not) and CBS's key figures (``population=True``), as ``omzien
    fetch`` does: only ``ages``, one ``level`` or one ``gemeente`` (code or name) if asked;
    failed requests are tried again (``tries``, first ``wait`` seconds); an interrupted
    download resumes; an existing folder is kept unless ``force``. ``odata``, ``pdok``,
    ``pdok_mirror`` and ``key_figures_feed`` point at other servers (a mirror, a test).

    Nothing is shown unless asked: ``progress=True`` draws tqdm bars (``pip install tqdm``),
    a callable gets ``(event, *args)``. Raises :class:`FetchError` naming the URL and what the
    service answered."""
    cb: Optional[ProgressCallback]
    if progress is True:
        cb = _Bars()
    elif progress is False:
        cb = None
    else:
        cb = progress
    try:
        got = _omzien.fetch(
            table, os.fspath(out), None if ages is None else list(ages), level, gemeente,
            boundaries, population, force, accept_count, odata, pdok, pdok_mirror,
            key_figures_feed, tries, wait, cb,
        )
    finally:
        if isinstance(cb, _Bars):
            cb.close()
    folder, tbl, title, rows, pages, resumed, names, bounds, pop = got
    return Fetched(
        _PathType(folder), tbl, title, rows, pages, resumed, names,
        [(_PathType(p), n) for p, n in bounds],
        None if pop is None else (_PathType(pop[0]), pop[1]),
    )


def demo() -> Dataset:
    """The built-in synthetic demo: one invented gemeente (GM9999) with its wijken and buurten."""
    return Dataset(_omzien.demo())


GeoJSON = Dict[str, Any]


@dataclass(frozen=True)
class Layer:
    """A map layer as the server and the tiles colour it."""

    #: Title, unit, classification method and entries (as ``/legend`` answers).
    legend: GeoJSON
    #: The legend's rows: ``label``, ``color``, ``kind`` (``class``, ``suppressed``,
    #: ``not_measured``), ``min``, ``max``.
    entries: pl.DataFrame
    #: Every area of the level: ``code``, ``value``, ``class`` (index into the classes),
    #: ``status`` and ``color`` (``#rrggbb``).
    areas: pl.DataFrame


@dataclass(frozen=True)
class Comparison:
    """An area against its benchmark (:meth:`Dataset.compare`)."""

    #: ``national``, ``gemeente``, ``area``, ``similar`` or ``group``.
    benchmark: str
    #: The benchmark area's code and name (none for similar gemeenten and groups).
    benchmark_code: Optional[str]
    benchmark_name: Optional[str]
    #: One row per indicator.
    rows: pl.DataFrame


@dataclass(frozen=True)
class Area:
    """One area: its code, name, level, parent and gemeente, and all its figures."""

    code: str
    name: str
    level: str
    parent: Optional[str]
    gemeente: Optional[str]
    #: Every indicator, wave and age group of the area (as :meth:`Dataset.figures`).
    figures: pl.DataFrame


class Dataset:
    """Figures per buurt, wijk and gemeente for every wave, age group and indicator.

    Made by :func:`load` or :func:`demo`. Every method answers a polars DataFrame.
    """

    __slots__ = ("_ds",)

    def __init__(self, native: _omzien.Dataset) -> None:
        self._ds = native

    def __repr__(self) -> str:
        return repr(self._ds)

    def __len__(self) -> int:
        return len(self._ds)

    @property
    def waves(self) -> list[int]:
        """The waves the data holds, oldest first."""
        return list(self._ds.waves)

    @property
    def age_groups(self) -> list[str]:
        """The age groups the data holds (``18+``, ``65+``, …)."""
        return list(self._ds.age_groups)

    @property
    def synthetic(self) -> bool:
        """Whether these are the synthetic demo's figures."""
        return bool(self._ds.synthetic)

    @property
    def table(self) -> Optional[str]:
        """The StatLine table the figures came from, where known (``50090NED``)."""
        return self._ds.table

    def indicators(self) -> pl.DataFrame:
        """The indicators with figures: ``key``, ``label_nl``, ``label_en``, ``unit``,
        ``polarity`` and ``loneliness`` (one of the four loneliness indicators)."""
        return _frame(self._ds.indicators())

    def areas(self, level: Optional[str] = None, gemeente: Optional[str] = None) -> pl.DataFrame:
        """The areas of a level (every level when ``None``), within a gemeente (code or name)
        if given: ``code``, ``name``, ``level``, ``parent``, ``gemeente``."""
        return _frame(self._ds.areas(level, gemeente))

    def resolve(self, code_or_name: str, level: Optional[str] = None) -> str:
        """The code of an area given by code or name; ``level`` narrows an ambiguous name."""
        return self._ds.resolve(code_or_name, level)

    def search(self, text: str, limit: int = 10) -> pl.DataFrame:
        """Areas whose code or name matches ``text``, best first (``rank`` 0 is exact)."""
        if limit < 0:
            raise QueryError(f"limit: {limit} is negative")
        return _frame(self._ds.search(text, limit))

    def area(self, code_or_name: str) -> Area:
        """One area by code or name, with every figure it has."""
        code, name, level, parent, gemeente = self._ds.area(code_or_name)
        return Area(code, name, level, parent, gemeente, self.figures(areas=[code]))

    def figures(
        self,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        wave: Optional[Wave] = None,
        level: Optional[str] = None,
        gemeente: Optional[str] = None,
        areas: Optional[Sequence[str]] = None,
    ) -> pl.DataFrame:
        """Figures, one row per area, indicator, wave and age group; ``None`` means all.

        Columns: ``code``, ``name``, ``level``, ``gemeente``, ``indicator`` (its key), ``wave``,
        ``age``, ``value``, ``lower`` and ``upper`` (the 95 % interval, where published) and
        ``status`` (``value``, ``suppressed`` or ``not_measured``). ``indicator`` takes a key or
        either label; ``gemeente`` a code or a name; ``areas`` codes or names.
        """
        return _frame(
            self._ds.figures(
                indicator,
                age,
                _wave(wave),
                level,
                gemeente,
                None if areas is None else [str(a) for a in areas],
            )
        )

    def trend(
        self,
        from_: Wave,
        to: Wave,
        *,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        level: Optional[str] = None,
        gemeente: Optional[str] = None,
        band: float = 2.0,
    ) -> pl.DataFrame:
        """The change between two waves per area of a level (default gemeente), as
        ``omzien trend``: both figures with intervals and status, ``delta_pp``, ``direction``
        (changes within ± ``band`` pp are ``stable``), ``significant`` at 95 % where both waves
        have intervals, and ``caveats``. Indicator default ``Eenzaam_28``, age default 18+."""
        return _frame(
            self._ds.trend(str(from_), str(to), indicator, age, level, gemeente, float(band))
        )

    def risk(
        self,
        *,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        wave: Optional[Wave] = None,
        level: Optional[str] = None,
        gemeente: Optional[str] = None,
        since: Optional[Wave] = None,
        mode: Optional[str] = None,
        top_share: float = 0.1,
        min_rise: float = 3.0,
        against: Optional[str] = None,
        min_areas: int = 10,
        by: Optional[str] = None,
        min_prob: float = 0.8,
    ) -> pl.DataFrame:
        """Risk areas, as ``omzien risk``: areas of a level (default buurt) among the highest
        ``top_share`` in a wave (default the latest), risen more than ``min_rise`` pp beyond the
        reference since an earlier wave, or both (``mode``: ``high``, ``rising``, ``both``,
        ``either``), highest first, with rank, change, significance and probabilities.

        ``against`` is what a rise is measured against (``national``, ``gemeente``, ``none``;
        default the country where the data has it); "high" applies only with at least
        ``min_areas`` areas in scope; ``by="probability"`` marks areas whose probability of
        being truly high or truly rising (from the 95 % intervals) is at least ``min_prob``."""
        if min_areas < 0:
            raise QueryError(f"min_areas: {min_areas} is negative")
        return _frame(
            self._ds.risk(
                indicator,
                age,
                _wave(wave),
                level,
                gemeente,
                _wave(since),
                mode,
                float(top_share),
                float(min_rise),
                against,
                int(min_areas),
                by,
                float(min_prob),
            )
        )

    @property
    def boundary_levels(self) -> list[str]:
        """The levels the dataset has boundaries of."""
        return list(self._ds.boundary_levels)

    @property
    def boundary_notes(self) -> list[str]:
        """Boundary files that were left out when loading, and why."""
        return list(self._ds.boundary_notes)

    def boundaries(self, level: Optional[str] = None, *, geopandas: Optional[bool] = None) -> Any:
        """The boundaries of a level (every level with boundaries when ``None``) in WGS84, each
        area with ``code``, ``name`` and ``level``: a GeoDataFrame when geopandas is installed
        (``geopandas=False``: never), else a GeoJSON FeatureCollection mapping."""
        fc: GeoJSON = json.loads(self._ds.boundaries(level))
        if geopandas is False:
            return fc
        try:
            import geopandas as gpd  # type: ignore[import-not-found,import-untyped,unused-ignore]
        except ImportError:
            if geopandas:
                raise
            return fc
        return gpd.GeoDataFrame.from_features(fc["features"], crs="EPSG:4326")

    def rollup(
        self,
        from_: str,
        to: str = "gemeente",
        *,
        indicator: Optional[str] = None,
        wave: Optional[Wave] = None,
        age: Optional[str] = None,
        weights: Optional[Path] = None,
        groups: Optional[Path] = None,
        unweighted: bool = False,
        min_coverage: float = 0.8,
    ) -> pl.DataFrame:
        """A roll-up of one indicator, wave and age group from the areas of ``from_`` to their
        parents at ``to`` (or to the groups of a ``code,group`` CSV), as ``omzien rollup``:
        ``group``, ``name``, ``value``, areas used and left out, ``weight``, ``coverage`` and
        ``withheld`` (coverage below ``min_coverage``), and ``weighting``. Weighted by a
        ``code,weight`` CSV or CBS key figures (``weights``); unweighted only when asked."""
        if weights is None and not unweighted:
            raise QueryError(
                "weights: a roll-up needs weights (a code,population CSV) or an explicit "
                "unweighted=True"
            )
        table, weighting = self._ds.rollup(
            from_,
            to,
            indicator,
            _wave(wave),
            age,
            None if weights is None else os.fspath(weights),
            None if groups is None else os.fspath(groups),
            float(min_coverage),
        )
        return _frame(table).with_columns(pl.lit(weighting).alias("weighting"))

    def layer(
        self,
        *,
        indicator: Optional[str] = None,
        age: Optional[str] = None,
        level: Optional[str] = None,
        wave: Optional[Wave] = None,
        change_from: Optional[Wave] = None,
        method: Optional[str] = None,
        classes: Optional[int] = None,
    ) -> Layer:
        """A map layer with its classes and colours, exactly as the tiles are coloured: a
        wave's figures (default the latest), or with ``change_from`` the change from that wave
        to ``wave``. ``method``: ``quantile``, ``equal``, ``jenks`` or ``fixed:40,45,50``."""
        if classes is not None and classes < 1:
            raise QueryError(f"classes: {classes} is not a positive number")
        legend_json, areas = self._ds.layer(
            indicator, age, level, _wave(wave), _wave(change_from), method, classes
        )
        legend: GeoJSON = json.loads(legend_json)
        entries = pl.DataFrame(
            [
                {k: e.get(k) for k in ("label", "color", "kind", "min", "max")}
                for e in legend["entries"]
            ],
            schema={
                "label": pl.String,
                "color": pl.String,
                "kind": pl.String,
                "min": pl.Float64,
                "max": pl.Float64,
            },
            orient="row",
        )
        return Layer(legend, entries, _frame(areas))

    def summary(
        self, indicator: Optional[str] = None, *, threshold: Optional[float] = None
    ) -> pl.DataFrame:
        """The distribution of an indicator (default ``Eenzaam_28``) per level, wave and age
        group, as ``omzien summary``: ``areas``, ``values``, ``suppressed``, ``not_measured``,
        ``mean``, ``min``, ``p10`` … ``p90``, ``max``, the ``national`` figure, and with a
        ``threshold`` the ``share_above`` it (of the areas with a value)."""
        return _frame(self._ds.summary(indicator, threshold))

    def compare(
        self,
        area: str,
        with_: Optional[str] = None,
        *,
        indicators: Optional[Sequence[str]] = None,
        wave: Optional[Wave] = None,
        age: Optional[str] = None,
        band: float = 2.0,
        groups: Optional[Path] = None,
        weights: Optional[Path] = None,
    ) -> Comparison:
        """An area against a benchmark in every indicator (or ``indicators``), as ``omzien
        compare`` and Fingertips compare: ``with_`` is ``nl`` (default), ``gemeente``,
        ``similar`` (gemeenten like it, from the key figures among the boundaries), ``group``
        or ``group:NAME`` (of the ``groups`` CSV, weighted by ``weights``), or an area's code
        or name. Each row has the figure, its 95 % and 99.8 % intervals, the benchmark and
        ``verdict_95``/``verdict_998`` as a reader takes them (``worse``, ``better``,
        ``higher``, ``lower``, ``similar``, ``unknown``); without intervals, a difference
        within ``band`` pp is similar (``rule`` says which)."""
        table, (kind, code, name) = self._ds.compare(
            area,
            with_,
            None if indicators is None else list(indicators),
            _wave(wave),
            age,
            float(band),
            None if groups is None else os.fspath(groups),
            None if weights is None else os.fspath(weights),
        )
        return Comparison(str(kind), code, name, _frame(table))

    def report(
        self,
        gemeente: str,
        path: Path,
        *,
        lang: str = "nl",
        level: str = "wijk",
        indicators: Optional[Sequence[str]] = None,
        ages: Optional[Sequence[str]] = None,
        since: Optional[Wave] = None,
    ) -> _PathType:
        """Writes a gemeente's report (PDF, A4) to ``path`` as ``omzien report`` makes it:
        Dutch or English (``lang``), maps of its wijken or buurten from the loaded boundaries,
        and returns the path. The file is written whole or not at all."""
        out = _PathType(os.fspath(path))
        self._ds.report(
            gemeente,
            os.fspath(out),
            lang,
            level,
            None if indicators is None else list(indicators),
            None if ages is None else list(ages),
            _wave(since),
        )
        return out


from . import microdata  # noqa: E402  (it builds on Dataset above)
