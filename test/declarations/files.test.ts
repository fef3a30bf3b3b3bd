/**
 * File names and folders as an attacker can make them: names that are not
 * UTF-8, names with control characters, resources/ as a symlink, entries that
 * cannot be read. Each is reported for itself and everything else is still
 * checked, in a working tree and in a commit alike.
 */
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { MAX_FILE_BYTES } from '../../src/core/limits.js';
import { buildModel } from '../../src/model/build.js';
import { loadCommit, loadWorkingTree } from '../support/load.js';
import { reposPerTest } from '../support/git-repo.js';
import { NAMESPACE, PRESET, TEMPLATE, tempRepo } from './fixtures.js';

const SEED = { 'resources/namespace.yaml': NAMESPACE, 'resources/preset.yaml': PRESET, 'resources/template.yaml': TEMPLATE };
/** A file in the same run that must still be checked: its error proves the walk went on. */
const OTHER = { 'resources/other.yaml': 'kind: Namespace\nname: BAD\n' };
const OTHER_ERROR = /^resources\/other\.yaml:2:7: Namespace\/BAD: name: "BAD" is not a DNS-1123 label/;

const lines = (result: { diagnostics: readonly Parameters<typeof formatDiagnostic>[0][] }) => result.diagnostics.map(formatDiagnostic);

const gitRepo = reposPerTest();

/** resources/bad\xff.yaml: a Latin-1 byte in a file name. */
const LATIN1_NAME = Buffer.concat([Buffer.from('bad'), Buffer.from([0xff]), Buffer.from('.yaml')]);
const LATIN1_DIR = Buffer.concat([Buffer.from('dir'), Buffer.from([0xe9])]);

