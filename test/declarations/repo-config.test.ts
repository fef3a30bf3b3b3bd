import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_BRIDGE_IMAGE } from '../../src/core/names.js';
import { McpoError } from '../../src/core/errors.js';
import { MAX_CONFIG_BYTES } from '../../src/core/limits.js';
import { bridgeImage, parseRepoConfig, readRepoConfig } from '../../src/declarations/repo-config.js';
import { tempRepo } from './fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The McpoError a call throws (fails when it throws nothing or something else). */
function refusal(fn: () => unknown): McpoError {
  try {
    fn();
  } catch (err) {
    if (err instanceof McpoError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('mcpo.yaml: bridge.image', () => {
  it('is the default image when mcpo.yaml, its bridge section or the key is left out', () => {
    for (const text of ['', 'sealing:\n  certificate: c.pem\n', 'bridge:\n', 'bridge: {}\n', 'bridge:\n  image:\n'])
      expect(bridgeImage(parseRepoConfig(text)), JSON.stringify(text)).toBe(DEFAULT_BRIDGE_IMAGE);
    const dir = tempRepo({ 'resources/.keep': '' });
    dirs.push(dir);
    expect(bridgeImage(readRepoConfig(dir))).toBe(DEFAULT_BRIDGE_IMAGE);
  });

  it('takes a tag or a digest', () => {
    for (const image of ['registry.example.com/mcp/mcpo-bridge:0.1.0', `registry.example.com:5000/mcpo-bridge@sha256:${'0f'.repeat(32)}`])
      expect(bridgeImage(parseRepoConfig(`bridge:\n  image: ${image}\n`))).toBe(image);
  });

  it('refuses what is not an image reference, with the field and a hint', () => {
    for (const [value, why] of <[string, string][]>[
      ['"with space:1"', 'must not contain white space'],
      ['Upper/Case', 'is not an image reference: the path component "Case"'],
      ['x@sha256:12', 'the digest "sha256:12" is not ALGORITHM:HEX'],
      ['3', 'expected an image reference'],
      ['[a, b]', 'expected an image reference'],
    ]) {
      const err = refusal(() => parseRepoConfig(`bridge:\n  image: ${value}\n`));
      expect(err.kind, value).toBe('invalid');
      expect(err.message, value).toMatch(new RegExp(`^mcpo\\.yaml: bridge\\.image: .*${why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(err.hint).toContain(DEFAULT_BRIDGE_IMAGE);
    }
  });

  it('refuses unknown sections and fields, naming them escaped', () => {
    expect(refusal(() => parseRepoConfig('bridge:\n  imag: x\n')).message).toBe('mcpo.yaml: bridge.imag: unknown field (known: image)');
    const typo = refusal(() => parseRepoConfig('sealng: {}\n'));
    expect(typo.message).toBe('mcpo.yaml: "sealng": unknown section (known: sealing, bridge, gitops)');
    expect(typo.hint).toBe('did you mean "sealing"?');
    expect(refusal(() => parseRepoConfig('"\\e[2Jx": 1\n')).message).toBe('mcpo.yaml: "\\x1b[2Jx": unknown section (known: sealing, bridge, gitops)');
    expect(refusal(() => parseRepoConfig('bridge: ghcr.io/x\n')).message).toBe('mcpo.yaml: bridge: expected a mapping');
  });

  it('reads at most 64 KiB of mcpo.yaml', () => {
    const dir = tempRepo({ 'mcpo.yaml': `bridge:\n  image: x\n#${'a'.repeat(MAX_CONFIG_BYTES)}\n` });
    dirs.push(dir);
    expect(refusal(() => readRepoConfig(dir)).message).toBe(`mcpo.yaml: over the ${MAX_CONFIG_BYTES}-byte limit for a settings file`);
    writeFileSync(join(dir, 'mcpo.yaml'), 'bridge:\n  image: x:1\n');
    expect(bridgeImage(readRepoConfig(dir))).toBe('x:1');
  });
});
