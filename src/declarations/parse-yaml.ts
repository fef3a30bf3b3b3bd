/**
 * YAML with positions: every document of a file, parsed with the `yaml`
 * package so that each node keeps its source range for file:line:col errors.
 */
import { type Document, type ErrorCode, isAlias, isCollection, isPair, isScalar, LineCounter, type Node, parseAllDocuments, visit } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import { MAX_EXPANDED_NODES } from '../core/limits.js';

export interface ParsedDocument {
  readonly file: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
}

export interface Position {
  line: number;
  column: number;
}

export function positionAt(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Our own words for each error of the `yaml` package: its messages quote the
 * source around the error (an escape, a tag, a token), and that source may be
 * a secret value. Only the position is taken from the library.
 */
const YAML_ERRORS: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias (*name) cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias (*name) must name an anchor (&name) defined before it',
  BAD_DIRECTIVE: 'invalid %YAML or %TAG directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'wrong indentation',
  BAD_PROP_ORDER: 'an anchor or a tag must come before its value',
  BAD_SCALAR_START: 'a plain value cannot start with this character; quote it',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection cannot be a key',
  BLOCK_IN_FLOW: 'block syntax inside a flow collection ([...] or {...})',
  DUPLICATE_KEY: 'duplicate mapping key: each key may appear once',
  IMPOSSIBLE: 'the YAML parser could not read this',
  KEY_OVER_1024_CHARS: 'a key without "? " may be at most 1024 characters',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  MULTILINE_IMPLICIT_KEY: 'a key must be on one line (is a ":" or an indentation missing?)',
  MULTIPLE_ANCHORS: 'a value may have one anchor',
  MULTIPLE_DOCS: 'documents must be separated by ---',
  MULTIPLE_TAGS: 'a value may have one tag',
  NON_STRING_KEY: 'mapping keys must be strings',
  RESOURCE_EXHAUSTION: 'the document expands to too much through aliases',
  TAB_AS_INDENT: 'a tab cannot indent YAML; use spaces',
  TAG_RESOLVE_FAILED: 'a value does not fit its tag (!!int, !!binary, !name, ...)',
  UNEXPECTED_TOKEN: 'unexpected text here',
  BAD_COLLECTION_TYPE: 'the tag does not fit this collection',
};

export function yamlErrorMessage(code: string): string {
  return Object.hasOwn(YAML_ERRORS, code) ? YAML_ERRORS[code as ErrorCode] : 'YAML syntax error';
}

/**
 * Duplicate keys in every mapping of the document, found with one Set per
 * mapping (the `yaml` package's uniqueKeys compares every pair of keys, which
 * is quadratic in the size of a mapping). Keys are equal as that option
 * defines it: the same node, or scalars with the same value.
 */
function duplicateKeys(doc: Document.Parsed): Node[] {
  const found: Node[] = [];
  visit(doc, {
    Map(_, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = pair.key as Node | null;
        const identity = isScalar(key) ? key.value : key;
        if (seen.has(identity)) found.push(key as Node);
        else seen.add(identity);
      }
    },
  });
  return found;
}

/** Node count with every alias expanded, computed without expanding (memoized per node). */
function expandedSize(doc: Document.Parsed): number {
  const memo = new Map<unknown, number>();
  const size = (node: unknown): number => {
    if (node === null || node === undefined) return 0;
    const known = memo.get(node);
    if (known !== undefined) return known;
    memo.set(node, Infinity); // a node that reaches itself expands forever
    let total = 1;
    if (isAlias(node)) total = size((node as { resolve(d: Document): Node | undefined }).resolve(doc));
    else if (isPair(node)) total = size(node.key) + size(node.value);
    else if (isCollection(node)) for (const item of node.items) total += size(item);
    memo.set(node, total);
    return total;
  };
  return size(doc.contents);
}

export function parseYamlFile(file: string, content: Buffer): { documents: ParsedDocument[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const text = decodeUtf8(file, content, diagnostics);
  if (text === undefined) return { documents: [], diagnostics };

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false, strict: true });
  const documents: ParsedDocument[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const { line, column } = positionAt(lineCounter, error.pos[0]);
        diagnostics.push({ code: 'yaml.syntax', severity: 'error', message: yamlErrorMessage(error.code), file, line, column });
      }
      continue;
    }
    const duplicates = duplicateKeys(doc);
    if (duplicates.length > 0) {
      for (const key of duplicates) {
        const { line, column } = positionAt(lineCounter, key?.range?.[0] ?? 0);
        diagnostics.push({ code: 'yaml.duplicate-key', severity: 'error', message: YAML_ERRORS.DUPLICATE_KEY, file, line, column });
      }
      continue;
    }
    const size = expandedSize(doc);
    if (size > MAX_EXPANDED_NODES) {
      const { line, column } = positionAt(lineCounter, doc.contents?.range?.[0] ?? 0);
      diagnostics.push({
        code: 'yaml.alias-limit',
        severity: 'error',
        message: `document has ${size > 1e15 ? 'an astronomical number of' : size} nodes once its aliases are expanded, over the limit of ${MAX_EXPANDED_NODES}`,
        file,
        line,
        column,
        hint: 'split it into several documents; if it uses YAML aliases (*name), write the values out',
      });
      continue;
    }
    documents.push({ file, doc, lineCounter });
  }
  return { documents, diagnostics };
}

/** The file's text (UTF-8, no NUL, BOM dropped), or undefined with the reason in `diagnostics`. */
export function decodeUtf8(file: string, content: Buffer, diagnostics: Diagnostic[]): string | undefined {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(content);
    const nul = text.indexOf('\0');
    if (nul >= 0) {
      diagnostics.push({ code: 'file.encoding', severity: 'error', message: 'file contains a NUL byte: not a YAML text file', file, ...lineOf(text, nul) });
      return undefined;
    }
    return text.startsWith('\uFEFF') ? text.slice(1) : text;
  } catch {
    const lossy = content.toString('utf8');
    diagnostics.push({
      code: 'file.encoding',
      severity: 'error',
      message: 'file is not valid UTF-8',
      file,
      ...lineOf(lossy, Math.max(0, lossy.indexOf('\uFFFD'))),
      hint: 'save it as UTF-8',
    });
    return undefined;
  }
}

function lineOf(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