describe('file names that are not UTF-8', () => {
  it('working tree: the file is named with its bytes escaped, and every other file is still checked', async () => {
    const dir = tempRepo({ ...SEED, ...OTHER });
    writeFileSync(Buffer.concat([Buffer.from(`${dir}/resources/`), LATIN1_NAME]), 'kind: Namespace\nname: hidden\n');
    mkdirSync(Buffer.concat([Buffer.from(`${dir}/resources/`), LATIN1_DIR]));
    const result = await loadWorkingTree(dir);
    expect(lines(result)).toEqual([
      'resources/bad\\xff.yaml: file name is not valid UTF-8; it is not read (rename it with a UTF-8 name)',
      'resources/dir\\xe9: file name is not valid UTF-8; it is not read (rename it with a UTF-8 name)',
      expect.stringMatching(OTHER_ERROR),
    ]);
  });

  it('commit: the same, from the bytes git ls-tree gives', async () => {
    const repo = await gitRepo();
    repo.writeAll({ ...SEED, ...OTHER });
    writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/resources/`), LATIN1_NAME]), 'kind: Namespace\nname: hidden\n');
    const sha = await repo.commit('latin-1 name');
    const result = await loadCommit(repo.dir, sha);
    expect(lines(result)).toEqual([
      'resources/bad\\xff.yaml: file name is not valid UTF-8; it is not read (rename it with a UTF-8 name)',
      expect.stringMatching(OTHER_ERROR),
    ]);
  });

  it('an entry that cannot be read is reported alone', async () => {
    if (process.getuid?.() === 0) return; // root reads everything
    const dir = tempRepo({ ...SEED, ...OTHER, 'resources/locked/x.yaml': NAMESPACE });
    chmodSync(join(dir, 'resources/locked'), 0o000);
    try {
      const result = await loadWorkingTree(dir);
      expect(lines(result)).toEqual(['resources/locked: cannot read it (EACCES)', expect.stringMatching(OTHER_ERROR)]);
    } finally {
      chmodSync(join(dir, 'resources/locked'), 0o755);
    }
  });
});

describe('resources/ itself a symlink', () => {
  it('working tree: out of the repository it is refused, not followed', async () => {
    const outside = tempRepo({ 'resources/ns.yaml': 'kind: Namespace\nname: stolen\n' });
    const dir = tempRepo({ 'README.md': 'x' });
    symlinkSync(join(outside, 'resources'), join(dir, 'resources'));
    const result = await loadWorkingTree(dir);
    expect(result.model).toBeUndefined();
    expect(lines(result)).toEqual(['resources: symlink leads outside the repository; it is not read (copy the file into the repository instead)']);
  });

  it('working tree: to a folder inside the repository it is read', async () => {
    const dir = tempRepo({ 'config/namespace.yaml': NAMESPACE, 'config/preset.yaml': PRESET, 'config/template.yaml': TEMPLATE });
    symlinkSync('config', join(dir, 'resources'));
    const result = await loadWorkingTree(dir);
    expect(lines(result)).toEqual([]);
    expect(result.model?.templates.size).toBe(1);
    expect([...result.model!.namespaces.values()][0]!.source.file).toBe('resources/namespace.yaml');
  });

  it('commit: out of the tree it is refused; inside it is read', async () => {
    const repo = await gitRepo();
    const outside = tempRepo({ 'resources/ns.yaml': 'kind: Namespace\nname: stolen\n' });
    repo.write('README.md', 'x').symlink('resources', join(outside, 'resources'));
    const out = await loadCommit(repo.dir, await repo.commit('resources/ out of the tree'));
    expect(out.model).toBeUndefined();
    expect(lines(out)).toEqual(['resources: symlink leads outside the repository; it is not read (copy the file into the repository instead)']);

    repo
      .remove('resources')
      .writeAll({ 'config/namespace.yaml': NAMESPACE, 'config/preset.yaml': PRESET, 'config/template.yaml': TEMPLATE })
      .symlink('resources', 'config');
    const inside = await loadCommit(repo.dir, await repo.commit('resources/ -> config/'));
    expect(lines(inside)).toEqual([]);
    expect(inside.model?.templates.size).toBe(1);
  });
});

describe('outside text in diagnostics is escaped and cut', () => {
  const ESC = '\u001b';
  it('control characters in a name, a key and a file name never reach the output raw', async () => {
    const dir = tempRepo({
      ...SEED,
      'resources/ns.yaml': `kind: Namespace\nname: "a${ESC}[2K\\rfake: ok"\nlabels:\n  "k${ESC}]0;title\\u0007": v\n`,
      [`resources/x${ESC}[31m\r.yaml`]: 'kind: Namespace\nname: B\n',
    });
    const result = await loadWorkingTree(dir);
    const text = lines(result).join('\n');
    expect(result.diagnostics.length).toBeGreaterThanOrEqual(3);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    // What --format json prints: after JSON decoding, no raw control character either.
    for (const d of result.diagnostics) for (const value of Object.values(d)) expect(String(value)).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(text).toContain('resources/x\\x1b[31m\\r.yaml:2:7');
    expect(text).toContain('"a\\x1b[2K\\rfake: ok" is not a DNS-1123 label');
  });

  it('a name or a value near the file size limit is cut in the message', () => {
    const name = 'x'.repeat(MAX_FILE_BYTES - 100);
    const image = `${'y'.repeat(MAX_FILE_BYTES - 300)} z`;
    const result = buildModel({
      files: [
        { path: 'resources/ns.yaml', content: Buffer.from(`kind: Namespace\nname: ${name}\n`) },
        { path: 'resources/template.yaml', content: Buffer.from(TEMPLATE.replace('image: node:24-alpine3.21', `image: ${image}`)) },
      ],
    });
    const all = lines(result);
    expect(all.length).toBeGreaterThanOrEqual(2);
    for (const line of all) expect(line.length).toBeLessThan(1000);
    expect(all).toContainEqual(
      expect.stringMatching(/^resources\/ns\.yaml:2:7: Namespace\/x+… \(1048476 characters, cut\): name: must be at most 63 characters, got 1048476$/),
    );
    expect(all).toContainEqual(expect.stringMatching(/: image: image "y{120}… \(1048158 more characters\)" must not contain white space \(write it like /));
  });
});

describe('the size limit applies to every input', () => {
  it('a file given to buildModel (e.g. by a change about to be written) over the limit is refused unparsed', () => {
    const content = Buffer.from(`kind: Namespace\nname: big\ndescription: "${'x'.repeat(MAX_FILE_BYTES)}"\n`);
    const result = buildModel({ files: [{ path: 'resources/big.yaml', content }] });
    expect(result.model).toBeUndefined();
    expect(lines(result)).toEqual([
      `resources/big.yaml: file is ${content.length} bytes, over the ${MAX_FILE_BYTES}-byte limit for a declaration file (split it into several files)`,
    ]);
  });
});
