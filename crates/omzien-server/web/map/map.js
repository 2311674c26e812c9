// omzien's one web map, on MapLibre GL JS. The same code runs in two places:
// - served by `omzien serve` (<html data-variant="served">): figures from the server's API,
//   areas from its vector tiles (/vector/…), colours and legends from /vector/style;
// - exported by `omzien export site` (data-variant="exported"): site.json, search.json and one
//   PMTiles archive per age group, read from the site's own folder with no server.
// What the static site cannot do (no API: no CSV of a query, no report, no ranks, no risk list)
// is said on the page. Every colour comes from the layer classes the server's PNG tiles use.
import * as maplibregl from './vendor/maplibre-gl/maplibre-gl.js';
import { TEXT } from './text.js';
import { changeField, exportedSource, fold, levelOfCode, servedSource } from './sources.js';

maplibregl.setWorkerUrl(new URL('./vendor/maplibre-gl/maplibre-gl-worker.js', import.meta.url).href);

const VARIANT = document.documentElement.dataset.variant === 'exported' ? 'exported' : 'served';

const LONELINESS = ['Eenzaam_28', 'ErnstigZeerErnstigEenzaam_29', 'EmotioneelEenzaam_30', 'SociaalEenzaam_31'];
const METHODS = ['quantile', 'equal', 'jenks'];
const PLURAL = { gemeente: 'gemeenten', wijk: 'wijken', buurt: 'buurten' };
const SVG_NS = 'http://www.w3.org/2000/svg';
const MAX_ROWS = 300;
const MAX_LABELS = 120;

const $ = (id) => document.getElementById(id);
const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k != null && k !== false) e.append(k);
  return e;
};

const state = {
  indicator: 'Eenzaam_28', age: '18+', mode: 'level', wave: null, from: null, to: null,
  level: 'auto', method: 'quantile', lang: 'nl', area: null,
};
// What the data offers: indicators, waves, age groups, levels with their zooms, changes.
const meta = { indicators: [], waves: [], ages: [], levels: [], changes: null, synthetic: false, notice: null, bounds: null };
let map = null;
let source = null;
let styles = {};
let firstTileMs = null;
let tileFailureShown = false;
let sort = { key: 'value', dir: -1 };
let lastRows = [];

