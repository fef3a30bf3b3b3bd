/**
 * Checks one YAML node tree against a protobufjs message type, reporting
 * every problem with its position, and returns the proto-shaped value of
 * what was valid. protobufjs' own verify/fromObject are not validators
 * (first error only, coercion, unknown fields ignored), so the walk is ours;
 * the schema is still only the proto in spec/.
 */
import protobuf from 'protobufjs';
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import type { Diagnostic, DiagnosticCode } from '../errors/diagnostic.js';
import { isOutputOnly } from '../spec/proto.js';
import { QUANTITY_FIELDS } from './kinds.js';
import { nearest } from './names.js';
import { type ParsedDocument, type Position, positionAt } from './parse-yaml.js';

/** Nodes visited per document before the walk stops (guards against alias expansion). */
export const MAX_NODES_PER_DOCUMENT = 100_000;
const MAX_DEPTH = 32;

export type PlainValue = string | number | boolean | PlainValue[] | { [key: string]: PlainValue };
export type PlainMessage = { [key: string]: PlainValue };

export interface ShapeContext {
  readonly parsed: ParsedDocument;
  readonly kind?: string;
  name?: string;
  readonly diagnostics: Diagnostic[];
  /** Field path -> position of its value (or of its key when the value is absent). */
  readonly positions: Map<string, Position>;
  /**
   * Paths already reported here (bad values) or that an unknown key was probably
   * meant to be: the rules do not report them again as missing.
   */
  readonly reported: Set<string>;
  nodes: number;
  stopped: boolean;
}

export function newShapeContext(parsed: ParsedDocument, kind?: string): ShapeContext {
  return { parsed, kind, diagnostics: [], positions: new Map(), reported: new Set(), nodes: 0, stopped: false };
}

export function nodePosition(ctx: ShapeContext, node: Node | null | undefined): Position {
  const offset = node?.range?.[0] ?? ctx.parsed.doc.contents?.range?.[0] ?? 0;
  return positionAt(ctx.parsed.lineCounter, offset);
}

export function report(
  ctx: ShapeContext,
  code: DiagnosticCode,
  at: Node | Position | null | undefined,
  path: string,
  message: string,
  hint?: string,
): void {
  if (path) ctx.reported.add(path);
  const position = at && 'line' in at && 'column' in at && typeof at.line === 'number' ? (at as Position) : nodePosition(ctx, at as Node);
  ctx.diagnostics.push({
    code,
    severity: 'error',
    message,
    file: ctx.parsed.file,
    line: position.line,
    column: position.column,
    kind: ctx.kind,
    name: ctx.name,
    path: path || undefined,
    hint,
  });
}

function resolve(ctx: ShapeContext, node: unknown): Node | null {
  let current = node as Node | null;
  for (let hops = 0; current && isAlias(current); hops++) {
    if (hops > 16) return null;
    current = (current.resolve(ctx.parsed.doc as Document) as Node | undefined) ?? null;
  }
  return current;
}

function visit(ctx: ShapeContext, node: Node | null, path: string): boolean {
  if (ctx.stopped) return false;
  if (++ctx.nodes > MAX_NODES_PER_DOCUMENT) {
    ctx.stopped = true;
    report(ctx, 'yaml.alias-limit', node, path, `document expands to more than ${MAX_NODES_PER_DOCUMENT} nodes`, 'YAML aliases are expanded: is this an alias bomb?');
    return false;
  }
  return true;
}

function describe(node: Node | null): string {
  if (node === null) return 'nothing (null)';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing (null)';
    if (typeof v === 'string') return 'a string';
    if (typeof v === 'number' || typeof v === 'bigint') return 'a number';
    if (typeof v === 'boolean') return 'a boolean';
  }
  return 'something else';
}

function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/**
 * Walks a mapping against `type`. `skip` names keys handled by the caller (`kind`).
 * Returns the valid part of the value.
 */
