/**
 * Hostile declaration files from a seed: the four kinds, every field given
 * either a plausible value or a random YAML node (any type, tag, anchor,
 * alias, flow or block style, quoting, escapes, control characters, long
 * text, deep nesting), plus duplicate keys, several documents per file,
 * CRLF, BOM, invalid UTF-8 and NUL bytes, and hostile file names.
 *
 * Every value written under a Secret's `sealed` is a unique sentinel: its
 * needles (its source text and every normalised form of the value it parses
 * to) must never appear in any output.
 */
import { parseDocument } from 'yaml';
import { Rng } from './prng.js';

export interface Sentinel {
  /** The unique core (also its id). */
  id: string;
  /** How it is written in YAML, e.g. "int-hex", "double-quoted", "binary". */
  type: string;
  /** Where under `sealed` it sits, e.g. "encrypted_data value". */
  where: string;
  /** The YAML source as written (cut for display). */
  source: string;
  /** Text that must not appear in any output. */
  needles: string[];
}

export interface HostileFile {
  index: number;
  path: string;
  content: Buffer;
  sentinels: Sentinel[];
}

type YNode =
  | { t: 'scalar'; text: string; block?: { header: string; lines: string[] }; anchor?: string; tag?: string; flowSafe: boolean }
  | { t: 'alias'; name: string }
  | { t: 'seq'; items: YNode[]; flow: boolean; anchor?: string; tag?: string }
  | { t: 'map'; pairs: Pair[]; flow: boolean; anchor?: string; tag?: string }
  | { t: 'raw'; text: string };

interface Pair {
  key: YNode;
  value: YNode;
}

const CONTROL = ['\x1b', '\r', '\x00', '\u202e', '\u2066', '\x07', '\x08', '\x7f', '\u0085', '\u2028', '\x1b[2J\x1b[H', '\x1b]0;pwned\x07', '\x9b'];
const DQ_ESCAPES = [
  '\\e',
  '\\r',
  '\\0',
  '\\u202e',
  '\\x1b',
  '\\N',
  '\\_',
  '\\L',
  '\\P',
  '\\t',
  '\\a',
  '\\b',
  '\\v',
  '\\x7f',
  '\\U0001F600',
  '\\e[31m',
  '\\e]0;x\\a',
];
const BAD_ESCAPES = ['\\q', '\\x4', '\\u12', '\\U1234', '\\xZZ', '\\ '];
const WORDS = [
  'default',
  'n1-standard-nano',
  'ok',
  'a b',
  'ünïcödé',
  'x'.repeat(64),
  'UPPER',
  '-lead',
  'trail-',
  'a.b',
  'a/b',
  'a_b',
  '0',
  '',
  'null',
  'True',
  '1e3',
  '100m',
  '256Mi',
];
const NUMERIC_BASE = 48151623420;

/** Counters shared by every document of one run, so sentinels are unique. */
export class SentinelRegistry {
  private n = 0;
  next(): { core: string; number: number } {
    const n = this.n++;
    return { core: `zSEC${String(n).padStart(5, '0')}q`, number: NUMERIC_BASE + n * 7919 };
  }
}

function dq(text: string): string {
  // JSON string escapes are valid YAML double-quoted escapes.
  return JSON.stringify(text);
}

function plainScalar(text: string): YNode {
  return { t: 'scalar', text, flowSafe: !/[,[\]{}]/.test(text) };
}

/** Needles for a scalar: its source and every normalised form of the value it parses to. */
function needlesFor(source: string, core: string | undefined, yaml11: boolean): string[] {
  const out = new Set<string>();
  if (core) out.add(core);
  const compact = source.replace(/^(?:![^\s]*\s+)?/, '').trim();
  if (/\d{8,}/.test(compact) || (compact.length >= 8 && !core)) out.add(compact);
  let value: unknown;
  try {
    value = parseDocument(`v: ${source}\n`, { version: yaml11 ? '1.1' : '1.2' }).toJS()?.v;
  } catch {
    value = undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) {
    out.add(String(value));
    out.add(value.toExponential());
    out.add(JSON.stringify(value));
    if (Math.abs(value) < 1e21) out.add(value.toFixed(0));
    out.add(value.toLocaleString('en-US'));
    if (Number.isInteger(value)) out.add(BigInt(value).toString());
  } else if (typeof value === 'bigint') {
    out.add(value.toString());
  } else if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    out.add(bytes.toString('base64'));
    out.add(bytes.toString('hex'));
    out.add(Array.from(value).join(','));
    out.add(bytes.toString('latin1'));
  } else if (value instanceof Date && !Number.isNaN(value.getTime())) {
    out.add(value.toISOString());
    out.add(String(value.getTime()));
  }
  // Short or digit-poor forms would match unrelated text (line numbers, sizes).
  return [...out].filter((n) => n.length >= 10 && (n.includes('zSEC') || /\d{7,}/.test(n.replace(/[.,]/g, '')) || /[A-Za-z0-9+/=]{12,}/.test(n)));
}

