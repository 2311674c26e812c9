// Where the web map's figures come from: the server's API and vector tiles (`servedSource`), or
// the static site's own files (`exportedSource`: site.json, search.json, PMTiles archives). Each
// answers the same questions; `null` where it cannot (the page says so).
export const LEVELS = ['gemeente', 'wijk', 'buurt'];

/** The vector tiles' field of the change between two waves (as the render crate names it). */
export const changeField = (a, b) => `change_${a}_${b}`;

export async function getJson(path) {
  let r;
  try {
    r = await fetch(path, { headers: { Accept: 'application/json' } });
  } catch (e) {
    throw new Error(String(e.message || e));
  }
  let body = null;
  try { body = await r.json(); } catch (_) { body = null; }
  if (!r.ok) {
    const err = new Error((body && body.error) || `${r.status} ${r.statusText}`);
    err.status = r.status;
    throw err;
  }
  return body;
}

export const fold = (s) => String(s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();

/** The server's API and vector tiles. */
export function servedSource(meta) {
  const base = new URL('.', location.href).href;
  const layerParams = (v, level) => {
    const p = new URLSearchParams({ indicator: v.indicator, age: v.age, level, method: v.method });
    if (v.mode === 'level') p.set('wave', v.wave); else { p.set('from', v.from); p.set('to', v.to); }
    return p;
  };
  return {
    async init() {
      const [indicators, waves] = await Promise.all([getJson('api/indicators'), getJson('api/waves')]);
      return {
        indicators: indicators.rows,
        waves: waves.rows.map((w) => String(w.wave)),
        ages: waves.age_groups.map((a) => ({ short: a.short, code: String(a.code), label_nl: a.label_nl, label_en: a.label_en })),
        levels: waves.levels.filter((l) => l.boundaries && LEVELS.includes(l.level) && l.minzoom != null)
          .map((l) => ({ level: l.level, minzoom: l.minzoom, maxzoom: l.maxzoom }))
          .sort((a, b) => a.minzoom - b.minzoom),
        changes: null,
        synthetic: !!waves.dataset.synthetic,
        notice: waves.dataset.notice,
        bounds: waves.bounds,
        attribution: waves.dataset.synthetic ? 'SYNTHETIC DEMO DATA' : 'RIVM/GGD Gezondheidsmonitor · CBS/Kadaster',
      };
    },
    sources(v) {
      const out = {};
      for (const l of meta.levels) {
        const p = new URLSearchParams({ indicator: v.indicator, age: v.age, level: l.level });
        out[`areas-${l.level}`] = {
          type: 'vector', tiles: [`${base}vector/{z}/{x}/{y}.mvt?${p}`], minzoom: 0, maxzoom: 14,
          attribution: meta.attribution,
        };
      }
      return out;
    },
    sourceOf: (level) => `areas-${level}`,
    async style(v, level) {
      return getJson(`vector/style?${layerParams(v, level)}`);
    },
    async card(code, v) {
      const p = new URLSearchParams({ indicator: v.indicator, age: v.age, rank_wave: v.mode === 'level' ? v.wave : v.to });
      const doc = await getJson(`api/areas/${encodeURIComponent(code)}?${p}`);
      const rows = doc.rows.filter((r) => r.indicator === v.indicator && r.age === v.age)
        .sort((a, b) => a.wave - b.wave)
        .map((r) => ({ wave: String(r.wave), status: r.status, value: r.value, lower: r.interval?.[0], upper: r.interval?.[1], gemeente: r.gemeente, national: r.national }));
      const trends = (doc.trends || []).filter((x) => x.indicator === v.indicator && x.age === v.age);
      return { area: doc.area, rows, trends, selection: doc.selection || {}, served: true };
    },
    async search(q) {
      const r = await getJson(`api/search?${new URLSearchParams({ q, limit: '8' })}`);
      return r.rows;
    },
    async risk(v, level) {
      const p = new URLSearchParams({ indicator: v.indicator, age: v.age, level, limit: '10' });
      if (v.mode === 'level') { p.set('wave', v.wave); p.set('mode', 'high'); } else { p.set('wave', v.to); p.set('since', v.from); p.set('mode', 'rising'); }
      let r = await getJson(`api/risk?${p}`);
      // Where the figures carry intervals, the list marks areas by how sure the mark is (the
      // probability, from the intervals), as `omzien risk --by probability` does.
      if (r.with_intervals > 0) {
        p.set('by', 'probability');
        p.set('min_prob', '0.8');
        r = await getJson(`api/risk?${p}`);
      }
      return r;
    },
    download(v, level, bbox) {
      const p = layerParams(v, level);
      p.set('bbox', bbox);
      p.set('format', 'csv');
      return `api/figures?${p}`;
    },
    links: true,
  };
}

/** The static site's own files. */
export function exportedSource(meta, mapNow) {
  let site = null;
  let index = null;
  const ageOf = (v) => site.ages.find((a) => a.age === v.age) || site.ages[0];
  const viewOf = (v) => {
    const a = ageOf(v);
    const id = v.mode === 'level' ? v.wave : `${v.from}-${v.to}`;
    return a.views.find((x) => x.id === id);
  };
  return {
    async init() {
      site = await getJson('site.json');
      const changes = site.ages[0].views.filter((x) => x.change).map((x) => x.id.split('-'));
      return {
        indicators: [{ key: site.indicator, label_nl: site.indicator_label, label_en: site.indicator_label_en }],
        waves: site.waves.map(String),
        ages: site.ages.map((a) => ({ short: a.age, code: a.age, label_nl: a.label, label_en: a.label_en })),
        levels: site.levels.map((l) => ({ level: l.level, minzoom: l.minzoom, maxzoom: l.maxzoom })),
        changes,
        synthetic: site.synthetic,
        notice: 'Synthetische demodata: deze cijfers zijn verzonnen, niet gemeten (synthetic demo data).',
        bounds: site.bounds,
        attribution: site.attribution,
        title: { nl: site.title, en: site.title_en },
      };
    },
    sources(v) {
      return { areas: { type: 'vector', url: 'pmtiles://' + new URL(ageOf(v).tiles, location.href).href, attribution: site.attribution } };
    },
    sourceOf: () => 'areas',
    async style(v, level) {
      const view = viewOf(v);
      if (!view) return null;
      return { legend: view.legends[level], fill_color: view.colors[level], ...view.patterns[level] };
    },
    async card(code, v) {
      const level = levelOfCode(code);
      // The figures are read from the tiles of the area: wait until the map holds them (after
      // a move to the area, or when the page opens on a link to it).
      const m = mapNow();
      if (!(m.loaded() && m.areTilesLoaded())) await new Promise((done) => m.once('idle', done));
      const feats = m.querySourceFeatures('areas', { sourceLayer: level, filter: ['==', ['get', 'code'], code] });
      if (!feats.length) { const e = new Error(code); e.status = 404; throw e; }
      const p = feats[0].properties;
      const rows = meta.waves.map((w) => ({ wave: w, status: p[`status_${w}`] || 'not_measured', value: p[`value_${w}`], lower: p[`lower_${w}`], upper: p[`upper_${w}`] }));
      const trends = [];
      for (const [a, b] of meta.changes) {
        const d = p[changeField(a, b)];
        if (d === undefined) continue;
        trends.push({ from: a, to: b, delta: d, direction: d > 0 ? 'rising' : d < 0 ? 'falling' : 'stable', significant: null, caveat_kinds: [] });
      }
      return { area: { code, level, name: p.name || code, gemeente_name: p.gemeente, has_polygon: true }, rows, trends, selection: {}, served: false };
    },
    async search(q) {
      if (!index) index = (await getJson(site.search)).map((r) => ({ ...r, key: fold(r.name) }));
      const f = fold(q.trim());
      const up = q.trim().toUpperCase();
      const scored = [];
      for (const r of index) {
        let s = null;
        if (r.code === up) s = 0;
        else if (r.key === f) s = 1;
        else if (r.key.startsWith(f)) s = 2;
        else if (r.key.split(/[\s\-/(]+/).some((w) => w.startsWith(f))) s = 3;
        else if (r.key.includes(f)) s = 4;
        else if (r.code.startsWith(up)) s = 5;
        if (s != null) scored.push([s, LEVELS.indexOf(r.level), r]);
      }
      scored.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2].name.localeCompare(b[2].name, 'nl'));
      return scored.slice(0, 8).map((x) => x[2]);
    },
    risk: null,
    download: null,
    links: false,
  };
}

export const levelOfCode = (code) => (/^GM/.test(code) ? 'gemeente' : /^WK/.test(code) ? 'wijk' : 'buurt');
