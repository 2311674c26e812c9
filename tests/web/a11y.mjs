// What the served map (map.test.mjs) and the exported site (site.test.mjs) share: waiting for
// the map to settle, axe-core's WCAG 2.1 A/AA rules in each state of the page, the keyboard
// walk, the table that stands in for the map, the names on the map, and reflow at 320 px. One
// page code runs in both places, so one set of checks does too.
import assert from 'node:assert/strict';

const AXE = new URL('./node_modules/axe-core/axe.min.js', import.meta.url).pathname;
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Waits until the map has drawn every tile it wants and the page has read the areas in view. */
export async function settled(page) {
  await page.waitForFunction(() => {
    const m = window.omzien?.map;
    return m && m.loaded() && m.areTilesLoaded() && !m.isMoving() && document.body.dataset.ready === 'true';
  }, null, { timeout: 60000 });
  // The page reads the areas in view on the map's `idle`: let that handler run.
  await page.evaluate(() => new Promise((done) => {
    const m = window.omzien.map;
    if (m.loaded() && m.areTilesLoaded()) setTimeout(done, 120); else m.once('idle', () => setTimeout(done, 120));
  }));
}

/** Runs axe-core's WCAG 2.1 A and AA rules on the page; asserts no violation; returns a line
 * for the log (rules run, passed, to check by hand). */
export async function axe(page, what) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ path: AXE });
  const r = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), WCAG_TAGS);
  const violations = r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => `${n.target} (${n.failureSummary})`).join(' | ')}`);
  assert.deepEqual(violations, [], `${what}: axe-core violations`);
  const run = r.passes.length + r.incomplete.length + r.inapplicable.length + r.violations.length;
  const line = `axe-core ${r.testEngine.version} [${WCAG_TAGS.join(',')}] ${what}: ${run} rules run, ${r.passes.length} passed, 0 violations, ${r.incomplete.length} to check by hand (${r.incomplete.map((i) => i.id).join(', ') || 'none'})`;
  console.log(line);
  assert.ok(r.passes.length >= 10, `${what}: only ${r.passes.length} rules passed`);
  return line;
}

/** What has the keyboard focus: its id, or a description. */
export function focused(page) {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    const style = getComputedStyle(a);
    // The map's canvas shows its ring on the map's frame (a dark and a white ring), others their own outline.
    const frame = a.classList.contains('maplibregl-canvas') ? getComputedStyle(document.getElementById('map'), '::after') : null;
    const ring = frame ? frame.content !== 'none' && parseFloat(frame.borderTopWidth) >= 2
      : (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2);
    const name = a.id ? `#${a.id}`
      : a.dataset.sort ? `sort:${a.dataset.sort}`
      : a.dataset.code ? `${a.closest('#areas') ? 'row' : a.closest('#risk-list') ? 'risk' : 'result'}:${a.dataset.code}`
      : a.classList.contains('maplibregl-canvas') ? 'map'
      : a.className && typeof a.className === 'string' && a.className.includes('maplibregl-ctrl-zoom-in') ? 'zoom-in'
      : a.className && typeof a.className === 'string' && a.className.includes('maplibregl-ctrl-zoom-out') ? 'zoom-out'
      : a.matches('input[name=mode]') ? `mode:${a.value}`
      : a.classList.contains('skip') ? 'skip'
      : `${a.tagName.toLowerCase()}${a.getAttribute('href') ? `[${a.getAttribute('href')}]` : ''}`;
    return { name, ring, visible: a.getBoundingClientRect().width > 0 };
  });
}

/**
 * Walks the page with Tab from the top: every stop has a visible focus ring, the order is the
 * reading order (skip link, language, the controls, search, the risk list or its note, the
 * map and its zoom buttons, the table's sort buttons and rows), and Shift+Tab walks back (no
 * trap). Returns the names of the stops.
 */
export async function tabWalk(page, expected) {
  await page.evaluate(() => { document.activeElement?.blur(); window.scrollTo(0, 0); });
  await page.locator('body').focus().catch(() => {});
  const stops = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f === 'body') break;
    assert.ok(f.ring, `${f.name}: no visible focus indicator`);
    assert.ok(f.visible, `${f.name}: focused but not shown`);
    stops.push(f.name);
    if (f.name.startsWith('row:')) break;
  }
  // The expected stops come in this order (others, such as attribution links, may sit between).
  let at = -1;
  for (const e of expected) {
    const i = stops.findIndex((s, j) => j > at && (typeof e === 'string' ? s === e : e.test(s)));
    assert.ok(i > at, `focus order: ${e} not after ${stops[at]} in ${stops.join(' → ')}`);
    at = i;
  }
  // Back one stop with Shift+Tab: focus moves, no trap.
  await page.keyboard.press('Shift+Tab');
  const back = await focused(page);
  assert.equal(back.name, stops[stops.length - 2], 'Shift+Tab goes back one stop');
  return stops;
}