export interface GenOptions {
  /** Make an anchor+alias-as-key sentinel (a value reused as a map key). */
  aliasKeys: boolean;
}

/** One file's generator state. */
class FileGen {
  readonly sentinels: Sentinel[] = [];
  private anchors = 0;
  yaml11 = false;
  /** Anchored nodes of the current document, for aliases. */
  private docAnchors: { name: string; sentinel?: Sentinel }[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly registry: SentinelRegistry,
  ) {}

  newDocument(yaml11: boolean): void {
    this.yaml11 = yaml11;
    this.docAnchors = [];
  }

  private anchorName(): string {
    return `a${this.anchors++}`;
  }

  // ---------------------------------------------------------------- scalars

  /**
   * A random scalar. With `secretWhere`, it carries a fresh sentinel (and is
   * registered); otherwise its text is ordinary hostile text.
   */
  scalar(secretWhere?: string): YNode {
    const r = this.rng;
    const { core: sentinelCore, number } = this.registry.next();
    const core = secretWhere ? sentinelCore : r.pick(WORDS.filter((w) => w !== '')) + (r.chance(0.3) ? r.pick(CONTROL) : '');
    const digits = String(number);
    type Form = [string, () => YNode];
    const forms: Form[] = [
      ['plain', () => plainScalar(secretWhere ? r.pick([core, `${core} with words`, `ünï ${core} \u202eend`, `${core}:x`]) : core)],
      [
        'double-quoted-escapes',
        () => ({ t: 'scalar', flowSafe: true, text: `"${r.pick(DQ_ESCAPES)}${dq(core).slice(1, -1)}${r.pick(DQ_ESCAPES)}${r.pick(DQ_ESCAPES)}"` }),
      ],
      ['double-quoted-invalid-escape', () => ({ t: 'scalar', flowSafe: true, text: `"${dq(core).slice(1, -1)}${r.pick(BAD_ESCAPES)}tail"` })],
      ['single-quoted', () => ({ t: 'scalar', flowSafe: true, text: `'it''s ${core.replace(/'/g, "''")}'` })],
      ['raw-control-in-quotes', () => ({ t: 'scalar', flowSafe: true, text: `"${r.pick(CONTROL)}${dq(core).slice(1, -1)}${r.pick(CONTROL)}"` })],
      ['raw-control-plain', () => plainScalar(`${core}${r.pick(CONTROL)}x`)],
      [
        'block-literal',
        () => ({
          t: 'scalar',
          flowSafe: false,
          text: dq(`${core}\nsecond\n`),
          block: { header: r.pick(['|', '|-', '|+', '|2']), lines: [`${core}`, `  second ${r.chance(0.3) ? r.pick(CONTROL) : ''}line`, ''] },
        }),
      ],
      [
        'block-folded',
        () => ({
          t: 'scalar',
          flowSafe: false,
          text: dq(`${core} folded`),
          block: { header: r.pick(['>', '>-', '>+']), lines: [`${core}`, 'folded', '', '  more'] },
        }),
      ],
      ['multi-line-plain', () => ({ t: 'scalar', flowSafe: false, text: dq(core), block: { header: core, lines: ['continued plain', 'and more'] } })],
      ['int', () => plainScalar(digits)],
      ['int-signed', () => plainScalar(`${r.pick(['+', '-'])}${digits}`)],
      ['int-hex', () => plainScalar(`0x${r.chance(0.5) ? number.toString(16) : number.toString(16).toUpperCase()}`)],
      ['int-octal', () => plainScalar(this.yaml11 ? `0${number.toString(8)}` : `0o${number.toString(8)}`)],
      ['int-huge', () => plainScalar(`${digits}${String(r.int(100000, 999999))}${String(r.int(100000, 999999))}${String(r.int(100000, 999999))}`)],
      ['float', () => plainScalar(`${digits}.${r.int(1, 9)}`)],
      ['float-exponent', () => plainScalar(`${digits[0]}.${digits.slice(1)}e${digits.length - 1}`)],
      ['float-negative-exponent', () => plainScalar(`${digits}e-3`)],
      ['float-huge', () => plainScalar(`${digits}e300`)],
      ['str-tag-on-int', () => ({ t: 'scalar', flowSafe: true, text: digits, tag: '!!str' })],
      ['int-tag-on-string', () => ({ t: 'scalar', flowSafe: true, text: core, tag: '!!int' })],
      ['float-tag-on-string', () => ({ t: 'scalar', flowSafe: true, text: core, tag: '!!float' })],
      ['bool-tag-on-int', () => ({ t: 'scalar', flowSafe: true, text: digits, tag: '!!bool' })],
      ['null-tag', () => ({ t: 'scalar', flowSafe: true, text: core, tag: '!!null' })],
      ['map-tag-on-scalar', () => ({ t: 'scalar', flowSafe: true, text: core, tag: '!!map' })],
      ['seq-tag-on-scalar', () => ({ t: 'scalar', flowSafe: true, text: core, tag: '!!seq' })],
      [
        'custom-tag',
        () => ({
          t: 'scalar',
          flowSafe: true,
          text: r.chance(0.5) ? core : digits,
          tag: r.pick(['!x', '!secret', '!<tag:example.com,2000:x>', '!!python/object']),
        }),
      ],
      ['binary', () => ({ t: 'scalar', flowSafe: true, text: Buffer.from(`${core}\x00\xff bytes`, 'latin1').toString('base64'), tag: '!!binary' })],
      ['timestamp', () => plainScalar(`19${String(r.int(10, 99))}-0${r.int(1, 9)}-1${r.int(0, 9)}T0${r.int(0, 9)}:1${r.int(0, 9)}:2${r.int(0, 9)}.${digits}Z`)],
      ['timestamp-tag', () => ({ t: 'scalar', flowSafe: true, text: `2001-12-14 21:59:43.${digits}`, tag: '!!timestamp' })],
      ['long', () => ({ t: 'scalar', flowSafe: true, text: dq(`${core}-`.repeat(Math.floor(r.pick([200, 2000, 20000, 100000]) / (core.length + 1)))) })],
    ];
    if (this.yaml11) {
      forms.push(
        ['int-underscore-1.1', () => plainScalar(digits.replace(/\B(?=(\d{3})+(?!\d))/g, '_'))],
        ['int-binary-1.1', () => plainScalar(`0b${number.toString(2)}`)],
        [
          'int-sexagesimal-1.1',
          () => plainScalar(`${Math.floor(number / 3600)}:${String(Math.floor(number / 60) % 60).padStart(2, '0')}:${String(number % 60).padStart(2, '0')}`),
        ],
        ['timestamp-1.1', () => plainScalar(`2001-12-14t21:59:43.${digits}-05:00`)],
      );
    }
    if (!secretWhere) {
      forms.push(
        ['inf', () => plainScalar(r.pick(['.inf', '-.inf', '+.INF', '.nan', '.NaN']))],
        ['bool', () => plainScalar(r.pick(['true', 'false', 'True', 'yes', 'no', 'on', 'off']))],
        ['null', () => plainScalar(r.pick(['null', '~', 'Null', '']))],
        ['small-int', () => plainScalar(String(r.pick([0, -1, 1, 65536, 2 ** 31, 2 ** 32, -(2 ** 31) - 1, 2 ** 53 + 1])))],
      );
    }
    const [type, make] = r.pick(forms);
    const node = make();
    if (secretWhere && node.t === 'scalar') {
      const source = `${node.tag ? `${node.tag} ` : ''}${node.block ? `${node.block.header}\n  ${node.block.lines.join('\n  ')}` : node.text}`;
      const sentinel: Sentinel = {
        id: core,
        type: `${type}${this.yaml11 ? ' (%YAML 1.1)' : ''}`,
        where: secretWhere,
        source: source.length > 200 ? `${source.slice(0, 200)}…` : source,
        needles: needlesFor(node.block ? node.text : source, core, this.yaml11),
      };
      if (!sentinel.needles.length) sentinel.needles.push(core);
      this.sentinels.push(sentinel);
      if (this.rng.chance(0.15)) {
        node.anchor = this.anchorName();
        this.docAnchors.push({ name: node.anchor, sentinel });
      }
    } else if (node.t === 'scalar' && this.rng.chance(0.05)) {
      node.anchor = this.anchorName();
      this.docAnchors.push({ name: node.anchor });
    }
    return node;
  }

