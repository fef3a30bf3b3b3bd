/**
 * openapi/openapi.yaml and the clients generated from it are committed, like
 * dist/: `scripts/gen-openapi.sh --check` regenerates them into a temp dir
 * with the pinned generators and fails, naming the command, when they differ.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../support/build.js';

/** First run builds protoc-gen-openapi and the venv. */
const SETUP_TIMEOUT_MS = 10 * 60 * 1000;

function gen(root: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('bash', [join(root, 'scripts/gen-openapi.sh'), ...args], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** What the generator reads and writes, copied to a temp dir (node_modules linked). */
function copyOfRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-openapi-fresh-'));
  dirs.push(dir);
  for (const p of ['spec', 'buf.yaml', 'buf.gen.yaml', 'redocly.yaml', 'scripts', 'openapi', 'clients', 'test/openapi']) {
    cpSync(join(REPO_ROOT, p), join(dir, p), { recursive: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

beforeAll(() => {
  const r = spawnSync('bash', [join(REPO_ROOT, 'test/openapi/setup.sh')], { encoding: 'utf8', timeout: SETUP_TIMEOUT_MS });
  if (r.status !== 0) throw new Error(`test/openapi/setup.sh failed (needs go, python3 -m venv, the Go proxy and PyPI on first run):\n${r.stderr}`);
}, SETUP_TIMEOUT_MS);

describe('generated OpenAPI and clients', () => {
  it('are up to date with spec/ in this repository', () => {
    const r = gen(REPO_ROOT, '--check');
    expect(r.stderr).not.toContain('stale');
    expect(r.stdout).toContain('openapi/ and clients/ are up to date with spec/');
    expect(r.code).toBe(0);
  });

  it('are found stale, naming what and the command, when a generated file was edited by hand', () => {
    const dir = copyOfRepo();
    const file = join(dir, 'clients/typescript/src/schema.d.ts');
    writeFileSync(file, `${readFileSync(file, 'utf8')}// edited\n`);
    const r = gen(dir, '--check');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('stale: clients/typescript/src/schema.d.ts\n');
    expect(r.stderr).toContain('run `npm run gen:openapi`');
  });

  it('carry a field added to a message in spec/ into the OpenAPI and both clients, with no code change', () => {
    const dir = copyOfRepo();
    const proto = join(dir, 'spec/mcp_template.proto');
    const text = readFileSync(proto, 'utf8');
    const added = text.replace(/(message McpTemplate \{\n)/, '$1  // Who to ask about this template.\n  string owner_team = 900;\n');
    expect(added).not.toBe(text);
    writeFileSync(proto, added);

    const stale = gen(dir, '--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('stale: openapi/openapi.yaml clients/typescript/src/schema.d.ts clients/python\n');

    const wrote = gen(dir);
    expect(wrote.code).toBe(0);
    const doc = parse(readFileSync(join(dir, 'openapi/openapi.yaml'), 'utf8'));
    expect(doc.components.schemas.McpTemplate.properties.ownerTeam).toEqual({ type: 'string', description: 'Who to ask about this template.' });
    expect(readFileSync(join(dir, 'clients/typescript/src/schema.d.ts'), 'utf8')).toMatch(/\n\s+\/\*\* @description Who to ask about this template\. \*\/\n\s+ownerTeam\?: string;/);
    const model = readFileSync(join(dir, 'clients/python/mcp_orchestrator_client/models/mcp_template.py'), 'utf8');
    expect(model).toContain('owner_team: str | Unset = UNSET');
    expect(model).toContain('d.pop("ownerTeam", UNSET)');
    expect(gen(dir, '--check').code).toBe(0);
  });
});
