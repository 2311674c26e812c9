"""Reads a PMTiles archive with the `pmtiles` package from PyPI (a real client, not ours).

    python3 read_pmtiles.py ARCHIVE SAMPLE_DIR N SEED

Prints one JSON object: the header fields, the metadata, the number of tiles, and writes N
tiles chosen at random (seeded) to SAMPLE_DIR as Z-X-Y.bin (gzip tiles decompressed) for the
test to compare with what the server answers for the same address.
"""
import gzip
import json
import os
import random
import sys

from pmtiles.reader import MmapSource, Reader, all_tiles

path, sample_dir, n, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with open(path, "rb") as f:
    reader = Reader(MmapSource(f))
    header = reader.header()
    tiles = [(z, x, y) for (z, x, y), _ in all_tiles(reader.get_bytes)]
    random.Random(seed).shuffle(tiles)
    os.makedirs(sample_dir, exist_ok=True)
    gzipped = header["tile_compression"].name == "GZIP"
    for z, x, y in tiles[:n]:
        data = reader.get(z, x, y)
        with open(os.path.join(sample_dir, f"{z}-{x}-{y}.bin"), "wb") as out:
            out.write(gzip.decompress(data) if gzipped else data)
    print(
        json.dumps(
            {
                "tile_type": header["tile_type"].name,
                "tile_compression": header["tile_compression"].name,
                "min_zoom": header["min_zoom"],
                "max_zoom": header["max_zoom"],
                "bounds": [
                    header["min_lon_e7"] / 1e7,
                    header["min_lat_e7"] / 1e7,
                    header["max_lon_e7"] / 1e7,
                    header["max_lat_e7"] / 1e7,
                ],
                "addressed": header["addressed_tiles_count"],
                "contents": header["tile_contents_count"],
                "clustered": header["clustered"],
                "tiles": len(tiles),
                "metadata": reader.metadata(),
            }
        )
    )
