"""The Python package against the command line (same figures, same lists, same messages), on the
demo always and on the national files where present."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable

import polars as pl
import pytest

import omzien

from .conftest import IN_CI
from .conftest import binary_path as _binary_path

Cli = Callable[..., Any]


def _rows_by_key(df: pl.DataFrame) -> dict[tuple[str, str, int], dict[str, Any]]:
    return {(r["indicator"], r["age"], r["wave"]): r for r in df.iter_rows(named=True)}


def _same_figures(py: pl.DataFrame, cli_rows: list[dict[str, Any]]) -> int:
    """Every row the CLI prints for an area equals the package's: value, status, interval."""
    mine = _rows_by_key(py)
    assert len(mine) == len(py), "one row per indicator, wave and age group"
    for r in cli_rows:
        m = mine[(r["indicator"], r["age"], r["wave"])]
        assert m["status"] == r["status"], (r, m)
        assert m["value"] == r["value"], (r, m)
        lo, hi = r["interval"] if r["interval"] else (None, None)
        assert (m["lower"], m["upper"]) == (lo, hi), (r, m)
    return len(cli_rows)


# --- the demo ----------------------------------------------------------------------------


def test_demo_describes_itself(demo: omzien.Dataset) -> None:
    assert demo.synthetic
    assert demo.waves == [2012, 2016, 2020]
    assert demo.age_groups == ["18+", "65+"]
    assert "synthetic" in repr(demo)
    ind = demo.indicators()
    assert ind["key"][0] == "Eenzaam_28"
    assert ind.filter(pl.col("loneliness"))["key"].to_list() == [
        "Eenzaam_28",
        "ErnstigZeerErnstigEenzaam_29",
        "EmotioneelEenzaam_30",
        "SociaalEenzaam_31",
    ]


def test_every_figure_one_row_with_typed_columns(demo: omzien.Dataset) -> None:
    df = demo.figures()
    areas = demo.areas()
    assert len(areas) == len(demo)
    n = len(areas) * len(demo.indicators()) * len(demo.waves) * len(demo.age_groups)
    assert df.shape == (n, 11)
    assert df.schema == pl.Schema(
        {
            "code": pl.String,
            "name": pl.String,
            "level": pl.Enum(list(omzien.LEVELS)),
            "gemeente": pl.String,
            "indicator": pl.String,
            "wave": pl.Int32,
            "age": pl.String,
            "value": pl.Float64,
            "lower": pl.Float64,
            "upper": pl.Float64,
            "status": pl.Enum(list(omzien.STATUSES)),
        }
    )
    # A figure without a value says why; no 0 or NaN stands in for it.
    assert df.filter((pl.col("status") == "value") != pl.col("value").is_not_null()).is_empty()
    assert df["value"].is_nan().sum() == 0
    assert set(df["status"].unique().to_list()) <= set(omzien.STATUSES)
    assert df.select(pl.struct("code", "indicator", "wave", "age").is_unique().all()).item()


def test_filters_narrow_and_refuse(demo: omzien.Dataset) -> None:
    df = demo.figures(indicator="Eenzaam_28", age="65+", wave=2020, level="wijk")
    assert len(df) == len(demo.areas(level="wijk")) == 5
    assert set(df["level"].to_list()) == {"wijk"}
    # A label works as well as the key.
    by_label = demo.figures(indicator="Lonely (score 3+ of 11)", wave="2020", level="wijk")
    assert by_label["indicator"].unique().to_list() == ["Eenzaam_28"]
    with pytest.raises(omzien.QueryError, match="wave 2013 is not in the dataset"):
        demo.figures(wave=2013)
    with pytest.raises(omzien.QueryError):
        demo.figures(level="provincie")
    with pytest.raises(omzien.QueryError):
        demo.figures(indicator="Geluk")
    with pytest.raises(omzien.QueryError):
        demo.figures(areas=["Nergenshuizen"])
    # Query errors are ValueErrors, and omzien's own.
    with pytest.raises(ValueError):
        demo.figures(age="12-")
    with pytest.raises(omzien.OmzienError):
        demo.trend(2016, 2013)


