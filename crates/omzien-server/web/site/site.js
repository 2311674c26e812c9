// The exported map site: MapLibre GL JS draws the vector archives (one per age group) through
// the pmtiles protocol; `site.json`, written by `omzien export site`, says what can be shown and
// carries, per wave or change and level, the colours of the server's PNG tiles as a style
// expression. Everything is read from this folder: no server code, no internet.
import * as maplibregl from './vendor/maplibre-gl/maplibre-gl.js';

maplibregl.setWorkerUrl(new URL('./vendor/maplibre-gl/maplibre-gl-worker.js', import.meta.url).href);
const protocol = new pmtiles.Protocol();
maplibregl.addProtocol('pmtiles', protocol.tile);

const $ = (id) => document.getElementById(id);
const site = await (await fetch('site.json')).json();
if (site.synthetic) $('synthetic').hidden = false;
$('title').textContent = site.title;
document.title = site.title;

/** `53,2` (Dutch decimal comma, one decimal). */
const num = (v) => v.toLocaleString('nl-NL', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signed = (v) => (v > 0 ? '+' : v < 0 ? '−' : '±') + num(Math.abs(v));
const unit = site.unit === '%' ? ' %' : (site.unit ? ` ${site.unit}` : '');

let age = site.ages[0];
let view = age.views.find((v) => !v.change && v.id === site.waves[site.waves.length - 1]) || age.views[0];

for (const a of site.ages) $('age').add(new Option(a.label, a.age));
function fillViews() {
  const keep = view?.id;
  $('view').replaceChildren(...age.views.map((v) => new Option(v.change ? `verandering ${v.label}` : `meting ${v.label}`, v.id)));
  view = age.views.find((v) => v.id === keep) || age.views[0];
  $('view').value = view.id;
}
fillViews();

const fillId = (l) => `fill-${l.level}`;
const last = site.levels[site.levels.length - 1];
const tilesUrl = (a) => 'pmtiles://' + new URL(a.tiles, location.href).href;

const layers = [{ id: 'background', type: 'background', paint: { 'background-color': '#eef0f2' } }];
for (const l of site.levels) {
  const zooms = { minzoom: l.minzoom, ...(l === last ? {} : { maxzoom: l.maxzoom + 1 }) };
  layers.push({
    id: fillId(l), type: 'fill', source: 'areas', 'source-layer': l.level, ...zooms,
    paint: { 'fill-color': view.colors[l.level] },
  });
  layers.push({
    id: `line-${l.level}`, type: 'line', source: 'areas', 'source-layer': l.level, ...zooms,
    paint: { 'line-color': '#ffffff', 'line-width': 0.6, 'line-opacity': 0.8 },
  });
}

const map = new maplibregl.Map({
  container: 'map',
  style: {
    version: 8,
    sources: { areas: { type: 'vector', url: tilesUrl(age), attribution: site.attribution } },
    layers,
  },
  bounds: [[site.bounds[0], site.bounds[1]], [site.bounds[2], site.bounds[3]]],
  fitBoundsOptions: { padding: 20 },
  minZoom: site.levels[0].minzoom,
  maxZoom: 18,
  attributionControl: { compact: false },
});
map.addControl(new maplibregl.NavigationControl({ showCompass: false }));
window.omzienSite = { map, site };

/** The level drawn at the map's zoom. */
function levelNow() {
  const z = Math.floor(map.getZoom());
  return site.levels.find((l) => z >= l.minzoom && z <= l.maxzoom)
    || (z > last.maxzoom ? last : site.levels[0]);
}

function showLegend() {
  const l = levelNow();
  $('legend').src = view.legends[l.level];
  $('legend-level').textContent = `${l.level}, ${age.label}, ${view.change ? 'verandering ' : ''}${view.label}`;
}

function restyle() {
  for (const l of site.levels) map.setPaintProperty(fillId(l), 'fill-color', view.colors[l.level]);
  showLegend();
  $('card').hidden = true;
}

$('age').addEventListener('change', () => {
  age = site.ages.find((a) => a.age === $('age').value);
  fillViews();
  map.getSource('areas').setUrl(tilesUrl(age));
  restyle();
});
$('view').addEventListener('change', () => {
  view = age.views.find((v) => v.id === $('view').value);
  restyle();
});
map.on('zoomend', showLegend);

/** One wave's figure: `53,2 %` with its 95 % interval, or why there is none. */
function figure(p, w) {
  const status = p[`status_${w}`];
  if (status === 'value') {
    const ci = p[`lower_${w}`] !== undefined
      ? ` <span class="ci">(95%: ${num(p[`lower_${w}`])}–${num(p[`upper_${w}`])})</span>` : '';
    return `${num(p[`value_${w}`])}${unit}${ci}`;
  }
  if (status === 'suppressed') return 'onderdrukt (te weinig respondenten)';
  return 'niet gemeten';
}

const escape = (s) => String(s ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function card(p) {
  const rows = site.waves.map((w) => `<tr><th scope="row">${w}</th><td class="num">${figure(p, w)}</td></tr>`);
  for (const v of age.views.filter((x) => x.change)) {
    const [a, b] = v.id.split('-');
    const d = p[`change_${a}_${b}`];
    rows.push(`<tr><th scope="row">${escape(v.label)}</th><td class="num">${d === undefined ? '–' : `${signed(d)} ${site.unit === '%' ? 'pp' : ''}`}</td></tr>`);
  }
  const where = [p.code, p.gemeente && p.gemeente !== p.name ? `gemeente ${p.gemeente}` : ''].filter(Boolean).join(' · ');
  $('card').innerHTML = `<h2>${escape(p.name || p.code)}</h2><p class="where">${escape(where)} · ${escape(age.label)}</p>`
    + `<table><tbody>${rows.join('')}</tbody></table>`;
  $('card').hidden = false;
}

map.on('click', (e) => {
  const f = map.queryRenderedFeatures(e.point, { layers: site.levels.map(fillId) })[0];
  if (f) card(f.properties); else $('card').hidden = true;
});
for (const l of site.levels) {
  map.on('mouseenter', fillId(l), () => { map.getCanvas().style.cursor = 'pointer'; });
  map.on('mouseleave', fillId(l), () => { map.getCanvas().style.cursor = ''; });
}

map.once('idle', () => {
  showLegend();
  document.body.dataset.ready = 'true';
});