  /** A valid-looking Sealed Secrets ciphertext carrying a sentinel in its bytes. */
  sealedCiphertext(where: string): YNode {
    const { core } = this.registry.next();
    const bytes = Buffer.alloc(2 + 256 + 32, 0x41);
    bytes.writeUInt16BE(256, 0);
    bytes.write(core.repeat(20), 2, 'latin1');
    const text = bytes.toString('base64');
    this.sentinels.push({
      id: core,
      type: 'sealed-ciphertext',
      where,
      source: `${text.slice(0, 60)}…`,
      needles: [text, text.slice(0, 40), text.slice(100, 140), text.slice(-40)],
    });
    return plainScalar(text);
  }

  // ------------------------------------------------------------ collections

  /** A random node of any type; `secretWhere` makes every leaf a sentinel. */
  any(depth: number, secretWhere?: string): YNode {
    const r = this.rng;
    if (depth === 0 && r.chance(0.03)) return this.deep(secretWhere, false);
    // Outside `sealed`, aliases only point at ordinary anchors: a secret value copied into a label on purpose is not a leak.
    const anchors = secretWhere ? this.docAnchors : this.docAnchors.filter((a) => !a.sentinel);
    if (depth < 3 && r.chance(0.06) && anchors.length > 0) return { t: 'alias', name: r.pick(anchors).name };
    if (depth >= 3 || r.chance(0.65)) return this.scalar(secretWhere);
    const flow = r.chance(0.5);
    const tag = r.chance(0.08) ? r.pick(['!!map', '!!seq', '!!str', '!x', '!!set', '!!omap']) : undefined;
    const anchor = r.chance(0.08) ? this.anchorName() : undefined;
    if (anchor) this.docAnchors.push({ name: anchor });
    if (r.chance(0.5)) {
      const items = Array.from({ length: r.int(0, 4) }, () => this.any(depth + 1, secretWhere));
      return { t: 'seq', items, flow, tag, anchor };
    }
    const pairs: Pair[] = Array.from({ length: r.int(0, 4) }, () => ({ key: this.key(), value: this.any(depth + 1, secretWhere) }));
    this.maybeDuplicate(pairs);
    return { t: 'map', pairs, flow, tag, anchor };
  }

