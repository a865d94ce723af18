// e2e.mjs URL - end-to-end test of the page of `insearch serve` in a real
// Chromium (the system one: /usr/bin/chromium or $CHROMIUM), driven with
// playwright-core. The server must serve the sample corpus plus the hostile
// report tests/browser.sh adds. Prints one TAP-like line per step and
// exits non-zero when a step fails.
//
// Every step checks what is on the page against what the API answers for
// the same request (fetched here directly), not fixed numbers.
import { chromium } from 'playwright-core';

const base = process.argv[2];
if (!base) {
  console.error('usage: node e2e.mjs URL');
  process.exit(2);
}
const origin = new URL(base).origin;
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT = 15000;

const api = async (path) => {
  const res = await fetch(new URL(path, origin));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
};
const assert = (cond, msg) => { if (!cond) throw new Error(msg); };

const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
context.setDefaultTimeout(STEP_TIMEOUT);

// Everything the page does is watched: a request to another host, a JS
// error or a console error fails the step it happens in.
const problems = [];
const foreign = [];
const watch = (page) => {
  page.on('request', (req) => {
    const u = req.url();
    if (u.startsWith('data:') || u.startsWith('about:')) return;
    if (new URL(u).origin !== origin) foreign.push(u);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`); });
  return page;
};
const page = watch(await context.newPage());

let failed = 0;
let n = 0;
// allowed: console errors a step expects (Chromium logs every 4xx answer
// as "Failed to load resource").
async function step(name, fn, allowed) {
  n += 1;
  const before = problems.length;
  const foreignBefore = foreign.length;
  try {
    await fn();
    const unexpected = problems.slice(before).filter((p) => !(allowed && allowed.test(p)));
    assert(unexpected.length === 0, unexpected.join('; '));
    assert(foreign.length === foreignBefore, `requests to other hosts: ${foreign.slice(foreignBefore).join(', ')}`);
    console.log(`ok ${n} - ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`not ok ${n} - ${name}`);
    for (const line of String(e && e.message ? e.message : e).split('\n').slice(0, 8)) console.log(`#   ${line}`);
  }
}

const box = () => page.locator('#q');
const results = () => page.locator('ol.results > li.result');
async function search(text) {
  await box().fill(text);
  await box().press('Enter');
  await page.waitForSelector('#result-count');
}
const param = (name) => new URL(page.url()).searchParams.get(name);

await step('a search shows highlighted results and the total of the API', async () => {
  await page.goto(base);
  await box().fill('off-the-job training');
  await box().press('Enter');
  await page.waitForSelector('ol.results > li.result');
  assert(param('q') === 'off-the-job training', `the URL has q= (${page.url()})`);
  const want = await api('/api/search?q=off-the-job%20training&limit=1');
  const total = await page.locator('#result-count').getAttribute('data-total');
  const text = await page.locator('#result-count').innerText();
  assert(Number(total) === want.total, `count ${total} vs API total ${want.total}`);
  assert(text.replace(/[^0-9]/g, '') === String(want.total), `the count text "${text}" shows ${want.total}`);
  const count = await results().count();
  assert(count === Math.min(10, want.total), `${count} results shown`);
  const marks = await page.locator('ol.results .snippet mark').allInnerTexts();
  assert(marks.length > 0, 'highlighted words');
  assert(marks.every((m) => /off|job|train/i.test(m)), `highlights are query words: ${marks.slice(0, 6).join(', ')}`);
  // The first snippet on the page is the API's, with marks exactly at its
  // (byte) highlight offsets.
  const first = (await api('/api/search?q=off-the-job%20training&limit=1')).results[0];
  const bytes = Buffer.from(first.snippet, 'utf8');
  const wantMarks = first.highlights.map(([s, e]) => bytes.subarray(s, e).toString('utf8'));
  const gotMarks = await results().first().locator('.snippet mark').allInnerTexts();
  assert(JSON.stringify(gotMarks) === JSON.stringify(wantMarks), `marks ${JSON.stringify(gotMarks)} vs ${JSON.stringify(wantMarks)}`);
  assert((await results().first().locator('.snippet').innerText()) === first.snippet, 'the snippet text is intact');
});