export function checkMessage(ctx: ShapeContext, rawNode: unknown, type: protobuf.Type, path: string, depth = 0, skip: ReadonlySet<string> = new Set()): PlainMessage | undefined {
  const node = resolve(ctx, rawNode);
  if (!visit(ctx, node, path)) return undefined;
  if (depth > MAX_DEPTH) {
    report(ctx, 'field.type', node, path, `nesting deeper than ${MAX_DEPTH} levels`);
    return undefined;
  }
  if (!isMap(node)) {
    report(ctx, 'field.type', node, path, `expected a mapping (${type.name}), got ${describe(node)}`);
    return undefined;
  }
  const out: PlainMessage = {};
  const oneofMembers = new Map<string, string[]>();
  for (const pair of node.items) {
    if (ctx.stopped) break;
    const keyNode = resolve(ctx, pair.key);
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      report(ctx, 'field.type', keyNode, path, `mapping keys must be field names, got ${describe(keyNode)}`);
      continue;
    }
    const key = keyNode.value;
    if (skip.has(key)) continue;
    const fieldPath = join(path, key);
    const field = type.fields[key];
    if (!field) {
      const camel = Object.values(type.fields).find((f) => snakeToCamel(f.name) === key);
      const guess = camel ? camel.name : nearest(key, settableFields(type).map((f) => f.name));
      if (guess) ctx.reported.add(join(path, guess));
      report(ctx, 'field.unknown', keyNode, fieldPath, `unknown field "${key}" in ${type.name}`, guess ? `did you mean "${guess}"?` : `known fields: ${settableFields(type).map((f) => f.name).join(', ')}`);
      continue;
    }
    if (isOutputOnly(field)) {
      report(ctx, 'field.output-only', keyNode, fieldPath, `"${key}" is computed by mcp-orchestrator and cannot be declared`, 'remove it');
      continue;
    }
    // A scalar is pointed at where its value is; a mapping or list where its key is.
    const valueNode = resolve(ctx, pair.value);
    ctx.positions.set(fieldPath, nodePosition(ctx, valueNode && isScalar(valueNode) ? valueNode : keyNode));
    const value = checkField(ctx, pair.value, field, fieldPath, depth);
    if (value === undefined) continue;
    out[key] = value;
    const oneof = field.partOf;
    if (oneof && !oneof.name.startsWith('_')) oneofMembers.set(oneof.name, [...(oneofMembers.get(oneof.name) ?? []), key]);
  }
  for (const [oneof, members] of oneofMembers) {
    if (members.length > 1) {
      report(ctx, 'field.oneof', ctx.positions.get(join(path, members[1]!)), join(path, members[1]!), `only one of ${members.map((m) => `"${m}"`).join(', ')} may be set (${oneof})`);
    }
  }
  return out;
}

function settableFields(type: protobuf.Type): protobuf.Field[] {
  return type.fieldsArray.filter((f) => !isOutputOnly(f));
}

function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function checkField(ctx: ShapeContext, rawNode: unknown, field: protobuf.Field, path: string, depth: number): PlainValue | undefined {
  const node = resolve(ctx, rawNode);
  if (field.map) {
    if (!visit(ctx, node, path)) return undefined;
    if (!isMap(node)) {
      report(ctx, 'field.type', node, path, `expected a mapping of ${field.type} values, got ${describe(node)}`);
      return undefined;
    }
    const out: { [key: string]: PlainValue } = {};
    for (const pair of node.items) {
      const keyNode = resolve(ctx, pair.key);
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        report(ctx, 'field.type', keyNode, path, `map keys must be strings, got ${describe(keyNode)}`);
        continue;
      }
      const entryPath = `${path}[${JSON.stringify(String(keyNode.value))}]`;
      ctx.positions.set(entryPath, nodePosition(ctx, keyNode));
      const value = checkSingle(ctx, pair.value, field, entryPath, depth);
      if (value !== undefined) out[String(keyNode.value)] = value;
    }
    return out;
  }
  if (field.repeated) {
    if (!visit(ctx, node, path)) return undefined;
    if (!isSeq(node)) {
      report(ctx, 'field.type', node, path, `expected a list, got ${describe(node)}`, isScalar(node) && typeof node.value === 'string' ? `write it as a list: [${JSON.stringify(node.value)}]` : undefined);
      return undefined;
    }
    const out: PlainValue[] = [];
    node.items.forEach((item, i) => {
      const itemPath = `${path}[${i}]`;
      ctx.positions.set(itemPath, nodePosition(ctx, item as Node));
      const value = checkSingle(ctx, item, field, itemPath, depth);
      if (value !== undefined) out.push(value);
    });
    return out;
  }
  return checkSingle(ctx, node, field, path, depth);
}

