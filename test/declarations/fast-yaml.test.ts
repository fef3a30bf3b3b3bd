/**
 * The fast reader (src/declarations/fast-yaml.ts) against the exact one
 * (parse-yaml.ts): whenever checkFile keeps a fast read, the exact read of
 * the same bytes must find nothing to report and give the same declarations
 * (kind, value, where the document starts, name); otherwise checkFile's
 * answer must be the exact read itself. Held over this repository's own
 * declarations, the hostile fuzz corpus, and generated declarations in the
 * plain subset the fast reader takes, with the scalars and layouts where
 * two YAML parsers are most likely to part.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel, checkFile, checkFileExactly, type FileCheck } from '../../src/model/build.js';
import { generateFile, SentinelRegistry } from '../fuzz/generate.js';
import { fuzzSeed, Rng } from '../fuzz/prng.js';

const ROOT = join(import.meta.dirname, '..', '..');

function comparable(check: FileCheck) {
  return check.declarations.map((d) => ({ kind: d.kind, value: d.value, file: d.file, start: d.start, displayName: d.displayName }));
}

/** Checks one file both ways; returns whether the fast read was kept. */
function agree(path: string, content: Buffer): boolean {
  const file = { path, content };
  const chosen = checkFile(file);
  // Not kept: checkFile's answer is the exact read (compared as such, a document nested past the stack
  // would differ: where the exact reader's stack overflows depends on the caller's depth).
  if (chosen.exact) return false;
  const exact = checkFileExactly(file);
  expect(exact.diagnostics, `${path}: kept from the fast read, but the exact read reports:\n${content.toString('utf8')}`).toEqual([]);
  expect(comparable(chosen), `${path}:\n${content.toString('utf8')}`).toEqual(comparable(exact));
  return true;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

// ---- declarations in the plain subset, with the scalars and layouts parsers disagree on ----

const SCALARS = [
  'abc',
  'a b',
  'a:b',
  'a :b',
  'a #b',
  'a#b',
  '-x',
  ':x',
  'x:',
  '--x=1',
  'a,b',
  ',a',
  '=',
  '<',
  "a'b",
  'a"b',
  '-',
  '.',
  '..',
  '1',
  '-1',
  '+1',
  '01',
  '007',
  '0o17',
  '0o8',
  '0x1F',
  '0xg',
  '0b1',
  '1_000',
  '1.5',
  '.5',
  '1.',
  '-.5',
  '1e3',
  '1E+3',
  '1e',
  '+.inf',
  '.inf',
  '-.Inf',
  '.NaN',
  '.nan',
  'nan',
  'inf',
  'true',
  'True',
  'TRUE',
  'tRue',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'null',
  'Null',
  'NULL',
  '~',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '12:30:45',
  '100m',
  '256Mi',
  '0.5',
  '1.5Gi',
  '1e3m',
  'node:24-alpine',
  'ghcr.io/org/img@sha256:' + 'a'.repeat(64),
  'ünïcödé',
  'x'.repeat(300),
  '9'.repeat(40),
  'n1-standard-nano',
  'SECRET_TYPE_OPAQUE',
  'TRANSPORT_STDIO',
  'TRANSPORT_SSE',
  'stdio',
  'default',
  'key=value',
  'a - b',
  'a -b',
  '#',
  'é:',
  'a  b',
];

const KEYS = [
  'name',
  'namespace',
  'image',
  'labels',
  'app',
  'a b',
  'a.b/c',
  'Name',
  'imagE',
  '1',
  'true',
  'null',
  '~',
  '1.5',
  '0x1',
  '-a',
  'é',
  'x:y',
  '__proto__',
  'constructor',
];

const FLOW_AND_BLOCK = ['[a, b]', '{a: b}', '[]', '{}', '|\n  line one\n  line two', '>-\n  folded\n  text', '&x value', '*x', '!!str 1', '"a\\tb"', "'it''s'"];

function quotedText(r: Rng, text: string): string {
  return r.chance(0.5) ? `"${text.replace(/["\\]/g, '')}"` : `'${text.replace(/'/g, "''")}'`;
}

/** A valid declaration as lines of [indent, text]; sequences are written at or below their key. */
function validLines(r: Rng, i: number): Array<[number, string]> {
  const kind = r.pick(['McpTemplate', 'McpTemplate', 'ResourceLimit', 'Namespace', 'Secret']);
  const seq = r.pick([0, 2]);
  const lines: Array<[number, string]> = [[0, `kind: ${kind}`]];
  const labels = (): void => {
    lines.push([0, 'labels:']);
    for (const k of ['app', 'team', 'app.kubernetes.io/part-of'].slice(0, r.int(1, 3))) lines.push([2, `${k}: ${r.pick(['mcp', 'data', 'prod'])}`]);
  };
  switch (kind) {
    case 'McpTemplate':
      lines.push(
        [0, `name: srv-${i}`],
        [0, 'namespace: default'],
        [0, `image: ${r.pick(['node:24-alpine', 'python:3.13-slim', `ghcr.io/org/img@sha256:${'b'.repeat(64)}`])}`],
      );
      lines.push([0, 'command:'], [seq, '- uvx'], [0, 'args:'], [seq, '- mcp-server-fetch'], [seq, '- --port=8080']);
      lines.push([0, 'resource_limit_name: n1-standard-nano'], [0, `replicas: ${r.int(0, 3)}`], [0, 'port: 8080'], [0, 'transport: TRANSPORT_STREAMABLE_HTTP']);
      lines.push(
        [0, 'description: A server'],
        [0, 'env_vars:'],
        [seq, '- name: NODE_ENV'],
        [seq + 2, 'value: production'],
        [0, 'resources:'],
        [2, 'cpu: 100m'],
        [2, 'memory: 256Mi'],
      );
      labels();
      break;
    case 'ResourceLimit':
      lines.push([0, 'name: n1-standard-nano'], [0, 'limits:'], [2, 'cpu: 100m'], [2, 'memory: 256Mi'], [2, 'memory_limit: 512Mi']);
      break;
    case 'Namespace':
      lines.push([0, 'name: default'], [0, 'display_name: Default']);
      labels();
      break;
    default:
      lines.push(
        [0, 'name: db'],
        [0, 'namespace: default'],
        [0, 'type: SECRET_TYPE_OPAQUE'],
        [0, 'sealed:'],
        [2, 'scope: SEALING_SCOPE_STRICT'],
        [2, 'encrypted_data:'],
        [4, `password: AgB${'x'.repeat(40)}`],
      );
  }
  return lines;
}

/** One change to a valid declaration, of the kinds where two YAML parsers are most likely to part. */
function perturb(r: Rng, lines: Array<[number, string]>): void {
  const at = r.int(1, lines.length - 1);
  const [indent, text] = lines[at]!;
  const colon = text.indexOf(': ');
  const keyPart = colon >= 0 ? text.slice(0, colon) : text;
  const valuePart = colon >= 0 ? text.slice(colon + 2) : '';
  switch (r.int(0, 9)) {
    case 0: // another scalar as the value
      if (colon >= 0) lines[at] = [indent, `${keyPart}: ${r.chance(0.3) ? quotedText(r, r.pick(SCALARS)) : r.pick(SCALARS)}`];
      break;
    case 1: // another key (in a labels map, a key parsers may type differently)
      if (colon >= 0) lines[at] = [indent, `${r.chance(0.3) ? quotedText(r, r.pick(KEYS)) : r.pick(KEYS)}: ${valuePart}`];
      break;
    case 2: // quoting
      if (colon >= 0) lines[at] = [indent, `${keyPart}: ${quotedText(r, valuePart)}`];
      break;
    case 3: // indentation off by one or two
      lines[at] = [Math.max(0, indent + r.pick([-2, -1, 1, 2])), text];
      break;
    case 4: // comments, blank lines, trailing spaces
      lines.splice(at, 0, [r.pick([0, indent, indent + 1]), r.pick(['# comment', '', '#', ' '])]);
      if (r.chance(0.5)) lines[at + 1] = [indent, `${text}${r.pick(['  ', ' # c', '#c', ' #'])}`];
      break;
    case 5: // a continuation line (plain or quoted multi-line scalar)
      lines.splice(at + 1, 0, [indent + r.pick([0, 1, 2, 4]), r.pick(['continued', 'more: text', '- x', '"q"', "it's"])]);
      break;
    case 6: // separators
      if (colon >= 0) lines[at] = [indent, `${keyPart}${r.pick([':', ':  ', ' : ', ':\t'])}${valuePart}`];
      break;
    case 7: // flow collections, block scalars, anchors, tags, escapes (left to the exact reader)
      if (colon >= 0) lines[at] = [indent, `${keyPart}: ${r.pick(FLOW_AND_BLOCK)}`];
      break;
    case 8: // a duplicated or dropped line
      if (r.chance(0.5)) lines.splice(at, 0, [indent, text]);
      else lines.splice(at, 1);
      break;
    default: // document markers
      if (r.chance(0.5)) lines.unshift([0, r.pick(['---', '--- # doc', '%YAML 1.2\n---'])]);
      else lines.push([0, r.pick(['...', '---', '--- ', '---\nkind: Namespace\nname: x'])]);
  }
}

function plainDeclaration(r: Rng, i: number): string {
  const lines = validLines(r, i);
  for (let n = r.pick([0, 1, 1, 1, 2]); n > 0; n--) perturb(r, lines);
  return lines.map(([indent, text]) => `${' '.repeat(indent)}${text}\n`).join('');
}

describe('the fast YAML reader agrees with the exact one', () => {
  it("on this repository's declarations and test fixtures", () => {
    const files = [...yamlFiles(join(ROOT, 'resources')), ...yamlFiles(join(ROOT, 'test')).filter((f) => !f.includes('node_modules'))];
    let kept = 0;
    for (const path of files) if (agree(path, readFileSync(path))) kept++;
    expect(files.length).toBeGreaterThan(3);
    expect(kept).toBeGreaterThan(0);
  });

  it('on generated plain-subset declarations with tricky scalars, keys and indentation', () => {
    const r = new Rng(fuzzSeed() ^ 0xfa57);
    let kept = 0;
    const runs = 6000;
    for (let i = 0; i < runs; i++) if (agree(`resources/templates/f${i}.yaml`, Buffer.from(plainDeclaration(r, i)))) kept++;
    // Many are kept from the fast read (valid, in the subset): the comparison is not vacuous.
    expect(kept).toBeGreaterThan(runs / 3);
  });

  it('on the hostile fuzz corpus (which the fast reader mostly leaves to the exact one)', () => {
    const registry = new SentinelRegistry();
    const root = new Rng(fuzzSeed());
    for (let i = 0; i < 1500; i++) {
      const file = generateFile(root, i, registry);
      agree(file.path, file.content);
    }
  });

  it('a rule reporting in a fast-read file points at the field, as the exact read does', () => {
    const template = 'kind: McpTemplate\nname: t\nnamespace: default\nimage: node:24-alpine\ncommand:\n  - npx\nresource_limit_name: missing-preset\n';
    const files = [
      { path: 'resources/namespaces/default.yaml', content: Buffer.from('kind: Namespace\nname: default\n') },
      { path: 'resources/templates/default/t.yaml', content: Buffer.from(template) },
    ];
    expect(checkFile(files[1]!).exact).toBe(false);
    const { model, diagnostics } = buildModel({ files });
    expect(model).toBeUndefined();
    const missing = diagnostics.find((d) => d.path === 'resource_limit_name');
    expect(missing).toMatchObject({ file: 'resources/templates/default/t.yaml', line: 7, column: 22 });
  });
});