let riTotal = 0;
await step('a grade facet filters the results and goes into the URL', async () => {
  const before = await page.locator('#result-count').getAttribute('data-total');
  await page.locator('a.facet[data-facet="grade"][data-value="requires-improvement"]').click();
  await page.waitForFunction(() => new URL(location.href).searchParams.get('grade') === 'requires-improvement');
  await page.waitForSelector('a.facet.on[data-facet="grade"]');
  const want = await api('/api/search?q=off-the-job%20training&grade=requires-improvement&limit=1');
  riTotal = want.total;
  const total = await page.locator('#result-count').getAttribute('data-total');
  assert(Number(total) === want.total && String(want.total) !== before, `filtered count ${total} (API ${want.total}, before ${before})`);
  const grades = await page.locator('ol.results .result-head .grade').evaluateAll((els) => els.map((e) => e.dataset.grade));
  assert(grades.length > 0 && grades.every((g) => g === 'requires-improvement'), `grades shown: ${grades.join(', ')}`);
  assert(await page.locator('#f-grade').inputValue() === 'requires-improvement', 'the grade select shows the filter');
  assert(param('q') === 'off-the-job training', 'the query is kept');
});

await step('Download CSV gives the filtered results as a spreadsheet', async () => {
  const link = page.locator('#csv-link');
  const href = await link.getAttribute('href');
  const u = new URL(href, origin);
  assert(u.pathname === '/api/search.csv', `the link goes to search.csv (${href})`);
  assert(u.searchParams.get('q') === 'off-the-job training' && u.searchParams.get('grade') === 'requires-improvement',
    `the link carries the query and the filter (${href})`);
  const downloading = page.waitForEvent('download');
  await link.click();
  const dl = await downloading;
  assert(dl.suggestedFilename() === 'insearch-results.csv', `file name ${dl.suggestedFilename()}`);
  const path = await dl.path();
  const text = (await import('node:fs')).readFileSync(path, 'utf8');
  assert(text.startsWith('\uFEFF"rank","provider","urn"'), `a UTF-8 CSV with its header: ${text.slice(0, 40)}`);
  const rows = text.split('\r\n').filter((l) => l.length > 0).length - 1; /* less the header */
  assert(rows === Math.min(riTotal, 1000), `${rows} rows for ${riTotal} results`);
  assert(text.includes('"requires-improvement"'), 'the rows have the grade filtered on');
});

await step('a result opens its report with the passage highlighted; Back returns', async () => {
  const firstResult = results().first();
  const provider = await firstResult.locator('.provider').innerText();
  const href = await firstResult.locator('a.report-link').getAttribute('href');
  const listUrl = page.url();
  await firstResult.locator('a.report-link').click();
  await page.waitForSelector('#report-provider');
  const params = new URL(href, origin).searchParams;
  const report = await api(`/api/report/${params.get('id')}`);
  assert((await page.locator('#report-provider').innerText()) === report.report.provider, 'the provider name is shown');
  assert(report.report.provider === provider, `the report is the result's (${provider})`);
  const linked = page.locator('.passage.linked');
  assert(await linked.count() === 1, 'one passage is highlighted');
  const p = report.passages.find((x) => x.passage_index === Number(params.get('p')));
  assert((await linked.locator('p').innerText()) === p.passage, 'it is the passage of the result');
  await page.waitForFunction(() => {
    const r = document.querySelector('.passage.linked').getBoundingClientRect();
    return r.top >= 0 && r.bottom <= innerHeight + 1;
  }, null, { timeout: 3000 }).catch(() => { throw new Error('the passage is scrolled into view'); });
  const sections = await page.locator('.report-section').count();
  assert(sections > 1, `passages by section (${sections} sections)`);
  await page.goBack();
  await page.waitForSelector('ol.results > li.result');
  assert(page.url() === listUrl, `Back returns to the results (${page.url()})`);
  assert(Number(await page.locator('#result-count').getAttribute('data-total')) === riTotal, 'the same results');
});

