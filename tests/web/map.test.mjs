// End-to-end tests of omzien's web map as the server serves it, in Debian's chromium (headless,
// software WebGL, playwright-core). Started by tests/tests/web.rs, which serves the national
// data with all three levels of boundaries at OMZIEN_URL. The same page code is the exported
// site (site.test.mjs runs the same accessibility checks there).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { launch, recordingPage } from './browser.mjs';
import { axe, chooseByKeyboard, chooseFromTable, namesOnMap, reflow, settled, tabWalk } from './a11y.mjs';

const BASE = process.env.OMZIEN_URL;
assert.ok(BASE, 'OMZIEN_URL must name the server under test');

let browser;
let context;

before(async () => {
  browser = await launch({ webgl: true, acceptDownloads: true });
  ({ context } = browser);
});

after(async () => {
  await browser?.close();
});

/** A page that records every failed request, HTTP error and console error, settled. */
async function open(path) {
  const { page, problems } = await recordingPage(context);
  const started = Date.now();
  await page.goto(BASE + path);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  await settled(page);
  return { page, problems, started };
}

/** RGBA of the map area in a screenshot, decoded by the browser itself. */
async function mapPixels(page) {
  const shot = await page.locator('#map canvas').screenshot();
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
  const pt = await page.evaluate(([la, lo]) => window.omzien.map.project([lo, la]), [lat, lon]);
  await page.locator('#map canvas').click({ position: { x: pt.x, y: pt.y } });
}

const BACKGROUND = [0xdf, 0xe6, 0xea]; // the map's background layer

test('the page loads with no failed request or console error, and the areas are drawn in the legend\'s colours', async () => {
  const { page, problems, started } = await open('/');
  const firstTile = await page.evaluate(() => window.omzienFirstTileMs);
  console.log(`first vector tile loaded ${Math.round(firstTile)} ms after navigation start (page settled ${Date.now() - started} ms after goto)`);
  const px = await mapPixels(page);
  let coloured = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (Math.abs(px[i] - BACKGROUND[0]) + Math.abs(px[i + 1] - BACKGROUND[1]) + Math.abs(px[i + 2] - BACKGROUND[2]) > 30) coloured++;
  }
  const share = coloured / (px.length / 4);
  console.log(`map pixels that are not background: ${(share * 100).toFixed(1)} %`);
  assert.ok(share > 0.05, `only ${(share * 100).toFixed(1)} % of the map is drawn`);
  // The legend is the server's, as text, with the suppressed and not-measured classes.
  const level = await page.evaluate(() => window.omzien.effectiveLevel());
  const style = await json(`/vector/style?indicator=Eenzaam_28&age=18%2B&level=${level}&method=quantile&wave=2020`);
  const kinds = await page.locator('#legend-entries li').evaluateAll((es) => es.map((e) => e.dataset.kind));
  assert.deepEqual(kinds, style.legend.entries.map((e) => e.kind));
  assert.ok(kinds.includes('suppressed') && kinds.includes('not_measured'));
  const texts = await page.locator('#legend-entries li').allTextContents();
  style.legend.entries.forEach((e, i) => { if (e.kind === 'class') assert.equal(texts[i], e.label); });
  const swatches = await page.locator('#legend-entries .sw').evaluateAll((es) => es.map((e) => getComputedStyle(e).backgroundColor));
  assert.deepEqual(swatches, style.legend.entries.map((e) => `rgb(${e.rgba[0]}, ${e.rgba[1]}, ${e.rgba[2]})`));
  // The map paints in those colours: most painted pixels are one of the class colours.
  const palette = style.legend.entries.map((e) => e.rgba);
  let inPalette = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (palette.some((c) => Math.abs(c[0] - px[i]) + Math.abs(c[1] - px[i + 1]) + Math.abs(c[2] - px[i + 2]) <= 6)) inPalette++;
  }
  console.log(`pixels in the legend's colours: ${inPalette} of ${coloured} painted`);
  assert.ok(inPalette > coloured * 0.5, `${inPalette} of ${coloured}`);
  assert.equal(await page.locator('#synthetic').isHidden(), true, 'national data is not labelled synthetic');
  assert.deepEqual(problems, []);
  await page.close();
});

