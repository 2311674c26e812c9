"""Decodes a Mapbox Vector Tile with the `mapbox-vector-tile` package from PyPI (a real client).

    python3 read_mvt.py TILE

Prints JSON: per layer, its extent and its features (properties, geometry type, ring count).
"""
import json
import sys

import mapbox_vector_tile

with open(sys.argv[1], "rb") as f:
    data = f.read()
decoded = mapbox_vector_tile.decode(data)
out = {}
for name, layer in decoded.items():
    feats = []
    for f in layer["features"]:
        g = f["geometry"]
        coords = g["coordinates"]
        rings = sum(len(p) for p in coords) if g["type"] == "MultiPolygon" else len(coords)
        feats.append({"properties": f["properties"], "type": g["type"], "rings": rings})
    out[name] = {"extent": layer["extent"], "features": feats}
print(json.dumps(out))
