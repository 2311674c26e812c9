// End-to-end tests of the omzien web map in Debian's chromium (headless, playwright-core).
// Started by tests/tests/web.rs, which serves the national data at OMZIEN_URL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, recordingPage } from './browser.mjs';

const BASE = process.env.OMZIEN_URL;
assert.ok(BASE, 'OMZIEN_URL must name the server under test');

let browser;
let context;

before(async () => {
  browser = await launch({ acceptDownloads: true });
  ({ context } = browser);
});

after(async () => {
  await browser?.close();
});

/** A page that records every failed request, HTTP error and console error. */
async function open(path) {
  const { page, problems } = await recordingPage(context);
  const started = Date.now();
  await page.goto(BASE + path);
  await page.waitForSelector('body[data-ready=true]');
  return { page, problems, started };
}

/** Waits until every tile Leaflet shows has loaded (and none is pending). */
async function tilesSettled(page) {
  await page.waitForFunction(() => {
    const imgs = [...document.querySelectorAll('#map img.leaflet-tile')];
    return imgs.length > 0 && imgs.every((i) => i.classList.contains('leaflet-tile-loaded') && i.complete);
  }, null, { timeout: 30000 });
  await page.waitForLoadState('networkidle');
}

/** RGBA of the map area in a screenshot, decoded by the browser itself. */
async function mapPixels(page) {
  const shot = await page.locator('#map').screenshot();
  return page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const g = c.getContext('2d');
    g.drawImage(bmp, 0, 0);
    const data = g.getImageData(0, 0, bmp.width, bmp.height).data;
    let bin = '';
    for (let i = 0; i < data.length; i += 0x8000) bin += String.fromCharCode.apply(null, data.subarray(i, i + 0x8000));
    return btoa(bin);
  }, shot.toString('base64')).then((b64) => Buffer.from(b64, 'base64'));
}

async function json(path) {
  const r = await fetch(BASE + path);
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

/** Clicks the map at a WGS84 position. */
async function clickAt(page, lat, lon) {
  const pt = await page.evaluate(([la, lo]) => {
    const p = window.omzien.map.latLngToContainerPoint([la, lo]);
    return { x: p.x, y: p.y };
  }, [lat, lon]);
  await page.locator('#map').click({ position: pt });
}

const BACKGROUND = [0xdf, 0xe6, 0xea]; // #map background in app.css

test('the page loads with no failed request or console error, and tiles appear', async () => {
  const { page, problems, started } = await open('/');
  await tilesSettled(page);
  const firstTile = await page.evaluate(() => window.omzienFirstTileMs);
  console.log(`time to first map tile painted: ${Math.round(firstTile)} ms after navigation start (page ready ${Date.now() - started} ms after goto)`);
  const px = await mapPixels(page);
  let coloured = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (Math.abs(px[i] - BACKGROUND[0]) + Math.abs(px[i + 1] - BACKGROUND[1]) + Math.abs(px[i + 2] - BACKGROUND[2]) > 30) coloured++;
  }
  const share = coloured / (px.length / 4);
  console.log(`map pixels that are not background: ${(share * 100).toFixed(1)} %`);
  // The whole country at the zoom that fits it covers about a tenth of a 920×760 map.
  assert.ok(share > 0.05, `only ${(share * 100).toFixed(1)} % of the map is drawn`);
  // The legend is the server's, with the suppressed and not-measured classes.
  const legend = await json('/legend?indicator=Eenzaam_28&age=18%2B&level=gemeente&method=quantile&wave=2020');
  const kinds = await page.locator('#legend .entry').evaluateAll((es) => es.map((e) => e.dataset.kind));
  assert.deepEqual(kinds, legend.entries.map((e) => e.kind));
  assert.ok(kinds.includes('suppressed') && kinds.includes('not_measured'));
  const swatches = await page.locator('#legend .sw').evaluateAll((es) => es.map((e) => getComputedStyle(e).backgroundColor));
  assert.deepEqual(swatches, legend.entries.map((e) => `rgb(${e.rgba[0]}, ${e.rgba[1]}, ${e.rgba[2]})`));
  assert.equal(await page.locator('#synthetic').isHidden(), true, 'national data is not labelled synthetic');
  assert.deepEqual(problems, []);
  await page.close();
});

