// A page of a second loopback origin that embeds omzien: MapLibre draws the server's vector
// tiles and the page fetches /api/areas/GM9999. Started by tests/tests/sharing.rs with two
// servers of the demo: OMZIEN_CORS_ON (CORS as by default) and OMZIEN_CORS_OFF (cors off).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from './browser.mjs';

const PAGE = process.env.OMZIEN_PAGE;
const ON = process.env.OMZIEN_CORS_ON;
const OFF = process.env.OMZIEN_CORS_OFF;
const [LON, LAT] = (process.env.OMZIEN_CENTER || '').split(',');
assert.ok(PAGE && ON && OFF && LAT, 'OMZIEN_PAGE, OMZIEN_CORS_ON, OMZIEN_CORS_OFF and OMZIEN_CENTER must be set');
assert.notEqual(new URL(PAGE).origin, new URL(ON).origin, 'the page must be of another origin');

let browser;

before(async () => {
  browser = await launch({ webgl: true });
});

after(async () => {
  await browser?.close();
});

/** Opens the page against the server at `api` and waits until the map is idle (or 20 s). */
async function embed(api) {
  const page = await browser.context.newPage();
  const url = `${PAGE}/?api=${encodeURIComponent(api)}&lon=${LON}&lat=${LAT}`;
  await page.goto(url);
  await page.waitForFunction(() => window.result && (window.result.done || window.result.tileErrors.length > 0), null, { timeout: 60000 });
  // Give failing tiles a moment to report all their errors.
  await page.waitForTimeout(500);
  const result = await page.evaluate(() => window.result);
  await page.close();
  return result;
}

test('with CORS (the default) the page reads the API and draws the tiles', async () => {
  const r = await embed(ON);
  assert.equal(r.areaError, null);
  assert.equal(r.area, 'GM9999');
  assert.deepEqual(r.tileErrors, []);
  assert.ok(r.features > 0, `features drawn: ${r.features}`);
});

test('with CORS off the browser blocks both', async () => {
  const r = await embed(OFF);
  assert.equal(r.area, null);
  assert.match(r.areaError, /TypeError|Failed to fetch/);
  assert.ok(r.tileErrors.length > 0, 'the tiles fail to load');
  assert.equal(r.features, 0);
});
