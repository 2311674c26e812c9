"""Runs the same microdata aggregation with omzien, DuckDB, Python polars and pandas on one
Parquet file, each in its own process, in alternating rounds; prints wall time and peak memory
(/usr/bin/time), the ratios, and how far the engines' figures lie from omzien's.

Every engine does the same work: read the file; score the 11 items (emotional items 2, 3, 5,
6, 9, 10 lonely on 2 or 3, social items 1, 4, 7, 8, 11 lonely on 1 or 2, 9 unanswered; a
measure is scored only with all its items answered); keep rows with weight > 0 and age >= 18;
sum n, Σw, Σw², Σw·y per area, wave and age band (18-64, 65+); roll up to wijk and gemeente
and 18+; weighted %, Kish n_eff, Wilson 95% bounds, suppressed below 50 respondents; write
one CSV. omzien additionally checks every record (duplicate ids, area codes, answer codes)
and writes its three outputs (OData CSV, estimates, summary)."""

import csv
import os
import statistics
import subprocess
import sys

FILE, WORK = sys.argv[1], sys.argv[2]
THREADS = os.environ.get("THREADS", "2")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
EMO = [2, 3, 5, 6, 9, 10]
SOC = [1, 4, 7, 8, 11]
Z = 1.959963984540054

ENGINE = r'''
import sys, math
engine, file, out = sys.argv[1], sys.argv[2], sys.argv[3]
EMO = [2, 3, 5, 6, 9, 10]; SOC = [1, 4, 7, 8, 11]; Z = 1.959963984540054; MIN_N = 50
MEASURES = ["lonely", "severe", "emotional", "social"]

if engine == "duckdb":
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads={THREADS}")
    emo = " + ".join(f"(dj{i} IN (2,3))::INT" for i in EMO)
    soc = " + ".join(f"(dj{i} IN (1,2))::INT" for i in SOC)
    me = " + ".join(f"(dj{i} = 9)::INT" for i in EMO)
    ms = " + ".join(f"(dj{i} = 9)::INT" for i in SOC)
    sums = ", ".join(
        f"count({m}) AS n_{m}, sum(weight) FILTER (WHERE {m} IS NOT NULL) AS sw_{m}, "
        f"sum(weight*weight) FILTER (WHERE {m} IS NOT NULL) AS sw2_{m}, sum(weight*{m}) AS swy_{m}"
        for m in MEASURES)
    resum = ", ".join(f"sum(n_{m}) AS n_{m}, sum(sw_{m}) AS sw_{m}, sum(sw2_{m}) AS sw2_{m}, sum(swy_{m}) AS swy_{m}" for m in MEASURES)
    est = ", ".join(
        f"n_{m}, CASE WHEN n_{m} >= {MIN_N} THEN 100*swy_{m}/sw_{m} END AS {m}, "
        f"CASE WHEN n_{m} >= {MIN_N} THEN 100*((swy_{m}/sw_{m} + {Z}^2/(2*(sw_{m}^2/sw2_{m}))) - {Z}*sqrt((swy_{m}/sw_{m})*(1-swy_{m}/sw_{m})/(sw_{m}^2/sw2_{m}) + {Z}^2/(4*(sw_{m}^2/sw2_{m})^2)))/(1+{Z}^2/(sw_{m}^2/sw2_{m})) END AS {m}_lower, "
        f"CASE WHEN n_{m} >= {MIN_N} THEN 100*((swy_{m}/sw_{m} + {Z}^2/(2*(sw_{m}^2/sw2_{m}))) + {Z}*sqrt((swy_{m}/sw_{m})*(1-swy_{m}/sw_{m})/(sw_{m}^2/sw2_{m}) + {Z}^2/(4*(sw_{m}^2/sw2_{m})^2)))/(1+{Z}^2/(sw_{m}^2/sw2_{m})) END AS {m}_upper"
        for m in MEASURES)
    con.execute(f"""
    COPY (
    WITH r AS (
      SELECT wave, area, weight, CASE WHEN age >= 65 THEN '65+' ELSE '18-64' END AS band,
             {emo} AS e, {soc} AS s, {me} AS me, {ms} AS ms
      FROM read_parquet('{file}') WHERE weight > 0 AND age >= 18),
    f AS (
      SELECT wave, area, band, weight,
        CASE WHEN me + ms = 0 THEN (e + s >= 3)::INT END AS lonely,
        CASE WHEN me + ms = 0 THEN (e + s >= 9)::INT END AS severe,
        CASE WHEN me = 0 THEN (e >= 3)::INT END AS emotional,
        CASE WHEN ms = 0 THEN (s >= 3)::INT END AS social
      FROM r),
    b AS (SELECT area, wave, band, {sums} FROM f GROUP BY ALL),
    lv AS (
      SELECT area AS unit, * EXCLUDE (area) FROM b
      UNION ALL SELECT 'WK' || substr(area, 3, 6), * EXCLUDE (area) FROM b
      UNION ALL SELECT 'GM' || substr(area, 3, 4), * EXCLUDE (area) FROM b),
    u AS (SELECT unit, wave, band AS age, {resum} FROM lv GROUP BY ALL
          UNION ALL SELECT unit, wave, '18+' AS age, {resum} FROM lv GROUP BY ALL)
    SELECT unit, wave, age, {est} FROM u) TO '{out}' (HEADER)""".replace("{THREADS}", "2"))

elif engine == "polars":
    # Idiomatic lazy polars: the flag columns are computed row-wise first, so the group-by
    # only sums plain columns (a filter inside an aggregation makes polars evaluate it group
    # by group, several times slower), and the buurt sums are collected once (left lazy, the
    # three roll-ups below read and score the file three times: 2.0 s instead of 0.9 s).
    import polars as pl
    c = pl.col
    emo = sum(c(f"dj{i}").is_in([2, 3]).cast(pl.Int32) for i in EMO)
    soc = sum(c(f"dj{i}").is_in([1, 2]).cast(pl.Int32) for i in SOC)
    me = sum((c(f"dj{i}") == 9).cast(pl.Int32) for i in EMO)
    ms = sum((c(f"dj{i}") == 9).cast(pl.Int32) for i in SOC)
    flags = {"lonely": (c("e") + c("s") >= 3, c("me") + c("ms") == 0),
             "severe": (c("e") + c("s") >= 9, c("me") + c("ms") == 0),
             "emotional": (c("e") >= 3, c("me") == 0), "social": (c("s") >= 3, c("ms") == 0)}
    cols = []
    for m, (y, ok) in flags.items():
        okf = ok.cast(pl.Float64)
        cols += [ok.cast(pl.Int64).alias(f"n_{m}"), (c("weight") * okf).alias(f"sw_{m}"),
                 (c("weight") * c("weight") * okf).alias(f"sw2_{m}"),
                 (c("weight") * (y & ok).cast(pl.Float64)).alias(f"swy_{m}")]
    SUMS = [f"{x}_{m}" for m in MEASURES for x in ("n", "sw", "sw2", "swy")]
    band = pl.when(c("age") >= 65).then(pl.lit("65+")).otherwise(pl.lit("18-64")).alias("band")
    b = (pl.scan_parquet(file)
         .filter((c("weight") > 0) & (c("age") >= 18))
         .with_columns(e=emo, s=soc, me=me, ms=ms)
         .select(c("area"), c("wave"), band, *cols)
         .group_by(["area", "wave", "band"]).agg(c(SUMS).sum()).collect().lazy())
    lv = pl.concat([
        b.with_columns(unit=c("area")),
        b.with_columns(unit=pl.lit("WK") + c("area").str.slice(2, 6)),
        b.with_columns(unit=pl.lit("GM") + c("area").str.slice(2, 4))])
    u = pl.concat([
        lv.group_by(["unit", "wave", "band"]).agg(c(SUMS).sum()).rename({"band": "age"}),
        lv.group_by(["unit", "wave"]).agg(c(SUMS).sum()).with_columns(age=pl.lit("18+"))], how="diagonal")
    est = []
    for m in MEASURES:
        n, sw, sw2, swy = c(f"n_{m}"), c(f"sw_{m}"), c(f"sw2_{m}"), c(f"swy_{m}")
        p = swy / sw; ne = sw ** 2 / sw2
        centre = (p + Z ** 2 / (2 * ne)) / (1 + Z ** 2 / ne)
        half = Z * (p * (1 - p) / ne + Z ** 2 / (4 * ne ** 2)).sqrt() / (1 + Z ** 2 / ne)
        keep = n >= MIN_N
        est += [pl.when(keep).then(100 * p).alias(m), pl.when(keep).then(100 * (centre - half)).alias(f"{m}_lower"),
                pl.when(keep).then(100 * (centre + half)).alias(f"{m}_upper")]
    u.with_columns(est).select(["unit", "wave", "age"] + [x for m in MEASURES for x in (f"n_{m}", m, f"{m}_lower", f"{m}_upper")]).collect().write_csv(out)

elif engine == "pandas":
    import numpy as np, pandas as pd
    df = pd.read_parquet(file)
    df = df[(df.weight > 0) & (df.age >= 18)]
    e = sum(df[f"dj{i}"].isin([2, 3]).astype(np.int8) for i in EMO)
    s = sum(df[f"dj{i}"].isin([1, 2]).astype(np.int8) for i in SOC)
    me = sum((df[f"dj{i}"] == 9).astype(np.int8) for i in EMO)
    ms = sum((df[f"dj{i}"] == 9).astype(np.int8) for i in SOC)
    w = df.weight.to_numpy()
    flags = {"lonely": (e + s >= 3, me + ms == 0), "severe": (e + s >= 9, me + ms == 0),
             "emotional": (e >= 3, me == 0), "social": (s >= 3, ms == 0)}
    t = pd.DataFrame({"area": df.area, "wave": df.wave, "band": np.where(df.age >= 65, "65+", "18-64")})
    for m, (y, ok) in flags.items():
        okv = ok.to_numpy(); yv = y.to_numpy() & okv
        t[f"n_{m}"] = okv.astype(np.int64); t[f"sw_{m}"] = w * okv; t[f"sw2_{m}"] = w * w * okv; t[f"swy_{m}"] = w * yv
    b = t.groupby(["area", "wave", "band"], sort=False).sum().reset_index()
    lv = pd.concat([b.assign(unit=b.area), b.assign(unit="WK" + b.area.str.slice(2, 8)), b.assign(unit="GM" + b.area.str.slice(2, 6))])
    lv = lv.drop(columns="area")
    u = pd.concat([lv.groupby(["unit", "wave", "band"]).sum().reset_index().rename(columns={"band": "age"}),
                   lv.drop(columns="band").groupby(["unit", "wave"]).sum().reset_index().assign(age="18+")])
    for m in MEASURES:
        p = u[f"swy_{m}"] / u[f"sw_{m}"]; ne = u[f"sw_{m}"] ** 2 / u[f"sw2_{m}"]
        centre = (p + Z ** 2 / (2 * ne)) / (1 + Z ** 2 / ne)
        half = Z * np.sqrt(p * (1 - p) / ne + Z ** 2 / (4 * ne ** 2)) / (1 + Z ** 2 / ne)
        keep = u[f"n_{m}"] >= MIN_N
        u[m] = np.where(keep, 100 * p, np.nan); u[f"{m}_lower"] = np.where(keep, 100 * (centre - half), np.nan)
        u[f"{m}_upper"] = np.where(keep, 100 * (centre + half), np.nan)
    u[["unit", "wave", "age"] + [x for m in MEASURES for x in (f"n_{m}", m, f"{m}_lower", f"{m}_upper")]].to_csv(out, index=False)
'''.replace("THREADS", THREADS)