  /** Nesting far beyond any limit, as one flow blob or nested block mappings. */
  deep(secretWhere: string | undefined, flowOnly: boolean): YNode {
    const r = this.rng;
    const leaf = this.scalar(secretWhere);
    const leafText = leaf.t === 'scalar' && leaf.flowSafe && !leaf.block ? `${leaf.tag ? `${leaf.tag} ` : ''}${leaf.text}` : '"x"';
    const n = r.pick([40, 300, 3000, 20000]);
    if (flowOnly || r.chance(0.5)) {
      const open = r.chance(0.5) ? '[' : '{a: ';
      const close = open === '[' ? ']' : '}';
      return { t: 'raw', text: `${open.repeat(n)}${leafText}${close.repeat(n)}` };
    }
    const levels = Math.min(n, 400);
    let lines = '';
    for (let i = 0; i < levels; i++) lines += `\n${' '.repeat(2 + i)}k${i}:`;
    return { t: 'raw', text: `${lines} ${leafText}` };
  }

  /** A mapping key: a field name or something hostile. */
  key(names: readonly string[] = []): YNode {
    const r = this.rng;
    const choice = r.weighted<string>([
      [names.length ? 6 : 0, 'field'],
      [2, 'word'],
      [1, 'control'],
      [1, 'number'],
      [0.5, 'complex'],
      [0.5, 'null'],
      [0.5, 'long'],
      [0.5, 'tagged'],
      [0.5, 'merge'],
    ]);
    switch (choice) {
      case 'field':
        return plainScalar(r.pick(names));
      case 'word':
        return plainScalar(
          r.pick([
            'imagee',
            'Name',
            'apiVersion',
            'metadata',
            'spec',
            'nameSpace',
            'encryptedData',
            'data',
            'keys',
            'created_at',
            'usage_count',
            'resolved_limits',
            '__proto__',
            'constructor',
            'toString',
            'hasOwnProperty',
          ]),
        );
      case 'control':
        return { t: 'scalar', flowSafe: true, text: dq(`${r.pick(['key', 'name', 'x'])}${r.pick(CONTROL)}${r.pick(['', 'tail', '\u202egnp.exe'])}`) };
      case 'number':
        return plainScalar(r.pick(['1', '0x10', '1.5', '-0', '.inf', '99999999999999999999']));
      case 'complex':
        return { t: 'seq', flow: true, items: [plainScalar('a'), plainScalar('b')] };
      case 'null':
        return plainScalar(r.pick(['~', 'null', '""']));
      case 'long':
        return { t: 'scalar', flowSafe: true, text: dq('k'.repeat(r.pick([64, 300, 5000]))) };
      case 'tagged':
        return { t: 'scalar', flowSafe: true, text: r.pick(['name', '1', 'kind']), tag: r.pick(['!!str', '!!int', '!x', '!!binary']) };
      default:
        return plainScalar('<<');
    }
  }