def test_area_by_name_or_code(demo: omzien.Dataset, cli: Cli) -> None:
    a = demo.area("Oosterkwartier")
    assert (a.code, a.name, a.level, a.parent, a.gemeente) == (
        "WK999903",
        "Oosterkwartier",
        "wijk",
        "GM9999",
        "GM9999",
    )
    want = cli("area", "WK999903")
    assert want["area"]["name"] == a.name
    assert _same_figures(a.figures, want["rows"]) == len(a.figures) == 210
    assert demo.resolve("wk999903") == "WK999903"
    hits = demo.search("ooster")
    assert hits["code"][0] == "WK999903"
    with pytest.raises(omzien.QueryError, match='no area "Nergenshuizen"'):
        demo.area("Nergenshuizen")


def test_trend_and_risk_equal_the_command_line(demo: omzien.Dataset, cli: Cli) -> None:
    tr = demo.trend(2016, 2020, level="wijk")
    want = cli("trend", "--level", "wijk", "--from", "2016", "--to", "2020")["rows"]
    assert tr["code"].to_list() == [r["code"] for r in want]
    assert tr["delta_pp"].to_list() == [r["delta"] for r in want]
    assert tr["direction"].cast(pl.String).to_list() == [r["direction"] for r in want]
    assert tr["caveats"].to_list() == [r["caveats"] for r in want]
    assert tr.filter(pl.col("direction") == "rising")["code"].to_list() == ["WK999903"]

    risk = demo.risk(level="buurt", top_share=0.25)
    want = cli("risk", "--level", "buurt", "--top", "0.25")["rows"]
    assert risk["code"].to_list() == [r["code"] for r in want]
    assert risk["value"].to_list() == [r["value"] for r in want]
    assert len(risk) > 0


def test_errors_carry_the_command_lines_message(tmp_path: Path, cli: Cli) -> None:
    bad = tmp_path / "figures.csv"
    bad.write_text(
        "ID;WijkenEnBuurten;Marges;Leeftijd;Perioden;Eenzaam_28\n"
        "0;GM0363;MW00000;53105;2020JJ00;53,2\n"
        "1;GM0363;MW00000;53105;2020JJ00;veel\n"
    )
    with pytest.raises(omzien.LoadError) as e:
        omzien.load(bad)
    msg = str(e.value)
    assert str(bad) in msg and "line 3" in msg, msg
    with pytest.raises(subprocess.CalledProcessError) as c:
        cli("summary", "--data", str(bad))
    assert msg in c.value.stderr
    with pytest.raises(omzien.LoadError, match="cannot read"):
        omzien.load(tmp_path / "missing.csv")


def test_nothing_printed(capfd: pytest.CaptureFixture[str]) -> None:
    ds = omzien.demo()
    ds.figures()
    ds.trend(2012, 2020, level="buurt")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_pandas_and_polars_round_trips(demo: omzien.Dataset, tmp_path: Path) -> None:
    df = demo.figures(level="buurt")
    pd_df = df.to_pandas()
    assert len(pd_df) == len(df)
    assert str(pd_df["status"].dtype) == "category"
    # Not-published figures stay missing in pandas, and say why.
    sup = pd_df[pd_df["status"] != "value"]
    assert sup["value"].isna().all()
    back = pl.from_pandas(pd_df).with_columns(
        pl.col("level").cast(pl.String).cast(pl.Enum(list(omzien.LEVELS))),
        pl.col("status").cast(pl.String).cast(pl.Enum(list(omzien.STATUSES))),
    )
    assert back.equals(df)
    df.write_parquet(tmp_path / "f.parquet")
    assert pl.read_parquet(tmp_path / "f.parquet").equals(df)


# --- the national files ------------------------------------------------------------------


@pytest.mark.parametrize("area", ["GM0363", "Rotterdam", "BU03630000"])
def test_national_figures_equal_the_cli(
    national: omzien.Dataset, national_dir: Path, cli: Cli, area: str
) -> None:
    want = cli("area", area, "--data", str(national_dir))
    a = national.area(area)
    assert a.code == want["area"]["code"]
    assert a.level == want["area"]["level"]
    assert _same_figures(a.figures, want["rows"]) == len(a.figures) > 100