test('switching the wave changes the tiles', async () => {
  const { page, problems } = await open('/?wave=2020&z=8&lat=52.2&lon=5.3');
  await tilesSettled(page);
  const before2020 = await mapPixels(page);
  await page.selectOption('#wave', '2012');
  await page.waitForFunction(() => [...document.querySelectorAll('#map img.leaflet-tile')].every((i) => i.src.includes('wave=2012')));
  await tilesSettled(page);
  const after2012 = await mapPixels(page);
  let changed = 0;
  for (let i = 0; i < before2020.length; i += 4) {
    if (before2020[i] !== after2012[i] || before2020[i + 1] !== after2012[i + 1] || before2020[i + 2] !== after2012[i + 2]) changed++;
  }
  console.log(`pixels changed 2020 → 2012: ${changed}`);
  assert.ok(changed > 5000, `only ${changed} pixels changed`);
  assert.match(page.url(), /wave=2012/, 'the URL holds the wave');
  // The change mode shows a diverging legend in percentage points.
  await page.check('input[name=mode][value=delta]');
  await page.waitForFunction(() => document.querySelector('#legend h2')?.textContent.includes('2016'));
  assert.match(page.url(), /mode=delta/);
  await tilesSettled(page);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the automatic level follows the server\'s level-by-zoom table', async () => {
  const waves = await json('/api/waves');
  for (const [z, level] of [[8, 'gemeente'], [11, 'wijk'], [14, 'buurt']]) {
    const row = waves.levels.find((l) => l.level === level);
    assert.ok(row.minzoom <= z && z <= row.maxzoom, `${level}: ${JSON.stringify(row)}`);
    const { page, problems } = await open(`/?z=${z}&lat=52.37&lon=4.89`);
    await tilesSettled(page);
    const srcs = await page.evaluate(() => [...document.querySelectorAll('#map img.leaflet-tile')].map((i) => i.src));
    assert.ok(srcs.length > 0 && srcs.every((s) => s.includes(`level=${level}`)), `z${z}: ${srcs[0]}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('clicking inside Amsterdam shows a card with GM0363’s figures', async () => {
  const { page, problems } = await open('/?z=10&lat=52.37&lon=4.89&level=gemeente');
  await tilesSettled(page);
  await clickAt(page, 52.3731, 4.8927);
  await page.waitForSelector('#card:not([hidden]) #card-code');
  assert.equal(await page.textContent('#card-code'), 'GM0363');
  const api = await json('/api/areas/GM0363?indicator=Eenzaam_28&age=18%2B&rank_wave=2020');
  assert.equal(await page.textContent('#card-name'), api.area.name);
  for (const wave of [2012, 2016, 2020]) {
    const row = api.rows.find((r) => r.indicator === 'Eenzaam_28' && r.age === '18+' && r.wave === wave);
    const cell = await page.textContent(`#card tr[data-wave="${wave}"] td.value`);
    const shown = row.status === 'value' ? `${row.value.toFixed(1).replace('.', ',')}%` : null;
    if (shown) assert.equal(cell, shown, `${wave}`);
  }
  const cell2020 = await page.textContent('#card tr[data-wave="2020"] td.value');
  assert.equal(cell2020, '53,2%'); // StatLine 50090NED: Amsterdam, 18+, 2020
  const rank = await page.textContent('#card [data-rank=rank_country]');
  assert.match(rank, new RegExp(`${api.selection.ranks.country.rank} van ${api.selection.ranks.country.of}`));
  // The card links to Amsterdam's report, which is a PDF.
  const href = await page.getAttribute('#report-link', 'href');
  assert.match(href, /^\/report\/GM0363\.pdf\?/);
  assert.match(await page.textContent('#report-link'), /Rapport \(PDF\) · Amsterdam/);
  const pdf = await fetch(new URL(href, page.url()));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  // And to its spine chart: an SVG with a title and a description a screen reader reads.
  const spineHref = await page.getAttribute('#spine-link', 'href');
  assert.match(spineHref, /^\/api\/spine\/GM0363\?/);
  const spine = await fetch(new URL(spineHref, page.url()));
  assert.equal(spine.status, 200);
  assert.match(spine.headers.get('content-type'), /^image\/svg\+xml/);
  const spineSvg = await spine.text();
  assert.match(spineSvg, /<title id="t">Amsterdam tegen Nederland/);
  assert.match(spineSvg, /<desc id="d">[^<]*Eenzaam: 53,2/);
  // And to its council summary: a whole HTML page in the page's language.
  const briefHref = await page.getAttribute('#brief-link', 'href');
  assert.match(briefHref, /^\/api\/areas\/GM0363\/summary\?lang=nl/);
  const briefPage = await fetch(new URL(briefHref, page.url()));
  assert.equal(briefPage.status, 200);
  assert.match(briefPage.headers.get('content-type'), /^text\/html/);
  assert.match(await briefPage.text(), /In Amsterdam voelt 53,2% van de volwassenen/);
  assert.ok(await page.locator('#card svg path').count() >= 1, 'a chart of the waves');
  assert.ok(await page.locator('#card .trends li').count() >= 2, 'trends between waves');
  // 2016 surveyed from age 19, 2020 from 18: the caveat is shown, in the page's language.
  const caveat = await page.textContent('#card li[data-from="2016"][data-to="2020"] [data-caveat=age_range_changed]');
  assert.match(caveat, /leeftijdsgrens veranderd: 2016 vanaf 19 jaar, 2020 vanaf 18 jaar/);
  const up = await page.textContent('#card li[data-from="2016"][data-to="2020"]');
  const t = api.trends.find((x) => x.indicator === 'Eenzaam_28' && x.age === '18+' && x.from === 2016 && x.to === 2020);
  assert.ok(up.includes(`${t.delta > 0 ? '+' : ''}${t.delta.toFixed(1).replace('.', ',')} pp`), up);
  assert.match(page.url(), /area=GM0363/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('searching "Delft" moves the map there', async () => {
  const { page, problems } = await open('/');
  await tilesSettled(page);
  const hits = await json('/api/search?q=Delft');
  const gm = hits.rows.find((h) => h.code === 'GM0503');
  assert.ok(gm && gm.bbox, 'Delft has a polygon');
  await page.fill('#search', 'Delft');
  await page.press('#search', 'Enter');
  await page.waitForSelector('#card:not([hidden]) #card-code');
  const [lat, lon, z] = await page.evaluate(() => { const c = window.omzien.map.getCenter(); return [c.lat, c.lng, window.omzien.map.getZoom()]; });
  const [w, s, e, n] = gm.bbox;
  assert.ok(lon > w && lon < e && lat > s && lat < n, `centre ${lat},${lon} is not in Delft ${gm.bbox}`);
  assert.ok(z >= 10, `zoomed in (z${z})`);
  assert.equal(await page.textContent('#card-code'), 'GM0503');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the CSV download matches the API', async () => {
  const { page, problems } = await open('/?z=11&lat=52.01&lon=4.36&level=buurt&wave=2016');
  await tilesSettled(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const csv = readFileSync(await download.path(), 'utf8');
  const href = await page.getAttribute('#download', 'href');
  assert.match(href, /level=buurt/);
  assert.match(href, /wave=2016/);
  const api = await json(href.replace('format=csv', 'format=json'));
  const lines = csv.trim().split('\n');
  const header = lines[0].split(',');
  // A 95 % interval is two CSV columns, lower and upper (from_lower, … for a change layer).
  const expected = Object.keys(api.rows[0]).flatMap((k) =>
    k === 'interval' ? ['lower', 'upper']
      : k.endsWith('_interval') ? [k.replace('interval', 'lower'), k.replace('interval', 'upper')]
      : [k]);
  assert.deepEqual(header, expected);
  assert.equal(lines.length - 1, api.rows.length);
  assert.ok(api.rows.length > 20, `${api.rows.length} buurten in view`);
  const col = (name) => header.indexOf(name);
  for (const [i, row] of api.rows.entries()) {
    const f = lines[i + 1].split(',');
    assert.equal(f[col('code')], row.code);
    assert.equal(f[col('value')] === '' ? null : Number(f[col('value')]), row.value);
    assert.equal(f[col('status')], row.status);
  }
  // And the same bytes as the CSV endpoint itself.
  const direct = await (await fetch(BASE + href)).text();
  assert.equal(csv, direct);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a link with unknown values falls back to the defaults with a visible notice', async () => {
  const { page, problems } = await open('/?indicator=Nope_99&wave=1999&age=12-&area=GM9998&lang=en');
  await tilesSettled(page);
  const notes = await page.locator('#notices .notice').allTextContents();
  assert.ok(notes.some((n) => n.includes('indicator=Nope_99')), notes.join(' | '));
  assert.ok(notes.some((n) => n.includes('wave=1999')), notes.join(' | '));
  assert.ok(notes.some((n) => n.includes('age=12-')), notes.join(' | '));
  await page.waitForFunction(() => [...document.querySelectorAll('#notices .notice')].some((n) => n.textContent.includes('GM9998')));
  assert.equal(await page.inputValue('#indicator'), 'Eenzaam_28');
  assert.equal(await page.inputValue('#wave'), '2020');
  assert.equal(await page.textContent('#tagline'), 'Where is loneliness high, and where is it rising?');
  // The only failed request is the unknown area's 404 (which chromium also logs), answered
  // as a message.
  assert.deepEqual(problems.filter((p) => !p.includes('/api/areas/GM9998') && !p.includes('status of 404')), []);
  assert.equal(problems.length, 2, problems.join(' | '));
  await page.close();
});

test('a tile that fails to load does not break the map, and the controls work by keyboard', async () => {
  const page = await context.newPage();
  let failed = 0;
  await page.route(/\/tiles\/\d+\/\d+\/\d+(@2x)?\.png/, (route) => {
    if (failed < 3) { failed++; return route.fulfill({ status: 500, body: 'boom' }); }
    return route.continue();
  });
  await page.goto(`${BASE}/?z=8&lat=52.2&lon=5.3`);
  await page.waitForSelector('body[data-ready=true]');
  await page.waitForSelector('#notices .notice.error');
  await page.waitForFunction(() => document.querySelectorAll('#map img.leaflet-tile-loaded').length > 3);
  // Keyboard: focus the indicator list and step to the next indicator.
  await page.focus('#indicator');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => !location.search.includes('indicator=Eenzaam_28&'));
  assert.notEqual(await page.inputValue('#indicator'), 'Eenzaam_28');
  await page.waitForFunction(() => [...document.querySelectorAll('#map img.leaflet-tile')].some((i) => !i.src.includes('indicator=Eenzaam_28&')));
  // The language switch is a button.
  await page.focus('#lang');
  await page.keyboard.press('Enter');
  assert.equal(await page.textContent('#tagline'), 'Where is loneliness high, and where is it rising?');
  // The risk list answers and zooms on a click; on these figures (no intervals) it says its
  // marks follow the point values.
  await page.waitForSelector('#risk-list button');
  await page.waitForFunction(() => document.querySelector('#risk-how').textContent.includes('carry no intervals'));
  const z0 = await page.evaluate(() => window.omzien.map.getZoom());
  await page.locator('#risk-list button').first().click();
  await page.waitForSelector('#card:not([hidden]) #card-code');
  const z1 = await page.evaluate(() => window.omzien.map.getZoom());
  assert.ok(z1 > z0, `zoomed from ${z0} to ${z1}`);
  await page.close();
});

test('the council summary page passes axe-core\'s WCAG 2.1 A and AA rules, in both languages', async () => {
  const { page, problems } = await recordingPage(context);
  const axePath = new URL('./node_modules/axe-core/axe.min.js', import.meta.url).pathname;
  for (const lang of ['nl', 'en']) {
    await page.goto(`${BASE}/api/areas/GM0363/summary?lang=${lang}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await page.addScriptTag({ path: axePath });
    const r = await page.evaluate(() => window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    }));
    assert.deepEqual(r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`), []);
    console.log(`summary (${lang}): axe-core ${r.testEngine.version}, ${r.passes.length} rules passed, ${r.incomplete.length} to check by hand`);
    assert.ok(r.passes.length >= 10, `${r.passes.length} rules passed`);
    // Every note marker leads to its note.
    const refs = await page.locator('sup a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const h of refs) assert.equal(await page.locator(h).count(), 1, h);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
