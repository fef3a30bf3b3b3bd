/**
 * Change commands run at the same time on one repository, as real CLI
 * processes on a real git repo: no update is lost, no file is ever seen torn,
 * and two changes that conflict cannot both win.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkingTree } from '../support/load.js';
import { REPO_ROOT } from '../support/build.js';
import type { TestRepo } from '../support/git-repo.js';
import { mcpo, mcpoAsync } from '../support/mcpo.js';
import { workspacePerTest } from './_support.js';

const { repo, scratch } = workspacePerTest();

async function secretKeys(dir: string, name: string): Promise<string[]> {
  const { model, diagnostics } = await loadWorkingTree(dir);
  expect(diagnostics).toEqual([]);
  return [...model!.secrets.get(`default/${name}`)!.keys];
}

/** Files git sees as changed or new: a lock or temp file left behind would show here. */
function changedFiles(r: TestRepo): string[] {
  return r
    .git('status', '--porcelain', '--untracked-files=all')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(2).trim());
}

describe('parallel changes never lose an update', () => {
  it('parallel `secret update --strategy patch` with distinct keys: every key survives, every trial', async () => {
    const PARALLEL = 6;
    for (let trial = 0; trial < 3; trial++) {
      const r = await repo();
      expect(mcpo(['secret', 'create', 'shared', '-n', 'default', '--from-literal', 'base=1', '--repo', r.dir]).code).toBe(0);
      await r.commit('shared secret');
      const results = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          mcpoAsync(['secret', 'update', 'shared', '-n', 'default', '--strategy', 'patch', '--from-literal', `key-${i}=value-${i}`, '--repo', r.dir]),
        ),
      );
      for (const res of results) expect(res.stderr).toBe('');
      expect(results.map((res) => res.code)).toEqual(Array(PARALLEL).fill(0));
      expect(await secretKeys(r.dir, 'shared')).toEqual(['base', ...Array.from({ length: PARALLEL }, (_, i) => `key-${i}`)].sort());
      expect(changedFiles(r)).toEqual(['resources/secrets/default/shared.yaml']);
    }
  });

  it('delete of a namespace beside create of a template in it: exactly one wins and the repository stays valid', async () => {
    for (let trial = 0; trial < 4; trial++) {
      const r = await repo();
      r.write('resources/namespaces/foo.yaml', 'kind: Namespace\nname: foo\n');
      // A repository of some size, so that reading and validating it takes a while, as it does in real use.
      for (let i = 0; i < 400; i++)
        r.write(
          `resources/templates/default/t${i}.yaml`,
          `kind: McpTemplate\nname: t${i}\nnamespace: default\nimage: node:24\ncommand: [npx]\nresource_limit_name: n1-standard-nano\n`,
        );
      await r.commit('namespace foo');
      const input = join(scratch(), 'template.yaml');
      writeFileSync(
        input,
        'kind: McpTemplate\nname: fetch\nnamespace: foo\nimage: python:3.12-slim\ncommand: [uvx]\nargs: [mcp-server-fetch]\nresource_limit_name: n1-standard-nano\n',
      );
      // Let the input's mtime age, so `create` does not wait for it to settle.
      await new Promise((res) => setTimeout(res, 600));
      const [del, create] = await Promise.all([
        mcpoAsync(['delete', 'namespace', 'foo', '--repo', r.dir]),
        mcpoAsync(['create', '-f', input, '--repo', r.dir]),
      ]);
      const codes = [del.code, create.code].sort();
      expect(codes, `delete: ${del.stderr} create: ${create.stderr}`).toEqual([0, 1]);
      if (del.code === 0) expect(create.stderr).toContain('namespace "foo" is not declared');
      else expect(del.stderr).toContain('Namespace "foo" is still in use: 1 resources are declared in it (McpTemplate foo/fetch)');
      const v = mcpo(['validate', '--repo', r.dir]);
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
    }
  });
});

