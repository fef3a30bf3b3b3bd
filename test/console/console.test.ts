/**
 * The web console as a user meets it: the built console (vite build of
 * console/) served by the real `mcpo serve --http-port` on a seeded repo,
 * driven in Debian's headless Chromium through playwright-core. Every
 * request the page makes is intercepted: anything not to the server's
 * loopback address is aborted and fails the test.
 */
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './_browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMcpoServe } from '../support/mcpo.js';
import { cleanupsAfterEach, fakeSealed, NAMESPACE_DEFAULT, seededRepo, template } from '../serve/_support.js';
import { TestRepo } from '../support/git-repo.js';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const cleanups = cleanupsAfterEach();
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
});

interface Opened {
  page: Page;
  context: BrowserContext;
  base: string;
  /** URLs the page tried to reach off the server (aborted). */
  offsite: string[];
  /** Every API answer body the page received. */
  bodies: string[];
  /** Console errors and CSP reports. */
  problems: string[];
  /** Request URLs and their Authorization and If-None-Match headers. */
  requests: { url: string; authorization?: string; ifNoneMatch?: string }[];
  /** Status of every API answer, by URL. */
  statuses: { url: string; status: number }[];
}

async function serve(repoDir: string, extra: string[] = []): Promise<string> {
  const served = await startMcpoServe(['--http-port', '0', '--repo', repoDir, '--poll-interval', '200ms', ...extra]);
  cleanups.push(() => served.kill());
  const listening = served.logs().find((l) => l.msg === 'listening')!;
  return `http://127.0.0.1:${listening.httpPort as number}`;
}

async function open(base: string, path = '/'): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  cleanups.push(() => context.close());
  const origin = new URL(base).origin;
  const offsite: string[] = [];
  const bodies: string[] = [];
  const problems: string[] = [];
  const requests: Opened['requests'] = [];
  const statuses: Opened['statuses'] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      offsite.push(url);
      return route.abort();
    }
    return route.continue();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (401|503)/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('request', (r) => requests.push({ url: r.url(), authorization: r.headers()['authorization'], ifNoneMatch: r.headers()['if-none-match'] }));
  page.on('response', (r) => {
    statuses.push({ url: r.url(), status: r.status() });
    if (new URL(r.url()).pathname.startsWith('/v1/') && r.status() !== 304)
      void r.text().then(
        (t) => bodies.push(t),
        () => undefined,
      );
  });
  await page.goto(`${base}${path}`);
  cleanups.push(() => {
    expect(offsite, 'requests that left the server').toEqual([]);
    expect(problems, 'console errors, CSP violations').toEqual([]);
  });
  return { page, context, base, offsite, bodies, problems, requests, statuses };
}

