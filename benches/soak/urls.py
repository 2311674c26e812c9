#!/usr/bin/env python3
"""Writes a seeded random mix of cold tile URLs and API calls for the soak test, one per line.

Tiles: z6–z16 over the Netherlands, gemeente/wijk/buurt level, four loneliness indicators, 18+
and 65+, each wave or the 2012→2020 change, three classification methods, a quarter @2x.
API: /api/areas/{code}, /api/figures?bbox, /api/risk, /legend.png.
Usage: urls.py RIVM_DIR COUNT SEED > urls.txt"""
import csv
import glob
import math
import random
import sys

rivm, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
codes = {"gemeente": [], "wijk": [], "buurt": []}
with open(sorted(glob.glob(f"{rivm}/*18plus*.csv"))[0], newline="") as f:
    for row in csv.DictReader(f):
        c = row["WijkenEnBuurten"].strip()
        level = {"GM": "gemeente", "WK": "wijk", "BU": "buurt"}.get(c[:2])
        if level:
            codes[level].append(c)
INDICATORS = ["Eenzaam_28", "ErnstigZeerErnstigEenzaam_29", "EmotioneelEenzaam_30", "SociaalEenzaam_31"]
AGES = ["18%2B", "65%2B"]
WAVES = ["wave=2012", "wave=2016", "wave=2020", "from=2012&to=2020"]
METHODS = ["quantile", "equal", "jenks"]
W, S, E, N = 3.3, 50.75, 7.2, 53.55


def tile(lon, lat, z):
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def layer():
    return (f"indicator={rng.choice(INDICATORS)}&age={rng.choice(AGES)}&{rng.choice(WAVES)}"
            f"&level={rng.choice(['gemeente', 'wijk', 'buurt'])}")


out = sys.stdout
for _ in range(count):
    r = rng.random()
    if r < 0.85:
        z = rng.randint(6, 16)
        x, y = tile(rng.uniform(W, E), rng.uniform(S, N), z)
        scale = "@2x" if rng.random() < 0.25 else ""
        out.write(f"/tiles/{z}/{x}/{y}{scale}.png?{layer()}&method={rng.choice(METHODS)}\n")
    elif r < 0.90:
        level = rng.choice(list(codes))
        out.write(f"/api/areas/{rng.choice(codes[level])}?age={rng.choice(AGES)}\n")
    elif r < 0.95:
        lon, lat = rng.uniform(W, E - 0.2), rng.uniform(S, N - 0.1)
        out.write(f"/api/figures?{layer()}&bbox={lon:.3f},{lat:.3f},{lon + 0.2:.3f},{lat + 0.1:.3f}\n")
    elif r < 0.98:
        out.write(f"/api/risk?gemeente={rng.choice(codes['gemeente'])}&level={rng.choice(['wijk', 'buurt'])}"
                  f"&age={rng.choice(AGES)}\n")
    else:
        out.write(f"/legend.png?{layer()}\n")
