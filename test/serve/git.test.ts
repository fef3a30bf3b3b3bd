/** src/source (git) against real repositories made in temp dirs. */
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { McpoError } from '../../src/core/errors.js';
import { MAX_FILE_BYTES } from '../../src/core/limits.js';
import { SETTLE_MS } from '../../src/source/fingerprint.js';
import { readWorkingTreeFiles } from '../../src/source/working-tree.js';
import { RepoFollower, isRemoteSource, redactUrl } from '../../src/source/follow.js';
import { applyLog, creationTime, fileCreationTimes } from '../../src/source/history.js';
import { readCommitFiles } from '../../src/source/commit.js';
import { gitOnPath, reposPerTest } from '../support/git-repo.js';
import { tempFolders } from '../support/temp.js';

const newRepo = reposPerTest();
const tempDir = tempFolders('mcpo-git-test-').make;

const summary = (problems: { code: string; file?: string }[]) => problems.map((p) => `${p.code} ${p.file}`).sort();

describe('readCommitFiles', () => {
  it('reads the yaml files of a commit, not the working tree', async () => {
    const repo = await newRepo();
    repo.writeAll({
      'resources/a.yaml': 'kind: Namespace\nname: a\n',
      'resources/sub/b.yml': 'kind: Namespace\nname: b\n',
      'resources/sub/C.YAML': 'kind: Namespace\nname: c\n',
      'resources/notes.md': '# not a declaration\n',
      'resources/.hidden.yaml': 'kind: Namespace\nname: hidden\n',
      'resources/.git-crypt/x.yaml': 'nope\n',
      'other/outside.yaml': 'kind: Namespace\nname: outside\n',
    });
    const sha = await repo.commit('one');
    repo.write('resources/a.yaml', 'changed in the work tree only\n');
    repo.write('resources/new.yaml', 'untracked\n');

    const read = await readCommitFiles(repo.dir, 'HEAD');
    expect(read.sha).toBe(sha);
    expect(read.problems).toEqual([]);
    expect(read.files.map((f) => f.path)).toEqual(['resources/a.yaml', 'resources/sub/C.YAML', 'resources/sub/b.yml']);
    expect(read.files[0]!.content.toString()).toBe('kind: Namespace\nname: a\n');
    expect(Buffer.isBuffer(read.files[0]!.content)).toBe(true);
  });

  it('reads an older commit by any revision name', async () => {
    const repo = await newRepo();
    repo.write('resources/a.yaml', 'v1\n');
    const one = await repo.commit('one');
    repo.write('resources/a.yaml', 'v2\n');
    await repo.commit('two');
    expect((await readCommitFiles(repo.dir, one)).files[0]!.content.toString()).toBe('v1\n');
    expect((await readCommitFiles(repo.dir, 'HEAD~1')).files[0]!.content.toString()).toBe('v1\n');
    expect((await readCommitFiles(repo.dir, 'main')).files[0]!.content.toString()).toBe('v2\n');
  });

  it('refuses an unknown revision as a usage error', async () => {
    const repo = await newRepo();
    repo.write('resources/a.yaml', 'v1\n');
    await repo.commit('one');
    await expect(readCommitFiles(repo.dir, 'no-such-branch')).rejects.toThrow(McpoError);
    await expect(readCommitFiles(repo.dir, '--output=/tmp/x')).rejects.toMatchObject({ kind: 'usage' });
  });

  it('reports a commit without resources/', async () => {
    const repo = await newRepo();
    repo.write('README.md', 'x\n');
    await repo.commit('one');
    const read = await readCommitFiles(repo.dir, 'HEAD');
    expect(read.files).toEqual([]);
    expect(summary(read.problems)).toEqual(['file.unreadable resources']);
  });

  it('refuses files over the size limit without reading them', async () => {
    const repo = await newRepo();
    repo.write('resources/big.yaml', Buffer.alloc(MAX_FILE_BYTES + 1, 'a'));
    repo.write('resources/ok.yaml', 'kind: Namespace\nname: a\n');
    await repo.commit('one');
    const read = await readCommitFiles(repo.dir, 'HEAD');
    expect(read.files.map((f) => f.path)).toEqual(['resources/ok.yaml']);
    expect(read.problems).toMatchObject([{ code: 'file.too-large', severity: 'error', file: 'resources/big.yaml' }]);
  });

  it('follows symlinks only inside the commit, like the working-tree reader', async () => {
    const repo = await newRepo();
    repo.writeAll({
      'shared/base.yaml': 'kind: Namespace\nname: shared\n',
      'shared/dir/inner.yaml': 'kind: Namespace\nname: inner\n',
      'resources/real.yaml': 'kind: Namespace\nname: real\n',
    });
    repo.symlink('resources/inside.yaml', '../shared/base.yaml');
    repo.symlink('resources/linked-dir', '../shared/dir');
    repo.symlink('resources/escape.yaml', '../../../../etc/passwd');
    repo.symlink('resources/absolute.yaml', '/etc/passwd');
    repo.symlink('resources/dangling.yaml', 'nothing-here.yaml');
    repo.symlink('resources/loop', '.');
    await repo.commit('links');

    const read = await readCommitFiles(repo.dir, 'HEAD');
    const byPath = Object.fromEntries(read.files.map((f) => [f.path, f.content.toString()]));
    expect(byPath['resources/inside.yaml']).toBe('kind: Namespace\nname: shared\n');
    expect(byPath['resources/linked-dir/inner.yaml']).toBe('kind: Namespace\nname: inner\n');
    expect(byPath['resources/real.yaml']).toBeDefined();
    expect(Object.values(byPath).join('')).not.toContain('root:');
    expect(summary(read.problems)).toEqual([
      'file.outside-repo resources/absolute.yaml',
      'file.outside-repo resources/dangling.yaml',
      'file.outside-repo resources/escape.yaml',
    ]);

    // The working-tree reader sees the same files and the same problems.
    const tree = await readWorkingTreeFiles(repo.dir);
    expect(summary(tree.problems)).toEqual(summary(read.problems));
    expect(tree.files.map((f) => f.path).sort()).toEqual(read.files.map((f) => f.path).sort());
  });
});

