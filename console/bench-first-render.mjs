// Time to first render of a large catalog in headless Chromium:
//   node console/bench-first-render.mjs [templates=10000]
// Builds a config repository with that many templates, starts the real
// `mcpo serve --http-port`, and reports, over 5 fresh page loads, the time from
// navigation to the first template card and to the whole first page (50 cards).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const count = Number(process.argv[2] ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'mcpo-console-bench-'));
const git = (...args) => execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore' });
const write = (path, text) => {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
};
let server;
let browser;
try {
  git('init', '-q', '-b', 'main');
  write('resources/namespaces/default.yaml', 'kind: Namespace\nname: default\n');
  write('resources/resource-limits/n1-standard-nano.yaml', 'kind: ResourceLimit\nname: n1-standard-nano\nlimits: {cpu: 100m, memory: 256Mi}\n');
  for (let i = 0; i < count; i++) {
    const name = `server-${String(i).padStart(5, '0')}`;
    write(
      `resources/templates/default/${name}.yaml`,
      `kind: McpTemplate\nname: ${name}\nnamespace: default\nimage: node:24-alpine3.21\ncommand: [npx]\nargs: [-y, "@modelcontextprotocol/server-memory"]\nresource_limit_name: n1-standard-nano\nlabels: {app: bench}\n`,
    );
  }
  git('add', '-A');
  git('-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', 'commit', '-qm', 'bench');

  server = spawn(process.execPath, [join(root, 'bin/mcpo.js'), 'serve', '--repo', dir, '--port', '0', '--http-port', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const port = await new Promise((resolve, reject) => {
    let err = '';
    server.stderr.on('data', (c) => {
      err += c;
      const line = err.split('\n').find((l) => l.includes('"msg":"listening"'));
      if (line) resolve(JSON.parse(line).httpPort);
    });
    server.on('exit', (code) => reject(new Error(`mcpo serve exited ${code}: ${err}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  const first = [];
  const page50 = [];
  for (let run = 0; run < 5; run++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${base}/`);
    await page.getByTestId('template').first().waitFor();
    first.push(performance.now() - started);
    await page.waitForFunction(() => globalThis.document.querySelectorAll('[data-testid="template"]').length === 50);
    page50.push(performance.now() - started);
    await context.close();
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)].toFixed(0);
  console.log(`${count} templates: first card ${median(first)} ms, first page (50 cards) ${median(page50)} ms (median of 5 loads)`);
} finally {
  await browser?.close();
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
