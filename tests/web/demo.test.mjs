// The served web map on the built-in synthetic demo (what `omzien serve` shows a newcomer),
// started by tests/tests/web.rs at OMZIEN_URL: it says the figures are synthetic, and the
// accessibility checks of a11y.mjs hold here too (axe-core in each state, Dutch and English,
// the keyboard path, the table, the names on the map, reflow).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, recordingPage } from './browser.mjs';
import { axe, chooseByKeyboard, namesOnMap, reflow, settled, sortByKeyboard, tabWalk } from './a11y.mjs';

const BASE = process.env.OMZIEN_URL;
assert.ok(BASE, 'OMZIEN_URL must name the server under test');

let browser;
before(async () => { browser = await launch({ webgl: true }); });
after(async () => { await browser?.close(); });

for (const lang of ['nl', 'en']) {
  test(`the demo map says it is synthetic and passes axe-core in each state (${lang})`, async () => {
    const { page, problems } = await recordingPage(browser.context);
    await page.goto(`${BASE}/?lang=${lang}`);
    await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
    await settled(page);
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.match(await page.textContent('#synthetic'), /SYNTHETIC/);
    assert.equal(await page.locator('#synthetic').isVisible(), true);
    await axe(page, `served, demo, ${lang}: page opened`);
    await page.waitForSelector('#risk-list li');
    await axe(page, `served, demo, ${lang}: risk list shown`);
    const stops = await tabWalk(page, ['skip', '#lang', '#indicator', /^mode:/, '#wave', '#age', '#level', '#method', '#search', '#search-go', '#download', 'map', 'zoom-in', 'zoom-out', '#areas-scroll', 'sort:name', /^row:/]);
    console.log(`demo keyboard path (${lang}): ${stops.join(' → ')}`);
    const names = await namesOnMap(page, 3);
    console.log(`demo names on the map (${lang}): ${names.join(', ')}`);
    await page.fill('#search', 'Oosterkwartier');
    await page.waitForSelector('#search-results button[data-code="WK999903"]');
    await axe(page, `served, demo, ${lang}: search results shown`);
    await page.fill('#search', '');
    await page.evaluate(() => { document.querySelector('#search-results').replaceChildren(); });
    await chooseByKeyboard(page, 'Oosterkwartier', 'WK999903');
    // The card of a demo area says it is synthetic, too.
    assert.match(await page.textContent('#card .synthetic'), /SYNTHETIC/);
    await axe(page, `served, demo, ${lang}: card of WK999903 open`);
    await page.keyboard.press('Escape');
    await page.waitForSelector('#card', { state: 'hidden' });
    await sortByKeyboard(page);
    await axe(page, `served, demo, ${lang}: table sorted`);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('a search answered after a result was chosen does not bring the results back; Escape then closes the card', async () => {
  const { page, problems } = await recordingPage(browser.context);
  await page.goto(`${BASE}/`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  await settled(page);
  const result = '#search-results button[data-code="WK999903"]';
  await page.fill('#search', 'Oosterkwart');
  await page.waitForSelector(result);
  // The next letter's search is held at the network until the result has been chosen.
  let release;
  const held = new Promise((done) => { release = done; });
  await page.route('**/api/search?*', async (route) => { await held; await route.continue(); });
  const asked = page.waitForRequest((r) => r.url().includes('/api/search?') && r.url().includes('q=Oosterkwarti'));
  await page.type('#search', 'i');
  await asked;
  await page.focus(result);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#card:not([hidden]) #card-code');
  assert.equal(await page.textContent('#card-code'), 'WK999903');
  const answered = page.waitForResponse((r) => r.url().includes('q=Oosterkwarti'));
  release();
  await (await answered).finished();
  // The page has had the whole answer; give its handler time to show it, were it to.
  await page.waitForTimeout(300);
  assert.equal(await page.locator('#search-results li').count(), 0, 'the late answer showed its results');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#card', { state: 'hidden' });
  assert.deepEqual(problems, []);
  await page.close();
});

test('the demo map reflows at 320 CSS pixels', async () => {
  await reflow(browser.context, `${BASE}/`);
});
