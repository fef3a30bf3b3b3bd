/**
 * src/source/ref-fingerprint.ts against real repositories: whenever git would
 * resolve a ref to another commit, whichever way git stored the move (loose
 * ref, packed-refs, a symbolic HEAD switched, a detached HEAD), the
 * fingerprint differs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../../src/source/fingerprint.js';
import { refFingerprint } from '../../src/source/ref-fingerprint.js';
import { reposPerTest } from '../support/git-repo.js';

const newRepo = reposPerTest();

/** Later than every file's times by more than SETTLE_MS, so fingerprints count. */
const settled = (): number => Date.now() + SETTLE_MS + 1000;
/** Linux stamps files from a clock that ticks every few ms: steps in one tick could share times. */
const nextTick = (): Promise<void> => new Promise((r) => setTimeout(r, 15));

describe('refFingerprint', () => {
  it('differs whenever HEAD or a branch resolves to another commit, over random ref moves', async () => {
    const repo = await newRepo();
    const gitDir = join(repo.dir, '.git');
    repo.write('resources/a.yaml', 'a: 0\n');
    const commits = [await repo.commit('first')];
    repo.git('branch', 'other');
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return (seed >>> 16) % n; // an LCG's low bits repeat with a short period
    };
    const pick = <T>(items: readonly T[]): T => items[random(items.length)]!;
    const steps: Array<[string, () => Promise<unknown> | unknown]> = [
      [
        'commit',
        async () => {
          repo.write('resources/a.yaml', `a: ${commits.length}\n`);
          commits.push(await repo.commit(`c${commits.length}`));
        },
      ],
      ['pack-refs', () => repo.git('pack-refs', '--all')],
      ['update-ref other', () => repo.git('update-ref', 'refs/heads/other', pick(commits))],
      ['update-ref main', () => repo.git('update-ref', 'refs/heads/main', pick(commits))],
      ['checkout other', () => repo.git('checkout', '--quiet', '--force', 'other')],
      ['checkout main', () => repo.git('checkout', '--quiet', '--force', 'main')],
      ['detach', () => repo.git('checkout', '--quiet', '--force', '--detach', pick(commits))],
      ['symbolic-ref', () => repo.git('symbolic-ref', 'HEAD', pick(['refs/heads/main', 'refs/heads/other']))],
    ];
    const refs = ['HEAD', 'refs/heads/main', 'refs/heads/other'];
    const resolve = (ref: string): string => repo.git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`).trim();
    // The property over every pair of moments, not only neighbours: one fingerprint never stands for two commits.
    const seen = new Map<string, { sha: string; when: string }>();
    const shas = new Set<string>();
    for (let i = 0; i < 80; i++) {
      const [name, step] = i === 0 ? ['start', () => undefined] : pick(steps);
      await nextTick();
      await step();
      await nextTick();
      for (const ref of refs) {
        const sha = resolve(ref);
        const fingerprint = refFingerprint(gitDir, ref, settled());
        expect(fingerprint, `${ref} after ${name}`).toBeDefined();
        const earlier = seen.get(`${ref}\n${fingerprint}`);
        if (earlier) expect(sha, `${ref} at step ${i} (${name}) has the fingerprint it had ${earlier.when}, at another commit`).toBe(earlier.sha);
        seen.set(`${ref}\n${fingerprint}`, { sha, when: `at step ${i} (${name})` });
        shas.add(`${ref} ${sha}`);
      }
    }
    expect(shas.size).toBeGreaterThan(12);
    // Nothing moved: the same fingerprint, read twice.
    expect(refFingerprint(gitDir, 'HEAD', settled())).toBe(refFingerprint(gitDir, 'HEAD', settled()));
  });

  it('is not trusted while a ref file is fresh, in a linked worktree, or for a ref that is not a plain path', async () => {
    const repo = await newRepo();
    const gitDir = join(repo.dir, '.git');
    repo.write('resources/a.yaml', 'a\n');
    await repo.commit('one');
    expect(refFingerprint(gitDir, 'HEAD')).toBeUndefined();
    expect(refFingerprint(gitDir, 'HEAD', settled())).toBeDefined();
    expect(refFingerprint(gitDir, 'refs/heads/../../config', settled())).toBeUndefined();
    repo.git('worktree', 'add', '--quiet', join(repo.dir, 'wt'), '-b', 'wt');
    expect(refFingerprint(join(gitDir, 'worktrees', 'wt'), 'HEAD', settled())).toBeUndefined();
  });
});