describe('fileCreationTimes', () => {
  it('gives each file the time of the commit that added it, through renames, and forgets deleted files', async () => {
    const repo = await newRepo();
    repo.write('resources/a.yaml', 'kind: Namespace\nname: a\n');
    repo.write('resources/b.yaml', 'kind: Namespace\nname: b\n');
    await repo.commit('add a b', { time: 1000 });
    repo.write('resources/a.yaml', 'kind: Namespace\nname: a\nlabels: {x: y}\n');
    repo.write('resources/c.yaml', 'kind: Namespace\nname: c\n');
    await repo.commit('change a, add c', { time: 2000 });
    repo.rename('resources/b.yaml', 'resources/moved/b.yaml');
    repo.remove('resources/c.yaml');
    await repo.commit('move b, delete c', { time: 3000 });
    repo.write('resources/c.yaml', 'kind: Namespace\nname: c\n');
    repo.write('README.md', 'outside resources\n');
    const head = await repo.commit('add c again', { time: 4000 });

    const ct = await fileCreationTimes(repo.dir, head);
    expect(Object.fromEntries(ct.times)).toEqual({
      'resources/a.yaml': 1000,
      'resources/moved/b.yaml': 1000,
      'resources/c.yaml': 4000,
    });
    expect(ct.commitTime).toBe(4000);
    expect(creationTime(ct, 'resources/unknown.yaml')).toBe(4000);
  });

  it('continues from an earlier result and matches a full pass', async () => {
    const repo = await newRepo();
    repo.write('resources/a.yaml', 'a\n');
    const one = await repo.commit('one', { time: 1000 });
    const base = await fileCreationTimes(repo.dir, one);
    repo.write('resources/b.yaml', 'b\n');
    await repo.commit('two', { time: 2000 });
    repo.rename('resources/a.yaml', 'resources/renamed-a.yaml');
    const three = await repo.commit('three', { time: 3000 });
    const incremental = await fileCreationTimes(repo.dir, three, { base });
    const full = await fileCreationTimes(repo.dir, three);
    expect(incremental.times).toEqual(full.times);
    expect(Object.fromEntries(full.times)).toEqual({ 'resources/renamed-a.yaml': 1000, 'resources/b.yaml': 2000 });
    // A base that is not an ancestor (history rewritten) falls back to a full pass.
    repo.git('reset', '--hard', '--quiet', one);
    repo.write('resources/z.yaml', 'z\n');
    const other = await repo.commit('rewritten', { time: 5000 });
    const after = await fileCreationTimes(repo.dir, other, { base: incremental });
    expect(Object.fromEntries(after.times)).toEqual({ 'resources/a.yaml': 1000, 'resources/z.yaml': 5000 });
  });

  it('counts files added on a merged branch from their own commit', async () => {
    const repo = await newRepo();
    repo.write('resources/a.yaml', 'a\n');
    await repo.commit('one', { time: 1000 });
    repo.git('checkout', '--quiet', '-b', 'feature');
    repo.write('resources/f.yaml', 'f\n');
    await repo.commit('feature', { time: 2000 });
    repo.git('checkout', '--quiet', 'main');
    repo.write('resources/m.yaml', 'm\n');
    await repo.commit('main', { time: 3000 });
    repo.gitWith({ GIT_AUTHOR_DATE: '@4000 +0000', GIT_COMMITTER_DATE: '@4000 +0000' }, 'merge', '--quiet', '--no-edit', 'feature');
    const ct = await fileCreationTimes(repo.dir, repo.head());
    expect(Object.fromEntries(ct.times)).toEqual({ 'resources/a.yaml': 1000, 'resources/f.yaml': 2000, 'resources/m.yaml': 3000 });
  });

  it('parses log output with odd file names', () => {
    const times = new Map<string, number>();
    applyLog(
      '\x01abc 10\0\nA\0resources/with space.yaml\0A\0resources/tab\there.yaml\0\x01def 20\0\nR100\0resources/with space.yaml\0resources/x.yaml\0',
      times,
    );
    expect(Object.fromEntries(times)).toEqual({ 'resources/tab\there.yaml': 10, 'resources/x.yaml': 10 });
  });
});

