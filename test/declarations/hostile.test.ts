import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/core/diagnostic.js';
import { loadWorkingTree } from '../support/load.js';
import { NAMESPACE, PRESET, TEMPLATE, tempRepo } from './fixtures.js';

const SEED = { 'resources/namespace.yaml': NAMESPACE, 'resources/preset.yaml': PRESET, 'resources/template.yaml': TEMPLATE };

async function validate(dir: string) {
  const result = await loadWorkingTree(dir);
  return { ...result, lines: result.diagnostics.map(formatDiagnostic) };
}

const BOMB = `kind: McpTemplate
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
args: *h
`;

describe('hostile input: a clear error, never a crash or hang', () => {
  it('a YAML alias bomb is refused without expanding it', async () => {
    const dir = tempRepo({ ...SEED, 'resources/bomb.yaml': BOMB });
    const started = Date.now();
    const { model, lines } = await validate(dir);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(model).toBeUndefined();
    expect(lines).toEqual([
      'resources/bomb.yaml:1:1: document has 102908577 nodes once its aliases are expanded, over the limit of 100000 (split it into several documents; if it uses YAML aliases (*name), write the values out)',
    ]);
  });

  it('a file over the size limit is refused unread', async () => {
    const dir = tempRepo({ ...SEED, 'resources/huge.yaml': `kind: Namespace\nname: huge\ndescription: "${'x'.repeat(1024 * 1024)}"\n` });
    expect((await validate(dir)).lines).toEqual([
      'resources/huge.yaml: file is 1048619 bytes, over the 1048576-byte limit for a declaration file (split it into several files)',
    ]);
  });

  it('invalid UTF-8 is named with its line', async () => {
    const dir = tempRepo({
      ...SEED,
      'resources/latin1.yaml': Buffer.concat([Buffer.from('kind: Namespace\nname: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    });
    expect((await validate(dir)).lines).toEqual(['resources/latin1.yaml:2:10: file is not valid UTF-8 (save it as UTF-8)']);
  });

  it('duplicate mapping keys are an error, not last-one-wins', async () => {
    const dir = tempRepo({ ...SEED, 'resources/dup.yaml': 'kind: Namespace\nname: a\nname: b\n' });
    expect((await validate(dir)).lines).toEqual(['resources/dup.yaml:3:1: duplicate mapping key: each key may appear once']);
  });

  it('a symlink leaving the repo is not read', async () => {
    const outside = tempRepo({ 'secret.yaml': 'kind: Namespace\nname: stolen\n' });
    const dir = tempRepo(SEED);
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'resources/link.yaml'));
    symlinkSync(outside, join(dir, 'resources/linked-dir'));
    const { model, lines } = await validate(dir);
    expect(model).toBeUndefined();
    expect(lines).toEqual([
      'resources/link.yaml: symlink leads outside the repository; it is not read (copy the file into the repository instead)',
      'resources/linked-dir: symlink leads outside the repository; it is not read (copy the file into the repository instead)',
    ]);
  });

  it('a symlink loop inside the repo is walked once', async () => {
    const dir = tempRepo(SEED);
    mkdirSync(join(dir, 'resources/sub'));
    symlinkSync(join(dir, 'resources'), join(dir, 'resources/sub/loop'));
    const { model } = await validate(dir);
    expect(model?.templates.size).toBe(1);
  });

  it('a document that is a list or a scalar', async () => {
    const dir = tempRepo({ ...SEED, 'resources/list.yaml': '- kind: Namespace\n  name: a\n---\njust text\n' });
    expect((await validate(dir)).lines).toEqual([
      'resources/list.yaml:1:1: a declaration must be a mapping with "kind:", got a list (write one resource per YAML document, separated by ---)',
      'resources/list.yaml:4:1: a declaration must be a mapping with "kind:", got a scalar (write one resource per YAML document, separated by ---)',
    ]);
  });

  it('an unknown or missing kind', async () => {
    const dir = tempRepo({ ...SEED, 'resources/kinds.yaml': 'kind: McpTempalte\nname: a\n---\nkind: Deployment\n---\nname: x\n' });
    expect((await validate(dir)).lines).toEqual([
      'resources/kinds.yaml:1:7: kind: unknown kind "McpTempalte" (did you mean "McpTemplate"?)',
      'resources/kinds.yaml:4:7: kind: unknown kind "Deployment" (expected one of: McpTemplate, ResourceLimit, Namespace, Secret)',
      'resources/kinds.yaml:6:1: kind: missing "kind:" (add one of: McpTemplate, ResourceLimit, Namespace, Secret)',
    ]);
  });

  it('malformed YAML is named with its position and the other files are still checked', async () => {
    const dir = tempRepo({ ...SEED, 'resources/broken.yaml': 'kind: Namespace\nname: [unclosed\n', 'resources/other.yaml': 'kind: Namespace\nname: BAD\n' });
    const { lines } = await validate(dir);
    expect(lines[0]).toMatch(/^resources\/broken\.yaml:\d+:\d+: /);
    expect(lines[lines.length - 1]).toMatch(/^resources\/other\.yaml:2:7: Namespace\/BAD: name: "BAD" is not a DNS-1123 label/);
  });

  it('a repo with no resources/ says where declarations go', async () => {
    const dir = tempRepo({ 'README.md': 'x' });
    expect((await validate(dir)).lines[0]).toMatch(
      /^resources: no resources\/ folder in .* \(declarations live in resources\/\*\*\/\*\.yaml; pass --repo DIR for another repository\)$/,
    );
  });

  it('non-YAML files and dotfiles are ignored', async () => {
    const dir = tempRepo({ ...SEED, 'resources/notes.md': 'not yaml', 'resources/.hidden.yaml': 'garbage: [' });
    writeFileSync(join(dir, 'resources/empty.yml'), '# only a comment\n---\n');
    expect((await validate(dir)).lines).toEqual([]);
  });
});
