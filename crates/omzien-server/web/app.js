// omzien web map. Plain JavaScript on Leaflet; every figure comes from this server's API and
// every colour from its tiles and legend, so the page shows what the server computes.
'use strict';

(function () {
  const TEXT = {
    nl: {
      tagline: 'Waar is eenzaamheid hoog, en waar stijgt ze?',
      indicator: 'Indicator', mode: 'Weergave', mode_level: 'niveau in één meting',
      mode_delta: 'verandering tussen twee metingen', wave: 'Meting', from: 'van', to: 'tot',
      age: 'Leeftijd', level: 'Gebiedsniveau', method: 'Klassenindeling',
      m_quantile: 'kwantielen', m_equal: 'gelijke intervallen', m_jenks: 'natuurlijke grenzen (Jenks)',
      search: 'Zoek een gemeente, wijk of buurt', risk: 'Aandachtsgebieden',
      download: 'Cijfers van deze kaartweergave (CSV)', auto: 'automatisch (naar zoomniveau)',
      gemeente: 'gemeente', wijk: 'wijk', buurt: 'buurt', land: 'Nederland',
      gemeenten: 'gemeenten', wijken: 'wijken', buurten: 'buurten',
      loneliness: 'Eenzaamheid', others: 'Overige indicatoren',
      close: 'Sluiten', code: 'code', parent: 'ligt in', area_value: 'gebied', gm_value: 'gemeente', nl_value: 'Nederland',
      suppressed: 'onderdrukt', not_measured: 'niet gemeten', no_polygon: 'geen grens op de kaart',
      rank_country: 'Plaats in Nederland', rank_gemeente: 'Plaats binnen de gemeente', of: 'van', report: 'Rapport (PDF)', spine: 'Alle indicatoren tegen Nederland (staafdiagram)', brief: 'In het kort, voor de raad',
      change: 'Verandering', rising: 'stijgt', falling: 'daalt', stable: 'gelijk', unknown: 'onbekend',
      significant: 'significant', not_significant: 'niet significant',
      risk_high: 'Hoogste waarden', risk_rising: 'Sterkste stijging', risk_none: 'Geen gebieden voor deze keuze.',
      risk_p: 'kans',
      risk_by_p: (p, n, rising) => `Gebieden met een kans van ${p} of meer dat ze werkelijk ${rising ? 'meer dan het land stegen (boven de drempel)' : 'bij de hoogste horen'}, getrokken uit de 95%-intervallen (${n} trekkingen; gebieden onafhankelijk verondersteld).`,
      risk_by_rules: 'Deze cijfers hebben geen intervallen: de lijst volgt de puntwaarden, niet hoe zeker ze zijn.',
      nothing_here: 'Hier ligt geen gebied met cijfers op dit niveau.',
      no_results: 'Niets gevonden.', tile_failed: 'Een deel van de kaarttegels kon niet worden geladen.',
      unknown_param: (k, v, d) => `Onbekende waarde in de link: ${k}=${v}. Getoond: ${d}.`,
      unknown_area: (c) => `Gebied ${c} uit de link is niet gevonden.`,
      same_wave: 'Een verandering vraagt twee verschillende metingen; de vorige meting is gekozen.',
      server_error: (m) => `Fout van de server: ${m}`,
      no_boundaries: 'Deze server heeft geen gebiedsgrenzen geladen: de kaart blijft leeg. De cijfers staan in de API (/api/…).',
      source: 'Bron: RIVM/GGD Gezondheidsmonitor (StatLine 50090NED); grenzen CBS/Kadaster.',
      percent_of: 'in %', pp: 'procentpunt',
      caveat: {
        age_range_changed: (c, x) => `leeftijdsgrens veranderd: ${x.from} vanaf ${c.from_min_age} jaar, ${x.to} vanaf ${c.to_min_age} jaar`,
        suppressed: (c) => `onderdrukt in ${c.wave}: geen verschil`,
        not_measured: (c) => `niet gemeten in ${c.wave}: geen verschil`,
        no_interval: () => 'geen 95%-betrouwbaarheidsgrenzen in de bestanden: significantie onbekend',
      },
    },
    en: {
      tagline: 'Where is loneliness high, and where is it rising?',
      indicator: 'Indicator', mode: 'Show', mode_level: 'level in one wave',
      mode_delta: 'change between two waves', wave: 'Wave', from: 'from', to: 'to',
      age: 'Age group', level: 'Area level', method: 'Classification',
      m_quantile: 'quantiles', m_equal: 'equal intervals', m_jenks: 'natural breaks (Jenks)',
      search: 'Find a gemeente, wijk or buurt', risk: 'Areas needing attention',
      download: 'Figures of this map view (CSV)', auto: 'automatic (by zoom)',
      gemeente: 'municipality', wijk: 'district', buurt: 'neighbourhood', land: 'Netherlands',
      gemeenten: 'municipalities', wijken: 'districts', buurten: 'neighbourhoods',
      loneliness: 'Loneliness', others: 'Other indicators',
      close: 'Close', code: 'code', parent: 'part of', area_value: 'area', gm_value: 'municipality', nl_value: 'Netherlands',
      suppressed: 'suppressed', not_measured: 'not measured', no_polygon: 'no boundary on the map',
      rank_country: 'Rank in the Netherlands', rank_gemeente: 'Rank within the municipality', of: 'of', report: 'Report (PDF)', spine: 'All indicators against the Netherlands (spine chart)', brief: 'In brief, for the council',
      change: 'Change', rising: 'rising', falling: 'falling', stable: 'stable', unknown: 'unknown',
      significant: 'significant', not_significant: 'not significant',
      risk_high: 'Highest values', risk_rising: 'Largest rises', risk_none: 'No areas for this selection.',
      risk_p: 'probability',
      risk_by_p: (p, n, rising) => `Areas with a probability of ${p} or more that they truly ${rising ? 'rose beyond the country (above the threshold)' : 'are among the highest'}, drawn from the 95% intervals (${n} draws; areas taken as independent).`,
      risk_by_rules: 'These figures carry no intervals: the list follows the point values, not how sure they are.',
      nothing_here: 'No area with figures at this level here.',
      no_results: 'Nothing found.', tile_failed: 'Some map tiles could not be loaded.',
      unknown_param: (k, v, d) => `Unknown value in the link: ${k}=${v}. Showing: ${d}.`,
      unknown_area: (c) => `Area ${c} from the link was not found.`,
      same_wave: 'A change needs two different waves; the previous wave was chosen.',
      server_error: (m) => `Server error: ${m}`,
      no_boundaries: 'This server has no boundaries loaded: the map stays empty. The figures are in the API (/api/…).',
      source: 'Source: RIVM/GGD Gezondheidsmonitor (StatLine 50090NED); boundaries CBS/Kadaster.',
      percent_of: 'in %', pp: 'percentage points',
      caveat: {
        age_range_changed: (c, x) => `age range changed: ${x.from} from age ${c.from_min_age}, ${x.to} from age ${c.to_min_age}`,
        suppressed: (c) => `suppressed in ${c.wave}: no change`,
        not_measured: (c) => `not measured in ${c.wave}: no change`,
        no_interval: () => 'no 95% bounds in the files: significance unknown',
      },
    },
  };
  const LONELINESS = ['Eenzaam_28', 'ErnstigZeerErnstigEenzaam_29', 'EmotioneelEenzaam_30', 'SociaalEenzaam_31'];
  const METHODS = ['quantile', 'equal', 'jenks'];
  const LEVELS = ['gemeente', 'wijk', 'buurt'];
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const PLURAL = { gemeente: 'gemeenten', wijk: 'wijken', buurt: 'buurten' };

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, ...kids) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const k of kids) if (k != null) e.append(k);
    return e;
  };

  const state = {
    indicator: 'Eenzaam_28', age: '18+', mode: 'level', wave: null, from: null, to: null,
    level: 'auto', method: 'quantile', lang: 'nl', area: null,
  };
  const meta = { indicators: [], waves: [], ages: [], levels: [], zooms: [], synthetic: false, notice: null };
  let map = null;
  let tiles = null;
  let marker = null;
  let shownLevel = null;
  let firstTileMs = null;
  let tileFailureShown = false;

  const t = (k) => TEXT[state.lang][k] ?? TEXT.nl[k] ?? k;
  const fmt = (v, digits = 1) => (v == null ? '–' : Number(v).toLocaleString(state.lang === 'nl' ? 'nl-NL' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  const signed = (v) => (v == null ? '–' : (v > 0 ? '+' : '') + fmt(v));

  // ---- messages ---------------------------------------------------------------------------
  function notice(text, kind) {
    const box = $('notices');
    for (const n of box.children) if (n.dataset.text === text) return;
    const n = el('div', { class: 'notice' + (kind === 'error' ? ' error' : ''), role: kind === 'error' ? 'alert' : 'status' },
      el('button', { type: 'button', 'aria-label': t('close'), text: '×', onclick: () => n.remove() }),
      el('span', { text }));
    n.dataset.text = text;
    box.append(n);
  }

  async function api(path) {
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

  // ---- state <-> URL -----------------------------------------------------------------------
  function readUrl() {
    const p = new URLSearchParams(location.search);
    const raw = {};
    for (const k of ['indicator', 'age', 'mode', 'wave', 'from', 'to', 'level', 'method', 'lang', 'area', 'z', 'lat', 'lon']) {
      if (p.has(k)) raw[k] = p.get(k);
    }
    return raw;
  }

  function writeUrl() {
    const p = new URLSearchParams();
    p.set('indicator', state.indicator);
    p.set('age', state.age);
    p.set('mode', state.mode);
    if (state.mode === 'level') p.set('wave', state.wave);
    else { p.set('from', state.from); p.set('to', state.to); }
    p.set('level', state.level);
    p.set('method', state.method);
    p.set('lang', state.lang);
    if (state.area) p.set('area', state.area);
    if (map) {
      const c = map.getCenter();
      p.set('z', String(map.getZoom()));
      p.set('lat', c.lat.toFixed(5));
      p.set('lon', c.lng.toFixed(5));
    }
    history.replaceState(null, '', `${location.pathname}?${p}`);
  }

  // Checks each value from the link against what the server has; unknown ones fall back to the
  // default with a visible notice.
  function applyUrl(raw) {
    const fallback = (key, value, shown) => notice(TEXT[state.lang].unknown_param(key, value, shown));
    if (raw.lang === 'en' || raw.lang === 'nl') state.lang = raw.lang;
    else if (raw.lang != null) fallback('lang', raw.lang, 'nl');
    const waves = meta.waves.map(String);
    const latest = waves[waves.length - 1];
    const before = waves.length > 1 ? waves[waves.length - 2] : latest;
    state.wave = latest; state.from = before; state.to = latest;
    if (raw.indicator != null) {
      if (meta.indicators.some((i) => i.key === raw.indicator)) state.indicator = raw.indicator;
      else fallback('indicator', raw.indicator, state.indicator);
    }
    if (!meta.indicators.some((i) => i.key === state.indicator) && meta.indicators.length) state.indicator = meta.indicators[0].key;
    if (raw.age != null) {
      const a = meta.ages.find((g) => g.short === raw.age || g.code === raw.age);
      if (a) state.age = a.short; else fallback('age', raw.age, state.age);
    }
    if (!meta.ages.some((g) => g.short === state.age) && meta.ages.length) state.age = meta.ages[0].short;
    if (raw.mode != null) {
      if (raw.mode === 'level' || raw.mode === 'delta') state.mode = raw.mode;
      else fallback('mode', raw.mode, state.mode);
    }
    for (const k of ['wave', 'from', 'to']) {
      if (raw[k] == null) continue;
      if (waves.includes(raw[k])) state[k] = raw[k]; else fallback(k, raw[k], state[k]);
    }
    if (state.from === state.to) {
      if (waves.length < 2) state.mode = 'level';
      else { state.from = waves.filter((w) => w < state.to).pop() || waves[0]; if (state.from === state.to) state.to = latest; notice(t('same_wave')); }
    }
    if (raw.level != null) {
      if (raw.level === 'auto' || meta.levels.includes(raw.level)) state.level = raw.level;
      else fallback('level', raw.level, t('auto'));
    }
    if (raw.method != null) {
      if (METHODS.includes(raw.method)) state.method = raw.method;
      else fallback('method', raw.method, state.method);
    }
    if (raw.area != null) state.area = raw.area.trim().toUpperCase();
  }

  // ---- the layer being shown ---------------------------------------------------------------
  function effectiveLevel() {
    if (state.level !== 'auto') return state.level;
    // The server's level-by-zoom table (`/api/waves` levels[].minzoom/maxzoom).
    const z = Math.floor(map ? map.getZoom() : 7);
    const byZoom = meta.zooms.find((r) => z >= r.minzoom && z <= r.maxzoom);
    const wanted = byZoom ? byZoom.level : (meta.zooms.length && z > meta.zooms[meta.zooms.length - 1].maxzoom
      ? meta.zooms[meta.zooms.length - 1].level : 'gemeente');
    const order = LEVELS.slice(0, LEVELS.indexOf(wanted) + 1).reverse();
    return order.find((l) => meta.levels.includes(l)) || meta.levels[0] || 'gemeente';
  }

  function layerParams(level) {
    const p = new URLSearchParams({ indicator: state.indicator, age: state.age, level: level || effectiveLevel(), method: state.method });
    if (state.mode === 'level') p.set('wave', state.wave);
    else { p.set('from', state.from); p.set('to', state.to); }
    return p;
  }

  function tileUrl() {
    return `/tiles/{z}/{x}/{y}{r}.png?${layerParams()}`;
  }

  // ---- controls ----------------------------------------------------------------------------
  function fillControls() {
    const ind = $('indicator');
    ind.replaceChildren();
    const label = (i) => (state.lang === 'en' ? i.label_en : i.label_nl) || i.key;
    const groups = [[t('loneliness'), meta.indicators.filter((i) => LONELINESS.includes(i.key))],
      [t('others'), meta.indicators.filter((i) => !LONELINESS.includes(i.key))]];
    for (const [name, list] of groups) {
      if (!list.length) continue;
      const g = el('optgroup', { label: name });
      for (const i of list) g.append(el('option', { value: i.key, text: label(i) }));
      ind.append(g);
    }
    for (const id of ['wave', 'from', 'to']) {
      $(id).replaceChildren(...meta.waves.map((w) => el('option', { value: String(w), text: String(w) })));
    }
    $('age').replaceChildren(...meta.ages.map((a) => el('option', { value: a.short, text: state.lang === 'en' ? a.label_en : a.label_nl })));
    $('level').replaceChildren(el('option', { value: 'auto', text: t('auto') }),
      ...meta.levels.map((l) => el('option', { value: l, text: t(l) })));
    syncControls();
  }

  function syncControls() {
    $('indicator').value = state.indicator;
    $('age').value = state.age;
    $('wave').value = state.wave;
    $('from').value = state.from;
    $('to').value = state.to;
    $('level').value = state.level;
    $('method').value = state.method;
    for (const r of document.querySelectorAll('input[name=mode]')) r.checked = r.value === state.mode;
    $('wave-row').hidden = state.mode !== 'level';
    $('delta-row').hidden = state.mode !== 'delta';
    const delta = document.querySelector('input[name=mode][value=delta]');
    delta.disabled = meta.waves.length < 2;
  }

  function translate() {
    document.documentElement.lang = state.lang;
    for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
    $('lang').textContent = state.lang === 'nl' ? 'English' : 'Nederlands';
    $('lang').lang = state.lang === 'nl' ? 'en' : 'nl';
    $('source').textContent = meta.synthetic ? meta.notice : t('source');
    fillControls();
  }

  function onControl() {
    state.indicator = $('indicator').value;
    state.age = $('age').value;
    state.mode = document.querySelector('input[name=mode]:checked').value;
    state.wave = $('wave').value;
    state.from = $('from').value;
    state.to = $('to').value;
    if (state.mode === 'delta' && state.from === state.to) {
      const waves = meta.waves.map(String);
      const earlier = waves.filter((w) => w < state.to);
      state.from = earlier.length ? earlier[earlier.length - 1] : waves.find((w) => w !== state.to);
      notice(t('same_wave'));
    }
    state.level = $('level').value;
    state.method = $('method').value;
    syncControls();
    refresh();
  }

  // ---- map, legend, risk list, download ----------------------------------------------------
  function refresh(withCard = true) {
    shownLevel = effectiveLevel();
    if (tiles) tiles.setUrl(tileUrl());
    loadLegend();
    loadRisk();
    updateDownload();
    if (withCard && state.area) showArea(state.area, null, false);
    writeUrl();
  }

  async function loadLegend() {
    const box = $('legend');
    try {
      const lg = await api(`/legend?${layerParams()}`);
      const unit = lg.unit === 'pp' ? t('pp') : t('percent_of');
      box.replaceChildren(el('h2', { text: lg.title }), el('p', { class: 'small', text: `${t(shownLevel)} · ${unit}` }),
        ...lg.entries.map((e) => el('div', { class: 'entry', 'data-kind': e.kind },
          el('span', { class: 'sw', style: `background:${e.color}` }),
          el('span', { text: e.kind === 'class' ? e.label : t(e.kind) }))));
      if (lg.synthetic) box.append(el('p', { class: 'synthetic', text: lg.synthetic }));
    } catch (e) {
      box.replaceChildren();
      notice(TEXT[state.lang].server_error(e.message), 'error');
    }
  }

  async function loadRisk() {
    const list = $('risk-list');
    const level = effectiveLevel();
    const p = new URLSearchParams({ indicator: state.indicator, age: state.age, level, limit: '10' });
    if (state.mode === 'level') { p.set('wave', state.wave); p.set('mode', 'high'); }
    else { p.set('wave', state.to); p.set('since', state.from); p.set('mode', 'rising'); }
    $('risk-what').textContent = `${state.mode === 'level' ? t('risk_high') : t('risk_rising')} · ${t(PLURAL[level])}`;
    try {
      let r = await api(`/api/risk?${p}`);
      // Where the figures carry intervals, the list marks areas by how sure the mark is (the
      // probability, from the intervals), as `omzien risk --by probability` does.
      if (r.with_intervals > 0) {
        p.set('by', 'probability');
        p.set('min_prob', '0.8');
        r = await api(`/api/risk?${p}`);
      }
      const rising = state.mode !== 'level';
      $('risk-how').textContent = r.by === 'probability'
        ? t('risk_by_p')(fmt(r.min_prob, 2), r.draws, rising)
        : (r.with_intervals > 0 ? '' : t('risk_by_rules'));
      // The server's order: highest first, or (rising) the largest rise beyond the reference first.
      const rows = r.rows;
      if (!rows.length) { list.replaceChildren(el('li', { class: 'small', text: t('risk_none') })); return; }
      const chance = (row) => {
        const pr = rising ? row.p_rise : row.p_top;
        return pr == null ? '' : ` (${t('risk_p')} ${fmt(pr, 2)})`;
      };
      list.replaceChildren(...rows.slice(0, 10).map((row, i) => el('li', {},
        el('button', { type: 'button', 'data-code': row.code, onclick: () => goTo(row.code, row.bbox) },
          `${i + 1}. ${row.name || row.code} — ${state.mode === 'level' ? fmt(row.value) + '%' : signed(row.delta) + ' pp'}${chance(row)}`))));
    } catch (e) {
      list.replaceChildren(el('li', { class: 'small', text: TEXT[state.lang].server_error(e.message) }));
    }
  }

  function updateDownload() {
    if (!map) return;
    const b = map.getBounds();
    const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
    const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(5)).join(',');
    const p = layerParams();
    p.set('bbox', bbox);
    p.set('format', 'csv');
    const a = $('download');
    a.href = `/api/figures?${p}`;
    const when = state.mode === 'level' ? state.wave : `${state.from}-${state.to}`;
    a.download = `omzien-${state.indicator}-${state.age.replace('+', 'plus')}-${effectiveLevel()}-${when}.csv`;
  }

  // ---- the area card -----------------------------------------------------------------------
  function areaParams() {
    return new URLSearchParams({ indicator: state.indicator, age: state.age, rank_wave: state.mode === 'level' ? state.wave : state.to });
  }

  async function showArea(code, latlng, fromLink) {
    try {
      const doc = await api(`/api/areas/${encodeURIComponent(code)}?${areaParams()}`);
      state.area = doc.area.code;
      renderCard(doc);
      if (latlng) placeMarker(latlng);
      writeUrl();
    } catch (e) {
      if (e.status === 404 && fromLink) notice(TEXT[state.lang].unknown_area(code));
      else notice(TEXT[state.lang].server_error(e.message), 'error');
      state.area = null;
      writeUrl();
    }
  }

  async function onMapClick(ev) {
    const p = areaParams();
    p.set('lon', ev.latlng.lng.toFixed(6));
    p.set('lat', ev.latlng.lat.toFixed(6));
    p.set('level', effectiveLevel());
    try {
      const doc = await api(`/api/at?${p}`);
      state.area = doc.area.code;
      renderCard(doc);
      placeMarker(ev.latlng);
      writeUrl();
    } catch (e) {
      if (e.status === 404) notice(t('nothing_here'));
      else notice(TEXT[state.lang].server_error(e.message), 'error');
    }
  }

  function placeMarker(latlng) {
    if (marker) marker.remove();
    marker = L.circleMarker(latlng, { radius: 6, color: '#111', weight: 2, fillColor: '#fff', fillOpacity: 0.9 }).addTo(map);
  }

  function chart(points) {
    // points: [{wave, value, gemeente, national}]
    const w = 300, h = 130, pad = { l: 34, r: 26, t: 16, b: 22 };
    const vals = points.flatMap((p) => [p.value, p.gemeente, p.national]).filter((v) => v != null);
    const svg = document.createElementNS(SVG_NS, 'svg');
    svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('role', 'img');
    if (!vals.length || !points.length) return svg;
    let lo = Math.min(...vals), hi = Math.max(...vals);
    if (hi - lo < 2) { lo -= 1; hi += 1; }
    lo = Math.max(0, lo - (hi - lo) * 0.15); hi += (hi - lo) * 0.15;
    const x = (i) => pad.l + (points.length === 1 ? (w - pad.l - pad.r) / 2 : i * (w - pad.l - pad.r) / (points.length - 1));
    const y = (v) => pad.t + (h - pad.t - pad.b) * (1 - (v - lo) / (hi - lo));
    const add = (tag, attrs, text) => {
      const e = document.createElementNS(SVG_NS, tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text != null) e.textContent = text;
      svg.append(e);
      return e;
    };
    add('line', { x1: pad.l, y1: h - pad.b, x2: w - pad.r, y2: h - pad.b, stroke: '#999' });
    for (const v of [lo, hi]) add('text', { x: pad.l - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#555' }, fmt(v, 0));
    points.forEach((p, i) => add('text', { x: x(i), y: h - 6, 'text-anchor': 'middle', 'font-size': 11 }, String(p.wave)));
    const series = [['national', '#868e96', '2 3'], ['gemeente', '#495057', '6 3'], ['value', '#c92a2a', '']];
    for (const [key, color, dash] of series) {
      const pts = points.map((p, i) => (p[key] == null ? null : [x(i), y(p[key])]));
      let d = '';
      pts.forEach((pt, i) => { if (pt) d += (d && pts[i - 1] ? 'L' : 'M') + pt[0].toFixed(1) + ',' + pt[1].toFixed(1); });
      if (d) add('path', { d, fill: 'none', stroke: color, 'stroke-width': key === 'value' ? 2.5 : 1.5, 'stroke-dasharray': dash });
      if (key === 'value') pts.forEach((pt, i) => { if (pt) { add('circle', { cx: pt[0], cy: pt[1], r: 3.5, fill: color }); add('text', { x: pt[0], y: pt[1] - 7, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 600 }, fmt(points[i].value)); } });
    }
    const title = document.createElementNS(SVG_NS, 'title');
    title.textContent = points.map((p) => `${p.wave}: ${fmt(p.value)}`).join(', ');
    svg.prepend(title);
    return svg;
  }

  function renderCard(doc) {
    const card = $('card');
    const a = doc.area;
    const info = meta.indicators.find((i) => i.key === state.indicator);
    const label = info ? (state.lang === 'en' ? info.label_en : info.label_nl) : state.indicator;
    const rows = doc.rows.filter((r) => r.indicator === state.indicator && r.age === state.age).sort((p, q) => p.wave - q.wave);
    const status = (r) => (r.status === 'value' ? `${fmt(r.value)}%` : t(r.status));
    const table = el('table', {},
      el('thead', {}, el('tr', {}, el('th', { text: t('wave') }), el('th', { text: t('area_value') }),
        el('th', { text: t('gm_value') }), el('th', { text: t('nl_value') }))),
      el('tbody', {}, ...rows.map((r) => el('tr', { 'data-wave': r.wave },
        el('td', { text: String(r.wave) }), el('td', { class: 'value', text: status(r) }),
        el('td', { text: r.gemeente == null ? (a.level === 'gemeente' ? '' : '–') : `${fmt(r.gemeente)}%` }),
        el('td', { text: r.national == null ? '–' : `${fmt(r.national)}%` })))));
    const points = rows.map((r) => ({ wave: r.wave, value: r.value, gemeente: r.gemeente, national: r.national }));
    const trends = (doc.trends || []).filter((x) => x.indicator === state.indicator && x.age === state.age);
    const trendList = el('ul', { class: 'trends' }, ...trends.map((x) => {
      const dir = ['rising', 'falling', 'stable'].includes(x.direction) ? x.direction : 'unknown';
      const arrow = dir === 'rising' ? '↑' : dir === 'falling' ? '↓' : '→';
      return el('li', { 'data-from': x.from, 'data-to': x.to },
        el('span', { class: dir === 'rising' ? 'up' : dir === 'falling' ? 'down' : '', text: `${x.from}→${x.to}: ${signed(x.delta)} pp ${arrow} ${t(dir)}` }),
        x.significant == null ? null : el('span', { class: 'small', text: ` (${x.significant ? t('significant') : t('not_significant')})` }),
        ...(x.caveat_kinds || []).map((c, i) => {
          const say = TEXT[state.lang].caveat[c.kind];
          return el('div', { class: 'caveat', 'data-caveat': c.kind, text: `⚠ ${say ? say(c, x) : (x.caveats || [])[i]}` });
        }));
    }));
    const sel = doc.selection || {};
    const ranks = sel.ranks || {};
    const rankLine = (key, r, what) => (r ? el('p', { class: 'rank', 'data-rank': key, text: `${t(key)} (${sel.wave}): ${r.rank} ${t('of')} ${r.of} ${what}` }) : null);
    const plural = t(PLURAL[a.level] || 'gemeenten');
    card.replaceChildren(...[
      el('button', { type: 'button', class: 'close', 'aria-label': t('close'), text: '×', onclick: () => { card.hidden = true; state.area = null; if (marker) marker.remove(); writeUrl(); } }),
      el('h2', { id: 'card-name', text: a.name || a.code }),
      el('p', { class: 'small' }, `${t(a.level)} · ${t('code')} `, el('code', { id: 'card-code', text: a.code }),
        a.parent ? ` · ${t('parent')} ${a.parent}${a.gemeente_name && a.level !== 'gemeente' ? ' (' + a.gemeente_name + ')' : ''}` : '',
        a.has_polygon === false ? ` · ${t('no_polygon')}` : ''),
      meta.synthetic ? el('p', { class: 'synthetic', text: meta.notice }) : null,
      el('h3', { text: `${label} · ${state.age}` }),
      chart(points), table,
      trends.length ? el('h3', { text: t('change') }) : null, trends.length ? trendList : null,
      rankLine('rank_country', ranks.country, plural),
      rankLine('rank_gemeente', ranks.gemeente, plural),
      spineLink(a),
      briefLink(a),
      reportLink(a)].filter((x) => x != null));
    card.hidden = false;
  }

  // The area's spine chart: every indicator against the country and the spread of its level.
  function spineLink(a) {
    if (!/^(?:GM|WK|BU)/.test(a.code || '')) return null;
    const p = new URLSearchParams({ lang: state.lang, age: state.age, with: 'nl' });
    if (state.wave) p.set('wave', state.wave);
    return el('p', { class: 'spine' }, el('a', { id: 'spine-link', href: `/api/spine/${encodeURIComponent(a.code)}?${p}`, target: '_blank', rel: 'noopener', text: t('spine') }));
  }

  // The council summary of the area's gemeente, in the page's language.
  function briefLink(a) {
    const m = /^(?:GM|WK|BU)(\d{4})/.exec(a.code || '');
    if (!m) return null;
    const p = new URLSearchParams({ lang: state.lang, indicator: state.indicator });
    return el('p', { class: 'brief' }, el('a', { id: 'brief-link', href: `/api/areas/GM${m[1]}/summary?${p}`, target: '_blank', rel: 'noopener', text: `${t('brief')} · ${a.level === 'gemeente' ? (a.name || 'GM' + m[1]) : (a.gemeente_name || 'GM' + m[1])}` }));
  }

  // The report of the area's gemeente: GM0363 for GM0363, WK036300 and BU03630000.
  function reportLink(a) {
    const m = /^(?:GM|WK|BU)(\d{4})/.exec(a.code || '');
    if (!m) return null;
    const gm = `GM${m[1]}`;
    const p = new URLSearchParams({ lang: state.lang, indicator: state.indicator, age: state.age });
    return el('p', { class: 'report' }, el('a', { id: 'report-link', href: `/report/${gm}.pdf?${p}`, target: '_blank', rel: 'noopener', text: `${t('report')} · ${a.level === 'gemeente' ? (a.name || gm) : (a.gemeente_name || gm)}` }));
  }

  // ---- search and zooming ------------------------------------------------------------------
  function goTo(code, bbox) {
    if (bbox) {
      map.fitBounds([[bbox[1], bbox[0]], [bbox[3], bbox[2]]], { maxZoom: 15, animate: false });
      placeMarker([(bbox[1] + bbox[3]) / 2, (bbox[0] + bbox[2]) / 2]);
    } else {
      notice(`${code}: ${t('no_polygon')}`);
    }
    showArea(code, null, false);
  }

  let searchTimer = null;
  let searchSeq = 0;
  async function runSearch(text, pickFirst) {
    const list = $('search-results');
    const q = text.trim();
    if (!q) { list.replaceChildren(); return; }
    const seq = ++searchSeq;
    try {
      const r = await api(`/api/search?${new URLSearchParams({ q, limit: '8' })}`);
      if (seq !== searchSeq) return;
      if (!r.rows.length) { list.replaceChildren(el('li', { class: 'small', text: t('no_results') })); return; }
      list.replaceChildren(...r.rows.map((h) => el('li', {},
        el('button', { type: 'button', 'data-code': h.code, onclick: () => { list.replaceChildren(); goTo(h.code, h.bbox); } },
          `${h.name} (${t(h.level)}, ${h.code})`))));
      if (pickFirst) { const h = r.rows[0]; list.replaceChildren(); goTo(h.code, h.bbox); }
    } catch (e) {
      list.replaceChildren(el('li', { class: 'small', text: TEXT[state.lang].server_error(e.message) }));
    }
  }

  // ---- start -------------------------------------------------------------------------------
  async function start() {
    const raw = readUrl();
    if (raw.lang === 'en') state.lang = 'en';
    let indicators, waves;
    try {
      [indicators, waves] = await Promise.all([api('/api/indicators'), api('/api/waves')]);
    } catch (e) {
      notice(TEXT[state.lang].server_error(e.message), 'error');
      return;
    }
    meta.indicators = indicators.rows;
    meta.waves = waves.rows.map((w) => w.wave);
    meta.ages = waves.age_groups;
    meta.levels = waves.levels.filter((l) => l.boundaries && LEVELS.includes(l.level)).map((l) => l.level);
    meta.zooms = waves.levels.filter((l) => l.minzoom != null && l.maxzoom != null)
      .map((l) => ({ level: l.level, minzoom: l.minzoom, maxzoom: l.maxzoom }))
      .sort((a, b) => a.minzoom - b.minzoom);
    meta.synthetic = !!waves.dataset.synthetic;
    meta.notice = waves.dataset.notice;
    meta.bounds = waves.bounds;
    if (meta.synthetic) { $('synthetic').hidden = false; $('synthetic').textContent = meta.notice; }
    applyUrl(raw);
    translate();
    if (!meta.levels.length) notice(t('no_boundaries'), 'error');

    map = L.map('map', { zoomControl: true, minZoom: 4, maxZoom: 18, keyboard: true, worldCopyJump: false });
    map.attributionControl.setPrefix(false);
    const z = Number(raw.z), lat = Number(raw.lat), lon = Number(raw.lon);
    if (raw.z != null && Number.isFinite(z) && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 85 && Math.abs(lon) <= 180) {
      map.setView([lat, lon], Math.max(4, Math.min(18, Math.round(z))));
    } else if (meta.bounds) {
      const b = meta.bounds;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    } else {
      map.setView([52.2, 5.3], 7);
    }
    shownLevel = effectiveLevel();
    tiles = L.tileLayer(tileUrl(), {
      maxZoom: 18, minZoom: 4, tileSize: 256,
      attribution: meta.synthetic ? 'SYNTHETIC DEMO DATA' : 'RIVM/GGD Gezondheidsmonitor · CBS/Kadaster',
    });
    tiles.on('tileload', () => {
      if (firstTileMs == null) { firstTileMs = performance.now(); window.omzienFirstTileMs = firstTileMs; }
    });
    tiles.on('tileerror', () => {
      if (!tileFailureShown) { tileFailureShown = true; notice(t('tile_failed'), 'error'); }
    });
    tiles.addTo(map);
    map.on('click', onMapClick);
    map.on('moveend', () => {
      if (effectiveLevel() !== shownLevel) refresh(false);
      else { updateDownload(); writeUrl(); }
    });

    for (const id of ['indicator', 'age', 'wave', 'from', 'to', 'level', 'method']) $(id).addEventListener('change', onControl);
    for (const r of document.querySelectorAll('input[name=mode]')) r.addEventListener('change', onControl);
    $('lang').addEventListener('click', () => { state.lang = state.lang === 'nl' ? 'en' : 'nl'; translate(); refresh(); });
    $('search').addEventListener('input', (e) => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch(e.target.value, false), 200); });
    $('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(searchTimer); runSearch(e.target.value, true); } });

    refresh(false);
    if (state.area) showArea(state.area, null, true);
    window.omzien = { map, state, effectiveLevel, ready: true };
    document.body.dataset.ready = 'true';
  }

  window.addEventListener('error', (e) => notice(String(e.message), 'error'));
  window.addEventListener('unhandledrejection', (e) => notice(String(e.reason && e.reason.message || e.reason), 'error'));
  start();
}());