  maybeDuplicate(pairs: Pair[]): void {
    if (pairs.length > 0 && this.rng.chance(0.08)) {
      const dup = this.rng.pick(pairs);
      pairs.splice(this.rng.int(0, pairs.length), 0, { key: dup.key, value: this.any(2) });
    }
  }

  /** An alias to one of this document's sentinel anchors, if any. */
  sentinelAlias(): { name: string; sentinel: Sentinel } | undefined {
    const withSentinel = this.docAnchors.filter((a) => a.sentinel);
    if (withSentinel.length === 0) return undefined;
    const a = this.rng.pick(withSentinel);
    return { name: a.name, sentinel: a.sentinel! };
  }
}

// ------------------------------------------------------------------ rendering

function prefix(node: { anchor?: string; tag?: string }): string {
  return `${node.anchor ? `&${node.anchor} ` : ''}${node.tag ? `${node.tag} ` : ''}`;
}

function flow(node: YNode): string {
  switch (node.t) {
    case 'raw':
      return node.text;
    case 'alias':
      return `*${node.name}`;
    case 'scalar':
      return `${prefix(node)}${node.block || !node.flowSafe ? (node.text.startsWith('"') ? node.text : dq(node.text)) : node.text}`;
    case 'seq':
      return `${prefix(node)}[${node.items.map(flow).join(', ')}]`;
    case 'map':
      return `${prefix(node)}{${node.pairs.map((p) => `${flowKey(p.key)}: ${flow(p.value)}`).join(', ')}}`;
  }
}

function flowKey(key: YNode): string {
  const text = flow(key);
  return key.t === 'scalar' || key.t === 'alias' ? (key.t === 'alias' ? `${text} ` : text) : `? ${text}`;
}

/** Text after "key:" (or "- ") in block context at `indent` (the indent of the key). */
function block(node: YNode, indent: number): string {
  const inner = ' '.repeat(indent + 2);
  switch (node.t) {
    case 'raw':
      return node.text.startsWith('\n') ? node.text : ` ${node.text}`;
    case 'alias':
      return ` *${node.name}`;
    case 'scalar':
      if (node.block) {
        if (/^[|>]/.test(node.block.header)) return ` ${prefix(node)}${node.block.header}\n${node.block.lines.map((l) => (l ? inner + l : '')).join('\n')}`;
        return ` ${prefix(node)}${node.block.header}\n${node.block.lines.map((l) => inner + l).join('\n')}`;
      }
      return ` ${prefix(node)}${node.text}`;
    case 'seq':
      if (node.flow || node.items.length === 0) return ` ${flow(node)}`;
      return `${node.anchor || node.tag ? ` ${prefix(node).trimEnd()}` : ''}\n${node.items.map((item) => `${inner}-${block(item, indent + 2)}`).join('\n')}`;
    case 'map':
      if (node.flow || node.pairs.length === 0) return ` ${flow(node)}`;
      return `${node.anchor || node.tag ? ` ${prefix(node).trimEnd()}` : ''}\n${blockPairs(node.pairs, indent + 2)}`;
  }
}

function blockPairs(pairs: readonly Pair[], indent: number): string {
  const ind = ' '.repeat(indent);
  return pairs
    .map((p) => {
      if (p.key.t === 'scalar' && !p.key.block) return `${ind}${prefix(p.key)}${p.key.text}:${block(p.value, indent)}`;
      if (p.key.t === 'alias') return `${ind}*${p.key.name} :${block(p.value, indent)}`;
      return `${ind}? ${flow(p.key)}\n${ind}:${block(p.value, indent)}`;
    })
    .join('\n');
}

// ------------------------------------------------------------------ documents

type FieldGen = (g: FileGen, r: Rng) => YNode;

const str =
  (...values: string[]): FieldGen =>
  (_g, r) =>
    plainScalar(r.pick(values));