function checkSingle(ctx: ShapeContext, rawNode: unknown, field: protobuf.Field, path: string, depth: number): PlainValue | undefined {
  const node = resolve(ctx, rawNode);
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(ctx, node, resolved, path, depth + 1);
  if (!visit(ctx, node, path)) return undefined;
  if (resolved instanceof protobuf.Enum) return checkEnum(ctx, node, resolved, path);
  return checkScalar(ctx, node, field, path);
}

function checkEnum(ctx: ShapeContext, node: Node | null, type: protobuf.Enum, path: string): string | undefined {
  const names = Object.keys(type.values).filter((n) => !n.endsWith('_UNSPECIFIED'));
  if (!isScalar(node) || typeof node.value !== 'string') {
    report(ctx, 'field.enum', node, path, `expected one of ${names.join(', ')}, got ${describe(node)}`, 'enum values are written by name');
    return undefined;
  }
  const value = node.value;
  if (!Object.hasOwn(type.values, value)) {
    const prefixed = names.find((n) => n.endsWith(`_${value.toUpperCase().replace(/[-\s]/g, '_')}`));
    const guess = prefixed ?? nearest(value, names);
    report(ctx, 'field.enum', node, path, `"${value}" is not a ${type.name}: expected one of ${names.join(', ')}`, guess ? `did you mean "${guess}"?` : undefined);
    return undefined;
  }
  return value;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function checkScalar(ctx: ShapeContext, node: Node | null, field: protobuf.Field, path: string): PlainValue | undefined {
  const scalar = isScalar(node) ? (node as Scalar) : undefined;
  const value = scalar?.value;
  switch (field.type) {
    case 'string': {
      if (typeof value === 'string') return value;
      if (QUANTITY_FIELDS.has(field.name) && (typeof value === 'number' || typeof value === 'bigint') && scalar?.source !== undefined) return scalar.source;
      const hint = scalar && value !== null && value !== undefined ? `quote it: "${scalar.source ?? String(value)}"` : undefined;
      report(ctx, 'field.type', node, path, `expected a string, got ${describe(node)}`, hint);
      return undefined;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      report(ctx, 'field.type', node, path, `expected true or false, got ${describe(node)}`);
      return undefined;
    case 'int32':
    case 'sint32':
    case 'sfixed32':
    case 'uint32':
    case 'fixed32': {
      if (typeof value === 'number' && Number.isInteger(value)) {
        const min = field.type.startsWith('u') || field.type === 'fixed32' ? 0 : INT32_MIN;
        const max = field.type.startsWith('u') || field.type === 'fixed32' ? 2 ** 32 - 1 : INT32_MAX;
        if (value < min || value > max) {
          report(ctx, 'field.range', node, path, `${value} is out of range for ${field.type}`);
          return undefined;
        }
        return value;
      }
      report(ctx, 'field.type', node, path, `expected a whole number, got ${describe(node)}`);
      return undefined;
    }
    default:
      report(ctx, 'field.type', node, path, `fields of type ${field.type} cannot be declared`);
      return undefined;
  }
}