def test_national_every_figure(national: omzien.Dataset) -> None:
    df = national.figures()
    counts = national.areas().group_by("level").len()
    assert dict(counts.iter_rows()) == {"land": 1, "gemeente": 355, "wijk": 3177, "buurt": 13808}
    assert len(df) == 17341 * len(national.indicators()) * 3 * 2
    ams = df.filter(
        (pl.col("code") == "GM0363")
        & (pl.col("indicator") == "Eenzaam_28")
        & (pl.col("wave") == 2020)
        & (pl.col("age") == "18+")
    )
    assert ams["value"].to_list() == [53.2]
    # Suppressed buurten are there, null, and said to be suppressed.
    sup = df.filter((pl.col("status") == "suppressed") & (pl.col("indicator") == "Eenzaam_28"))
    assert len(sup) > 0 and sup["value"].null_count() == len(sup)


def test_national_trend_and_risk_lists_equal_the_cli(
    national: omzien.Dataset, national_dir: Path, cli: Cli
) -> None:
    data = ("--data", str(national_dir))
    tr = national.trend(2016, 2020, level="wijk", gemeente="Amsterdam")
    want = cli("trend", "--level", "wijk", "--gemeente", "Amsterdam", "--from", "2016", "--to", "2020", *data)
    assert tr["code"].to_list() == [r["code"] for r in want["rows"]]
    assert tr["to_value"].to_list() == [r["to_value"] for r in want["rows"]]
    assert tr["delta_pp"].to_list() == [r["delta"] for r in want["rows"]]

    risk = national.risk(level="buurt", mode="both", since=2016)
    want = cli("risk", "--level", "buurt", "--mode", "both", "--since", "2016", *data)
    assert risk["code"].to_list() == [r["code"] for r in want["rows"]]
    assert len(risk) > 10


def test_gil_released_during_a_national_load(national_dir: Path) -> None:
    ticks = 0
    stop = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.0005)

    t = threading.Thread(target=tick)
    t.start()
    try:
        start = time.perf_counter()
        before = ticks
        ds = omzien.load(national_dir)
        df = ds.figures()
        took = time.perf_counter() - start
        during = ticks - before
    finally:
        stop.set()
        t.join()
    assert len(df) > 1_000_000
    # With the GIL held the thread would not run at all while Rust works (a tick or two at
    # the edges); released, it ticks throughout (at most one per half millisecond).
    assert during > max(20, took / 0.0005 * 0.1), (during, took)


def test_mypy_strict_on_the_package_and_the_example(tmp_path: Path) -> None:
    from mypy import api as mypy

    here = Path(__file__).resolve().parents[1]
    package, example = here / "python" / "omzien", here / "examples" / "wijken_trend.py"
    out, err, status = mypy.run(
        ["--strict", "--cache-dir", str(tmp_path), str(package), str(example)]
    )
    assert status == 0, out + err


# --- boundaries, layers, roll-ups and reports ----------------------------------------------


def test_boundaries_as_geojson(demo: omzien.Dataset) -> None:
    assert demo.boundary_levels == ["gemeente", "wijk", "buurt"]
    fc = demo.boundaries("wijk", geopandas=False)
    assert fc["type"] == "FeatureCollection"
    codes = sorted(f["properties"]["code"] for f in fc["features"])
    assert codes == sorted(demo.areas(level="wijk")["code"].to_list())
    f = fc["features"][0]
    assert f["geometry"]["type"] == "MultiPolygon"
    lon, lat = f["geometry"]["coordinates"][0][0][0]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert f["properties"]["name"] == "Centrum" and f["properties"]["level"] == "wijk"
    every = demo.boundaries(geopandas=False)
    assert len(every["features"]) == len(demo.areas().filter(pl.col("level") != "land"))
    with pytest.raises(omzien.QueryError, match="no provincie|provincie"):
        demo.boundaries("provincie")


def test_layer_colours_follow_its_legend(demo: omzien.Dataset) -> None:
    layer = demo.layer(level="buurt", wave=2020)
    classes = layer.entries.filter(pl.col("kind") == "class")
    assert len(classes) == 5
    for row in layer.areas.iter_rows(named=True):
        if row["status"] == "value":
            entry = classes.row(row["class"], named=True)
            assert row["color"] == entry["color"]
            assert entry["min"] <= row["value"] <= entry["max"], (row, entry)
        else:
            kind = layer.entries.filter(pl.col("kind") == row["status"])
            assert row["color"] == kind["color"][0]
    change = demo.layer(level="wijk", wave=2020, change_from=2012)
    assert change.legend["unit"] == "pp"
    with pytest.raises(omzien.QueryError):
        demo.layer(method="magic")