await step('type-ahead suggests providers and themes, and works by keyboard', async () => {
  await page.goto(base);
  await box().click();
  await box().pressSequentially('north', { delay: 20 });
  const north = page.locator('#suggestions [role="option"]', { hasText: 'Northbrook' });
  await north.waitFor();
  assert(await box().getAttribute('aria-expanded') === 'true', 'aria-expanded is true');
  await page.keyboard.press('Escape');
  assert(await page.locator('#suggestions').isHidden(), 'Escape closes the list');
  await box().fill('');
  await box().pressSequentially('preve', { delay: 20 });
  const prevent = page.locator('#suggestions [role="option"]', { hasText: 'Prevent' });
  await prevent.waitFor();
  const options = await page.locator('#suggestions [role="option"]').allInnerTexts();
  const idx = options.findIndex((t) => /Prevent/.test(t));
  for (let i = 0; i <= idx; i += 1) await page.keyboard.press('ArrowDown');
  const active = await box().getAttribute('aria-activedescendant');
  assert(active && (await page.locator(`#${active}`).innerText()).includes('Prevent'), 'ArrowDown moves to the Prevent option');
  assert(await page.locator(`#${active}`).getAttribute('aria-selected') === 'true', 'aria-selected on it');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result-count');
  assert(param('theme') === 'prevent', `Enter sets the theme filter (${page.url()})`);
  const want = await api('/api/search?theme=prevent&limit=1');
  assert(Number(await page.locator('#result-count').getAttribute('data-total')) === want.total, 'the theme search ran');
  // and a provider chosen by keyboard opens its provider view
  await box().fill('');
  await box().pressSequentially('north', { delay: 20 });
  await north.waitFor();
  const pOptions = await page.locator('#suggestions [role="option"]').allInnerTexts();
  const pIdx = pOptions.findIndex((t) => /Northbrook/.test(t));
  for (let i = 0; i <= pIdx; i += 1) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#provider-name');
  assert((await page.locator('#provider-name').innerText()) === 'Northbrook Skills Limited', 'the provider view opens');
});

await step('the common weaknesses view draws one bar per theme with passages', async () => {
  await page.goto(base);
  await page.locator('#nav-weaknesses').click();
  await page.waitForSelector('svg.bar-chart');
  const want = await api('/api/weaknesses?examples=3');
  const bars = page.locator('svg.bar-chart a.bar');
  assert(await bars.count() === want.themes.length, `${await bars.count()} bars for ${want.themes.length} themes`);
  const ids = await bars.evaluateAll((els) => els.map((e) => e.dataset.theme));
  assert(JSON.stringify(ids) === JSON.stringify(want.themes.map((t) => t.id)), 'the bars are the themes in order');
  const widths = await page.locator('svg.bar-chart .bar-fill').evaluateAll((els) => els.map((e) => Number(e.getAttribute('width'))));
  assert(widths.every((w, i) => i === 0 || w <= widths[i - 1] + 0.01 || want.themes[i].share > want.themes[i - 1].share), 'bar lengths follow the shares');
  const firstQuote = want.themes[0].passages[0].passage;
  const quotes = await page.locator('#theme-0 blockquote').allInnerTexts();
  assert(quotes.length === want.themes[0].passages.length && quotes[0] === firstQuote, 'representative passages of the first theme');
  assert(await page.locator('svg.sparkline').count() > 0, 'trend by year');
  await page.locator('.toggle a', { hasText: 'Strengths' }).click();
  await page.waitForFunction(() => document.body.dataset.view === 'strengths' && document.querySelector('svg.bar-chart'));
  const strong = await api('/api/strengths?examples=3');
  assert(await page.locator('svg.bar-chart a.bar').count() === strong.themes.length, 'the strengths toggle');
  assert(param('view') === 'strengths', 'the view is in the URL');
});