engine_py = os.path.join(WORK, "engine.py")
with open(engine_py, "w") as f:
    f.write(ENGINE)

def run(name):
    out = os.path.join(WORK, f"out_{name}")
    env = dict(os.environ, POLARS_MAX_THREADS=THREADS, RAYON_NUM_THREADS=THREADS,
               OMP_NUM_THREADS=THREADS)
    if name in ("omzien", "baseline"):
        exe = "./target/release/omzien" if name == "omzien" else os.path.join(BASELINE, "omzien")
        cmd = [exe, "microdata", "--input", FILE, "--out", out, "--force"]
    else:
        cmd = [sys.executable, engine_py, name, FILE, out + ".csv"]
    r = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{name} failed:\n{r.stderr}")
    wall, kb = r.stderr.strip().splitlines()[-1].split()
    return float(wall), int(kb) / 1024

# BASELINE=DIR: also run DIR/omzien (an earlier build), for before/after in the same run.
BASELINE = os.environ.get("BASELINE")
# PEERS=0: omzien (and the baseline) only, for a before/after without the other engines.
PEERS = ["duckdb", "polars", "pandas"] if os.environ.get("PEERS", "1") != "0" else []
names = ["omzien"] + PEERS + (["baseline"] if BASELINE else [])
times = {n: [] for n in names}
mem = {n: [] for n in names}
for r in range(ROUNDS):
    for n in (names if r % 2 == 0 else names[::-1]):
        t, m = run(n)
        times[n].append(t); mem[n].append(m)
        print(f"round {r + 1}: {n:7s} {t:6.2f} s  {m:7.0f} MB", flush=True)

