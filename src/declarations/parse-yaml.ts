/**
 * YAML with positions: every document of a file, parsed with the `yaml`
 * package so that each node keeps its source range for file:line:col errors.
 */
import { type Document, isAlias, isCollection, isPair, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { Diagnostic } from '../errors/diagnostic.js';

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

/** A document may expand to at most this many nodes once aliases are followed (alias bombs). */
export const MAX_EXPANDED_NODES = 100_000;

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
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const documents: ParsedDocument[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        const { line, column } = positionAt(lineCounter, error.pos[0]);
        diagnostics.push({
          code: error.code === 'DUPLICATE_KEY' ? 'yaml.duplicate-key' : 'yaml.syntax',
          severity: 'error',
          message: error.code === 'DUPLICATE_KEY' ? 'duplicate mapping key: each key may appear once' : firstLine(error.message),
          file,
          line,
          column,
        });
      }
      continue;
    }
    const size = expandedSize(doc);
    if (size > MAX_EXPANDED_NODES) {
      const { line, column } = positionAt(lineCounter, doc.contents?.range?.[0] ?? 0);
      diagnostics.push({
        code: 'yaml.alias-limit',
        severity: 'error',
        message: `document expands to ${size > 1e15 ? 'an astronomical number of' : size} nodes through aliases, over the limit of ${MAX_EXPANDED_NODES}`,
        file,
        line,
        column,
        hint: 'this looks like a YAML alias bomb; write the values out',
      });
      continue;
    }
    documents.push({ file, doc, lineCounter });
  }
  return { documents, diagnostics };
}

function decodeUtf8(file: string, content: Buffer, diagnostics: Diagnostic[]): string | undefined {
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

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