await step('the provider view shows the grade history and comparable providers', async () => {
  await page.goto(new URL('/?view=provider&provider=58241', origin).href);
  await page.waitForSelector('#provider-name');
  const hist = await api('/api/history?provider=58241');
  const sim = await api('/api/similar?provider=58241&limit=6');
  assert((await page.locator('#provider-name').innerText()) === hist.provider, 'the provider name');
  const items = page.locator('.timeline-item');
  assert(await items.count() === hist.reports.length, `${await items.count()} reports in the history, API ${hist.reports.length}`);
  const links = await page.locator('.timeline-item a.history-report').evaluateAll((els) => els.map((e) => new URL(e.href).searchParams.get('id')));
  assert(JSON.stringify(links) === JSON.stringify(hist.reports.map((r) => r.id)), 'each report linked, oldest first');
  const grades = await page.locator('.timeline-item .grade').evaluateAll((els) => els.map((e) => e.dataset.grade));
  assert(JSON.stringify(grades) === JSON.stringify(hist.reports.map((r) => r.grade)), `grades ${grades.join(', ')}`);
  const improved = hist.reports.flatMap((r) => r.improved);
  assert(await page.locator('.moves.improved .theme').count() === improved.length, 'themes that became strengths');
  const peers = await page.locator('#peers-title + .note + .peer-list a.peer-link').allInnerTexts();
  assert(peers.length === sim.providers.length && peers[0] === sim.providers[0].provider, `comparable providers: ${peers.join(', ')}`);
  assert(await page.locator('svg.grade-chart circle').count() > 0, 'the grade chart');
});

await step('the provider view drafts a development plan and downloads it as CSV and markdown', async () => {
  await page.goto(new URL('/?view=provider&provider=1279046', origin).href);
  await page.waitForSelector('#provider-name');
  await page.locator('#plan-button').click();
  await page.waitForSelector('#plan-title');
  const plan = await api('/api/plan?provider=1279046');
  assert((await page.locator('#plan-title').innerText()) === plan.provider.name, 'the plan names the provider');
  const recs = await page.locator('.plan-item .plan-rec').allInnerTexts();
  assert(recs.length === plan.items.length, `${recs.length} items shown, API ${plan.items.length}`);
  plan.items.forEach((it, i) => assert(recs[i].includes(it.recommendation.text), `item ${i + 1} is the report's recommendation`));
  const statuses = await page.locator('.plan-progress tbody .plan-status').allInnerTexts();
  assert(JSON.stringify(statuses) === JSON.stringify(plan.progress.map((g) => (g.status === 'no-evidence' ? 'no evidence' : g.status))),
    `progress since the earlier report: ${statuses.join(', ')}`);
  for (const [id, name, start] of [['#plan-csv', 'insearch-plan.csv', '\uFEFF"part","item","theme"'], ['#plan-md', 'insearch-plan.md', '# Development plan: Denholm Training Services Ltd']]) {
    const downloading = page.waitForEvent('download');
    await page.locator(id).click();
    const dl = await downloading;
    assert(dl.suggestedFilename() === name, `file name ${dl.suggestedFilename()}`);
    const text = (await import('node:fs')).readFileSync(await dl.path(), 'utf8');
    assert(text.startsWith(start), `${name} starts as it should: ${text.slice(0, 40)}`);
  }
});

await step('a malformed query shows the error and its column', async () => {
  await page.goto(base);
  await search('grade:').catch(() => {});
  await page.waitForSelector('#error:not([hidden])');
  const res = await fetch(new URL('/api/search?q=grade%3A', origin));
  const body = await res.json();
  const shown = await page.locator('#error').innerText();
  assert(res.status === 400 && shown.includes(body.error), `the message is shown: ${shown}`);
  assert(shown.includes(`column ${body.column}`), 'the column is pointed at');
  assert(await page.locator('#error .error-at').count() === 1, 'the column is marked in the query');
  assert(await results().count() === 0, 'no stale results');
}, /^console error: Failed to load resource: the server responded with a status of 400/);

await step('a bookmarked /?q= URL runs its search', async () => {
  await page.goto(new URL('/?q=%22the%20Prevent%20duty%22', origin).href);
  await page.waitForSelector('ol.results > li.result');
  const want = await api('/api/search?q=%22the%20Prevent%20duty%22&limit=1');
  assert(await box().inputValue() === '"the Prevent duty"', 'the box shows the query');
  assert(Number(await page.locator('#result-count').getAttribute('data-total')) === want.total, 'the total matches the API');
  const marks = await page.locator('ol.results .snippet mark').allInnerTexts();
  assert(marks.some((m) => /prevent/i.test(m)), 'highlights');
});