# How far the engines' figures lie from omzien's (every published cell of 18+ Eenzaam_28).
def load(name):
    if name in ("omzien", "baseline"):
        with open(os.path.join(WORK, f"out_{name}", "estimates.csv")) as f:
            rows = csv.DictReader(l for l in f if not l.startswith("#"))
            return {(r["unit"], r["wave"], r["age"]): float(r["value"]) for r in rows
                    if r["measure"] == "Lonely" and r["value"]}
    with open(os.path.join(WORK, f"out_{name}.csv")) as f:
        return {(r["unit"], r["wave"], r["age"]): float(r["lonely"]) for r in csv.DictReader(f) if r["lonely"]}
ref = load("omzien")
print(f"\nfile: {FILE} ({os.path.getsize(FILE) / 1e6:.0f} MB), {THREADS} threads, median of {ROUNDS} rounds")
print(f"{'engine':8s} {'wall s':>7s} {'peak MB':>8s} {'omzien faster':>14s}  cells  max |Δ| vs omzien (18+ lonely, pp)")
t0 = statistics.median(times["omzien"])
for n in names:
    t = statistics.median(times[n])
    other = load(n)
    common = [k for k in ref if k in other]
    diff = max((abs(ref[k] - other[k]) for k in common), default=float("nan"))
    print(f"{n:8s} {t:7.2f} {max(mem[n]):8.0f} {t / t0:13.2f}×  {len(other):6d}  {diff:.2e}")