def test_rollup_equals_the_command_line(demo: omzien.Dataset, cli: Cli) -> None:
    r = demo.rollup("buurt", "wijk", unweighted=True, wave=2016, age="65+")
    want = cli("rollup", "--from", "buurt", "--to", "wijk", "--unweighted", "--wave", "2016", "--age", "65+")
    assert r["group"].to_list() == [w["code"] for w in want["rows"]]
    assert r["value"].to_list() == [w["value"] for w in want["rows"]]
    assert r["used"].to_list() == [w["used"] for w in want["rows"]]
    assert set(r["weighting"].to_list()) == {want["weighting"]}
    with pytest.raises(omzien.QueryError, match="needs weights"):
        demo.rollup("wijk", "gemeente")
    with pytest.raises(omzien.QueryError, match="higher level"):
        demo.rollup("gemeente", "buurt", unweighted=True)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_is_the_command_lines(
    demo: omzien.Dataset, tmp_path: Path, lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764806400")
    out = demo.report("Omzienrade (synthetisch)", tmp_path / "py.pdf", lang=lang)
    assert out == tmp_path / "py.pdf"
    b = _binary_path()
    subprocess.run(
        [str(b), "report", "GM9999", "--lang", lang, "--out", str(tmp_path / "cli.pdf")],
        check=True,
        capture_output=True,
        env={"SOURCE_DATE_EPOCH": "1764806400", "PATH": "/usr/bin:/bin"},
    )
    assert out.read_bytes() == (tmp_path / "cli.pdf").read_bytes()
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True)
    assert ("Eenzaamheid in" if lang == "nl" else "Loneliness in") in text.stdout
    with pytest.raises(omzien.QueryError):
        demo.report("GM9999", tmp_path / "x.pdf", lang="fr")
    with pytest.raises(omzien.LoadError):
        demo.report("GM9999", tmp_path / "no" / "such" / "folder" / "x.pdf")


def test_national_boundaries_name_the_wijken(national_dir: Path, tmp_path: Path) -> None:
    cbs = national_dir.parent / "cbs-2020"
    if not cbs.is_dir():
        pytest.fail(f"{cbs}: the boundaries beside the national figures are missing")
    ds = omzien.load(national_dir, boundaries=cbs)
    assert ds.boundary_levels == ["gemeente", "wijk", "buurt"]
    assert ds.area("WK036372").name == "Noordelijke IJ-oevers Oost"
    wijken = ds.boundaries("wijk", geopandas=False)["features"]
    assert len(wijken) > 3000
    pdf = ds.report("Amsterdam", tmp_path / "amsterdam.pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    assert "Title:           Amsterdam" in info.stdout


def test_summary_equals_the_command_line(national: omzien.Dataset, national_dir: Path, cli: Cli) -> None:
    s = national.summary(threshold=50)
    want = cli("summary", "--data", str(national_dir), "--threshold", "50")["rows"]
    assert len(s) == len(want) == 24
    for mine, w in zip(s.iter_rows(named=True), want):
        assert (mine["level"], mine["wave"], mine["age"]) == (w["level"], w["wave"], w["age"])
        for k in ("areas", "values", "suppressed", "median", "p90", "max", "national", "share_above"):
            assert mine[k] == w[k], (k, mine, w)
    buurt = s.filter((pl.col("level") == "buurt") & (pl.col("wave") == 2020) & (pl.col("age") == "18+"))
    assert buurt.row(0, named=True)["suppressed"] == 742


def test_boundaries_as_a_geodataframe(demo: omzien.Dataset) -> None:
    gpd = pytest.importorskip("geopandas") if not IN_CI else __import__("geopandas")
    gdf = demo.boundaries("wijk")
    assert isinstance(gdf, gpd.GeoDataFrame)
    assert gdf.crs.to_epsg() == 4326
    assert sorted(gdf["code"]) == sorted(demo.areas(level="wijk")["code"].to_list())
    assert (gdf.geometry.geom_type == "MultiPolygon").all() and gdf.geometry.is_valid.all()
    # Joined with the figures by code, as an analyst maps them.
    fig = demo.figures(indicator="Eenzaam_28", wave=2020, age="18+", level="wijk").to_pandas()
    joined = gdf.merge(fig[["code", "value"]], on="code")
    assert joined["value"].notna().all() and len(joined) == 5
