/**
 * Every input of a change command is read once, bounded, and refused with a
 * clear error before anything is written: endless devices, stdin, oversized
 * secret values, and a file that is still being written.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { mcpo, mcpoAsync } from '../support/mcpo.js';
import { workspacePerTest } from './_support.js';

const { repo, scratch } = workspacePerTest();

function unchanged(r: TestRepo): void {
  expect(r.git('status', '--porcelain', '--untracked-files=all')).toBe('');
}

/** What a user notices of an endless input: it stops at once with a clear error, and never grows to gigabytes. */
const FAST = { timeoutMs: 15_000, addressSpaceKb: 2 * 1024 * 1024 };

describe('endless and oversized input', () => {
  it('create -f /dev/zero stops at the declaration-file limit', async () => {
    const r = await repo();
    const res = await mcpoAsync(['create', '-f', '/dev/zero', '--repo', r.dir], FAST);
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('/dev/zero: input is over the 1048576-byte limit for a declaration file (split it into several files)\n');
    unchanged(r);
  });

  it('create -f - with /dev/zero on stdin stops at the same limit', async () => {
    const r = await repo();
    const res = await mcpoAsync(['create', '-f', '-', '--repo', r.dir], { ...FAST, stdinFrom: '/dev/zero' });
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('<stdin>: input is over the 1048576-byte limit for a declaration file (split it into several files)\n');
    unchanged(r);
  });

  it('secret create --from-file KEY=/dev/zero stops at the secret limit and names the key', async () => {
    const r = await repo();
    const res = await mcpoAsync(['secret', 'create', 'zero', '-n', 'default', '--from-file', 'blob=/dev/zero', '--repo', r.dir], FAST);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      '/dev/zero: Secret/default/zero: --from-file: the value of key "blob" is over the 524288-byte limit for the values of one secret',
    );
    expect(res.stderr).toContain('(Kubernetes caps a Secret at 1 MiB');
    unchanged(r);
  });

  it('a 5 MB --from-file is refused before anything is written, naming the key and never the value', async () => {
    const r = await repo();
    const big = join(scratch(), 'big.bin');
    writeFileSync(big, 'SENTINEL-big-value-'.repeat(Math.ceil(5_000_000 / 19)));
    for (const args of [
      ['secret', 'create', 'huge', '-n', 'default', '--from-file', `payload=${big}`],
      ['secret', 'update', 'db-credentials', '-n', 'default', '--strategy', 'patch', '--from-file', `payload=${big}`],
    ]) {
      const res = await mcpoAsync([...args, '--repo', r.dir], FAST);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('--from-file: the value of key "payload"');
      expect(res.stderr).toContain('is over the 524288-byte limit for the values of one secret');
      expect(res.stdout + res.stderr).not.toContain('SENTINEL');
      unchanged(r);
    }
  });

  it('values under the limit that would seal into a file over the declaration-file limit are refused before writing', async () => {
    const r = await repo();
    const part = 'v'.repeat(100_000);
    const literals = (prefix: string) => Array.from({ length: 5 }, (_, i) => ['--from-literal', `${prefix}${i}=${part}`]).flat();
    expect(mcpo(['secret', 'create', 'grows', '-n', 'default', ...literals('a'), '--repo', r.dir]).code).toBe(0);
    await r.commit('grows');
    const file = join(r.dir, 'resources/secrets/default/grows.yaml');
    const before = readFileSync(file, 'utf8');
    const res = mcpo(['secret', 'update', 'grows', '-n', 'default', '--strategy', 'patch', ...literals('b'), '--repo', r.dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /resources\/secrets\/default\/grows\.yaml: Secret\/default\/grows: sealed, the secret would be \d+ bytes, over the 1048576-byte limit for a declaration file \(the values sealed for b0, b1, b2, b3, b4 take \d+ bytes; split the data into several secrets\)/,
    );
    expect(res.stderr).not.toContain(part);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(mcpo(['validate', '--repo', r.dir]).code).toBe(0);
  });

  it('--from-literal values together over the limit are refused', async () => {
    const r = await repo();
    const part = 'w'.repeat(120_000);
    const args = Array.from({ length: 5 }, (_, i) => ['--from-literal', `k${i}=${part}`]).flat();
    const res = mcpo(['secret', 'create', 'wide', '-n', 'default', ...args, '--repo', r.dir]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(
      '<arguments>: Secret/default/wide: --from-literal: the value of key "k4" brings the values to over the 524288-byte limit for the values of one secret',
    );
    expect(res.stderr).not.toContain(part);
    unchanged(r);
  });

  it('an unreadable input is a usage error with a hint', () => {
    const res = mcpo(['create', '-f', '/nonexistent/x.yaml', '--repo', '.']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe('/nonexistent/x.yaml: cannot read the input: no such file (pass an existing file, or - for stdin)\n');
    const s = mcpo(['secret', 'create', 'x', '-n', 'default', '--from-file', 'k=/nonexistent/v', '--repo', '.']);
    expect(s.code).toBe(2);
    expect(s.stderr).toBe(
      '/nonexistent/v: Secret/default/x: --from-file: cannot read the value of key "k": no such file (pass --from-file KEY=PATH with a readable file)\n',
    );
  });
});

// Writes one document, then appends one more every 80 ms until told to stop, as a slow generator or a copy over a network would.
const SLOW_WRITER = `
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
const [file, stop] = process.argv.slice(1);
const doc = (i) => 'kind: Namespace\\nname: slow-' + i + '\\n';
writeFileSync(file, doc(0));
process.stdout.write('started\\n');
let i = 1;
const timer = setInterval(() => {
  if (existsSync(stop) || i === 1000) return clearInterval(timer);
  appendFileSync(file, '---\\n' + doc(i++));
}, 80);
`;

describe('create -f of a file that is still being written', () => {
  it('is refused, and nothing of it is created', async () => {
    const r = await repo();
    const input = join(scratch(), 'slow.yaml');
    const stop = `${input}.stop`;
    const writer = spawn(process.execPath, ['--input-type=module', '-e', SLOW_WRITER, input, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    const writerDone = new Promise((res) => writer.on('close', res));
    await new Promise((res) => writer.stdout.once('data', res));
    try {
      const res = await mcpoAsync(['create', '-f', input, '--repo', r.dir]);
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(
        /\/slow\.yaml: the input changed while it was read: it is still being written \(run the command again once the file is complete\)\n$/,
      );
      unchanged(r);
    } finally {
      writeFileSync(stop, '');
      await writerDone;
    }
  });

  it('a --from-file value that is still being written is refused too, naming the key', async () => {
    const r = await repo();
    const input = join(scratch(), 'value.txt');
    const stop = `${input}.stop`;
    const writer = spawn(process.execPath, ['--input-type=module', '-e', SLOW_WRITER, input, stop], { stdio: ['ignore', 'pipe', 'inherit'] });
    const writerDone = new Promise((res) => writer.on('close', res));
    await new Promise((res) => writer.stdout.once('data', res));
    try {
      const res = await mcpoAsync(['secret', 'create', 'growing', '-n', 'default', '--from-file', `token=${input}`, '--repo', r.dir]);
      expect(res.code).toBe(1);
      expect(res.stderr).toBe(
        `${input}: Secret/default/growing: --from-file: the value of key "token" changed while it was read: it is still being written (run the command again once the file is complete)\n`,
      );
      unchanged(r);
    } finally {
      writeFileSync(stop, '');
      await writerDone;
    }
  });

  it('a file written just before the command, and then left alone, is created whole', async () => {
    const r = await repo();
    const input = join(scratch(), 'fresh.yaml');
    writeFileSync(input, Array.from({ length: 5 }, (_, i) => `kind: Namespace\nname: fresh-${i}\n`).join('---\n'));
    expect(Date.now() - statSync(input).mtimeMs).toBeLessThan(500);
    const res = await mcpoAsync(['create', '-f', input, '--repo', r.dir]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    for (let i = 0; i < 5; i++) expect(existsSync(join(r.dir, `resources/namespaces/fresh-${i}.yaml`))).toBe(true);
  });

  it('a truncated declaration is refused as invalid YAML, and nothing is written', async () => {
    const r = await repo();
    const res = mcpo(['create', '-f', '-', '--repo', r.dir], {
      input: 'kind: Namespace\nname: ok\n---\nkind: McpTemplate\nname: cut\nnamespace: default\nimage: "node:2',
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('<stdin>:7:15: ');
    expect(res.stderr).toContain('nothing was written');
    unchanged(r);
  });
});
