/**
 * Every refusal of a change command, as a user sees it: one line per problem
 * with where, what and a hint, the exit code the CLI documents (1 invalid,
 * 2 usage), nothing written, and no secret value in the output.
 */
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { mcpo } from '../support/mcpo.js';
import { seededRepo } from './_support.js';

const VALUE = 'SENTINEL-refusal-4c1d';

let repo: TestRepo;
beforeAll(async () => {
  repo = await seededRepo();
  expect(mcpo(['secret', 'create', 'mine', '-n', 'default', '--from-literal', 'a=1', '--repo', repo.dir]).code).toBe(0);
  await repo.commit('mine');
});
afterAll(() => repo?.dispose());

const CASES: Array<[string, string[], number, RegExp]> = [
  ['value without a key', ['secret', 'create', 's', '-n', 'default', '--from-literal', VALUE], 2, /--from-literal takes KEY=VALUE/],
  ['key given twice', ['secret', 'create', 's', '-n', 'default', '--from-literal', `k=${VALUE}`, '--from-literal', `k=${VALUE}`], 2, /key "k" is given twice/],
  ['empty key', ['secret', 'create', 's', '-n', 'default', '--from-literal', `=${VALUE}`], 2, /--from-literal takes KEY=VALUE/],
  [
    'no certificate',
    ['secret', 'create', 's', '-n', 'default', '--from-literal', `k=${VALUE}`, '--cert', '/nonexistent/cert.pem'],
    2,
    /sealing certificate \/nonexistent\/cert.pem \(--cert\): file not found/,
  ],
  ['secret exists', ['secret', 'create', 'mine', '-n', 'default', '--from-literal', `k=${VALUE}`], 1, /Secret "default\/mine" already exists/],
  ['namespace missing', ['secret', 'create', 's', '-n', 'nowhere', '--from-literal', `k=${VALUE}`], 1, /namespace "nowhere" is not declared/],
  [
    'secret missing',
    ['secret', 'update', 'nope', '-n', 'default', '--strategy', 'patch', '--from-literal', `k=${VALUE}`],
    1,
    /Secret "default\/nope" is not declared/,
  ],
  [
    'remove-key without patch',
    ['secret', 'update', 'mine', '-n', 'default', '--strategy', 'merge', '--remove-key', 'a'],
    2,
    /removing keys is only possible with --strategy patch/,
  ],
  [
    'remove a key that is not there',
    ['secret', 'update', 'mine', '-n', 'default', '--strategy', 'patch', '--remove-key', 'zz'],
    1,
    /has no key "zz" to remove/,
  ],
  ['no data', ['secret', 'update', 'mine', '-n', 'default', '--strategy', 'patch'], 2, /no data given/],
  ['unknown kind', ['delete', 'widget', 'x'], 2, /unknown kind "widget"/],
  ['namespaced kind without -n', ['delete', 'template', 'x'], 2, /McpTemplate is namespaced/],
  ['not declared', ['delete', 'template', 'x', '-n', 'default'], 1, /McpTemplate "default\/x" is not declared/],
  ['in use', ['delete', 'namespace', 'default'], 1, /Namespace "default" is still in use/],
  // Endless input (/dev/zero) is in input-limits.test.ts, under an address-space cap.
  ['a folder as input', ['create', '-f', '/'], 2, /cannot read the input: it is a folder/],
  ['no such input', ['create', '-f', '/nonexistent.yaml'], 2, /cannot read the input: no such file/],
];

/** Lines that are problems (notes such as "nothing was written" are not). */
const problems = (stderr: string) => stderr.split('\n').filter((l) => l && !/^nothing was written|^the repository is not valid now/.test(l));

describe('refusals', () => {
  it.each(CASES)('%s: exit code, a located line with a hint, nothing written, no value', (_what, args, code, message) => {
    const r = mcpo([...args, '--repo', repo.dir]);
    expect(r.code, r.stderr).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(problems(r.stderr).length).toBeGreaterThan(0);
    for (const line of problems(r.stderr)) expect(line).toMatch(/^\S.*: .+ \(.+\)$/);
    expect(r.stderr).not.toContain(VALUE);
    expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('a lock that is held: exit 1, the holder named, a hint to remove it if nothing runs', () => {
    const lock = join(repo.dir, '.git', 'mcpo.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), command: 'mcpo delete ns x', since: '2026-01-01T00:00:00.000Z' }));
    try {
      const r = mcpo(['secret', 'update', 'mine', '-n', 'default', '--strategy', 'patch', '--from-literal', `b=${VALUE}`, '--repo', repo.dir], {
        env: { MCPO_LOCK_TIMEOUT_MS: '200' },
      });
      expect(r.code).toBe(1);
      expect(problems(r.stderr)).toEqual([
        `.git/mcpo.lock: the repository is locked by another change: process ${process.pid} (mcpo delete ns x) since 2026-01-01T00:00:00.000Z; gave up after 200 ms (wait for it to finish and run the command again; if no mcpo command is running, remove ${lock})`,
      ]);
      expect(r.stderr).not.toContain(VALUE);
    } finally {
      repo.remove('.git/mcpo.lock');
    }
    expect(repo.git('status', '--porcelain', '--untracked-files=all')).toBe('');
  });
});