const t = (k) => TEXT[state.lang][k] ?? TEXT.nl[k] ?? k;
const locale = () => (state.lang === 'nl' ? 'nl-NL' : 'en-GB');
const fmt = (v, digits = 1) => (v == null ? '–' : Number(v).toLocaleString(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const signed = (v) => (v == null ? '–' : (v > 0 ? '+' : v < 0 ? '−' : '±') + fmt(Math.abs(v)));

// ---- messages -------------------------------------------------------------------------------
/** A close button: a visible ×, and its name as text a screen reader reads (so the accessible
 * name holds what is seen: WCAG 2.5.3). */
function closeButton(onclick, cls) {
  return el('button', { type: 'button', class: cls, onclick },
    el('span', { 'aria-hidden': 'true', text: '×' }), el('span', { class: 'sr', text: t('close') }));
}

function notice(text, kind) {
  const box = $('notices');
  for (const n of box.children) if (n.dataset.text === text) return;
  const n = el('div', { class: 'notice' + (kind === 'error' ? ' error' : '') },
    closeButton(() => n.remove()),
    el('span', { text }));
  n.dataset.text = text;
  box.append(n);
}

// ---- state <-> address ----------------------------------------------------------------------
const KEYS = ['indicator', 'age', 'mode', 'wave', 'from', 'to', 'level', 'method', 'lang', 'area', 'z', 'lat', 'lon'];

function readUrl() {
  const p = new URLSearchParams(location.search);
  const raw = {};
  for (const k of KEYS) if (p.has(k)) raw[k] = p.get(k);
  return raw;
}

function urlNow() {
  const p = new URLSearchParams();
  p.set('indicator', state.indicator);
  p.set('age', state.age);
  p.set('mode', state.mode);
  if (state.mode === 'level') p.set('wave', state.wave);
  else { p.set('from', state.from); p.set('to', state.to); }
  p.set('level', state.level);
  if (VARIANT === 'served') p.set('method', state.method);
  p.set('lang', state.lang);
  if (state.area) p.set('area', state.area);
  if (map) {
    const c = map.getCenter();
    p.set('z', map.getZoom().toFixed(2));
    p.set('lat', c.lat.toFixed(5));
    p.set('lon', c.lng.toFixed(5));
  }
  return `${location.pathname}?${p}`;
}

/** A new history entry for a choice (so the back button restores the view before it); a map
 * move only replaces the current one. */
function remember(push) {
  const url = urlNow();
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, '', url); else history.replaceState(null, '', url);
}

// Checks each value from the address against what the data has; unknown ones fall back to the
// default with a visible notice.
function applyUrl(raw, quiet) {
  const fallback = (key, value, shown) => { if (!quiet) notice(TEXT[state.lang].unknown_param(key, value, shown)); };
  if (raw.lang === 'en' || raw.lang === 'nl') state.lang = raw.lang;
  else if (raw.lang != null) fallback('lang', raw.lang, 'nl');
  const waves = meta.waves;
  const latest = waves[waves.length - 1];
  const before = waves.length > 1 ? waves[waves.length - 2] : latest;
  state.wave = latest; state.from = before; state.to = latest;
  state.indicator = meta.indicators[0]?.key ?? state.indicator;
  if (meta.indicators.some((i) => i.key === 'Eenzaam_28')) state.indicator = 'Eenzaam_28';
  if (raw.indicator != null) {
    if (meta.indicators.some((i) => i.key === raw.indicator)) state.indicator = raw.indicator;
    else fallback('indicator', raw.indicator, state.indicator);
  }
  state.age = meta.ages.some((g) => g.short === '18+') ? '18+' : meta.ages[0]?.short;
  if (raw.age != null) {
    const a = meta.ages.find((g) => g.short === raw.age || g.code === raw.age);
    if (a) state.age = a.short; else fallback('age', raw.age, state.age);
  }
  state.mode = 'level';
  if (raw.mode != null) {
    if (raw.mode === 'level' || raw.mode === 'delta') state.mode = raw.mode;
    else if (raw.mode === 'change') state.mode = 'delta';
    else fallback('mode', raw.mode, state.mode);
  }
  for (const k of ['wave', 'from', 'to']) {
    if (raw[k] == null) continue;
    if (waves.includes(raw[k])) state[k] = raw[k]; else fallback(k, raw[k], state[k]);
  }
  orderChange(quiet);
  fitChange(quiet);
  state.level = 'auto';
  if (raw.level != null) {
    if (raw.level === 'auto' || (VARIANT === 'served' && meta.levels.some((l) => l.level === raw.level))) state.level = raw.level;
    else fallback('level', raw.level, t('auto'));
  }
  state.method = 'quantile';
  if (raw.method != null) {
    if (METHODS.includes(raw.method)) state.method = raw.method;
    else fallback('method', raw.method, state.method);
  }
  state.area = raw.area != null ? raw.area.trim().toUpperCase() : null;
}

/** A change runs from an earlier wave to a later one: where `from` is not before `to`, `from`
 * becomes the wave before `to` (or `to` the latest wave), said in a notice when a change is
 * shown; with one wave there is no change to show. */
function orderChange(quiet) {
  if (state.from < state.to) return;
  const waves = meta.waves;
  if (waves.length < 2) { state.mode = 'level'; return; }
  state.from = waves.filter((w) => w < state.to).pop() || waves[0];
  if (state.from >= state.to) state.to = waves[waves.length - 1];
  if (state.mode === 'delta' && !quiet) notice(t('same_wave'));
}

/** The static site holds some changes only (consecutive waves, first → last): another pair is
 * replaced by the nearest one it has. */
function fitChange(quiet) {
  if (!meta.changes || state.mode !== 'delta') return;
  if (meta.changes.some(([a, b]) => a === state.from && b === state.to)) return;
  const pick = meta.changes.find(([, b]) => b === state.to) || meta.changes[meta.changes.length - 1];
  if (!pick) { state.mode = 'level'; return; }
  [state.from, state.to] = pick;
  if (!quiet) notice(`${t('no_change')} ${state.from} → ${state.to}.`);
}

// ---- the level shown ------------------------------------------------------------------------
function levelAt(z) {
  const zi = Math.floor(z);
  const row = meta.levels.find((r) => zi >= r.minzoom && zi <= r.maxzoom);
  if (row) return row.level;
  const last = meta.levels[meta.levels.length - 1];
  return last && zi > last.maxzoom ? last.level : meta.levels[0]?.level ?? 'gemeente';
}

function effectiveLevel() {
  if (state.level !== 'auto') return state.level;
  return levelAt(map ? map.getZoom() : 7);
}

const view = () => ({ indicator: state.indicator, age: state.age, mode: state.mode, wave: state.wave, from: state.from, to: state.to, method: state.method });

// ---- controls -------------------------------------------------------------------------------
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
  $('wave').replaceChildren(...meta.waves.map((w) => el('option', { value: w, text: w })));
  const froms = meta.changes ? [...new Set(meta.changes.map((c) => c[0]))] : meta.waves.slice(0, -1);
  const tos = meta.changes ? [...new Set(meta.changes.map((c) => c[1]))] : meta.waves.slice(1);
  $('from').replaceChildren(...froms.map((w) => el('option', { value: w, text: w })));
  $('to').replaceChildren(...tos.map((w) => el('option', { value: w, text: w })));
  $('age').replaceChildren(...meta.ages.map((a) => el('option', { value: a.short, text: state.lang === 'en' ? a.label_en : a.label_nl })));
  const levels = VARIANT === 'served' ? meta.levels.map((l) => l.level) : [];
  $('level').replaceChildren(el('option', { value: 'auto', text: t('auto') }),
    ...levels.map((l) => el('option', { value: l, text: t(l) })));
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
  document.querySelector('input[name=mode][value=delta]').disabled = meta.waves.length < 2;
}

function translate() {
  document.documentElement.lang = state.lang;
  for (const e of document.querySelectorAll('[data-i18n]')) e.textContent = t(e.dataset.i18n);
  $('lang').textContent = state.lang === 'nl' ? 'English' : 'Nederlands';
  $('lang').lang = state.lang === 'nl' ? 'en' : 'nl';
  $('source').textContent = meta.synthetic ? meta.notice : t('source');
  if (meta.title) {
    $('title').textContent = meta.title[state.lang];
    document.title = meta.title[state.lang];
  } else {
    document.title = state.lang === 'nl' ? 'omzien – eenzaamheid per buurt, wijk en gemeente' : 'omzien – loneliness by neighbourhood, district and municipality';
  }
  if (VARIANT === 'exported') $('offline').textContent = t('offline');
  if (map) {
    map.getCanvas().setAttribute('aria-label', t('map_label'));
    for (const [cls, key] of [['zoom-in', 'zoom_in'], ['zoom-out', 'zoom_out']]) {
      const b = map.getContainer().querySelector(`.maplibregl-ctrl-${cls}`);
      if (b) { b.setAttribute('aria-label', t(key)); b.title = t(key); }
    }
  }
  fillControls();
}