/** GET a path as sent, without URL normalization (`..` stays). */
function rawStatus(base: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    const req = request({ host: hostname, port, path, method: 'GET' }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function seeded() {
  const s = await seededRepo();
  cleanups.push(() => s.repo.dispose());
  return s;
}

const card = (page: Page, name: string) => page.getByTestId('template').filter({ has: page.getByRole('heading', { name: new RegExp(`^${name}\\b`) }) });

describe('the web console', () => {
  it('shows the catalog: the seed template, its endpoint and client snippets, with the commit served', async () => {
    const { repo, second } = await seeded();
    const base = await serve(repo.dir);
    const { page } = await open(base);

    const memory = card(page, 'my-memory-server');
    await expect.poll(() => memory.count()).toBe(1);
    await expect.poll(() => memory.getByTestId('endpoint').textContent()).toBe('http://my-memory-server.default.svc.cluster.local:8000/mcp');
    const text = (await memory.textContent())!;
    for (const s of ['node:24-alpine3.21', 'n1-standard-nano', 'cpu 100m, memory 256Mi', 'cpu 200m, memory 512Mi', 'app=mcp-server', 'stdio'])
      expect(text).toContain(s);

    const vscode = JSON.parse((await memory.getByTestId('snippet').textContent())!) as unknown;
    expect(vscode).toEqual({ servers: { 'my-memory-server': { type: 'http', url: 'http://my-memory-server.default.svc.cluster.local:8000/mcp' } } });
    await memory.getByRole('tab', { name: 'Claude Code' }).click();
    expect(await memory.getByTestId('snippet').textContent()).toBe(
      'claude mcp add --transport http my-memory-server http://my-memory-server.default.svc.cluster.local:8000/mcp',
    );
    // Keyboard: arrows move between the tabs.
    await memory.getByRole('tab', { name: 'Claude Code' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => memory.getByTestId('snippet').textContent()).toContain('mcp-remote');
    await memory.getByRole('tab', { name: 'Cursor' }).click();
    expect(JSON.parse((await memory.getByTestId('snippet').textContent())!)).toEqual({
      mcpServers: { 'my-memory-server': { url: 'http://my-memory-server.default.svc.cluster.local:8000/mcp' } },
    });

    expect(await page.getByTestId('commit').textContent()).toBe(second.slice(0, 12));
    const committed = new Date(Number(repo.git('show', '-s', '--format=%ct', second).trim()) * 1000).toISOString();
    await expect.poll(() => page.getByTestId('commit-time').getAttribute('datetime')).toBe(committed);
    // No cluster configured: the pods say so instead of failing.
    expect(await memory.textContent()).toContain('no cluster configured');
  });

  it("lists every namespace past the API's 500 a page, following the page tokens", async () => {
    const repo = await TestRepo.create();
    cleanups.push(() => repo.dispose());
    const files: Record<string, string> = {};
    for (let i = 0; i < 520; i++)
      files[`resources/namespaces/team-${String(i).padStart(3, '0')}.yaml`] = `kind: Namespace\nname: team-${String(i).padStart(3, '0')}\n`;
    repo.writeAll(files);
    await repo.commit('520 namespaces');
    const base = await serve(repo.dir);
    const { page, requests } = await open(base, '/?view=namespaces');
    await expect.poll(() => page.getByTestId('namespace').count(), { timeout: 15_000 }).toBe(520);
    expect(await page.getByTestId('namespace').last().textContent()).toContain('team-519');
    expect(requests.filter((r) => new URL(r.url).pathname === '/v1/namespaces' && new URL(r.url).searchParams.has('pageToken')).length).toBeGreaterThan(0);
  });

  it('filters by namespace, label selector and text, pages through tokens, and keeps the view in the URL', async () => {
    const { repo } = await seeded();
    const base = await serve(repo.dir);
    const { page } = await open(base);
    await expect.poll(() => page.getByTestId('template').count()).toBe(3);

    await page.getByLabel('Namespace').selectOption('tools');
    await expect.poll(() => page.getByTestId('template').count()).toBe(1);
    expect(await card(page, 'git').count()).toBe(1);
    expect(new URL(page.url()).searchParams.get('ns')).toBe('tools');

    await page.goto(`${base}/?view=catalog&labels=app%3Dfetch`);
    await expect.poll(() => page.getByTestId('template').count()).toBe(1);
    expect(await card(page, 'fetch').count()).toBe(1);

    await page.goto(`${base}/?q=memory`);
    await expect.poll(() => page.getByTestId('template').count()).toBe(1);
    expect(await page.getByLabel('Search this page').inputValue()).toBe('memory');

    // Pages of one: the API's page tokens, each page in the URL; back returns.
    await page.goto(`${base}/?size=1`);
    await expect.poll(() => page.getByTestId('template').count()).toBe(1);
    const first = await page.getByTestId('template').getByRole('heading').textContent();
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('page')).toBeTruthy();
    await expect.poll(() => page.getByTestId('template').getByRole('heading').textContent()).not.toBe(first);
    await page.goBack();
    await expect.poll(() => page.getByTestId('template').getByRole('heading').textContent()).toBe(first);
  });

  it('shows presets with usage counts and their templates, namespaces, and secrets by key name only', async () => {
    const { repo } = await seeded();
    const base = await serve(repo.dir);
    const { page, bodies } = await open(base, '/?view=presets');
    const small = page.getByTestId('preset').filter({ hasText: 'n1-standard-small' });
    await expect.poll(() => small.getByTestId('usage').textContent()).toBe('1');
    await expect.poll(() => small.textContent()).toContain('tools/git');
    const nano = page.getByTestId('preset').filter({ hasText: 'n1-standard-nano' });
    expect(await nano.getByTestId('usage').textContent()).toBe('2');
    await expect.poll(() => nano.textContent()).toContain('default/my-memory-server');

    await page.getByRole('link', { name: 'Namespaces' }).click();
    await expect.poll(() => page.getByTestId('namespace').count()).toBe(2);
    expect(await page.getByTestId('namespace').filter({ hasText: 'Tools' }).textContent()).toContain('tools');

    await page.getByRole('link', { name: 'Secrets' }).click();
    const secret = page.getByTestId('secret').filter({ hasText: 'default/db-credentials' });
    await expect.poll(() => secret.getByTestId('keys').textContent()).toBe('password, username');
    expect(await secret.textContent()).toContain('kubernetes.io/basic-auth');
    expect(new URL(page.url()).searchParams.get('view')).toBe('secrets');

    // No ciphertext in the page or in any answer the page got.
    const html = await page.content();
    for (const sealed of [fakeSealed(7), fakeSealed(8)]) {
      expect(html).not.toContain(sealed.slice(0, 40));
      for (const b of bodies) expect(b).not.toContain(sealed.slice(0, 40));
    }
    expect(bodies.length).toBeGreaterThan(0);
  });

  it('shows a new commit without a reload, and a banner with file:line while the newest commit is invalid', async () => {
    const { repo, second } = await seeded();
    const base = await serve(repo.dir);
    const { page, requests, statuses } = await open(base);
    await expect.poll(() => page.getByTestId('template').count()).toBe(3);
    // While nothing changes, the page asks for the serving status with its ETag and gets 304s.
    await expect.poll(() => statuses.filter((s) => s.status === 304).length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(requests.some((r) => new URL(r.url).pathname === '/v1/status' && r.ifNoneMatch !== undefined)).toBe(true);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    repo.write('resources/templates/default/search.yaml', template('search', { labels: { app: 'search' } }));
    const third = await repo.commit('search');
    await expect.poll(() => card(page, 'search').count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('commit').textContent()).toBe(third.slice(0, 12));
    expect(third).not.toBe(second);

    repo.write('resources/templates/default/broken.yaml', 'kind: McpTemplate\nname: broken\nnamespace: default\nimage: node:24\nresource_limit_name: nope\n');
    repo.write('resources/namespaces/bad.yaml', 'kind: Namespace\nname: Not_A_DNS_Name\n');
    const bad = await repo.commit('broken');
    const banner = page.getByTestId('banner');
    await expect.poll(() => banner.textContent(), { timeout: 15_000 }).toContain(`newest commit ${bad.slice(0, 12)} is invalid (3 errors)`);
    // Every diagnostic, each at its file:line (not only the first the header carries).
    await expect.poll(() => banner.textContent()).toMatch(/resources\/templates\/default\/broken\.yaml:\d+/);
    expect(await banner.textContent()).toMatch(/resources\/namespaces\/bad\.yaml:2/);
    // Still serving the last valid commit, in the same page (no reload).
    expect(await page.getByTestId('commit').textContent()).toBe(third.slice(0, 12));
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  it("before any valid commit, lists the failed commit's diagnostics as file:line, then shows the catalog once one is valid", async () => {
    const repo = await TestRepo.create();
    cleanups.push(() => repo.dispose());
    repo.writeAll({
      'resources/namespaces/default.yaml': NAMESPACE_DEFAULT,
      'resources/templates/default/lonely.yaml': template('lonely', { preset: 'missing-preset' }),
    });
    await repo.commit('no preset yet');
    const base = await serve(repo.dir);
    const { page } = await open(base);
    const banner = page.getByTestId('banner').filter({ hasText: 'No valid commit loaded yet' });
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(1);
    expect(await banner.textContent()).toMatch(/resources\/templates\/default\/lonely\.yaml:\d+/);

    repo.write('resources/resource-limits/missing-preset.yaml', 'kind: ResourceLimit\nname: missing-preset\nlimits: {cpu: 100m, memory: 128Mi}\n');
    const fixed = await repo.commit('add the preset');
    await expect.poll(() => card(page, 'lonely').count(), { timeout: 15_000 }).toBe(1);
    expect(await banner.count()).toBe(0);
    expect(await page.getByTestId('commit').textContent()).toBe(fixed.slice(0, 12));
  });

  it('says so when the server stops answering, keeping what it showed', async () => {
    const { repo } = await seeded();
    const served = await startMcpoServe(['--http-port', '0', '--repo', repo.dir]);
    cleanups.push(() => served.kill());
    const base = `http://127.0.0.1:${served.logs().find((l) => l.msg === 'listening')!.httpPort as number}`;
    const { page, problems } = await open(base);
    await expect.poll(() => page.getByTestId('template').count()).toBe(3);
    await served.kill();
    await expect.poll(() => page.getByTestId('banner').textContent(), { timeout: 10_000 }).toContain('does not answer');
    expect(await page.getByTestId('template').count()).toBe(3);
    await page.close();
    problems.length = 0; // the browser logged the refused connections
  });

  it('says why the repository cannot be read while it cannot, still showing the last commit read', async () => {
    const { repo, second } = await seeded();
    // A URL (cloned and fetched), so that a remote that goes away is a failed fetch.
    const bare = mkdtempSync(join(tmpdir(), 'mcpo-console-origin-'));
    cleanups.push(() => rmSync(bare, { recursive: true, force: true }));
    repo.git('clone', '--quiet', '--bare', repo.dir, join(bare, 'config.git'));
    const cache = mkdtempSync(join(tmpdir(), 'mcpo-console-cache-'));
    cleanups.push(() => rmSync(cache, { recursive: true, force: true }));
    const base = await serve(`file://${join(bare, 'config.git')}`, ['--cache-dir', cache]);
    const { page } = await open(base);
    await expect.poll(() => page.getByTestId('template').count(), { timeout: 15_000 }).toBe(3);
    expect(await page.getByTestId('source-banner').count()).toBe(0);

    renameSync(join(bare, 'config.git'), join(bare, 'moved.git'));
    const banner = page.getByTestId('source-banner');
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(1);
    expect(await banner.textContent()).toMatch(/The repository cannot be read:.*config\.git.*Still serving/s);
    expect(await banner.textContent()).toContain(second.slice(0, 12));
    expect(await page.getByTestId('template').count()).toBe(3);

    renameSync(join(bare, 'moved.git'), join(bare, 'config.git'));
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(0);
  });

  it('fits a phone screen without sideways scrolling', async () => {
    const { repo } = await seeded();
    const base = await serve(repo.dir);
    const { page } = await open(base);
    await page.setViewportSize({ width: 360, height: 740 });
    await expect.poll(() => page.getByTestId('template').count()).toBe(3);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it('has no WCAG 2.1 A/AA violations axe-core can find, in every view, at desktop and phone sizes, with the banner up', async () => {
    const { repo } = await seeded();
    repo.write('resources/namespaces/bad.yaml', 'kind: Namespace\nname: Not_A_DNS_Name\n');
    await repo.commit('invalid newest commit: the banner is part of the page checked');
    const base = await serve(repo.dir);
    const { page } = await open(base);
    await expect.poll(() => page.getByTestId('banner').count(), { timeout: 15_000 }).toBe(1);
    // Evaluated through the DevTools protocol, which the page's CSP does not govern (no script tag is added).
    await page.evaluate(AXE_SOURCE);
    const violations: string[] = [];
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      for (const view of ['Catalog', 'Presets', 'Namespaces', 'Secrets']) {
        await page.getByRole('link', { name: view, exact: true }).click();
        await page.waitForLoadState('networkidle');
        const found = await page.evaluate(async () => {
          const axe = (
            window as unknown as { axe: { run: (o: object) => Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }
          ).axe;
          const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
        });
        violations.push(...found.map((f) => `${view} at ${viewport.width}px: ${f}`));
      }
    }
    expect(violations).toEqual([]);
  });

  it('with auth on, asks for a token, keeps it in sessionStorage and never puts it in a URL', async () => {
    const { repo } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-console-token-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const token = 's3cret-console-token-0123456789';
    writeFileSync(join(dir, 'token'), `${token}\n`, { mode: 0o600 });
    const base = await serve(repo.dir, ['--auth-token-file', join(dir, 'token')]);
    const { page, requests } = await open(base);

    await expect.poll(() => page.getByLabel('Token').count()).toBe(1);
    expect(await page.getByTestId('template').count()).toBe(0);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.getByTestId('template').count()).toBe(3);

    expect(await page.evaluate(() => sessionStorage.getItem('mcpo.token'))).toBe(token);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.reload();
    await expect.poll(() => page.getByTestId('template').count()).toBe(3);
    for (const r of requests) expect(r.url).not.toContain(token);
    expect(requests.filter((r) => new URL(r.url).pathname.startsWith('/v1/') && r.authorization === `Bearer ${token}`).length).toBeGreaterThan(0);
    expect(page.url()).not.toContain(token);

    // A token the server no longer accepts: asked again, saying so.
    await page.evaluate(() => sessionStorage.setItem('mcpo.token', 'stale-token'));
    await page.reload();
    await expect.poll(() => page.getByLabel('Token').count()).toBe(1);
    expect(await page.locator('form.token').textContent()).toContain('did not accept the token');
  });

  it('catches a request that would leave the server (the guard every test ends with)', async () => {
    const { repo } = await seeded();
    const base = await serve(repo.dir);
    const { page, offsite, problems } = await open(base);
    await expect.poll(() => page.getByTestId('template').count()).toBe(3);
    // The page's CSP (connect-src 'self') stops this first; the interception records what tried.
    const outcome = await page.evaluate(() =>
      fetch('http://198.51.100.7/x').then(
        () => 'sent',
        () => 'blocked',
      ),
    );
    expect(outcome).toBe('blocked');
    await page.goto('http://198.51.100.7/').catch(() => undefined);
    expect(offsite).toEqual(['http://198.51.100.7/']);
    offsite.length = 0;
    problems.length = 0;
  });

  it('serves its files with a strict Content-Security-Policy and content types, open like the probes', async () => {
    const { repo } = await seeded();
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-console-token-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'token'), 'a-token-for-the-api-only-0123456789\n', { mode: 0o600 });
    const base = await serve(repo.dir, ['--auth-token-file', join(dir, 'token')]);
    // The page and its files hold no data: open without a token; the API is not.
    expect((await fetch(`${base}/v1/templates`)).status).toBe(401);
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
    const html = await index.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style=/);
    const js = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const css = /href="(\/console\/assets\/[^"]+\.css)"/.exec(html)![1]!;
    expect((await fetch(`${base}${js}`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${base}${css}`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    // Only the files built at start are served: no path reaches the file system.
    for (const path of ['/console/../package.json', '/console/assets/../../../package.json', '/console/assets/nope.js', '/console/index.html']) {
      expect(await rawStatus(base, path), path).toBe(401);
    }
  });
});
