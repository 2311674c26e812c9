// The exported static site (`omzien export site`) in Debian's chromium, served by nginx on
// loopback: no omzien process. Started by tests/tests/site.rs, which exports the site, starts
// nginx at SITE_URL and then checks the screenshot written to SITE_SHOT.
// From object storage (tests/tests/site.rs uploads it to moto's S3 on loopback) the same.
//
// SITE_CLICKS: optional JSON list of clicks, [{lon, lat, zoom, text?, named?}].
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, recordingPage } from './browser.mjs';

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
  await page.evaluate(() => new Promise((done) => {
    const { map } = window.omzienSite;
    if (map.areTilesLoaded()) done(); else map.once('idle', done);
  }));

  const state = await page.evaluate(() => {
    const { map, site } = window.omzienSite;
    return {
      features: map.queryRenderedFeatures().filter((f) => f.layer.type === 'fill').length,
      synthetic: !document.getElementById('synthetic').hidden,
      legend: document.getElementById('legend').complete && document.getElementById('legend').naturalWidth,
      isSynthetic: site.synthetic,
      zoom: map.getZoom(),
    };
  });
  assert.ok(state.features > 0, `no area drawn: ${JSON.stringify(state)}`);
  assert.equal(state.synthetic, state.isSynthetic, 'the synthetic notice follows the data');
  assert.ok(state.legend > 0, 'the legend picture loaded');
  // Nothing outside the site's own origin was asked for (no CDN, no internet).
  const foreign = requests.filter((u) => !u.startsWith(BASE) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'requests outside the site');
  assert.ok(requests.some((u) => u.includes('.pmtiles')), 'the archive was read');
  if (SHOT) await page.screenshot({ path: SHOT });

  // Each click: at that zoom, clicking there shows `text` in the card, and with `named` a
  // heading that is the area's name, not its code.
  for (const c of JSON.parse(process.env.SITE_CLICKS || '[]')) {
    await page.evaluate((c) => new Promise((done) => {
      const { map } = window.omzienSite;
      map.jumpTo({ center: [c.lon, c.lat], zoom: c.zoom });
      map.once('idle', done);
    }), c);
    const box = await page.locator('#map').boundingBox();
    const p = await page.evaluate((c) => window.omzienSite.map.project([c.lon, c.lat]), c);
    await page.mouse.click(box.x + p.x, box.y + p.y);
    await page.waitForSelector('#card:not([hidden])');
    const card = await page.textContent('#card');
    if (c.text) assert.ok(card.includes(c.text), `card after clicking ${JSON.stringify(c)}: ${card}`);
    if (c.named) {
      const heading = await page.textContent('#card h2');
      assert.doesNotMatch(heading, /^(GM|WK|BU)[0-9]+$/, `a name, not a code: ${card}`);
    }
    const waves = await page.evaluate(() => window.omzienSite.site.waves);
    for (const w of waves) assert.ok(card.includes(w), `card lacks wave ${w}: ${card}`);
    console.log(`card at zoom ${c.zoom}: ${card}`);
  }
  assert.deepEqual(problems, []);
  console.log(`painted ${state.features} areas at zoom ${state.zoom.toFixed(1)}; ${requests.length} requests`);
});
