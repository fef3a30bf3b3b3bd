// Screenshots of the main views for the docs: `node console/screenshots.mjs BASE_URL OUT_DIR`
// against a running `mcpo serve --http-port` (Debian's chromium, no download).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [base = 'http://127.0.0.1:8080', out = 'docs/console'] = process.argv.slice(2);
mkdirSync(out, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const [name, query, viewport] of [
    ['catalog', '/', { width: 1280, height: 800 }],
    ['presets', '/?view=presets', { width: 1280, height: 800 }],
    ['secrets', '/?view=secrets', { width: 1280, height: 800 }],
    ['catalog-phone', '/', { width: 390, height: 844 }],
  ]) {
    const page = await browser.newPage({ viewport });
    await page.goto(`${base}${query}`);
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: false });
    await page.close();
  }
} finally {
  await browser.close();
}
