/**
 * Fingerprints (src/source/fingerprint.ts): a declaration file whose inode
 * says it is unchanged since the check cache kept it is listed unread, with
 * the digest the cache knew; a file whose times are too recent to trust is
 * read; and an edit is seen even when the file keeps its size and inode and
 * its modification time is set back (the change time moves anyway).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SETTLE_MS } from '../../src/source/fingerprint.js';
import { readWorkingTreeFiles } from '../../src/source/working-tree.js';
import { NAMESPACE, PRESET, TEMPLATE, tempRepo } from '../declarations/fixtures.js';

const MCPO = join(import.meta.dirname, '..', '..', 'bin', 'mcpo.js');
const cleanup: string[] = [];
afterAll(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo(): string {
  const dir = tempRepo({ 'resources/namespace.yaml': NAMESPACE, 'resources/preset.yaml': PRESET, 'resources/template.yaml': TEMPLATE });
  cleanup.push(dir);
  return dir;
}

describe('reading a working tree with known fingerprints', () => {
  it('lists a settled file the cache knows unread, with its digest, and reads it only when its bytes are asked for', async () => {
    const dir = repo();
    const asked: string[] = [];
    const known = (path: string, fingerprint: string) => {
      asked.push(fingerprint);
      return path === 'resources/template.yaml' ? 'digest-from-the-cache' : undefined;
    };
    // As a walk that starts long after the files were written.
    const later = await readWorkingTreeFiles(dir, { known, now: Date.now() + 10 * SETTLE_MS });
    const info = statSync(join(dir, 'resources/template.yaml'));
    expect(asked).toContain(`${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`);
    const template = later.files.find((f) => f.path === 'resources/template.yaml')!;
    expect(template.digest).toBe('digest-from-the-cache');
    expect(template.content.toString('utf8')).toBe(TEMPLATE);
    // The others were read, and carry their fingerprints for the cache.
    const preset = later.files.find((f) => f.path === 'resources/preset.yaml')!;
    expect(preset.digest).toBeUndefined();
    expect(preset.fingerprint).toMatch(/^\d+:\d+:\d+:/);

    // Just written: too recent to trust, so read whatever the cache says, and no fingerprint is kept.
    asked.length = 0;
    const now = await readWorkingTreeFiles(dir, { known });
    expect(asked).toEqual([]);
    expect(now.files.map((f) => [f.digest, f.fingerprint])).toEqual(now.files.map(() => [undefined, undefined]));
    expect(now.files.find((f) => f.path === 'resources/template.yaml')!.content.toString('utf8')).toBe(TEMPLATE);
  });

  it('sees an edit that keeps the size, the inode and the modification time (mcpo validate, twice)', { timeout: 30_000 }, async () => {
    const dir = repo();
    const cacheDir = mkdtempSync(join(tmpdir(), 'mcpo-fingerprint-cache-'));
    cleanup.push(cacheDir);
    const validate = () =>
      spawnSync(process.execPath, [MCPO, 'validate', '--repo', dir], { encoding: 'utf8', env: { ...process.env, MCPO_CACHE_DIR: cacheDir } });
    // Old enough for the first run to keep the fingerprints.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    expect(validate().status).toBe(0);
    const file = join(dir, 'resources/template.yaml');
    const before = statSync(file);
    const mtimeNs = statSync(file, { bigint: true }).mtimeNs;
    // The same number of bytes, written in place (the same inode), and the modification time put back.
    const edited = TEMPLATE.replace('resource_limit_name: n1-standard-nano', 'resource_limit_name: n1-standard-nono');
    expect(edited.length).toBe(TEMPLATE.length);
    writeFileSync(file, edited);
    // To the nanosecond (utimes takes seconds as a double): GNU touch -d @SECONDS.NANOSECONDS.
    const at = `@${mtimeNs / 1_000_000_000n}.${String(mtimeNs % 1_000_000_000n).padStart(9, '0')}`;
    expect(spawnSync('touch', ['-m', '-d', at, file]).status).toBe(0);
    const after = statSync(file);
    expect([after.ino, after.size, after.mtimeMs]).toEqual([before.ino, before.size, before.mtimeMs]);
    // Long enough after the edit that its times count as settled: only the change time in the fingerprint tells.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    const second = validate();
    expect(second.status).toBe(1);
    expect(second.stdout + second.stderr).toContain('resource limit preset "n1-standard-nono" is not declared');
    expect(readFileSync(file, 'utf8')).toBe(edited);
  });
});
