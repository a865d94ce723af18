// screenshots.mjs URL DIR - screenshots of the page of `insearch serve` at
// URL (over the sample corpus) into DIR: search.png (search results),
// weaknesses.png (common weaknesses) and provider.png (provider view), all
// 1280x900 PNG. Uses the system Chromium (/usr/bin/chromium or $CHROMIUM).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base, dir] = process.argv.slice(2);
if (!base || !dir) {
  console.error('usage: node screenshots.mjs URL DIR');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });

const shots = [
  { file: 'search.png', path: '/?q=off-the-job%20training', ready: 'ol.results > li.result' },
  { file: 'weaknesses.png', path: '/?view=weaknesses', ready: 'svg.bar-chart' },
  { file: 'provider.png', path: '/?view=provider&provider=58241', ready: '.peer-list' },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox'],
});
let rc = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const s of shots) {
    await page.goto(new URL(s.path, base).href);
    await page.waitForSelector(s.ready, { timeout: 15000 });
    // The caret and focus ring would differ from run to run.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    const out = join(dir, s.file);
    await page.screenshot({ path: out, type: 'png' });
    console.log(out);
  }
} catch (e) {
  console.error(`screenshots: ${e.message}`);
  rc = 1;
} finally {
  await browser.close();
}
process.exit(rc);