function onControl() {
  state.indicator = $('indicator').value;
  state.age = $('age').value;
  state.mode = document.querySelector('input[name=mode]:checked').value;
  state.wave = $('wave').value;
  state.from = $('from').value;
  state.to = $('to').value;
  if (state.mode === 'delta') orderChange(false);
  fitChange(false);
  state.level = $('level').value;
  state.method = $('method').value;
  syncControls();
  refresh(true);
  remember(true);
}

// ---- the map's layers -----------------------------------------------------------------------
const fillId = (l) => `fill-${l}`;
const NONE = ['==', ['get', 'code'], ''];

/** The patterns laid over suppressed (hatch) and not-measured (dots) areas, as the legend's
 * swatches show them. */
function patternImage(name) {
  const n = 8;
  const data = new Uint8Array(n * n * 4);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const on = name === 'hatch' ? (x + n - y) % n === 0 || (x + n - y) % n === 1 : (x % 4 === 1 && y % 4 === 1);
      if (on) data.set([0, 0, 0, name === 'hatch' ? 120 : 160], (y * n + x) * 4);
    }
  }
  return { width: n, height: n, data };
}

function layerZooms(l) {
  if (state.level !== 'auto') return l === state.level ? [0, 24] : [24, 24];
  const row = meta.levels.find((r) => r.level === l);
  const last = meta.levels[meta.levels.length - 1];
  return [row.minzoom, row === last ? 24 : row.maxzoom + 1];
}

