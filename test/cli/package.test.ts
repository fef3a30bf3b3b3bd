/**
 * The npm package as a user installs it: `npm pack` of this checkout,
 * installed into an empty project (no prepare script runs for a tarball, so
 * everything the CLI needs must be in it), then its `mcpo` validates the
 * seed repository and serves the API and the web console.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';

let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpo-package-'));
  // pretest has built build/ and build/console/; pack what is there, as `npm publish` would after prepare.
  execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball into ${dir}`);
  const project = join(dir, 'project');
  execFileSync('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), '{"name":"user-project","private":true}\n');
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error', join(dir, tarball)], {
    cwd: project,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 300_000,
  });
  bin = join(project, 'node_modules', '.bin', 'mcpo');
}, 360_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the published npm package', () => {
  it('validates this repository with its own mcpo', () => {
    const out = execFileSync(bin, ['validate', '--repo', REPO_ROOT], { encoding: 'utf8' });
    expect(out).toMatch(/^valid: \d+ namespaces, \d+ resource limits, [1-9]\d* templates/m);
  });

  it('prints its version, the one in its package.json', () => {
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(execFileSync(bin, ['--version'], { encoding: 'utf8' })).toBe(`${version}\n`);
    expect(execFileSync(bin, ['-V'], { encoding: 'utf8' })).toBe(`${version}\n`);
  });

  it('serves the API, the OpenAPI document and the console', async () => {
    const child = spawn(process.execPath, [bin, 'serve', '--repo', REPO_ROOT, '--port', '0', '--http-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      let stderr = '';
      const httpPort = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`mcpo serve did not start:\n${stderr}`)), 30_000);
        child.stderr!.on('data', (c: Buffer) => {
          stderr += c.toString();
          const line = stderr.split('\n').find((l) => l.includes('"msg":"listening"'));
          if (line) {
            clearTimeout(timer);
            resolve((JSON.parse(line) as { httpPort: number }).httpPort);
          }
        });
        child.once('exit', (code) => reject(new Error(`mcpo serve exited with ${code}:\n${stderr}`)));
      });
      const base = `http://127.0.0.1:${httpPort}`;
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /<script[^>]+src="([^"]+\.js)"/.exec(html)?.[1];
      expect(script, html).toBeDefined();
      const js = await fetch(new URL(script!, base));
      expect(js.status).toBe(200);
      expect(js.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${base}/openapi.json`)).status).toBe(200);
      const templates = (await (await fetch(`${base}/v1/templates`)).json()) as { templates: unknown[] };
      expect(templates.templates.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });
});
