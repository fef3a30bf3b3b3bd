/**
 * readRegularFileBounded, which the working-tree walk and synth's output
 * reader use on files a folder listing called regular: whatever is at the
 * path by the time it is opened (a FIFO with no writer, a symlink, a folder),
 * it returns at once without following or waiting, and a regular file is read
 * only up to the limit, with its size.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRegularFileBounded } from '../../src/source/read-bounded.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpo-read-regular-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readRegularFileBounded', () => {
  it('reads a regular file, and refuses without waiting or following what replaced one', () => {
    writeFileSync(join(dir, 'a.yaml'), 'kind: Namespace\n');
    writeFileSync(join(dir, 'big.yaml'), 'x'.repeat(100));
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    symlinkSync(join(dir, 'a.yaml'), join(dir, 'link.yaml'));
    mkdirSync(join(dir, 'folder.yaml'));

    const a = readRegularFileBounded(join(dir, 'a.yaml'), 1000);
    expect(a?.read.ok && a.read.content.toString()).toBe('kind: Namespace\n');
    const big = readRegularFileBounded(join(dir, 'big.yaml'), 10, Buffer.alloc(11));
    expect(big?.read).toEqual({ ok: false, tooLarge: true, limit: 10 });
    expect(big?.info.size).toBe(100);
    expect(big?.info.isFile()).toBe(true);
    // A FIFO with no writer would block a plain open and spin a non-blocking read: neither happens.
    for (const other of ['fifo.yaml', 'link.yaml', 'folder.yaml']) expect(readRegularFileBounded(join(dir, other), 1000), other).toBeUndefined();
    expect(() => readRegularFileBounded(join(dir, 'gone.yaml'), 1000)).toThrow(/ENOENT/);
  });
});
