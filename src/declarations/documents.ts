/**
 * From parsed YAML documents to declarations: each document must be a
 * mapping with a known `kind:` and is checked against its proto message.
 */
import { isMap, isScalar, type Node } from 'yaml';
import type { Diagnostic } from '../core/diagnostic.js';
import { quoted } from '../core/echo.js';
import { messageType } from '../spec/proto.js';
import { type PlainMessage, checkMessage, newShapeContext, nodePosition, report } from './check-shape.js';
import { KINDS, type KindName, isKindName } from '../core/kinds.js';
import { nearest } from './names.js';
import type { ParsedDocument, Position } from './parse-yaml.js';

/** One declaration as written: its proto-shaped value and where each field is. */
export interface RawDeclaration {
  readonly kind: KindName;
  readonly value: PlainMessage;
  readonly file: string;
  /** Where the document starts (its first key). */
  readonly start: Position;
  readonly positions: ReadonlyMap<string, Position>;
  /** Paths whose problems were already reported by the shape check. */
  readonly reported: ReadonlySet<string>;
  /** Paths with a reported path below them. */
  readonly reportedUnder: ReadonlySet<string>;
  /** namespace/name for namespaced kinds, else name; '?' parts when absent. */
  readonly displayName: string;
}

const SKIP_KIND = new Set(['kind']);

export function readDeclaration(parsed: ParsedDocument): { declaration?: RawDeclaration; diagnostics: Diagnostic[] } {
  const contents = parsed.doc.contents as Node | null;
  const ctx = newShapeContext(parsed);
  if (contents === null || (isScalar(contents) && contents.value === null)) return { diagnostics: [] };
  if (!isMap(contents)) {
    const what = isScalar(contents) ? 'a scalar' : 'a list';
    report(
      ctx,
      'declaration.not-a-mapping',
      contents,
      '',
      `a declaration must be a mapping with "kind:", got ${what}`,
      'write one resource per YAML document, separated by ---',
    );
    return { diagnostics: ctx.diagnostics };
  }
  const kindNode = contents.get('kind', true) as Node | undefined;
  const kind = isScalar(kindNode) ? kindNode.value : undefined;
  const kinds = Object.keys(KINDS);
  if (kindNode === undefined) {
    report(ctx, 'declaration.missing-kind', contents, 'kind', 'missing "kind:"', `add one of: ${kinds.join(', ')}`);
    return { diagnostics: ctx.diagnostics };
  }
  if (typeof kind !== 'string' || !isKindName(kind)) {
    const guess = typeof kind === 'string' ? nearest(kind, kinds) : undefined;
    report(
      ctx,
      'declaration.unknown-kind',
      kindNode,
      'kind',
      `unknown kind ${typeof kind === 'string' ? quoted(kind) : 'value'}`,
      guess ? `did you mean "${guess}"?` : `expected one of: ${kinds.join(', ')}`,
    );
    return { diagnostics: ctx.diagnostics };
  }
  const info = KINDS[kind];
  const shapeCtx = newShapeContext(parsed, kind);
  shapeCtx.name = nameFor(contents, info.namespaced);
  const value = checkMessage(shapeCtx, contents, messageType(info.message), '', 0, SKIP_KIND) ?? {};
  return {
    declaration: {
      kind,
      value,
      file: parsed.file,
      start: nodePosition(shapeCtx, contents),
      positions: shapeCtx.positions,
      reported: shapeCtx.reported,
      reportedUnder: shapeCtx.reportedUnder,
      displayName: shapeCtx.name,
    },
    diagnostics: shapeCtx.diagnostics,
  };
}

function nameFor(contents: { get(key: string): unknown }, namespaced: boolean): string {
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : '?');
  const name = text(contents.get('name'));
  return namespaced ? `${text(contents.get('namespace'))}/${name}` : name;
}
