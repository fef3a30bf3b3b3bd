// @ts-check
/**
 * The web console (issue 14): its weight, and how soon a 10,000-template catalog renders.
 *
 * - console_gzip_kb: the JS and CSS `npm run build:console` wrote into build/console/assets,
 *   gzipped at level 9 (what a browser downloads from a server that compresses; mcpo serve
 *   itself sends them as they are, from loopback or behind an ingress). Target ≤ 150 kB.
 * - console_first_card_ms / console_first_page_ms: `mcpo serve --http-port` on the generated
 *   repository; Debian's headless Chromium (playwright-core) opens `/` in a fresh context each
 *   run; the time from navigation to the first template card and to the whole first page
 *   (50 cards). The floor is the API alone: the same first-page request
 *   (`GET /v1/templates?pageSize=50`) fetched from inside an open page.
 *
 * Skipped, with a note, when /usr/bin/chromium (or $CHROMIUM) is missing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { median, ROOT, round, stopProcess } from '../lib.mjs';
import { requireRepo } from './context.mjs';
import { startServe } from './grpc.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const PAGE_SIZE = 50;

/** @type {import('./context.mjs').Part} */
export const consolePart = {
  name: 'console',
  needsRepo: true,
  async run({ opts, repo: maybeRepo, results, row, log }) {
    const repo = requireRepo(maybeRepo);
    const assets = join(ROOT, 'build', 'console', 'assets');
    if (!existsSync(assets)) throw new Error(`${assets} is missing: run npm run build:console`);
    let gzipped = 0;
    let raw = 0;
    for (const file of readdirSync(assets).filter((f) => /\.(js|css)$/.test(f))) {
      const bytes = readFileSync(join(assets, file));
      raw += bytes.length;
      gzipped += gzipSync(bytes, { level: 9 }).length;
    }
    results.console_gzip_kb = round(gzipped / 1024, 1);
    results.console_raw_kb = round(raw / 1024, 1);
    row('console: JS + CSS gzipped (kB)', [gzipped / 1024], { target: 'console_gzip_kb', note: `${round(raw / 1024, 1)} kB before gzip` });

    if (!existsSync(CHROMIUM)) {
      log(`console: ${CHROMIUM} is missing (apt-get install chromium); first render not measured`);
      results.console_first_page_ms = 'skipped: no chromium';
      return;
    }
    const { chromium } = await import('playwright-core');
    const serve = await startServe(repo.dir, ['--http-port', '0'], 'httpPort');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const base = `http://127.0.0.1:${serve.value}`;
      // Measured once the commit is loaded (readyz), so no run includes the snapshot build.
      for (let t0 = Date.now(); (await fetch(`${base}/readyz`)).status !== 200;) {
        if (Date.now() - t0 > 120_000) throw new Error('mcpo serve did not become ready within 120 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      /** @type {number[]} */ const firstCard = [];
      /** @type {number[]} */ const firstPage = [];
      /** @type {number[]} */ const api = [];
      const runs = Math.max(3, opts.runs);
      for (let i = 0; i < runs; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
        try {
          const page = await context.newPage();
          const started = performance.now();
          await page.goto(`${base}/`);
          await page.getByTestId('template').first().waitFor({ timeout: 60_000 });
          firstCard.push(performance.now() - started);
          await page.waitForFunction((n) => globalThis.document.querySelectorAll('[data-testid="template"]').length === n, PAGE_SIZE, { timeout: 60_000 });
          firstPage.push(performance.now() - started);
          api.push(
            await page.evaluate(async (n) => {
              const t0 = performance.now();
              const res = await fetch(`/v1/templates?pageSize=${n}`, { cache: 'no-store' });
              await res.json();
              return performance.now() - t0;
            }, PAGE_SIZE),
          );
        } finally {
          await context.close();
        }
      }
      results.console_first_card_ms = round(median(firstCard), 0);
      results.console_first_page_ms = round(median(firstPage), 0);
      results.console_api_page_ms = round(median(api), 1);
      const floor = median(api);
      row(`console: first card, ${repo.templates.length} templates (ms)`, firstCard);
      row(`console: first page of ${PAGE_SIZE} cards (ms)`, firstPage, {
        floor,
        ratio: round(median(firstPage) / floor, 1),
        note: 'floor: the same API page fetched from an open page',
      });
    } finally {
      await browser.close();
      await stopProcess(serve.child);
    }
  },
};
