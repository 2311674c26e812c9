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

test('the demo map reflows at 320 CSS pixels', async () => {
  await reflow(browser.context, `${BASE}/`);
});
