/**
 * What the fuzz test looks for in every output, and how it reports it:
 * findings are grouped into classes (where, which diagnostic code and field
 * path, which YAML type) with one replayable example each.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic } from '../../src/core/diagnostic.js';
import type { HostileFile, Sentinel } from './generate.js';

/** The characters src/core/echo.ts escapes: C0, DEL, C1, line/paragraph separators, bidi controls. */
export const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function charName(c: string): string {
  const code = c.charCodeAt(0);
  const names: Record<number, string> = {
    0: 'NUL',
    7: 'BEL',
    8: 'BS',
    9: 'TAB',
    10: 'LF',
    13: 'CR',
    27: 'ESC',
    127: 'DEL',
    0x85: 'NEL',
    0x9b: 'CSI',
    0x2028: 'LINE SEPARATOR',
    0x202e: 'RLO (bidi override)',
    0x2066: 'LRI (bidi isolate)',
  };
  return `${names[code] ?? 'control'} U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

export function unsafeChars(text: string): string[] {
  return [...new Set(text.match(UNSAFE) ?? [])].map(charName);
}

/** The first needle of any sentinel found in `text`. */
export function findSentinels(text: string, sentinels: readonly Sentinel[]): { sentinel: Sentinel; needle: string; at: number }[] {
  const found: { sentinel: Sentinel; needle: string; at: number }[] = [];
  for (const sentinel of sentinels) {
    for (const needle of sentinel.needles) {
      const at = text.indexOf(needle);
      if (at >= 0) {
        found.push({ sentinel, needle, at });
        break;
      }
    }
  }
  return found;
}

/** Field path with the variable parts folded: sealed.encrypted_data["x"] -> sealed.encrypted_data[KEY]. */
export function shapeOfPath(path: string | undefined): string {
  if (!path) return '(document)';
  return path
    .replace(/\[("(?:[^"\\]|\\.)*")\]/g, '[KEY]')
    .replace(/\[\d+\]/g, '[N]')
    .split('.')
    .map((segment) => (/^[A-Za-z_][A-Za-z0-9_]*(\[(N|KEY)\])*$/.test(segment) ? segment : '<key>'))
    .join('.');
}

/** Messages with outside text folded, so that one class is one message template. */
export function shapeOfMessage(message: string): string {
  return message
    .replace(/resources\/\S*/g, '<file>')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\d+/g, 'N')
    .slice(0, 160);
}

export interface Example {
  seed: number;
  file?: HostileFile;
  sentinel?: Sentinel;
  /** The output text around the finding. */
  excerpt: string;
  /** The line of the file the diagnostic points at, to show the document around it. */
  line?: number;
}

function fileExcerpt(file: HostileFile, line: number | undefined): string {
  const text = file.content.toString('utf8');
  if (line === undefined || line < 1) return JSON.stringify(text.slice(0, 700));
  const lines = text.split('\n');
  const from = Math.max(0, line - 5);
  return `(lines ${from + 1}-${Math.min(lines.length, line + 2)}) ${JSON.stringify(
    lines
      .slice(from, line + 2)
      .join('\n')
      .slice(0, 1200),
  )}`;
}

interface FindingClass {
  key: string;
  count: number;
  yamlTypes: Set<string>;
  wheres: Set<string>;
  chars: Set<string>;
  examples: Example[];
}

export function excerptAround(text: string, at: number, width = 160): string {
  const start = Math.max(0, at - width);
  return JSON.stringify(text.slice(start, at + width));
}

export class Findings {
  private readonly classes = new Map<string, FindingClass>();

  constructor(readonly seed: number) {}

  add(key: string, example: Omit<Example, 'seed'>, extra: { chars?: string[] } = {}): void {
    let c = this.classes.get(key);
    if (!c) {
      c = { key, count: 0, yamlTypes: new Set(), wheres: new Set(), chars: new Set(), examples: [] };
      this.classes.set(key, c);
    }
    c.count++;
    if (example.sentinel) {
      c.yamlTypes.add(example.sentinel.type);
      c.wheres.add(example.sentinel.where);
    }
    for (const ch of extra.chars ?? []) c.chars.add(ch);
    if (c.examples.length < 2) c.examples.push({ seed: this.seed, ...example });
  }

  /** Sentinels in a diagnostic: classified by the diagnostic's code, field path and the field holding it. */
  leakInDiagnostic(output: string, d: Diagnostic, file: HostileFile | undefined, sentinels: readonly Sentinel[]): void {
    for (const field of ['message', 'hint', 'name', 'path', 'file'] as const) {
      const text = d[field];
      if (typeof text !== 'string') continue;
      for (const hit of findSentinels(text, sentinels)) {
        // A value reused as a map key (`? *anchor`) is shown wherever the key is: in the path, and in messages naming the key.
        const aliasKey = hit.sentinel.where.includes('aliased as a key') && (d.path ?? '').includes(hit.needle);
        this.add(
          `SECRET LEAK in ${output}: ${d.code} at ${shapeOfPath(d.path)}, in the ${field}${aliasKey ? ' (the value was reused as a key through an alias)' : ''}: ${shapeOfMessage(d[field] ?? '')}`,
          { file, sentinel: hit.sentinel, excerpt: excerptAround(text, hit.at), line: d.line },
        );
      }
    }
  }

  /** Raw control characters in a diagnostic's fields. `fields`: which ones the output shows. */
  controlInDiagnostic(output: string, d: Diagnostic, file: HostileFile | undefined, fields: readonly (keyof Diagnostic)[]): void {
    for (const field of fields) {
      const text = d[field];
      if (typeof text !== 'string') continue;
      const chars = unsafeChars(text);
      if (chars.length === 0) continue;
      const at = text.search(UNSAFE);
      let what: string;
      if (field === 'file') what = 'a file name, shown as is (the file of every diagnostic about that file)';
      else if (field === 'name') what = 'a declared name, shown as is (the kind/name part of every diagnostic about that document)';
      else if (field === 'path')
        what = `a key in the field path, shown as is (${/\[KEY\]$/.test(shapeOfPath(d.path)) ? 'a map key, written with JSON.stringify, which leaves DEL, C1, U+2028 and bidi controls raw' : 'a field name'})`;
      else what = `${d.code} at ${shapeOfPath(d.path)}, in the ${field}: ${shapeOfMessage(text)}`;
      this.add(
        `RAW CONTROL CHARACTER in ${output}: ${what}`,
        { file, excerpt: excerptAround(text, at, 80), line: field === 'file' ? undefined : d.line },
        { chars },
      );
    }
  }

  get size(): number {
    return this.classes.size;
  }

  /** One paragraph per class, then where the full report was written. */
  report(title: string): string {
    if (this.classes.size === 0) return `${title}: nothing found (seed ${this.seed})`;
    const lines = [
      `${title}: ${this.classes.size} class(es) of failure, seed ${this.seed} (replay: MCPO_FUZZ_SEED=${this.seed} npx vitest run test/fuzz; MCPO_FUZZ_DUMP=DIR writes every generated file)`,
    ];
    const sorted = [...this.classes.values()].sort((a, b) => a.key.localeCompare(b.key));
    for (const c of sorted) {
      lines.push('', `- ${c.key}  [${c.count}x]`);
      if (c.yamlTypes.size) lines.push(`    YAML types: ${[...c.yamlTypes].sort().join(', ')}`);
      if (c.wheres.size) lines.push(`    under sealed: ${[...c.wheres].sort().join('; ')}`);
      if (c.chars.size) lines.push(`    characters: ${[...c.chars].sort().join(', ')}`);
      const e = c.examples[0]!;
      if (e.sentinel)
        lines.push(
          `    sentinel ${e.sentinel.id} (${e.sentinel.type}), written as ${JSON.stringify(e.sentinel.source)}, needles ${JSON.stringify(e.sentinel.needles)}`,
        );
      lines.push(`    output: ${e.excerpt}`);
      if (e.file)
        lines.push(`    file #${e.file.index} ${JSON.stringify(e.file.path)}${e.line ? ` line ${e.line}` : ''}:`, `      ${fileExcerpt(e.file, e.line)}`);
    }
    const text = lines.join('\n');
    try {
      const dir = join(tmpdir(), 'mcpo-fuzz');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${title.replace(/[^a-z0-9]+/gi, '-')}-seed-${this.seed}.txt`);
      writeFileSync(file, text);
      return `${text}\n\n(written to ${file})`;
    } catch {
      return text;
    }
  }
}
