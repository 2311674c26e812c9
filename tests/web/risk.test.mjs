// The web map's risk list on figures with 95 % intervals (started by tests/tests/web.rs, which
// serves a table in 50150NED's layout on the demo's boundaries at OMZIEN_URL): the list marks
// areas by the probability that the mark is true, as /api/risk?by=probability gives it, and
// says what it rests on; on figures without intervals (map.test.mjs) it says so instead.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, recordingPage } from './browser.mjs';

const BASE = process.env.OMZIEN_URL;
const EXPECT = JSON.parse(process.env.OMZIEN_EXPECT ?? '{}');
assert.ok(BASE, 'OMZIEN_URL must name the server under test');

let browser;
before(async () => { browser = await launch({ webgl: true }); });
after(async () => { await browser?.close(); });

async function api(path) {
  const r = await fetch(BASE + path);
  assert.equal(r.status, 200, `${path}: ${r.status}`);
  return r.json();
}

for (const [lang, word, sure] of [['nl', 'kans', 'getrokken uit de 95%-intervallen'], ['en', 'probability', 'drawn from the 95% intervals']]) {
  for (const mode of ['level', 'change']) {
    test(`the risk list carries each area's probability (${lang}, ${mode})`, async () => {
      const { page, problems } = await recordingPage(browser.context);
      const view = mode === 'level' ? 'mode=level&wave=2024' : 'mode=change&from=2022&to=2024';
      await page.goto(`${BASE}/?lang=${lang}&level=buurt&indicator=${EXPECT.indicator}&age=18%2B&${view}`);
      await page.waitForSelector('body[data-ready=true]');
      await page.waitForFunction(() => document.querySelectorAll('#risk-list li').length > 0
        && document.querySelector('#risk-how').textContent.length > 0, null, { timeout: 20000 });
      const items = await page.locator('#risk-list li').allTextContents();
      const how = await page.locator('#risk-how').textContent();
      // The same list the API gives by probability, in its order, each with its probability.
      const q = new URLSearchParams({ indicator: EXPECT.indicator, age: '18+', level: 'buurt', limit: '10', by: 'probability', min_prob: '0.8' });
      if (mode === 'level') { q.set('wave', '2024'); q.set('mode', 'high'); } else { q.set('wave', '2024'); q.set('since', '2022'); q.set('mode', 'rising'); }
      const r = await api(`/api/risk?${q}`);
      assert.equal(r.by, 'probability');
      assert.ok(r.rows.length > 0, 'the fixture has a sure area');
      assert.equal(items.length, r.rows.length, items.join(' | '));
      const fmt2 = (v) => v.toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      r.rows.forEach((row, i) => {
        const p = mode === 'level' ? row.p_top : row.p_rise;
        assert.ok(p >= 0.8, `${row.code}: ${p}`);
        assert.ok(items[i].includes(`(${word} ${fmt2(p)})`), `${items[i]} vs ${row.code} ${p}`);
      });
      assert.equal(r.rows[0].code, EXPECT.sure_area);
      assert.ok(items[0].startsWith(`1. ${r.rows[0].name || r.rows[0].code} — `), items[0]);
      assert.ok(how.includes(sure) && how.includes('10000'), how);
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
}