describe('the repository lock', () => {
  it('a lock held by a live process: the change waits, then fails naming the holder, and writes nothing', async () => {
    const r = await repo();
    const lock = join(r.dir, '.git', 'mcpo.lock');
    writeFileSync(
      lock,
      `${JSON.stringify({ pid: process.pid, host: (await import('node:os')).hostname(), command: 'mcpo secret update other', since: new Date().toISOString() })}\n`,
    );
    const started = Date.now();
    const res = await mcpoAsync(['secret', 'create', 'blocked', '-n', 'default', '--from-literal', 'k=v', '--repo', r.dir], {
      env: { MCPO_LOCK_TIMEOUT_MS: '700' },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`the repository is locked by another change: process ${process.pid}`);
    expect(res.stderr).toContain('mcpo secret update other');
    expect(res.stderr).toContain('.git/mcpo.lock');
    expect(existsSync(join(r.dir, 'resources/secrets/default/blocked.yaml'))).toBe(false);
    expect(readFileSync(lock, 'utf8')).toContain(String(process.pid));
  });

  it('a lock left by a process that died is taken over', async () => {
    const r = await repo();
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((res) => dead.on('exit', res));
    writeFileSync(
      join(r.dir, '.git', 'mcpo.lock'),
      `${JSON.stringify({ pid: dead.pid, host: (await import('node:os')).hostname(), command: 'mcpo create -f x', since: new Date().toISOString() })}\n`,
    );
    const res = await mcpoAsync(['secret', 'create', 'after-crash', '-n', 'default', '--from-literal', 'k=v', '--repo', r.dir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(existsSync(join(r.dir, '.git', 'mcpo.lock'))).toBe(false);
    expect(changedFiles(r)).toEqual(['resources/secrets/default/after-crash.yaml']);

    // Several waiters find the same stale lock: one takes it over, and still no update is lost.
    writeFileSync(
      join(r.dir, '.git', 'mcpo.lock'),
      `${JSON.stringify({ pid: dead.pid, host: (await import('node:os')).hostname(), command: 'mcpo create -f x', since: new Date().toISOString() })}\n`,
    );
    const results = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        mcpoAsync(['secret', 'update', 'after-crash', '-n', 'default', '--strategy', 'patch', '--from-literal', `w${i}=v`, '--repo', r.dir]),
      ),
    );
    expect(results.map((x) => x.code)).toEqual([0, 0, 0, 0]);
    expect(await secretKeys(r.dir, 'after-crash')).toEqual(['k', 'w0', 'w1', 'w2', 'w3']);
    expect(existsSync(join(r.dir, '.git', 'mcpo.lock'))).toBe(false);
  });
});

// Polls one file as fast as it can until a stop file appears; counts reads that were empty or not a whole declaration.
const POLLER = `
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
const [file, stop] = process.argv.slice(1);
let reads = 0, empty = 0, partial = 0;
while (!existsSync(stop)) {
  let text;
  try { text = readFileSync(file, 'utf8'); } catch { continue; }
  reads++;
  if (text.length === 0) { empty++; continue; }
  try {
    const doc = parse(text);
    if (doc?.kind !== 'Secret' || !doc.sealed?.encrypted_data?.base || !text.endsWith('\\n')) partial++;
  } catch { partial++; }
}
process.stdout.write(JSON.stringify({ reads, empty, partial }));
`;

describe('atomic writes', () => {
  it('a reader polling a secret file during many updates never sees it empty or partial', async () => {
    const r = await repo();
    expect(mcpo(['secret', 'create', 'polled', '-n', 'default', '--from-literal', 'base=1', '--repo', r.dir]).code).toBe(0);
    const file = join(r.dir, 'resources/secrets/default/polled.yaml');
    const stop = join(scratch(), 'stop');
    const poller = spawn(process.execPath, ['--input-type=module', '-e', POLLER, file, stop], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    poller.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const done = new Promise((res) => poller.on('close', res));
    try {
      for (let round = 0; round < 8; round++) {
        const results = await Promise.all(
          [0, 1].map((i) =>
            mcpoAsync([
              'secret',
              'update',
              'polled',
              '-n',
              'default',
              '--strategy',
              'patch',
              '--from-literal',
              `k${round}-${i}=${'x'.repeat(2000)}`,
              '--repo',
              r.dir,
            ]),
          ),
        );
        expect(results.map((res) => res.code)).toEqual([0, 0]);
      }
    } finally {
      writeFileSync(stop, '');
      await done;
    }
    const seen = JSON.parse(out) as { reads: number; empty: number; partial: number };
    expect(seen.reads).toBeGreaterThan(100);
    expect(seen).toMatchObject({ empty: 0, partial: 0 });
    expect((await secretKeys(r.dir, 'polled')).length).toBe(17);
  });

  it('a replaced file keeps its permissions, and a symlinked declaration is changed where it points', async () => {
    const r = await repo();
    expect(mcpo(['secret', 'create', 'kept', '-n', 'default', '--from-literal', 'a=1', '--repo', r.dir]).code).toBe(0);
    const file = join(r.dir, 'resources/secrets/default/kept.yaml');
    chmodSync(file, 0o600);
    expect(mcpo(['secret', 'update', 'kept', '-n', 'default', '--strategy', 'patch', '--from-literal', 'b=2', '--repo', r.dir]).code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    r.rename('resources/secrets/default/kept.yaml', 'shared/kept.yaml');
    symlinkSync('../../../shared/kept.yaml', file);
    expect(mcpo(['secret', 'update', 'kept', '-n', 'default', '--strategy', 'patch', '--from-literal', 'c=3', '--repo', r.dir]).code).toBe(0);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(r.dir, 'shared/kept.yaml'), 'utf8')).toMatch(/\n {4}c: /);
    expect(await secretKeys(r.dir, 'kept')).toEqual(['a', 'b', 'c']);
  });
});
