#!/usr/bin/env python3
"""Renders the same tile set with omzien and Mapnik, one thread each, and prints tiles/s,
mean tile bytes and the ratio. Same polygons, same classes, same colours, palette PNG on both
sides (Mapnik's png8). Run through run.sh, which builds omzien and installs Mapnik."""
import json, math, os, subprocess, sys, time

import mapnik

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DATA = os.environ.get('OMZIEN_DATA', os.path.join(ROOT, '..', 'shared', 'data'))
TOOL = os.path.join(ROOT, 'target', 'release', 'examples', 'tileset')
SETS = {'gemeente': 'gemeenten_2020.geojson', 'buurt': 'buurten_2020.geojson'}
OUTLINE = mapnik.Color(40, 40, 40, 110)


# BASELINE=DIR: also render with DIR/tileset (an earlier build), for before/after in one run.
BASELINE = os.environ.get('BASELINE')


def run(*args, tool=TOOL):
    return subprocess.run([tool, *args], check=True, capture_output=True, text=True).stdout


def merc_box(z, x, y):
    r = 6378137.0
    span = 2 * math.pi * r / 2 ** z
    minx = -math.pi * r + x * span
    maxy = math.pi * r - y * span
    return mapnik.Box2d(minx, maxy - span, minx + span, maxy)


def mapnik_map(styled):
    with open(styled) as f:
        fills = sorted({ft['properties']['fill'] for ft in json.load(f)['features']})
    m = mapnik.Map(256, 256)
    m.srs = 'epsg:3857'
    st = mapnik.Style()
    for fill in fills:
        rule = mapnik.Rule()
        rule.filter = mapnik.Expression(f"[fill] = '{fill}'")
        poly = mapnik.PolygonSymbolizer()
        poly.fill = mapnik.Color(fill)
        rule.symbolizers.append(poly)
        line = mapnik.LineSymbolizer()
        line.stroke = OUTLINE
        line.stroke_width = 0.5
        rule.symbolizers.append(line)
        st.rules.append(rule)
    m.append_style('areas', st)
    lyr = mapnik.Layer('areas')
    lyr.srs = 'epsg:4326'
    lyr.datasource = mapnik.Datasource(type='geojson', file=styled)
    lyr.styles.append('areas')
    m.layers.append(lyr)
    return m


def bench_mapnik(styled, tiles, fmt):
    m = mapnik_map(styled)
    total = 0
    drawn = 0
    start = time.perf_counter()
    for z, x, y in tiles:
        m.zoom_to_box(merc_box(z, x, y))
        im = mapnik.Image(256, 256)
        mapnik.render(m, im)
        # Skip only fully transparent tiles (as omzien answers 204); one-colour tiles are encoded.
        if not (im.is_solid() and im.get_pixel(0, 0) == 0):
            b = im.to_string(fmt)
            total += len(b)
            drawn += 1
    secs = time.perf_counter() - start
    return {'tiles': len(tiles), 'drawn': drawn, 'seconds': secs, 'tiles_per_s': len(tiles) / secs,
            'mean_bytes': total / max(drawn, 1)}


def main():
    only = sys.argv[1:]
    work = os.path.join(ROOT, 'target', 'mapnik-bench')
    os.makedirs(work, exist_ok=True)
    rivm = os.path.join(DATA, 'rivm-50090NED')
    for name, file in SETS.items():
        if only and name not in only:
            continue
        bounds = os.path.join(DATA, 'cbs-2020', file)
        tiles_file = os.path.join(work, f'{name}.tiles')
        styled = os.path.join(work, f'{name}.styled.geojson')
        run('tiles', '--boundaries', bounds, '--set', name, '--out', tiles_file)
        run('export', '--data', rivm, '--boundaries', bounds, '--out', styled)
        with open(tiles_file) as f:
            tiles = [tuple(int(v) for v in line.split()) for line in f if line.strip()]
        ours = json.loads(run('render', '--data', rivm, '--boundaries', bounds, '--tiles', tiles_file))
        png8 = bench_mapnik(styled, tiles, 'png8')
        rgba = bench_mapnik(styled, tiles, 'png32')
        rows = [('omzien (palette PNG)', ours), ('mapnik png8', png8), ('mapnik png32', rgba)]
        if BASELINE:
            base = json.loads(run('render', '--data', rivm, '--boundaries', bounds, '--tiles', tiles_file,
                                  tool=os.path.join(BASELINE, 'tileset')))
            rows.append(('omzien baseline', base))
        print(f'{name} set: {len(tiles)} tiles (single thread)')
        for label, r in rows:
            print(f'  {label:22s} {r["tiles_per_s"]:8.1f} tiles/s  mean {r["mean_bytes"] / 1024:6.2f} KB  ({r["drawn"]} non-empty)')
        print(f'  ratio omzien / mapnik png8: {ours["tiles_per_s"] / png8["tiles_per_s"]:.2f}x speed, '
              f'{ours["mean_bytes"] / png8["mean_bytes"]:.2f}x bytes')
        if BASELINE:
            print(f'  ratio baseline / mapnik png8: {base["tiles_per_s"] / png8["tiles_per_s"]:.2f}x speed, '
                  f'{base["mean_bytes"] / png8["mean_bytes"]:.2f}x bytes')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
