"""``omzien.microdata`` and ``Dataset.compare`` against the command line: the same estimates
and summary as ``omzien microdata``, the same verdicts as ``omzien compare``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Callable

import polars as pl
import pytest

import omzien
import omzien.microdata as md

from .conftest import binary_path

Cli = Callable[..., Any]


@pytest.fixture(scope="module")
def respondents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("respondents") / "respondents.parquet"
    df = md.synthetic(omzien.demo(), path, per_buurt=80, seed=7)
    assert len(df) > 5000 and df["synthetic"].all()
    return path


def test_prevalence_equals_the_command_line(respondents: Path, tmp_path: Path) -> None:
    p = md.prevalence(respondents)
    subprocess.run(
        [str(binary_path()), "microdata", "--input", str(respondents), "--out", str(tmp_path)],
        check=True, capture_output=True,
    )
    cli = pl.read_csv(tmp_path / "estimates.csv", comment_prefix="#", infer_schema_length=0)
    assert len(cli) == len(p.estimates)
    mine = p.estimates
    assert mine["unit"].to_list() == cli["unit"].to_list()
    assert mine["measure"].str.to_titlecase().to_list() == cli["measure"].to_list()
    assert mine["n"].cast(pl.String).to_list() == cli["n"].to_list()
    for col in ("value", "lower", "upper", "lower_998", "upper_998"):
        want = [None if v is None else float(v) for v in cli[col].to_list()]
        got = [None if v is None else round(v, 2) for v in mine[col].to_list()]
        assert got == want, col
    assert mine["suppressed"].fill_null("").to_list() == cli["suppressed"].fill_null("").to_list()
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert p.summary == summary
    assert p.summary["synthetic"] is True

    # A DataFrame gives the same estimates as its file.
    again = md.prevalence(pl.read_parquet(respondents))
    assert again.estimates.equals(p.estimates)

    # The figures as a dataset: trends and risk lists run on it.
    ds = p.dataset()
    assert ds.synthetic and 2020 in ds.waves
    tr = ds.trend(2012, 2020, level="wijk")
    assert len(tr) == 5 and tr["to_lower"].is_not_null().all()


def test_score_follows_the_scale(tmp_path: Path) -> None:
    # Items 2, 3, 4 (emotional) and 7, 8, 11 (social: "nee" is lonely there) as the core's
    # own example: 3 lonely answers.
    items = ["1", "3", "3", "3", "1", "1", "3", "3", "1", "1", "3"]
    df = pl.DataFrame({f"dj{i + 1}": [a, a if i else "9"] for i, a in enumerate(items)})
    s = md.score(df)
    assert s.columns[:11] == [f"dj{i}" for i in range(1, 12)]
    first, second = s.row(0, named=True), s.row(1, named=True)
    assert (first["score"], first["lonely"], first["severe"]) == (3, True, False)
    assert (first["emotional"], first["social"]) == (False, False)
    assert second["unanswered"] == 1 and second["lonely"] is None
    assert md.score(df, max_missing=1).row(1, named=True)["lonely"] is not None

    with pytest.raises(omzien.MicrodataError, match="row 0, column dj1: answer code \"7\""):
        md.score(df.with_columns(pl.lit("7").alias("dj1")))
    with pytest.raises(omzien.MicrodataError, match="no column dj11"):
        md.score(df.drop("dj11"))


def test_options_refused_with_the_clis_message(respondents: Path, tmp_path: Path) -> None:
    with pytest.raises(omzien.MicrodataError) as e:
        md.prevalence(respondents, emotional_from=7)
    cli = subprocess.run(
        [str(binary_path()), "microdata", "--input", str(respondents), "--out", str(tmp_path),
         "--emotional-from", "7"],
        capture_output=True, text=True,
    )
    assert cli.returncode != 0
    assert str(e.value) in cli.stderr, (str(e.value), cli.stderr)
    with pytest.raises(omzien.MicrodataError, match="min-effective-n"):
        md.prevalence(respondents, min_effective_n=float("nan"))
    with pytest.raises(omzien.MicrodataError, match="max-width"):
        md.prevalence(respondents, max_width=0)
    with pytest.raises(omzien.MicrodataError):
        md.prevalence(tmp_path / "missing.parquet")


def test_compare_equals_the_command_line(demo: omzien.Dataset, cli: Cli) -> None:
    c = demo.compare("Oosterkwartier", "gemeente")
    want = cli("compare", "WK999903", "--with", "gemeente")
    assert (c.benchmark, c.benchmark_code) == (want["benchmark"]["kind"], want["benchmark"]["code"])
    rows = c.rows
    assert rows["indicator"].to_list() == [r["indicator"] for r in want["rows"]]
    assert rows["value"].to_list() == [r["value"] for r in want["rows"]]
    assert rows["benchmark"].to_list() == [r["benchmark"] for r in want["rows"]]
    assert rows["verdict_95"].cast(pl.String).to_list() == [r["verdict_95"] for r in want["rows"]]
    assert rows["verdict_998"].cast(pl.String).to_list() == [r["verdict_998"] for r in want["rows"]]
    assert rows["rule"].to_list() == [r["rule"] for r in want["rows"]]
    with pytest.raises(omzien.QueryError, match="no national figures"):
        demo.compare("WK999903")
    with pytest.raises(omzien.QueryError, match="similar gemeenten are a benchmark for a gemeente"):
        demo.compare("WK999903", "similar")
    with pytest.raises(omzien.QueryError, match="groups file"):
        demo.compare("WK999903", "group")


def test_national_compare_with_the_country(
    national: omzien.Dataset, national_dir: Path, cli: Cli
) -> None:
    c = national.compare("Amsterdam")
    want = cli("compare", "Amsterdam", "--data", str(national_dir))
    assert c.benchmark == "national" and c.benchmark_code == "NL01"
    assert c.rows["verdict_95"].cast(pl.String).to_list() == [r["verdict_95"] for r in want["rows"]]
    assert c.rows.filter(pl.col("indicator") == "Eenzaam_28")["verdict_95"][0] == "worse"