await step('report text is shown as text, never run as markup', async () => {
  await page.goto(base);
  await search('Xss Test');
  await page.waitForSelector('ol.results > li.result');
  const text = await page.locator('ol.results').innerText();
  assert(text.includes('<script>') || text.includes('<img'), `the markup shows literally: ${text.slice(0, 300)}`);
  assert(await page.locator('ol.results script, ol.results img').count() === 0, 'no element was made from report text');
  const full = await page.locator('ol.results').evaluate((e) => e.textContent);
  await page.locator('a.report-link').first().click();
  await page.waitForSelector('#report-provider');
  const body = await page.locator('.report-body').innerText();
  for (const s of ['<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=2">', '&amp; "quotes" \'single\'']) {
    assert(body.includes(s), `the report shows ${s} literally`);
  }
  assert(await page.locator('.report-body script, .report-body img').count() === 0, 'no element in the report');
  assert(await page.evaluate(() => window.__pwned) === undefined, 'window.__pwned is undefined');
  assert(full.length > 0, 'results had text');
  assert((await page.locator('#report-provider').innerText()).includes('Xss Test'), 'the hostile report opened');
});

await step('a narrow screen (375x800) needs no horizontal scrolling', async () => {
  const narrow = watch(await context.newPage());
  await narrow.setViewportSize({ width: 375, height: 800 });
  for (const path of ['/?q=off-the-job%20training', '/?view=weaknesses', '/?view=provider&provider=58241']) {
    await narrow.goto(new URL(path, origin).href);
    await narrow.waitForSelector(path.includes('weak') ? 'svg.bar-chart' : path.includes('provider') ? '#provider-name' : 'ol.results > li.result');
    const width = await narrow.evaluate(() => document.scrollingElement.scrollWidth);
    assert(width <= 376, `${path}: scrollWidth ${width}`);
    assert(await narrow.locator('#q').isVisible(), `${path}: the search box is visible`);
  }
  await narrow.goto(new URL('/?q=off-the-job%20training', origin).href);
  await narrow.waitForSelector('ol.results > li.result');
  const box1 = await narrow.locator('ol.results > li.result').first().boundingBox();
  assert(box1 && box1.x >= 0 && box1.x + box1.width <= 375, `the first result fits (${JSON.stringify(box1)})`);
  await narrow.close();
});

await step('keyboard only: Tab to the box, Enter searches, Tab to a report link, Enter opens it', async () => {
  const kb = watch(await context.newPage());
  await kb.goto(base);
  await kb.waitForSelector('.welcome');
  let guard = 0;
  while (guard < 15 && !(await kb.evaluate(() => document.activeElement && document.activeElement.id === 'q'))) {
    await kb.keyboard.press('Tab');
    guard += 1;
  }
  assert(guard < 15, 'Tab reaches the search box');
  await kb.keyboard.type('safeguarding');
  await kb.keyboard.press('Enter');
  await kb.waitForSelector('ol.results > li.result');
  guard = 0;
  while (guard < 80 && !(await kb.evaluate(() => {
    const a = document.activeElement;
    return a && a.matches('a.report-link') && a === document.querySelector('a.report-link');
  }))) {
    await kb.keyboard.press('Tab');
    guard += 1;
  }
  assert(guard < 80, 'Tab reaches the first report link');
  const outline = await kb.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert(outline !== 'none', 'the focus is visible');
  await kb.keyboard.press('Enter');
  await kb.waitForSelector('#report-provider');
  assert(await kb.locator('.passage.linked').count() === 1, 'the report opened at its passage');
  assert(await kb.evaluate(() => document.activeElement.classList.contains('linked')), 'focus moves to the passage');
  await kb.close();
});

await browser.close();
console.log(failed ? `# ${failed} of ${n} steps failed` : `# all ${n} steps passed`);
process.exit(failed ? 1 : 0);