function baseStyle() {
  const v = view();
  const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#dfe6ea' } }];
  for (const { level: l } of meta.levels) {
    const src = source.sourceOf(l);
    const common = { source: src, 'source-layer': l };
    layers.push({ id: fillId(l), type: 'fill', ...common, paint: { 'fill-color': '#cccccc' } });
    // Suppressed areas hatched, not-measured ones dotted: told apart without colour.
    layers.push({ id: `pat-s-${l}`, type: 'fill', ...common, filter: NONE, paint: { 'fill-pattern': 'hatch' } });
    layers.push({ id: `pat-n-${l}`, type: 'fill', ...common, filter: NONE, paint: { 'fill-pattern': 'dots' } });
    layers.push({ id: `line-${l}`, type: 'line', ...common, paint: { 'line-color': '#ffffff', 'line-width': 0.7, 'line-opacity': 0.9 } });
    layers.push({ id: `sel-casing-${l}`, type: 'line', ...common, filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#ffffff', 'line-width': 6 } });
    layers.push({ id: `sel-${l}`, type: 'line', ...common, filter: ['==', ['get', 'code'], ''], paint: { 'line-color': '#111111', 'line-width': 3 } });
  }
  return { version: 8, sources: source.sources(v), layers };
}

function applyZooms() {
  for (const { level: l } of meta.levels) {
    const [a, b] = layerZooms(l);
    for (const id of [fillId(l), `pat-s-${l}`, `pat-n-${l}`, `line-${l}`, `sel-casing-${l}`, `sel-${l}`]) map.setLayerZoomRange(id, a, b);
  }
}

function highlight() {
  for (const { level: l } of meta.levels) {
    const f = ['==', ['get', 'code'], state.area && levelOfCode(state.area) === l ? state.area : ''];
    map.setFilter(`sel-${l}`, f);
    map.setFilter(`sel-casing-${l}`, f);
  }
}

let styleSeq = 0;
async function loadStyles() {
  const seq = ++styleSeq;
  const v = view();
  const levels = state.level === 'auto' ? meta.levels.map((l) => l.level) : [state.level];
  const got = {};
  await Promise.all(levels.map(async (l) => {
    try {
      got[l] = await source.style(v, l);
    } catch (e) {
      notice(TEXT[state.lang].server_error(e.message), 'error');
    }
  }));
  if (seq !== styleSeq) return;
  styles = got;
  for (const l of levels) {
    if (!styles[l]) continue;
    map.setPaintProperty(fillId(l), 'fill-color', styles[l].fill_color);
    map.setFilter(`pat-s-${l}`, styles[l].suppressed ?? NONE);
    map.setFilter(`pat-n-${l}`, styles[l].not_measured ?? NONE);
  }
  showLegend();
  // The table's classes come from these legends.
  if (lastRows.length) renderTable(effectiveLevel());
}

let shownAge = null;
function refresh(withCard) {
  if (!map) return;
  const v = view();
  // A new age group is another archive (exported) or other tiles (served): new sources.
  if (shownAge !== state.age) {
    shownAge = state.age;
    const sources = source.sources(v);
    for (const [id, spec] of Object.entries(sources)) {
      const s = map.getSource(id);
      if (!s) continue;
      if (spec.url) s.setUrl(spec.url); else s.setTiles(spec.tiles);
    }
  }
  applyZooms();
  highlight();
  loadStyles();
  loadRisk();
  updateDownload();
  readWhenIdle();
  if (withCard && state.area) showArea(state.area, { focus: false });
}

// ---- legend ---------------------------------------------------------------------------------
function whatShown() {
  const info = meta.indicators.find((i) => i.key === state.indicator);
  const label = info ? (state.lang === 'en' ? info.label_en : info.label_nl) || info.key : state.indicator;
  const age = meta.ages.find((a) => a.short === state.age);
  const when = state.mode === 'level' ? state.wave : `${state.from} → ${state.to}`;
  return `${label}, ${age ? (state.lang === 'en' ? age.label_en : age.label_nl) : state.age}, ${when}`;
}

function entryText(e) {
  return e.kind === 'class' ? e.label : t(e.kind);
}

function showLegend() {
  const level = effectiveLevel();
  const s = styles[level];
  const what = `${whatShown()} · ${t(PLURAL[level])} · ${state.mode === 'level' ? t('percent_of') : t('pp')}`;
  $('legend-what').textContent = what;
  $('legend-entries').replaceChildren(...(s ? s.legend.entries : []).map((e) => el('li', { 'data-kind': e.kind },
    el('span', { class: `sw ${e.kind}`, style: `background-color:${e.color}`, 'aria-hidden': 'true' }),
    el('span', { text: entryText(e) }))));
}

/** The legend entry an area falls in, by the figure that colours it. */
function classOf(row, level) {
  const s = styles[level];
  if (!s) return null;
  if (row.status !== 'value' || row.shade == null) return s.legend.entries.find((e) => e.kind === (row.status === 'suppressed' ? 'suppressed' : 'not_measured'));
  const classes = s.legend.entries.filter((e) => e.kind === 'class');
  return classes.find((e, i) => row.shade >= e.min && (row.shade < e.max || i === classes.length - 1)) || classes[classes.length - 1];
}

// ---- the areas in view: table and names -----------------------------------------------------
/** The figures of a feature for the shown view: value, interval, status, the change shown and
 * the figure that colours it. */
function figuresOf(p) {
  const w = state.mode === 'level' ? state.wave : state.to;
  const status = p[`status_${w}`] || 'not_measured';
  const row = { code: p.code, name: p.name || p.code, gemeente: p.gemeente, status, value: p[`value_${w}`], lower: p[`lower_${w}`], upper: p[`upper_${w}`] };
  if (state.mode === 'level') {
    const i = meta.waves.indexOf(w);
    row.changeFrom = i > 0 ? meta.waves[i - 1] : null;
    row.change = row.changeFrom ? p[changeField(row.changeFrom, w)] : undefined;
    row.shade = row.value;
  } else {
    row.changeFrom = state.from;
    row.change = p[changeField(state.from, state.to)];
    const sFrom = p[`status_${state.from}`];
    if (row.change === undefined) row.status = sFrom === 'suppressed' || status === 'suppressed' ? 'suppressed' : 'not_measured';
    row.shade = row.change;
  }
  return row;
}

function inView() {
  const level = effectiveLevel();
  if (!map.getLayer(fillId(level))) return { level, features: [] };
  return { level, features: map.queryRenderedFeatures({ layers: [fillId(level)] }) };
}

/** Reads the areas in view once the map is idle: one reading however many changes (a move and
 * a new view together) asked for it. */
let readingPending = false;
function readWhenIdle() {
  if (readingPending) return;
  readingPending = true;
  map.once('idle', () => { readingPending = false; afterIdle(); });
}

function afterIdle() {
  if (!map) return;
  const { level, features } = inView();
  const byCode = new Map();
  for (const f of features) {
    const code = f.properties.code;
    let e = byCode.get(code);
    if (!e) { e = { props: f.properties, box: [Infinity, Infinity, -Infinity, -Infinity], biggest: null, bigArea: -1 }; byCode.set(code, e); }
    boxOf(f.geometry, e);
  }
  lastRows = [...byCode.values()].map((e) => ({ ...figuresOf(e.props), _e: e }));
  renderTable(level);
  placeLabels([...byCode.values()]);
  showLegend();
  updateDownload();
  remember(false);
  document.body.dataset.ready = 'true';
  document.body.dataset.idle = String(Number(document.body.dataset.idle || 0) + 1);
}

/** Screen boxes of a feature's polygons: the whole box and the biggest polygon's box. */
function boxOf(g, e) {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : [];
  for (const poly of polys) {
    const ring = poly[0];
    if (!ring) continue;
    let b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const c of ring) {
      const p = map.project(c);
      b = [Math.min(b[0], p.x), Math.min(b[1], p.y), Math.max(b[2], p.x), Math.max(b[3], p.y)];
    }
    e.box = [Math.min(e.box[0], b[0]), Math.min(e.box[1], b[1]), Math.max(e.box[2], b[2]), Math.max(e.box[3], b[3])];
    const area = (b[2] - b[0]) * (b[3] - b[1]);
    if (area > e.bigArea) { e.bigArea = area; e.biggest = b; }
  }
}

/** Names where they fit: the biggest areas first, none overlapping, none wider than its area. */
function placeLabels(entries) {
  let box = map.getContainer().querySelector('#labels');
  if (!box) {
    box = el('div', { id: 'labels', 'aria-hidden': 'true' });
    map.getContainer().append(box);
  }
  const canvas = map.getCanvas();
  const W = canvas.clientWidth, H = canvas.clientHeight;
  const taken = [];
  const spans = [];
  entries.sort((a, b) => b.bigArea - a.bigArea);
  for (const e of entries) {
    if (spans.length >= MAX_LABELS || !e.biggest) break;
    const b = [Math.max(e.biggest[0], 0), Math.max(e.biggest[1], 0), Math.min(e.biggest[2], W), Math.min(e.biggest[3], H)];
    const name = e.props.name || e.props.code;
    const w = name.length * 6.6 + 8, h = 16;
    if (b[2] - b[0] < w * 1.1 || b[3] - b[1] < h * 1.6) continue;
    const cx = (b[0] + b[2]) / 2, cy = (b[1] + b[3]) / 2;
    const r = [cx - w / 2 - 2, cy - h / 2 - 2, cx + w / 2 + 2, cy + h / 2 + 2];
    if (taken.some((q) => r[0] < q[2] && r[2] > q[0] && r[1] < q[3] && r[3] > q[1])) continue;
    taken.push(r);
    const s = el('span', { text: name, 'data-code': e.props.code });
    s.style.left = `${cx}px`;
    s.style.top = `${cy}px`;
    spans.push(s);
  }
  box.replaceChildren(...spans);
}

const COLUMNS = [
  ['name', () => t('name')],
  ['code', () => t('code_col')],
  ['value', () => `${t('value')} (${state.mode === 'level' ? state.wave : state.to})`],
  ['change', () => (state.mode === 'level' ? (lastRows[0]?.changeFrom ? t('change_since')(lastRows[0].changeFrom) : t('change')) : t('change_from_to')(state.from, state.to))],
  ['class', () => t('klass')],
];

function sortValue(r, key) {
  if (key === 'name') return fold(r.name);
  if (key === 'code') return r.code;
  if (key === 'value') return r.status === 'value' && r.value != null ? r.value : null;
  if (key === 'change') return r.change ?? null;
  if (key === 'class') return r.shade ?? null;
  return null;
}

function renderTable(level) {
  const head = document.querySelector('#areas thead tr');
  head.replaceChildren(...COLUMNS.map(([key, label]) => {
    const dir = sort.key === key ? (sort.dir > 0 ? 'ascending' : 'descending') : null;
    return el('th', { scope: 'col', 'aria-sort': dir },
      el('button', { type: 'button', 'data-sort': key, onclick: () => { sort = { key, dir: sort.key === key ? -sort.dir : (key === 'name' || key === 'code' ? 1 : -1) }; renderTable(level); } },
        label(), dir ? (dir === 'ascending' ? ' ▲' : ' ▼') : ''));
  }));
  const rows = lastRows.slice().sort((a, b) => {
    const x = sortValue(a, sort.key), y = sortValue(b, sort.key);
    if (x == null && y == null) return a.name.localeCompare(b.name, 'nl');
    if (x == null) return 1;
    if (y == null) return -1;
    return (x < y ? -1 : x > y ? 1 : 0) * sort.dir || a.name.localeCompare(b.name, 'nl');
  });
  const shown = rows.slice(0, MAX_ROWS);
  const unit = state.mode === 'level' ? '%' : '';
  const body = document.querySelector('#areas tbody');
  body.replaceChildren(...shown.map((r) => {
    const c = classOf(r, level);
    const value = r.status === 'value' && r.value != null
      ? `${fmt(r.value)}${unit ? ' %' : ''}${r.lower != null ? ` (${fmt(r.lower)}–${fmt(r.upper)})` : ''}`
      : t(r.status === 'suppressed' ? 'suppressed' : 'not_measured');
    return el('tr', { 'data-code': r.code, 'aria-selected': r.code === state.area ? 'true' : 'false' },
      el('th', { scope: 'row' }, el('button', { type: 'button', 'data-code': r.code, onclick: () => chooseArea(r.code, null, true) }, r.name)),
      el('td', { text: r.code }),
      el('td', { class: 'num', text: value }),
      el('td', { class: 'num', text: r.change == null ? '–' : `${signed(r.change)} ${t('pp_short')}` }),
      el('td', {}, c ? el('span', { class: `table-sw ${c.kind}`, style: `background-color:${c.color}`, 'aria-hidden': 'true' }) : null, c ? entryText(c) : '–'));
  }));
  $('areas-caption').textContent = t('table_caption')(rows.length, t(PLURAL[level]), whatShown());
  $('areas-note').textContent = !rows.length ? t('table_none')
    : rows.length > MAX_ROWS ? t('table_more')(MAX_ROWS, rows.length) : `${rows.length} ${t(PLURAL[level])} · ${whatShown()}`;
}

// ---- risk list and download -----------------------------------------------------------------
async function loadRisk() {
  const list = $('risk-list');
  const level = effectiveLevel();
  $('risk-what').textContent = `${state.mode === 'level' ? t('risk_high') : t('risk_rising')} · ${t(PLURAL[level])}`;
  if (!source.risk) {
    $('risk-what').textContent = '';
    list.replaceChildren();
    $('risk-how').textContent = t('risk_offline');
    return;
  }
  try {
    const r = await source.risk(view(), level);
    const rising = state.mode !== 'level';
    $('risk-how').textContent = r.by === 'probability'
      ? t('risk_by_p')(fmt(r.min_prob, 2), r.draws, rising)
      : (r.with_intervals > 0 ? '' : t('risk_by_rules'));
    const rows = r.rows;
    if (!rows.length) { list.replaceChildren(el('li', { class: 'small', text: t('risk_none') })); return; }
    const chance = (row) => {
      const pr = rising ? row.p_rise : row.p_top;
      return pr == null ? '' : ` (${t('risk_p')} ${fmt(pr, 2)})`;
    };
    list.replaceChildren(...rows.slice(0, 10).map((row, i) => el('li', {},
      el('button', { type: 'button', 'data-code': row.code, onclick: () => chooseArea(row.code, row.bbox, true) },
        `${i + 1}. ${row.name || row.code} — ${state.mode === 'level' ? fmt(row.value) + '%' : signed(row.delta) + ' pp'}${chance(row)}`))));
  } catch (e) {
    list.replaceChildren(el('li', { class: 'small', text: TEXT[state.lang].server_error(e.message) }));
  }
}

function updateDownload() {
  if (!map) return;
  if (!source.download) {
    $('download-row').hidden = true;
    $('offline').hidden = false;
    return;
  }
  const b = map.getBounds();
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const bbox = [clamp(b.getWest(), -180, 180), clamp(b.getSouth(), -90, 90), clamp(b.getEast(), -180, 180), clamp(b.getNorth(), -90, 90)].map((v) => v.toFixed(5)).join(',');
  const a = $('download');
  a.href = source.download(view(), effectiveLevel(), bbox);
  const when = state.mode === 'level' ? state.wave : `${state.from}-${state.to}`;
  a.download = `omzien-${state.indicator}-${state.age.replace('+', 'plus')}-${effectiveLevel()}-${when}.csv`;
}

// ---- choosing an area and its card ----------------------------------------------------------
/** Moves the map to an area (its box, at a zoom where its level is drawn) and opens its card. */
async function chooseArea(code, bbox, focus) {
  const level = levelOfCode(code);
  if (bbox) {
    const row = meta.levels.find((l) => l.level === level);
    const maxZoom = state.level === 'auto' && row ? Math.min(15, row.maxzoom + 0.9) : 15;
    map.fitBounds([[bbox[0], bbox[1]], [bbox[2], bbox[3]]], { maxZoom, padding: 30, animate: false });
    if (state.level === 'auto' && row && map.getZoom() < row.minzoom) map.setZoom(row.minzoom + 0.1);
  }
  state.area = code;
  highlight();
  remember(true);
  await showArea(code, { focus });
}

async function showArea(code, { focus = false, fromLink = false } = {}) {
  try {
    const doc = await source.card(code, view());
    state.area = doc.area.code;
    renderCard(doc);
    highlight();
    if (focus) $('card').focus();
    for (const tr of document.querySelectorAll('#areas tbody tr')) tr.setAttribute('aria-selected', tr.dataset.code === state.area ? 'true' : 'false');
  } catch (e) {
    if (e.status === 404) notice(fromLink ? TEXT[state.lang].unknown_area(code) : t('nothing_here'));
    else notice(TEXT[state.lang].server_error(e.message), 'error');
    state.area = null;
    highlight();
  }
  remember(false);
}

function closeCard() {
  const card = $('card');
  if (card.hidden) return;
  card.hidden = true;
  state.area = null;
  highlight();
  remember(true);
}

function chart(points, name) {
  const w = 300, h = 130, pad = { l: 34, r: 26, t: 16, b: 22 };
  const vals = points.flatMap((p) => [p.value, p.gemeente, p.national]).filter((v) => v != null);
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('width', w); svg.setAttribute('height', h); svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', t('chart')(name, points.map((p) => `${p.wave}: ${p.value == null ? '–' : fmt(p.value)}`).join(', ')));
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
  add('line', { x1: pad.l, y1: h - pad.b, x2: w - pad.r, y2: h - pad.b, stroke: '#767676' });
  for (const v of [lo, hi]) add('text', { x: pad.l - 4, y: y(v) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#4a4a4a' }, fmt(v, 0));
  points.forEach((p, i) => add('text', { x: x(i), y: h - 6, 'text-anchor': 'middle', 'font-size': 11 }, String(p.wave)));
  const series = [['national', '#6b6b6b', '2 3'], ['gemeente', '#3d3d3d', '6 3'], ['value', '#b01e1e', '']];
  for (const [key, color, dash] of series) {
    const pts = points.map((p, i) => (p[key] == null ? null : [x(i), y(p[key])]));
    let d = '';
    pts.forEach((pt, i) => { if (pt) d += (d && pts[i - 1] ? 'L' : 'M') + pt[0].toFixed(1) + ',' + pt[1].toFixed(1); });
    if (d) add('path', { d, fill: 'none', stroke: color, 'stroke-width': key === 'value' ? 2.5 : 1.5, 'stroke-dasharray': dash });
    if (key === 'value') pts.forEach((pt, i) => { if (pt) { add('circle', { cx: pt[0], cy: pt[1], r: 3.5, fill: color }); add('text', { x: pt[0], y: pt[1] - 7, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 600 }, fmt(points[i].value)); } });
  }
  return svg;
}

function renderCard(doc) {
  const card = $('card');
  const a = doc.area;
  const info = meta.indicators.find((i) => i.key === state.indicator);
  const label = info ? (state.lang === 'en' ? info.label_en : info.label_nl) || info.key : state.indicator;
  const unit = (v) => `${fmt(v)}%`;
  const status = (r) => (r.status === 'value' && r.value != null
    ? `${unit(r.value)}${r.lower != null ? ` (95%: ${fmt(r.lower)}–${fmt(r.upper)})` : ''}`
    : t(r.status === 'suppressed' ? 'suppressed_long' : 'not_measured'));
  const served = doc.served;
  const head = [el('th', { scope: 'col', text: t('wave') }), el('th', { scope: 'col', text: t('area_value') })];
  if (served) head.push(el('th', { scope: 'col', text: t('gm_value') }), el('th', { scope: 'col', text: t('nl_value') }));
  const table = el('table', {},
    el('caption', { class: 'sr', text: `${a.name || a.code}: ${label}, ${state.age}` }),
    el('thead', {}, el('tr', {}, ...head)),
    el('tbody', {}, ...doc.rows.map((r) => el('tr', { 'data-wave': r.wave },
      el('th', { scope: 'row', text: String(r.wave) }), el('td', { class: 'value', text: status(r) }),
      served ? el('td', { text: r.gemeente == null ? (a.level === 'gemeente' ? '' : '–') : unit(r.gemeente) }) : null,
      served ? el('td', { text: r.national == null ? '–' : unit(r.national) }) : null))));
  const points = doc.rows.map((r) => ({ wave: r.wave, value: r.status === 'value' ? r.value : null, gemeente: r.gemeente, national: r.national }));
  const trendList = el('ul', { class: 'trends' }, ...doc.trends.map((x) => {
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
  const plural = t(PLURAL[a.level] || 'gemeenten');
  const rankLine = (key, r) => (r ? el('p', { class: 'rank', 'data-rank': key, text: `${t(key)} (${sel.wave}): ${r.rank} ${t('of')} ${r.of} ${plural}` }) : null);
  card.replaceChildren(...[
    closeButton(() => closeCard(), 'close'),
    el('h2', { id: 'card-name', text: a.name || a.code }),
    el('p', { class: 'small' }, `${t(a.level)} · ${t('code')} `, el('code', { id: 'card-code', text: a.code }),
      a.parent ? ` · ${t('parent')} ${a.parent}${a.gemeente_name && a.level !== 'gemeente' ? ' (' + a.gemeente_name + ')' : ''}` : '',
      !a.parent && a.gemeente_name && a.level !== 'gemeente' ? ` · ${t('gemeente')} ${a.gemeente_name}` : '',
      a.has_polygon === false ? ` · ${t('no_polygon')}` : ''),
    meta.synthetic ? el('p', { class: 'synthetic', text: meta.notice }) : null,
    el('h3', { text: `${label} · ${state.age}` }),
    chart(points, a.name || a.code), table,
    doc.trends.length ? el('h3', { text: t('change') }) : null, doc.trends.length ? trendList : null,
    rankLine('rank_country', ranks.country),
    rankLine('rank_gemeente', ranks.gemeente),
    source.links ? spineLink(a) : null,
    source.links ? briefLink(a) : null,
    source.links ? reportLink(a) : null,
    source.links ? null : el('p', { class: 'note', text: t('card_offline') }),
  ].filter((x) => x != null));
  card.hidden = false;
}

// The area's spine chart: every indicator against the country and the spread of its level.
function spineLink(a) {
  if (!/^(?:GM|WK|BU)/.test(a.code || '')) return null;
  const p = new URLSearchParams({ lang: state.lang, age: state.age, with: 'nl' });
  if (state.wave) p.set('wave', state.wave);
  return el('p', { class: 'spine' }, el('a', { id: 'spine-link', href: `api/spine/${encodeURIComponent(a.code)}?${p}`, target: '_blank', rel: 'noopener', text: t('spine') }));
}

// The council summary of the area's gemeente, in the page's language.
function briefLink(a) {
  const m = /^(?:GM|WK|BU)(\d{4})/.exec(a.code || '');
  if (!m) return null;
  const p = new URLSearchParams({ lang: state.lang, indicator: state.indicator });
  return el('p', { class: 'brief' }, el('a', { id: 'brief-link', href: `api/areas/GM${m[1]}/summary?${p}`, target: '_blank', rel: 'noopener', text: `${t('brief')} · ${a.level === 'gemeente' ? (a.name || 'GM' + m[1]) : (a.gemeente_name || 'GM' + m[1])}` }));
}

// The report of the area's gemeente: GM0363 for GM0363, WK036300 and BU03630000.
function reportLink(a) {
  const m = /^(?:GM|WK|BU)(\d{4})/.exec(a.code || '');
  if (!m) return null;
  const gm = `GM${m[1]}`;
  const p = new URLSearchParams({ lang: state.lang, indicator: state.indicator, age: state.age });
  return el('p', { class: 'report' }, el('a', { id: 'report-link', href: `report/${gm}.pdf?${p}`, target: '_blank', rel: 'noopener', text: `${t('report')} · ${a.level === 'gemeente' ? (a.name || gm) : (a.gemeente_name || gm)}` }));
}

// ---- search ---------------------------------------------------------------------------------
let searchTimer = null;
let searchSeq = 0;
async function runSearch(text, pickFirst) {
  const list = $('search-results');
  const q = text.trim();
  if (!q) { list.replaceChildren(); $('search-status').textContent = ''; return; }
  const seq = ++searchSeq;
  try {
    const rows = await source.search(q);
    if (seq !== searchSeq) return;
    $('search-status').textContent = rows.length ? t('results')(rows.length) : t('no_results');
    // A choice ends the search: a search still waiting to run, or still being answered (typed
    // before the choice), does not bring the results back over the chosen area's card.
    const pick = (h) => {
      clearTimeout(searchTimer);
      searchSeq++;
      list.replaceChildren();
      $('search-status').textContent = '';
      chooseArea(h.code, h.bbox, true);
    };
    list.replaceChildren(...rows.map((h) => el('li', {},
      el('button', { type: 'button', 'data-code': h.code, onclick: () => pick(h) },
        `${h.name} (${t(h.level)}${h.gemeente ? ', ' + h.gemeente : ''}, ${h.code})`))));
    if (pickFirst && rows.length) pick(rows[0]);
  } catch (e) {
    $('search-status').textContent = TEXT[state.lang].server_error(e.message);
    list.replaceChildren();
  }
}

// ---- keys -----------------------------------------------------------------------------------
function onKey(e) {
  if (e.key === 'Escape') {
    if ($('search-results').children.length) { $('search-results').replaceChildren(); $('search-status').textContent = ''; $('search').focus(); return; }
    if (!$('card').hidden) { closeCard(); return; }
  }
  // Arrow keys move between the search results and the risk list's entries.
  if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && e.target.closest && e.target.closest('.choices, #search')) {
    const list = e.target.id === 'search' ? $('search-results') : e.target.closest('.choices');
    const buttons = [...list.querySelectorAll('button')];
    if (!buttons.length) return;
    const i = buttons.indexOf(e.target);
    const next = e.target.id === 'search' ? (e.key === 'ArrowDown' ? 0 : -1) : i + (e.key === 'ArrowDown' ? 1 : -1);
    if (next < 0) { if (list.id === 'search-results') $('search').focus(); return; }
    if (next < buttons.length) { buttons[next].focus(); e.preventDefault(); }
  }
}

// ---- start ----------------------------------------------------------------------------------
async function start() {
  source = VARIANT === 'served' ? servedSource(meta) : exportedSource(meta, () => map);
  const raw = readUrl();
  if (raw.lang === 'en') state.lang = 'en';
  try {
    Object.assign(meta, await source.init());
  } catch (e) {
    notice(TEXT[state.lang].server_error(e.message), 'error');
    return;
  }
  if (VARIANT === 'exported') {
    const protocol = new window.pmtiles.Protocol();
    maplibregl.addProtocol('pmtiles', protocol.tile);
    document.querySelector('label[for=method]').hidden = true;
    $('method').hidden = true;
    if (meta.indicators.length === 1) { $('indicator').hidden = true; document.querySelector('label[for=indicator]').hidden = true; }
  }
  if (meta.synthetic) { $('synthetic').hidden = false; $('synthetic').textContent = meta.notice; }
  applyUrl(raw, false);
  if (!meta.levels.length) notice(t('no_boundaries'), 'error');

  const z = Number(raw.z), lat = Number(raw.lat), lon = Number(raw.lon);
  const fromLink = raw.z != null && Number.isFinite(z) && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 85 && Math.abs(lon) <= 180;
  const b = meta.bounds || [3.2, 50.7, 7.3, 53.6];
  map = new maplibregl.Map({
    container: 'map',
    style: baseStyle(),
    ...(fromLink ? { center: [lon, lat], zoom: Math.max(4, Math.min(18, z)) } : { bounds: [[b[0], b[1]], [b[2], b[3]]], fitBoundsOptions: { padding: 20 } }),
    minZoom: 4,
    maxZoom: 18,
    attributionControl: { compact: false },
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
  });
  map.on('styleimagemissing', (e) => {
    if ((e.id === 'hatch' || e.id === 'dots') && !map.hasImage(e.id)) map.addImage(e.id, patternImage(e.id));
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
  map.keyboard.enable();
  translate();
  shownAge = state.age;
  map.on('error', (e) => {
    if (!tileFailureShown && (e.tile || e.sourceId)) { tileFailureShown = true; notice(t('tile_failed'), 'error'); }
  });
  map.on('sourcedata', (e) => {
    if (firstTileMs == null && e.tile) { firstTileMs = performance.now(); window.omzienFirstTileMs = firstTileMs; }
  });
  map.on('click', (ev) => {
    const f = map.queryRenderedFeatures(ev.point, { layers: [fillId(effectiveLevel())].filter((id) => map.getLayer(id)) })[0];
    if (!f) { notice(t('nothing_here')); return; }
    state.area = f.properties.code;
    highlight();
    remember(true);
    showArea(f.properties.code, {});
  });
  map.on('mousemove', (ev) => {
    const id = fillId(effectiveLevel());
    const hit = map.getLayer(id) && map.queryRenderedFeatures(ev.point, { layers: [id] }).length > 0;
    map.getCanvas().style.cursor = hit ? 'pointer' : '';
  });
  let shownLevel = null;
  map.on('moveend', () => {
    const level = effectiveLevel();
    if (level !== shownLevel) { shownLevel = level; loadRisk(); }
    readWhenIdle();
  });
  map.on('load', () => {
    shownLevel = effectiveLevel();
    refresh(false);
    if (state.area) showArea(state.area, { fromLink: true });
  });

  for (const id of ['indicator', 'age', 'wave', 'from', 'to', 'level', 'method']) $(id).addEventListener('change', onControl);
  for (const r of document.querySelectorAll('input[name=mode]')) r.addEventListener('change', onControl);
  $('lang').addEventListener('click', () => {
    state.lang = state.lang === 'nl' ? 'en' : 'nl';
    translate();
    showLegend();
    loadRisk();
    if (lastRows.length || map.loaded()) renderTable(effectiveLevel());
    if (state.area && !$('card').hidden) showArea(state.area, {});
    remember(true);
  });
  $('search').addEventListener('input', (e) => { clearTimeout(searchTimer); searchTimer = setTimeout(() => runSearch(e.target.value, false), 200); });
  $('search').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(searchTimer); runSearch(e.target.value, true); } });
  $('search-go').addEventListener('click', () => { clearTimeout(searchTimer); runSearch($('search').value, false); });
  document.addEventListener('keydown', onKey);
  window.addEventListener('popstate', () => {
    const r = readUrl();
    applyUrl(r, true);
    translate();
    const zz = Number(r.z), la = Number(r.lat), lo = Number(r.lon);
    if (r.z != null && Number.isFinite(zz) && Number.isFinite(la) && Number.isFinite(lo)) map.jumpTo({ center: [lo, la], zoom: zz });
    refresh(false);
    if (state.area) showArea(state.area, {}); else $('card').hidden = true;
  });

  window.omzien = { map, state, meta, effectiveLevel, variant: VARIANT, rows: () => lastRows };
}

window.addEventListener('error', (e) => notice(String(e.message), 'error'));
window.addEventListener('unhandledrejection', (e) => notice(String(e.reason && e.reason.message || e.reason), 'error'));
start();