const list =
  (...values: string[]): FieldGen =>
  (_g, r) => ({
    t: 'seq',
    flow: r.chance(0.5),
    items: Array.from({ length: r.int(1, 3) }, () => ({ t: 'scalar', flowSafe: true, text: dq(r.pick(values)) }) as YNode),
  });
const labels: FieldGen = (g, r) => ({
  t: 'map',
  flow: r.chance(0.5),
  pairs: Array.from({ length: r.int(1, 3) }, () => ({
    key: r.chance(0.7) ? plainScalar(r.pick(['app', 'env', 'team', 'example.com/x'])) : g.key(),
    value: r.chance(0.7) ? plainScalar(r.pick(['prod', 'dev', 'mcp'])) : g.scalar(),
  })),
});
const quantities =
  (...fields: string[]): FieldGen =>
  (g, r) => ({
    t: 'map',
    flow: r.chance(0.4),
    pairs: fields
      .filter(() => r.chance(0.8))
      .map((f) => ({ key: plainScalar(f), value: r.chance(0.7) ? plainScalar(r.pick(['100m', '256Mi', '1', '0.5', '1Gi', '200m', '1e3'])) : g.any(2) })),
  });

const FIELDS: Record<string, Record<string, FieldGen>> = {
  Namespace: {
    labels,
    display_name: str('Tools', 'Ünïcödé'),
    description: str('a namespace'),
  },
  ResourceLimit: {
    display_name: str('Nano'),
    description: str('small'),
    limits: quantities('cpu', 'memory', 'cpu_limit', 'memory_limit', 'ephemeral_storage'),
    volumes: (g, r) => ({
      t: 'seq',
      flow: false,
      items: [
        {
          t: 'map',
          flow: r.chance(0.3),
          pairs: [
            { key: plainScalar('name'), value: r.chance(0.7) ? plainScalar('cache') : g.scalar() },
            { key: plainScalar('mount_path'), value: r.chance(0.7) ? plainScalar('/cache') : g.scalar() },
            {
              key: plainScalar('empty_dir'),
              value: r.chance(0.7) ? { t: 'map', flow: true, pairs: [{ key: plainScalar('size_limit'), value: plainScalar('1Gi') }] } : g.any(2),
            },
          ],
        },
      ],
    }),
    labels,
  },
  McpTemplate: {
    image: str('node:24-alpine3.21', 'python:3.12'),
    command: list('npx', 'uvx'),
    args: list('-y', '@modelcontextprotocol/server-memory'),
    env_vars: (g, r) => ({
      t: 'seq',
      flow: r.chance(0.3),
      items: [
        {
          t: 'map',
          flow: true,
          pairs: [
            { key: plainScalar('name'), value: r.chance(0.7) ? plainScalar('NODE_ENV') : g.scalar() },
            { key: plainScalar('value'), value: r.chance(0.7) ? plainScalar('production') : g.any(2) },
          ],
        },
        ...(r.chance(0.5)
          ? [
              {
                t: 'map',
                flow: true,
                pairs: [
                  { key: plainScalar('name'), value: plainScalar('DB_PASSWORD') },
                  {
                    key: plainScalar('secret_key_ref'),
                    value: {
                      t: 'map',
                      flow: true,
                      pairs: [
                        { key: plainScalar('name'), value: plainScalar('db') },
                        { key: plainScalar('key'), value: r.chance(0.7) ? plainScalar('password') : g.scalar() },
                      ],
                    },
                  },
                ],
              } as YNode,
            ]
          : []),
      ],
    }),
    labels,
    resource_limit_name: str('n1-standard-nano', 'n1-standard-huge'),
    display_name: str('Memory'),
    description: str('a server'),
    replicas: str('1', '0', '-1', '2147483648'),
    transport: str('TRANSPORT_STDIO', 'TRANSPORT_SSE', 'stdio', 'TRANSPORT_STREAMABLE_HTTP'),
    port: str('8000', '0', '65536', '80'),
    resources: quantities('cpu', 'memory'),
    created_at: str('1700000000'),
  },
  Secret: {
    type: str('SECRET_TYPE_OPAQUE', 'SECRET_TYPE_TLS', 'SECRET_TYPE_BASIC_AUTH', 'basic-auth'),
    labels,
  },
};

const NAME_RULE_OK: Record<string, string[]> = {
  Namespace: ['default', 'tools'],
  ResourceLimit: ['n1-standard-nano', 'n1-standard-small'],
  McpTemplate: ['my-memory-server', 'fetch'],
  Secret: ['db', 'db-credentials', 'tls.example'],
};
const KIND_DIRS: Record<string, string> = {
  Namespace: 'namespaces',
  ResourceLimit: 'resource-limits',
  McpTemplate: 'templates/default',
  Secret: 'secrets/default',
};