/** Chooses an area with the keyboard only: type in the search box, arrow down to a result,
 * Enter; the card opens with the area's code and takes the focus; Escape closes it. */
export async function chooseByKeyboard(page, query, code) {
  await page.focus('#search');
  await page.keyboard.type(query);
  await page.waitForSelector(`#search-results button[data-code="${code}"]`, { timeout: 20000 });
  await page.keyboard.press('ArrowDown');
  let f = await focused(page);
  while (f.name !== `result:${code}`) {
    await page.keyboard.press('ArrowDown');
    const g = await focused(page);
    assert.notEqual(g.name, f.name, `no result ${code} reached by arrows`);
    f = g;
  }
  await page.keyboard.press('Enter');
  await page.waitForSelector('#card:not([hidden]) #card-code');
  assert.equal(await page.textContent('#card-code'), code);
  await page.waitForFunction(() => document.activeElement?.id === 'card');
  await settled(page);
  // The table is in step: the area's row is marked selected when it is in view.
  const row = page.locator(`#areas tbody tr[data-code="${code}"]`);
  if (await row.count()) assert.equal(await row.getAttribute('aria-selected'), 'true');
}

/** Sorts the table by a column with the keyboard and checks the order and `aria-sort`. */
export async function sortByKeyboard(page) {
  await page.focus('#areas thead button[data-sort=value]');
  await page.keyboard.press('Enter');
  const th = page.locator('#areas thead th', { has: page.locator('button[data-sort=value]') });
  const sortNow = await th.getAttribute('aria-sort');
  assert.ok(['ascending', 'descending'].includes(sortNow), `aria-sort ${sortNow}`);
  const values = await page.evaluate(() => [...document.querySelectorAll('#areas tbody tr td.num:nth-of-type(2)')]
    .map((td) => { const m = td.textContent.match(/[0-9]+(?:[.,][0-9]+)?/); return m ? parseFloat(m[0].replace(',', '.')) : NaN; })
    .filter((v) => Number.isFinite(v)));
  const sorted = values.slice().sort((a, b) => (sortNow === 'ascending' ? a - b : b - a));
  assert.deepEqual(values, sorted, `values ${sortNow}`);
  assert.ok(values.length >= 2, `${values.length} values`);
}

/** Closes the open card with Escape, sorts the table by keyboard, and opens the first row's
 * card with Enter: the card shows that area and takes the focus. Returns the area's code. */
export async function chooseFromTable(page) {
  await page.keyboard.press('Escape');
  await page.waitForSelector('#card', { state: 'hidden' });
  await sortByKeyboard(page);
  const first = await page.getAttribute('#areas tbody tr button', 'data-code');
  await page.focus('#areas tbody tr button');
  await page.keyboard.press('Enter');
  await page.waitForFunction((c) => document.querySelector('#card-code')?.textContent === c, first);
  assert.equal((await focused(page)).name, '#card');
  return first;
}

/** The names on the map are the names of areas in the table, and none overlap. */
export async function namesOnMap(page, min = 1) {
  const labels = await page.evaluate(() => [...document.querySelectorAll('#labels span')].map((s) => {
    const r = s.getBoundingClientRect();
    return { text: s.textContent, code: s.dataset.code, box: [r.left, r.top, r.right, r.bottom] };
  }));
  assert.ok(labels.length >= min, `${labels.length} names on the map`);
  const rows = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll('#areas tbody tr')].map((r) => [r.dataset.code, r.querySelector('th').textContent])));
  for (const l of labels) assert.equal(rows[l.code], l.text, `label ${l.text} (${l.code}) is the table's name`);
  for (let i = 0; i < labels.length; i++) {
    for (let j = i + 1; j < labels.length; j++) {
      const [a, b] = [labels[i].box, labels[j].box];
      assert.ok(a[2] <= b[0] || b[2] <= a[0] || a[3] <= b[1] || b[3] <= a[1], `${labels[i].text} overlaps ${labels[j].text}`);
    }
  }
  return labels.map((l) => l.text);
}

/** At 320 CSS pixels wide the page reflows: no horizontal scrolling. */
export async function reflow(context, url) {
  const page = await context.newPage();
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto(url);
  await page.waitForSelector('body[data-ready=true]', { timeout: 60000 });
  const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
  assert.ok(scroll <= client + 1, `horizontal scrolling at 320 px: ${scroll} > ${client}`);
  await page.close();
}