describe('RepoFollower', () => {
  it('tells apart paths and URLs, and hides credentials', () => {
    expect(isRemoteSource(tmpdir())).toBe(false);
    expect(isRemoteSource('https://example.test/org/config.git')).toBe(true);
    expect(isRemoteSource('git@example.test:org/config.git')).toBe(true);
    expect(redactUrl('https://user:token@example.test/x.git')).toBe('https://***@example.test/x.git');
  });

  it('notices new commits of a local branch, running git on a poll only when the files of the ref moved', async () => {
    const repo = await newRepo();
    repo.write('resources/a.yaml', 'a\n');
    const one = await repo.commit('one');
    // A git first on PATH that counts the rev-parse runs, then runs the real one.
    const shim = tempDir();
    const log = join(shim, 'rev-parse.log');
    const offPath = gitOnPath(shim, `case " $* " in *" rev-parse "*) echo run >> '${log}' ;; esac`);
    const revParses = (): number => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0);
    try {
      // Times younger than SETTLE_MS are not trusted (source/fingerprint.ts): let the commit's settle.
      await new Promise((r) => setTimeout(r, SETTLE_MS + 300));
      const follower = new RepoFollower({ source: repo.dir, pollIntervalMs: 50 });
      expect(await follower.head()).toBe(one);
      expect(revParses()).toBeGreaterThan(0);
      const seen: string[] = [];
      const errors: Error[] = [];
      follower.start(
        (sha) => seen.push(sha),
        (e) => errors.push(e),
        one,
      );
      try {
        const before = revParses();
        await new Promise((r) => setTimeout(r, 600));
        expect(revParses() - before, 'polls of an unmoved branch').toBe(0);
        repo.write('resources/b.yaml', 'b\n');
        const two = await repo.commit('two');
        await waitFor(() => seen.includes(two));
        expect(seen).toEqual([two]);
        expect(errors).toEqual([]);
      } finally {
        follower.stop();
      }
    } finally {
      offPath();
    }
  });

  it('follows a named branch only', async () => {
    const repo = await newRepo();
    repo.write('resources/a.yaml', 'a\n');
    const one = await repo.commit('one');
    repo.git('branch', 'release');
    repo.write('resources/b.yaml', 'b\n');
    await repo.commit('two on main');
    const follower = new RepoFollower({ source: repo.dir, branch: 'release' });
    expect(await follower.head()).toBe(one);
    await expect(new RepoFollower({ source: repo.dir, branch: '--upload-pack=x' }).prepare()).rejects.toThrow(/invalid branch/);
  });

  it('clones a URL into the cache and fetches new commits', async () => {
    const upstream = await newRepo();
    upstream.write('resources/a.yaml', 'a\n');
    const one = await upstream.commit('one');
    const cache = tempDir();
    const follower = new RepoFollower({ source: upstream.url, cacheDir: cache, pollIntervalMs: 50 });
    expect(follower.remote).toBe(true);
    expect(await follower.head()).toBe(one);
    expect(follower.repoDir.startsWith(cache)).toBe(true);
    expect(follower.followedRef).toBe('refs/heads/main');
    expect((await readCommitFiles(follower.repoDir, one)).files.map((f) => f.path)).toEqual(['resources/a.yaml']);

    const seen: string[] = [];
    follower.start(
      (sha) => seen.push(sha),
      () => undefined,
      one,
    );
    try {
      upstream.write('resources/b.yaml', 'b\n');
      const two = await upstream.commit('two');
      await waitFor(() => seen.includes(two));
    } finally {
      follower.stop();
    }
    // A second follower reuses the clone.
    const again = new RepoFollower({ source: upstream.url, cacheDir: cache });
    await again.prepare();
    expect(again.repoDir).toBe(follower.repoDir);
  });
});

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