function sealedNode(g: FileGen, r: Rng, opts: GenOptions): YNode {
  const shape = r.weighted<string>([
    [10, 'normal'],
    [1, 'sealed-scalar'],
    [1, 'sealed-list'],
    [1, 'data-scalar'],
    [1, 'data-list'],
    [0.7, 'valid'],
  ]);
  if (shape === 'sealed-scalar') return g.scalar('sealed itself (a scalar)');
  if (shape === 'sealed-list')
    return { t: 'seq', flow: r.chance(0.5), items: [g.scalar('sealed itself (a list item)'), g.scalar('sealed itself (a list item)')] };
  const pairs: Pair[] = [];
  if (r.chance(0.7))
    pairs.push({
      key: plainScalar('scope'),
      value: r.chance(0.7) ? plainScalar(r.pick(['SEALING_SCOPE_STRICT', 'SEALING_SCOPE_CLUSTER_WIDE'])) : g.any(1, 'sealed.scope'),
    });
  let data: YNode;
  if (shape === 'data-scalar') data = g.scalar('encrypted_data itself (a scalar)');
  else if (shape === 'data-list')
    data = { t: 'seq', flow: r.chance(0.5), items: [g.scalar('encrypted_data itself (a list item)'), g.any(1, 'encrypted_data itself (a list item)')] };
  else {
    const keys = ['password', 'username', 'tls.crt', 'tls.key', 'api_key', 'ssh-privatekey', '.dockerconfigjson'];
    const dataPairs: Pair[] = [];
    const n = r.int(1, 4);
    for (let i = 0; i < n; i++) {
      const key = r.chance(0.7) ? plainScalar(keys[i % keys.length]!) : g.key();
      const value =
        shape === 'valid'
          ? g.sealedCiphertext('encrypted_data value (a valid ciphertext)')
          : r.weighted<() => YNode>([
              [80, () => g.scalar('encrypted_data value')],
              [17, () => g.any(1, 'encrypted_data value (inside a collection)')],
              [3, () => g.deep('encrypted_data value (deeply nested)', true)],
            ])();
      dataPairs.push({ key, value });
    }
    if (r.chance(0.3)) {
      const alias = g.sentinelAlias();
      if (alias) dataPairs.push({ key: plainScalar('copy'), value: { t: 'alias', name: alias.name } });
    }
    if (opts.aliasKeys && r.chance(0.3)) {
      const alias = g.sentinelAlias();
      if (alias) {
        alias.sentinel.where += ' (also aliased as a key)';
        dataPairs.push({ key: { t: 'alias', name: alias.name }, value: g.scalar('encrypted_data value') });
      }
    }
    if (shape !== 'valid') g.maybeDuplicate(dataPairs);
    data = { t: 'map', flow: r.chance(0.3), pairs: dataPairs };
  }
  pairs.push({ key: plainScalar('encrypted_data'), value: data });
  if (shape !== 'valid' && r.chance(0.15))
    pairs.push({ key: plainScalar(r.pick(['encryptedData', 'data', 'template', 'extra'])), value: g.any(1, 'an unknown field under sealed') });
  if (r.chance(0.1)) {
    const alias = g.sentinelAlias();
    if (alias) pairs.push({ key: plainScalar('copy_of_value'), value: { t: 'alias', name: alias.name } });
  }
  return { t: 'map', flow: r.chance(0.2), pairs };
}

function documentText(g: FileGen, r: Rng, kind: string, opts: GenOptions): string {
  const pairs: Pair[] = [];
  const kindChoice = r.weighted<string>([
    [90, 'ok'],
    [3, 'missing'],
    [4, 'hostile'],
    [3, 'typo'],
  ]);
  if (kindChoice === 'ok') pairs.push({ key: plainScalar('kind'), value: plainScalar(kind) });
  else if (kindChoice === 'hostile') pairs.push({ key: plainScalar('kind'), value: g.scalar() });
  else if (kindChoice === 'typo')
    pairs.push({ key: plainScalar('kind'), value: plainScalar(r.pick(['mcptemplate', 'Secrets', 'ResourceLimits', `${kind}\u202e`])) });
  pairs.push({ key: plainScalar('name'), value: r.chance(0.65) ? plainScalar(r.pick(NAME_RULE_OK[kind]!)) : g.scalar() });
  if (kind === 'McpTemplate' || kind === 'Secret') pairs.push({ key: plainScalar('namespace'), value: r.chance(0.8) ? plainScalar('default') : g.scalar() });
  const fields = FIELDS[kind]!;
  for (const [field, gen] of Object.entries(fields)) {
    if (!r.chance(0.7)) continue;
    pairs.push({ key: plainScalar(field), value: r.chance(0.6) ? gen(g, r) : g.any(0) });
  }
  if (kind === 'Secret' && r.chance(0.95)) pairs.push({ key: plainScalar('sealed'), value: sealedNode(g, r, opts) });
  for (let i = r.chance(0.25) ? r.int(1, 2) : 0; i > 0; i--) pairs.push({ key: g.key(Object.keys(fields)), value: g.any(1) });
  g.maybeDuplicate(pairs);
  // Shuffle all but kind now and then: positions and ordering must not matter.
  if (r.chance(0.2)) pairs.sort(() => r.next() - 0.5);
  return `${blockPairs(pairs, 0)}\n`;
}

