"""Respondent microdata: De Jong-Gierveld scoring (11 items) and weighted prevalence per buurt,
wijk, gemeente and group, per wave and age group, as ``omzien microdata`` computes them: Wilson
intervals on Kish's effective n, small cells suppressed with the reason, and every respondent
that cannot be used counted with why (never dropped silently).

Respondents come as a polars DataFrame or a CSV or Parquet file whose columns the mapping names
(default: ``id``, ``wave``, ``area``, ``age``, ``sex``, ``weight``, ``dj1`` … ``dj11``; answers
1 = nee, 2 = min of meer, 3 = ja, 9 = missing; a TOML mapping file for other names and codes).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Optional, Union

import polars as pl

from . import LEVELS, Dataset, _frame, _omzien
from .errors import MicrodataError

__all__ = ["Prevalence", "item_columns", "prevalence", "score", "synthetic"]

Respondents = Union[pl.DataFrame, str, "os.PathLike[str]"]
PathArg = Union[str, "os.PathLike[str]"]


def _opt(p: Optional[PathArg]) -> Optional[str]:
    return None if p is None else os.fspath(p)


def item_columns(mapping: Optional[PathArg] = None) -> list[str]:
    """The 11 item columns the mapping reads, in questionnaire order."""
    return list(_omzien.item_columns(_opt(mapping)))


def synthetic(
    published: Dataset,
    path: PathArg,
    *,
    per_buurt: Optional[int] = None,
    seed: Optional[int] = None,
    gemeenten: Optional[list[str]] = None,
) -> pl.DataFrame:
    """Synthetic respondents drawn to match the published buurt figures (lonely and severely
    lonely, 18+) of every wave, about ``per_buurt`` per buurt and wave, in the default
    mapping's columns, written to ``path`` (Parquet for ``.parquet``, else CSV) and returned.
    They are marked synthetic, and so is everything computed from them."""
    _omzien.synthetic(published._ds, os.fspath(path), per_buurt, seed, gemeenten)
    return _read(path)


def _read(respondents: Respondents) -> pl.DataFrame:
    if isinstance(respondents, pl.DataFrame):
        return respondents
    path = Path(os.fspath(respondents))
    if path.suffix.lower() == ".parquet":
        return pl.read_parquet(path)
    return pl.read_csv(path, infer_schema=False)


def score(
    respondents: Respondents,
    mapping: Optional[PathArg] = None,
    *,
    max_missing: int = 0,
    emotional_from: int = 3,
    social_from: int = 3,
) -> pl.DataFrame:
    """Scores each respondent: the respondents with ``emotional_score``, ``social_score``,
    ``score`` (lonely answers), ``unanswered`` and the measures ``lonely`` (3+),
    ``severe`` (9+), ``emotional`` and ``social`` added; a measure is null when more than
    ``max_missing`` of its items are unanswered. An answer code the mapping does not know is a
    :class:`MicrodataError` naming the row and column."""
    df = _read(respondents)
    cols = item_columns(mapping)
    absent = [c for c in cols if c not in df.columns]
    if absent:
        raise MicrodataError(
            f"the respondents have no column {', '.join(absent)} (the mapping's items: "
            f"{', '.join(cols)})"
        )
    items = [df.get_column(c).cast(pl.String).to_list() for c in cols]
    scores = _frame(
        _omzien.score(items, _opt(mapping), max_missing, emotional_from, social_from)
    )
    return df.hstack(scores)


@dataclass(frozen=True)
class Prevalence:
    """Weighted prevalence of respondents (:func:`prevalence`)."""

    #: Every estimate: ``unit`` (area code or group), ``level``, ``wave``, ``age``,
    #: ``measure``, ``n``, ``n_eff``, ``value``, ``lower``/``upper`` (95 %),
    #: ``lower_998``/``upper_998`` and ``suppressed`` (why, when not published).
    estimates: pl.DataFrame
    #: What happened to the respondents: read, used, excluded with reasons, not scored.
    summary: Dict[str, Any]
    _native: Any

    def dataset(self) -> Dataset:
        """The area figures as a :class:`omzien.Dataset`, like published figures (with the
        95 % bounds): trends, risk lists and layers run on it."""
        return Dataset(self._native.dataset())


def prevalence(
    respondents: Respondents,
    mapping: Optional[PathArg] = None,
    *,
    min_respondents: Optional[int] = None,
    min_effective_n: Optional[float] = None,
    max_width: Optional[float] = None,
    max_missing: int = 0,
    emotional_from: int = 3,
    social_from: int = 3,
    groups: Optional[PathArg] = None,
    reference: Optional[Dataset] = None,
) -> Prevalence:
    """Weighted prevalence per buurt, wijk, gemeente (and the groups of a ``code,group`` CSV),
    wave, age group and measure. Cells below ``min_respondents`` (50), an effective n below
    ``min_effective_n`` (30) or with an interval wider than ``max_width`` pp (30) are
    suppressed. ``reference`` (published figures) makes area codes it lacks an exclusion."""
    ref = None if reference is None else reference._ds
    if isinstance(respondents, pl.DataFrame):
        with tempfile.TemporaryDirectory(prefix="omzien-") as tmp:
            path = os.path.join(tmp, "respondents.parquet")
            respondents.write_parquet(path)
            native = _omzien.prevalence(
                path, _opt(mapping), min_respondents, min_effective_n, max_width,
                max_missing, emotional_from, social_from, _opt(groups), ref,
            )
    else:
        native = _omzien.prevalence(
            os.fspath(respondents), _opt(mapping), min_respondents, min_effective_n, max_width,
            max_missing, emotional_from, social_from, _opt(groups), ref,
        )
    summary: Dict[str, Any] = json.loads(native.summary())
    # Levels of areas, and "group" for the groups of a groups file.
    estimates = pl.DataFrame(native.estimates()).with_columns(
        pl.col("level").cast(pl.Enum([*LEVELS, "group"])),
    )
    return Prevalence(estimates, summary, native)
