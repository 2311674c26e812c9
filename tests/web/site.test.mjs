// The exported static site (`omzien export site`) in Debian's chromium, served by nginx on
// loopback: no omzien process. Started by tests/tests/site.rs, which exports the site, starts
// nginx at SITE_URL and then checks the screenshot written to SITE_SHOT.
// From object storage (tests/tests/site.rs uploads it to moto's S3 on loopback) the same.
//
// SITE_CLICKS: optional JSON list of clicks, [{lon, lat, zoom, text?, named?}].
// SITE_FIND: optional JSON {q, code, lon, lat, zoom}: the accessibility checks the served map
// has (a11y.mjs) on the exported one, finding area `code` by searching `q` in the site's own
// index, with the view at lon/lat/zoom.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, recordingPage } from './browser.mjs';
import { axe, chooseByKeyboard, chooseFromTable, namesOnMap, reflow, settled, tabWalk } from './a11y.mjs';

const BASE = process.env.SITE_URL;
const SHOT = process.env.SITE_SHOT;
// The page under SITE_URL: '' for a web server's index, `index.html` for object storage.
const PAGE = process.env.SITE_PAGE || '';
assert.ok(BASE, 'SITE_URL must name the site under test');

let browser;
let context;

before(async () => {
  // MapLibre needs WebGL: software GL (SwiftShader) in a headless machine without a GPU.
  browser = await launch({ webgl: true });
  ({ context } = browser);
});

after(async () => {
  await browser?.close();
});

test('the site paints from its own folder, every request answered, and the card shows every wave', async () => {
  const { page, problems, requests } = await recordingPage(context);
  await page.goto(BASE + '/' + PAGE);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  await settled(page);

  const state = await page.evaluate(() => {
    const { map, meta: site } = window.omzien;
    return {
      features: map.queryRenderedFeatures().filter((f) => f.layer.type === 'fill').length,
      synthetic: !document.getElementById('synthetic').hidden,
      legend: document.querySelectorAll('#legend-entries li').length,
      isSynthetic: site.synthetic,
      zoom: map.getZoom(),
    };
  });
  assert.ok(state.features > 0, `no area drawn: ${JSON.stringify(state)}`);
  assert.equal(state.synthetic, state.isSynthetic, 'the synthetic notice follows the data');
  assert.ok(state.legend >= 3, 'the legend, as text');
  assert.equal(await page.getAttribute('html', 'data-variant'), 'exported');
  // What needs the server is said, not offered.
  assert.equal(await page.locator('#download').isHidden(), true);
  assert.match(await page.textContent('#offline'), /statische uitvoer/);
  // Nothing outside the site's own origin was asked for (no CDN, no internet).
  const foreign = requests.filter((u) => !u.startsWith(BASE) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'requests outside the site');
  assert.ok(requests.some((u) => u.includes('.pmtiles')), 'the archive was read');
  if (SHOT) await page.screenshot({ path: SHOT });

  // Each click: at that zoom, clicking there shows `text` in the card, and with `named` a
  // heading that is the area's name, not its code.
  for (const c of JSON.parse(process.env.SITE_CLICKS || '[]')) {
    await page.evaluate((c) => new Promise((done) => {
      const { map } = window.omzien;
      map.jumpTo({ center: [c.lon, c.lat], zoom: c.zoom });
      map.once('idle', done);
    }), c);
    const box = await page.locator('#map').boundingBox();
    const p = await page.evaluate((c) => window.omzien.map.project([c.lon, c.lat]), c);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page.waitForSelector('#card:not([hidden])');
    await page.waitForFunction(() => document.querySelector('#card h2')?.textContent);
    const card = await page.textContent('#card');
    if (c.text) assert.ok(card.includes(c.text), `card after clicking ${JSON.stringify(c)}: ${card}`);
    if (c.named) {
      const heading = await page.textContent('#card h2');
      assert.doesNotMatch(heading, /^(GM|WK|BU)[0-9]+$/, `a name, not a code: ${card}`);
    }
    const waves = await page.evaluate(() => window.omzien.meta.waves);
    for (const w of waves) assert.ok(card.includes(w), `card lacks wave ${w}: ${card}`);
    console.log(`card at zoom ${c.zoom}: ${card}`);
  }
  assert.deepEqual(problems, []);
  console.log(`painted ${state.features} areas at zoom ${state.zoom.toFixed(1)}; ${requests.length} requests`);
});

const FIND = process.env.SITE_FIND ? JSON.parse(process.env.SITE_FIND) : null;

for (const lang of FIND ? ['nl', 'en'] : []) {
  test(`exported: axe-core finds no WCAG 2.1 A/AA violation in any state, and the keyboard reaches everything (${lang})`, async () => {
    const { page, problems } = await recordingPage(context);
    const where = `z=${FIND.zoom}&lat=${FIND.lat}&lon=${FIND.lon}`;
    await page.goto(`${BASE}/${PAGE}?lang=${lang}&${where}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
    await settled(page);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    await axe(page, `exported, ${lang}: page opened`);
    // The risk list's place says that the list needs the server.
    assert.ok((await page.textContent('#risk-how')).includes('omzien serve'));
    await axe(page, `exported, ${lang}: risk list (its note) shown`);
    const stops = await tabWalk(page, ['skip', '#lang', /^mode:/, '#wave', '#age', '#level', '#search', '#search-go', 'map', 'zoom-in', 'zoom-out', '#areas-scroll', 'sort:name', 'sort:value', /^row:/]);
    console.log(`exported keyboard path (${lang}): ${stops.join(' → ')}`);
    const names = await namesOnMap(page, 1);
    console.log(`exported names on the map (${lang}): ${names.length}, e.g. ${names.slice(0, 6).join(', ')}`);
    // Search in the site's own index (no server).
    await page.fill('#search', FIND.q);
    await page.waitForSelector(`#search-results button[data-code="${FIND.code}"]`);
    await axe(page, `exported, ${lang}: search results shown`);
    await page.fill('#search', '');
    await page.evaluate(() => { document.querySelector('#search-results').replaceChildren(); });
    await chooseByKeyboard(page, FIND.q, FIND.code);
    const card = await page.textContent('#card');
    for (const w of await page.evaluate(() => window.omzien.meta.waves)) assert.ok(card.includes(w), `card lacks ${w}: ${card}`);
    assert.ok(card.includes('omzien serve'), 'the card says what needs the server');
    await axe(page, `exported, ${lang}: card of ${FIND.code} open`);
    const first = await chooseFromTable(page);
    await axe(page, `exported, ${lang}: table sorted, card of ${first} open`);
    // The view is in the address: reloading it restores the area and the zoom.
    const url = page.url();
    assert.match(url, new RegExp(`area=${first}`));
    await page.goto(url);
    await page.waitForSelector('#card:not([hidden]) #card-code', { timeout: 60000 });
    assert.equal(await page.textContent('#card-code'), first);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

if (FIND) {
  test('exported: the page reflows at 320 CSS pixels without horizontal scrolling', async () => {
    await reflow(context, `${BASE}/${PAGE}?z=${FIND.zoom}&lat=${FIND.lat}&lon=${FIND.lon}`);
  });
}