test('switching the wave recolours the map, the address holds it and the back button restores it', async () => {
  const { page, problems } = await open('/?wave=2020&z=8&lat=52.2&lon=5.3');
  const before2020 = await mapPixels(page);
  // The vector tiles carry every wave: a new wave is a new colouring of the tiles already
  // loaded, not a new set of tiles.
  const tileRequests = [];
  page.on('request', (r) => { if (r.url().includes('/vector/') && r.url().includes('.mvt')) tileRequests.push(r.url()); });
  await page.selectOption('#wave', '2012');
  await page.waitForFunction(() => new URLSearchParams(location.search).get('wave') === '2012');
  await page.waitForFunction(() => document.querySelector('#legend-what').textContent.includes('2012'));
  await settled(page);
  const after2012 = await mapPixels(page);
  let changed = 0;
  for (let i = 0; i < before2020.length; i += 4) {
    if (before2020[i] !== after2012[i] || before2020[i + 1] !== after2012[i + 1] || before2020[i + 2] !== after2012[i + 2]) changed++;
  }
  console.log(`pixels changed 2020 → 2012: ${changed}; tiles fetched for it: ${tileRequests.length}`);
  assert.deepEqual(tileRequests, [], 'a new wave fetched tiles');
  assert.ok(changed > 5000, `only ${changed} pixels changed`);
  // Back: the earlier view, wave 2020, in the select and on the map.
  await page.goBack();
  await page.waitForFunction(() => document.querySelector('#wave').value === '2020');
  assert.match(page.url(), /wave=2020/);
  await settled(page);
  // The change mode shows a diverging legend in percentage points.
  await page.check('input[name=mode][value=delta]');
  await page.waitForFunction(() => document.querySelector('#legend-what').textContent.includes('2016 → 2020'));
  assert.match(page.url(), /mode=delta/);
  assert.match(await page.textContent('#legend-what'), /procentpunt/);
  await settled(page);
  // Another age group is other tiles: the map asks for them, the legend and the table follow.
  // Waited for, not looked up after the map settles: the request event of a tile fetched by
  // MapLibre's worker may reach the test after the page reports its tiles loaded.
  const asked65 = page.waitForRequest((r) => r.url().includes('/vector/') && r.url().includes('age=65%2B'), { timeout: 30000 })
    .then(() => true, () => false);
  await page.selectOption('#age', '65+');
  await page.waitForFunction(() => document.querySelector('#legend-what').textContent.includes('65 jaar'));
  await settled(page);
  assert.ok(await asked65, 'no tile of 65+ was fetched within 30 s of choosing 65+');
  assert.match(page.url(), /age=65%2B/);
  assert.match(await page.textContent('#areas-note'), /65 jaar/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the automatic level follows the server\'s level-by-zoom table, in the map and the table', async () => {
  const waves = await json('/api/waves');
  for (const [z, level, prefix] of [[8, 'gemeente', 'GM'], [11, 'wijk', 'WK'], [14, 'buurt', 'BU']]) {
    const row = waves.levels.find((l) => l.level === level);
    assert.ok(row.minzoom <= z && z <= row.maxzoom, `${level}: ${JSON.stringify(row)}`);
    const { page, problems } = await open(`/?z=${z}&lat=52.37&lon=4.89`);
    assert.equal(await page.evaluate(() => window.omzien.effectiveLevel()), level);
    const codes = await page.locator('#areas tbody tr').evaluateAll((rs) => rs.map((r) => r.dataset.code));
    assert.ok(codes.length > 0 && codes.every((c) => c.startsWith(prefix)), `z${z}: ${codes.slice(0, 5)}`);
    assert.deepEqual(problems, []);
    await page.close();
  }
});

test('clicking inside Amsterdam shows a card with GM0363’s figures and its links', async () => {
  const { page, problems } = await open('/?z=9&lat=52.37&lon=4.89&level=gemeente');
  await clickAt(page, 52.3731, 4.8927);
  await page.waitForSelector('#card:not([hidden]) #card-code');
  assert.equal(await page.textContent('#card-code'), 'GM0363');
  const api = await json('/api/areas/GM0363?indicator=Eenzaam_28&age=18%2B&rank_wave=2020');
  assert.equal(await page.textContent('#card-name'), api.area.name);
  for (const wave of [2012, 2016, 2020]) {
    const row = api.rows.find((r) => r.indicator === 'Eenzaam_28' && r.age === '18+' && r.wave === wave);
    const cell = await page.textContent(`#card tr[data-wave="${wave}"] td.value`);
    if (row.status === 'value') assert.equal(cell, `${row.value.toFixed(1).replace('.', ',')}%`, `${wave}`);
  }
  assert.equal(await page.textContent('#card tr[data-wave="2020"] td.value'), '53,2%'); // StatLine 50090NED: Amsterdam, 18+, 2020
  const rank = await page.textContent('#card [data-rank=rank_country]');
  assert.match(rank, new RegExp(`${api.selection.ranks.country.rank} van ${api.selection.ranks.country.of}`));
  // The card links to Amsterdam's report, which is a PDF.
  const href = await page.getAttribute('#report-link', 'href');
  assert.match(href, /^report\/GM0363\.pdf\?/);
  assert.match(await page.textContent('#report-link'), /Rapport \(PDF\) · Amsterdam/);
  const pdf = await fetch(new URL(href, page.url()));
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  assert.equal(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
  // And to its spine chart: an SVG with a title and a description a screen reader reads.
  const spine = await fetch(new URL(await page.getAttribute('#spine-link', 'href'), page.url()));
  assert.equal(spine.status, 200);
  assert.match(spine.headers.get('content-type'), /^image\/svg\+xml/);
  const spineSvg = await spine.text();
  assert.match(spineSvg, /<title id="t">Amsterdam tegen Nederland/);
  assert.match(spineSvg, /<desc id="d">[^<]*Eenzaam: 53,2/);
  // And to its council summary: a whole HTML page in the page's language.
  const briefHref = await page.getAttribute('#brief-link', 'href');
  assert.match(briefHref, /^api\/areas\/GM0363\/summary\?lang=nl/);
  const briefPage = await fetch(new URL(briefHref, page.url()));
  assert.equal(briefPage.status, 200);
  assert.match(await briefPage.text(), /In Amsterdam voelt 53,2% van de volwassenen/);
  assert.ok(await page.locator('#card svg path').count() >= 1, 'a chart of the waves');
  assert.match(await page.getAttribute('#card svg', 'aria-label'), /Amsterdam: 2012: [0-9]+,[0-9], 2016/);
  assert.ok(await page.locator('#card .trends li').count() >= 2, 'trends between waves');
  // 2016 surveyed from age 19, 2020 from 18: the caveat is shown, in the page's language.
  const caveat = await page.textContent('#card li[data-from="2016"][data-to="2020"] [data-caveat=age_range_changed]');
  assert.match(caveat, /leeftijdsgrens veranderd: 2016 vanaf 19 jaar, 2020 vanaf 18 jaar/);
  const up = await page.textContent('#card li[data-from="2016"][data-to="2020"]');
  const t = api.trends.find((x) => x.indicator === 'Eenzaam_28' && x.age === '18+' && x.from === 2016 && x.to === 2020);
  assert.ok(up.includes(`${t.delta > 0 ? '+' : '−'}${Math.abs(t.delta).toFixed(1).replace('.', ',')} pp`), up);
  assert.match(page.url(), /area=GM0363/);
  // The map outlines the chosen area, and its row in the table is marked.
  const filter = await page.evaluate(() => window.omzien.map.getFilter('sel-gemeente'));
  assert.deepEqual(filter, ['==', ['get', 'code'], 'GM0363']);
  await settled(page);
  assert.equal(await page.getAttribute('#areas tbody tr[data-code="GM0363"]', 'aria-selected'), 'true');
  assert.deepEqual(problems, []);
  await page.close();
});

test('searching "Delft" moves the map there and opens its card', async () => {
  const { page, problems } = await open('/');
  const hits = await json('/api/search?q=Delft');
  const gm = hits.rows.find((h) => h.code === 'GM0503');
  assert.ok(gm && gm.bbox, 'Delft has a polygon');
  await page.fill('#search', 'Delft');
  await page.press('#search', 'Enter');
  await page.waitForSelector('#card:not([hidden]) #card-code');
  const [lat, lon, z] = await page.evaluate(() => { const c = window.omzien.map.getCenter(); return [c.lat, c.lng, window.omzien.map.getZoom()]; });
  const [w, s, e, n] = gm.bbox;
  assert.ok(lon > w && lon < e && lat > s && lat < n, `centre ${lat},${lon} is not in Delft ${gm.bbox}`);
  assert.ok(z >= 9, `zoomed in (z${z})`);
  assert.equal(await page.evaluate(() => window.omzien.effectiveLevel()), 'gemeente', 'zoomed to where gemeenten are drawn');
  assert.equal(await page.textContent('#card-code'), 'GM0503');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the table of the areas in view holds the API\'s figures, and the CSV download matches the API', async () => {
  const { page, problems } = await open('/?z=12.5&lat=52.01&lon=4.36&level=buurt&wave=2016');
  const href = await page.getAttribute('#download', 'href');
  assert.match(href, /level=buurt/);
  assert.match(href, /wave=2016/);
  const api = await json('/' + href.replace('format=csv', 'format=json'));
  const byCode = new Map(api.rows.map((r) => [r.code, r]));
  const rows = await page.locator('#areas tbody tr').evaluateAll((rs) => rs.map((r) => ({ code: r.dataset.code, name: r.querySelector('th').textContent, value: r.querySelectorAll('td')[1].textContent })));
  assert.ok(rows.length > 10, `${rows.length} buurten in the table`);
  for (const r of rows) {
    const a = byCode.get(r.code);
    assert.ok(a, `${r.code} is in view by the API too`);
    if (a.status === 'value') assert.ok(r.value.startsWith(`${a.value.toFixed(1).replace('.', ',')} %`), `${r.code}: ${r.value} vs ${a.value}`);
    else assert.equal(r.value, a.status === 'suppressed' ? 'onderdrukt' : 'niet gemeten', r.code);
  }
  console.log(`table: ${rows.length} buurten in view, each with the API's 2016 figure (API: ${api.rows.length} in the box)`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  const csv = readFileSync(await download.path(), 'utf8');
  const lines = csv.trim().split('\n');
  const header = lines[0].split(',');
  const expected = Object.keys(api.rows[0]).flatMap((k) =>
    k === 'interval' ? ['lower', 'upper']
      : k.endsWith('_interval') ? [k.replace('interval', 'lower'), k.replace('interval', 'upper')]
      : [k]);
  assert.deepEqual(header, expected);
  assert.equal(lines.length - 1, api.rows.length);
  const direct = await (await fetch(new URL(href, page.url()))).text();
  assert.equal(csv, direct);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a link with unknown values falls back to the defaults with a visible notice', async () => {
  const { page, problems } = await open('/?indicator=Nope_99&wave=1999&age=12-&area=GM9998&lang=en');
  const notes = await page.locator('#notices .notice').allTextContents();
  assert.ok(notes.some((n) => n.includes('indicator=Nope_99')), notes.join(' | '));
  assert.ok(notes.some((n) => n.includes('wave=1999')), notes.join(' | '));
  assert.ok(notes.some((n) => n.includes('age=12-')), notes.join(' | '));
  await page.waitForFunction(() => [...document.querySelectorAll('#notices .notice')].some((n) => n.textContent.includes('GM9998')));
  assert.equal(await page.inputValue('#indicator'), 'Eenzaam_28');
  assert.equal(await page.inputValue('#wave'), '2020');
  assert.equal(await page.textContent('#tagline'), 'Where is loneliness high, and where is it rising?');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  // The only failed request is the unknown area's 404 (which chromium also logs).
  assert.deepEqual(problems.filter((p) => !p.includes('/api/areas/GM9998') && !p.includes('status of 404')), []);
  await page.close();
});

test('a tile that fails to load does not break the map; the controls and the map work by keyboard', async () => {
  const page = await context.newPage();
  let failed = 0;
  await page.route(/\/vector\/\d+\/\d+\/\d+\.mvt/, (route) => {
    if (failed < 3) { failed++; return route.fulfill({ status: 500, body: 'boom' }); }
    return route.continue();
  });
  await page.goto(`${BASE}/?z=8&lat=52.2&lon=5.3`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  await page.waitForSelector('#notices .notice.error');
  await settled(page);
  // Keyboard: the indicator list steps to the next indicator.
  await page.focus('#indicator');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => !location.search.includes('indicator=Eenzaam_28&'));
  assert.notEqual(await page.inputValue('#indicator'), 'Eenzaam_28');
  // The map itself: + zooms in, an arrow key moves it.
  await page.focus('#map canvas');
  const z0 = await page.evaluate(() => window.omzien.map.getZoom());
  await page.keyboard.press('Equal');
  await page.waitForFunction((z) => window.omzien.map.getZoom() > z + 0.5, z0);
  const c0 = await page.evaluate(() => window.omzien.map.getCenter().lng);
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction((c) => window.omzien.map.getCenter().lng > c, c0);
  // The language switch is a button; the page's language follows.
  await page.focus('#lang');
  await page.keyboard.press('Enter');
  assert.equal(await page.textContent('#tagline'), 'Where is loneliness high, and where is it rising?');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  // The risk list answers and zooms on a choice; on these figures (no intervals) it says its
  // marks follow the point values.
  await page.waitForSelector('#risk-list button');
  await page.waitForFunction(() => document.querySelector('#risk-how').textContent.includes('carry no intervals'));
  await page.focus('#risk-list button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#card:not([hidden]) #card-code');
  await page.close();
});

for (const lang of ['nl', 'en']) {
  test(`axe-core finds no WCAG 2.1 A/AA violation in any state, and the keyboard reaches everything (${lang})`, async () => {
    const { page, problems } = await open(`/?lang=${lang}&z=11&lat=52.37&lon=4.89`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await axe(page, `served, national, ${lang}: page opened`);
    // The risk list shown.
    await page.waitForSelector('#risk-list li');
    await axe(page, `served, national, ${lang}: risk list shown`);
    // The keyboard walk from the top of the page.
    const stops = await tabWalk(page, ['skip', '#lang', '#indicator', /^mode:/, '#wave', '#age', '#level', '#method', '#search', '#search-go', /^risk:/, '#download', 'map', 'zoom-in', 'zoom-out', '#areas-scroll', 'sort:name', 'sort:value', /^row:/]);
    console.log(`keyboard path (${lang}): ${stops.join(' → ')}`);
    // Names on the map (wijken of Amsterdam at z11), each the name in the table.
    const names = await namesOnMap(page, 5);
    console.log(`names on the map (${lang}): ${names.length}, e.g. ${names.slice(0, 6).join(', ')}`);
    // Search results shown.
    await page.fill('#search', 'Amsterdam');
    await page.waitForSelector('#search-results button[data-code="GM0363"]');
    await axe(page, `served, national, ${lang}: search results shown`);
    await page.fill('#search', '');
    await page.evaluate(() => { document.querySelector('#search-results').replaceChildren(); });
    // An area chosen by keyboard only; its card open.
    await chooseByKeyboard(page, 'Burgwallen-Nieuwe', 'WK036301');
    await axe(page, `served, national, ${lang}: card of WK036301 open`);
    // The table: sorted by keyboard, and a row chosen by keyboard opens that area's card.
    const first = await chooseFromTable(page);
    await axe(page, `served, national, ${lang}: table sorted, card of ${first} open`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the page reflows at 320 CSS pixels without horizontal scrolling', async () => {
  await reflow(context, `${BASE}/?z=11&lat=52.37&lon=4.89`);
});

test('the council summary page passes axe-core\'s WCAG 2.1 A and AA rules, in both languages', async () => {
  const { page, problems } = await recordingPage(context);
  for (const lang of ['nl', 'en']) {
    await page.goto(`${BASE}/api/areas/GM0363/summary?lang=${lang}`);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await axe(page, `council summary (${lang})`);
    // Every note marker leads to its note.
    const refs = await page.locator('sup a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const h of refs) assert.equal(await page.locator(h).count(), 1, h);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