const FILE_NAME_PARTS = [
  '\x1b[31mred',
  'cr\r',
  '\u202egnp',
  'tab\there',
  'sp ace',
  'ünï',
  'bell\x07',
  'nl\nname',
  'x'.repeat(180),
  'del\x7f',
  '\u2066iso',
  '$(touch x)',
  'quote\'"',
];

/** One hostile file (index-seeded: the same seed and index give the same file). */
export function generateFile(root: Rng, index: number, registry: SentinelRegistry, opts: GenOptions = { aliasKeys: true }): HostileFile {
  const r = root.fork(index);
  const g = new FileGen(r, registry);
  const kinds = ['McpTemplate', 'ResourceLimit', 'Namespace', 'Secret'];
  const mainKind = kinds[index % 4]!;
  const docCount = r.weighted<number>([
    [75, 1],
    [15, 2],
    [10, 4],
  ]);
  const docs: string[] = [];
  for (let d = 0; d < docCount; d++) {
    const kind = d === 0 ? mainKind : r.pick(kinds);
    const yaml11 = r.chance(0.1);
    g.newDocument(yaml11);
    const body = documentText(g, r, kind, opts);
    docs.push(`${yaml11 ? '%YAML 1.1\n---\n' : d > 0 || r.chance(0.2) ? '---\n' : ''}${body}${r.chance(0.05) ? '...\n' : ''}`);
  }
  let text = docs.join('');
  if (r.chance(0.05)) text = text.replace(/\n/g, '\r\n');
  if (r.chance(0.03)) text = `\uFEFF${text}`;
  let content = Buffer.from(text, 'utf8');
  if (r.chance(0.03)) {
    const at = r.int(0, content.length);
    content = Buffer.concat([content.subarray(0, at), Buffer.from([r.pick([0xff, 0xc3, 0xed, 0x80])]), content.subarray(at)]);
  }
  if (r.chance(0.02)) {
    const at = r.int(0, content.length);
    content = Buffer.concat([content.subarray(0, at), Buffer.from([0]), content.subarray(at)]);
  }
  const base = r.chance(0.7) ? `f${String(index).padStart(3, '0')}` : `f${String(index).padStart(3, '0')}-${r.pick(FILE_NAME_PARTS)}`;
  const ext = r.pick(['.yaml', '.yaml', '.yml', '.YAML']);
  return { index, path: `resources/${KIND_DIRS[mainKind]}/${base}${ext}`, content, sentinels: g.sentinels };
}

/** A valid Secret whose sealed values are well-formed ciphertexts carrying sentinels (for a commit that loads). */
export function validSecret(registry: SentinelRegistry, name: string): { text: string; sentinels: Sentinel[] } {
  const g = new FileGen(new Rng(1), registry);
  const password = g.sealedCiphertext('encrypted_data value of a valid secret');
  const username = g.sealedCiphertext('encrypted_data value of a valid secret');
  const text = `kind: Secret\nname: ${name}\nnamespace: default\ntype: SECRET_TYPE_BASIC_AUTH\nlabels: {app: db}\nsealed:\n  scope: SEALING_SCOPE_STRICT\n  encrypted_data:\n    password: ${(password as { text: string }).text}\n    username: ${(username as { text: string }).text}\n`;
  return { text, sentinels: g.sentinels };
}

/** A sentinel that is not in a file (e.g. a value sent in a request). */
export function looseSentinel(registry: SentinelRegistry, where: string): Sentinel {
  const { core } = registry.next();
  return { id: core, type: 'request string', where, source: core, needles: [core] };
}
