/**
 * Checks one YAML node tree against a protobufjs message type, reporting
 * every problem with its position, and returns the proto-shaped value of
 * what was valid. protobufjs' own verify/fromObject are not validators
 * (first error only, coercion, unknown fields ignored), so the walk is ours;
 * the schema is still only the proto in spec/.
 */
import protobuf from 'protobufjs';
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostic.js';
import { quoted } from '../core/echo.js';
import { isOutputOnly, isSensitive } from '../spec/proto.js';
import { QUANTITY_FIELDS } from '../core/kinds.js';
import { nearest } from './names.js';
import { type ParsedDocument, type Position, positionAt } from './parse-yaml.js';
import { MAX_NESTING_DEPTH } from '../core/limits.js';

// The node count is bounded before the walk (parse-yaml's MAX_EXPANDED_NODES).
/** How many separators of a reported path are indexed for `reportedUnder` (rules ask about short paths). */
const MAX_INDEXED_SEGMENTS = 8;

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
  /** Every path that has a reported path below it (`a` and `a.b` for `a.b[0]`), so lookups are O(1). */
  readonly reportedUnder: Set<string>;
  /**
   * > 0 while walking a field marked `[debug_redact = true]` in spec/ (a
   * secret's sealed data): no text of a node under it (value, key, source) goes
   * into a message, only its type.
   */
  sensitive: number;
  /** Source ranges of the sensitive subtrees seen so far: an alias from outside may not point into one. */
  readonly sensitiveRanges: Array<readonly [number, number]>;
}

export function newShapeContext(parsed: ParsedDocument, kind?: string): ShapeContext {
  return { parsed, kind, diagnostics: [], positions: new Map(), reported: new Set(), reportedUnder: new Set(), sensitive: 0, sensitiveRanges: [] };
}

/** Records `path` as reported, and each of its first parents as having a report below them. */
export function markReported(ctx: ShapeContext, path: string): void {
  if (ctx.reported.has(path)) return;
  ctx.reported.add(path);
  let segments = 0;
  for (let i = 1; i < path.length && segments < MAX_INDEXED_SEGMENTS; i++) {
    const c = path[i];
    if (c === '.' || c === '[') {
      ctx.reportedUnder.add(path.slice(0, i));
      segments++;
    }
  }
}

export function nodePosition(ctx: ShapeContext, node: Node | null | undefined): Position {
  const offset = node?.range?.[0] ?? ctx.parsed.doc.contents?.range?.[0] ?? 0;
  return positionAt(ctx.parsed.lineCounter, offset);
}

export function report(ctx: ShapeContext, code: DiagnosticCode, at: Node | Position | null | undefined, path: string, message: string, hint?: string): void {
  if (path) markReported(ctx, path);
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

/** Follows aliases to a node, without checks: for positions only. */
function peek(ctx: ShapeContext, node: unknown): Node | null {
  let current = node as Node | null;
  for (let hops = 0; current && isAlias(current); hops++) {
    if (hops > 16) return null;
    current = (current.resolve(ctx.parsed.doc as Document) as Node | undefined) ?? null;
  }
  return current;
}

function insideSensitive(ctx: ShapeContext, node: Node | null): boolean {
  const range = node?.range;
  return range !== undefined && range !== null && ctx.sensitiveRanges.some(([start, end]) => range[0] >= start && range[1] <= end);
}

/**
 * Follows aliases to a node. `undefined` (already reported) when an alias
 * outside a secret's sealed data points into it: that would carry a secret
 * value into a field whose value may be shown.
 */
function resolve(ctx: ShapeContext, node: unknown, path: string): Node | null | undefined {
  const target = peek(ctx, node);
  if (ctx.sensitive === 0 && target !== node && insideSensitive(ctx, target)) {
    report(
      ctx,
      'secret.sealing',
      node as Node,
      path,
      "an alias here points into a secret's sealed data; sealed values cannot be used elsewhere",
      'remove the alias',
    );
    return undefined;
  }
  return target;
}

/**
 * Inside sealed data a key must be written out: an alias as a key would
 * carry a value (possibly a secret one) into the key, and keys are shown.
 */
function aliasKeyInSensitive(ctx: ShapeContext, key: unknown, path: string): boolean {
  if (ctx.sensitive === 0 || !isAlias(key)) return false;
  report(ctx, 'secret.sealing', key, path, "a key in a secret's sealed data is an alias; keys there must be written out", 'write the key name itself');
  return true;
}

/** Walks `fn` with the field's subtree marked sensitive when spec/ says so. */
function within<T>(ctx: ShapeContext, field: protobuf.Field, rawNode: unknown, fn: () => T): T {
  if (!isSensitive(field)) return fn();
  if (ctx.sensitive === 0) {
    const range = peek(ctx, rawNode)?.range;
    if (range) ctx.sensitiveRanges.push([range[0], range[2] ?? range[1]]);
  }
  ctx.sensitive++;
  try {
    return fn();
  } finally {
    ctx.sensitive--;
  }
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
export function checkMessage(
  ctx: ShapeContext,
  rawNode: unknown,
  type: protobuf.Type,
  path: string,
  depth = 0,
  skip: ReadonlySet<string> = new Set(),
): PlainMessage | undefined {
  const node = resolve(ctx, rawNode, path);
  if (node === undefined) return undefined;
  if (depth > MAX_NESTING_DEPTH) {
    report(ctx, 'field.type', node, path, `nesting deeper than ${MAX_NESTING_DEPTH} levels`);
    return undefined;
  }
  if (!isMap(node)) {
    report(ctx, 'field.type', node, path, `expected a mapping (${type.name}), got ${describe(node)}`);
    return undefined;
  }
  const out: PlainMessage = {};
  const oneofMembers = new Map<string, string[]>();
  for (const pair of node.items) {
    if (aliasKeyInSensitive(ctx, pair.key, path)) continue;
    const keyNode = resolve(ctx, pair.key, path);
    if (keyNode === undefined) continue;
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      report(ctx, 'field.type', keyNode, path, `mapping keys must be field names, got ${describe(keyNode)}`);
      continue;
    }
    const key = keyNode.value;
    if (skip.has(key)) continue;
    const fieldPath = join(path, key);
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    if (!field) {
      if (ctx.sensitive > 0) {
        // A key here may be a value that lost its indentation: not shown.
        report(
          ctx,
          'field.unknown',
          keyNode,
          path,
          `unknown field in ${type.name}`,
          `known fields: ${settableFields(type)
            .map((f) => f.name)
            .join(', ')}`,
        );
        continue;
      }
      const camel = Object.values(type.fields).find((f) => snakeToCamel(f.name) === key);
      const guess = camel
        ? camel.name
        : nearest(
            key,
            settableFields(type).map((f) => f.name),
          );
      if (guess) markReported(ctx, join(path, guess));
      report(
        ctx,
        'field.unknown',
        keyNode,
        fieldPath,
        `unknown field ${quoted(key)} in ${type.name}`,
        guess
          ? `did you mean "${guess}"?`
          : `known fields: ${settableFields(type)
              .map((f) => f.name)
              .join(', ')}`,
      );
      continue;
    }
    if (isOutputOnly(field)) {
      report(ctx, 'field.output-only', keyNode, fieldPath, `"${key}" is computed by mcp-orchestrator and cannot be declared`, 'remove it');
      continue;
    }
    // A scalar is pointed at where its value is; a mapping or list where its key is.
    const valueNode = peek(ctx, pair.value);
    ctx.positions.set(fieldPath, nodePosition(ctx, valueNode && isScalar(valueNode) ? valueNode : keyNode));
    const value = within(ctx, field, pair.value, () => checkField(ctx, pair.value, field, fieldPath, depth));
    if (value === undefined) continue;
    out[key] = value;
    const oneof = field.partOf;
    if (oneof && !oneof.name.startsWith('_')) {
      const members = oneofMembers.get(oneof.name) ?? [];
      if (members.push(key) === 1) oneofMembers.set(oneof.name, members);
    }
  }
  for (const [oneof, members] of oneofMembers) {
    if (members.length > 1) {
      report(
        ctx,
        'field.oneof',
        ctx.positions.get(join(path, members[1]!)),
        join(path, members[1]!),
        `only one of ${members.map((m) => `"${m}"`).join(', ')} may be set (${oneof})`,
      );
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
  const node = resolve(ctx, rawNode, path);
  if (node === undefined) return undefined;
  if (field.map) {
    if (!isMap(node)) {
      report(ctx, 'field.type', node, path, `expected a mapping of ${field.type} values, got ${describe(node)}`);
      return undefined;
    }
    const out: { [key: string]: PlainValue } = {};
    for (const pair of node.items) {
      if (aliasKeyInSensitive(ctx, pair.key, path)) continue;
      const keyNode = resolve(ctx, pair.key, path);
      if (keyNode === undefined) continue;
      if (!isScalar(keyNode) || (typeof keyNode.value !== 'string' && typeof keyNode.value !== 'number')) {
        report(ctx, 'field.type', keyNode, path, `map keys must be strings, got ${describe(keyNode)}`);
        continue;
      }
      const entryPath = `${path}[${JSON.stringify(String(keyNode.value))}]`;
      ctx.positions.set(entryPath, nodePosition(ctx, keyNode));
      const value = checkSingle(ctx, pair.value, field, entryPath, depth);
      // defineProperty: a key named __proto__ is a key like any other.
      if (value !== undefined) Object.defineProperty(out, String(keyNode.value), { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  if (field.repeated) {
    if (!isSeq(node)) {
      const hint = ctx.sensitive === 0 && isScalar(node) && typeof node.value === 'string' ? `write it as a list: [${JSON.stringify(node.value)}]` : undefined;
      report(ctx, 'field.type', node, path, `expected a list, got ${describe(node)}`, hint && hint.length <= 200 ? hint : undefined);
      return undefined;
    }
    const out: PlainValue[] = [];
    node.items.forEach((item, i) => {
      const itemPath = `${path}[${i}]`;
      ctx.positions.set(itemPath, nodePosition(ctx, peek(ctx, item)));
      const value = checkSingle(ctx, item, field, itemPath, depth);
      if (value !== undefined) out.push(value);
    });
    return out;
  }
  return checkSingle(ctx, node, field, path, depth);
}

function checkSingle(ctx: ShapeContext, rawNode: unknown, field: protobuf.Field, path: string, depth: number): PlainValue | undefined {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return checkMessage(ctx, rawNode, resolved, path, depth + 1);
  const node = resolve(ctx, rawNode, path);
  if (node === undefined) return undefined;
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
    if (ctx.sensitive > 0) {
      report(ctx, 'field.enum', node, path, `not a ${type.name}: expected one of ${names.join(', ')}`);
      return undefined;
    }
    const prefixed = value.length <= 64 ? names.find((n) => n.endsWith(`_${value.toUpperCase().replace(/[-\s]/g, '_')}`)) : undefined;
    const guess = prefixed ?? nearest(value, names);
    report(
      ctx,
      'field.enum',
      node,
      path,
      `${quoted(value)} is not a ${type.name}: expected one of ${names.join(', ')}`,
      guess ? `did you mean "${guess}"?` : undefined,
    );
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
      // Under a secret's sealed data the value is never shown, whatever its type.
      const hint = ctx.sensitive === 0 && scalar && value !== null && value !== undefined ? `quote it: ${quoted(scalar.source ?? String(value))}` : undefined;
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
          report(ctx, 'field.range', node, path, `${ctx.sensitive > 0 ? 'the number' : value} is out of range for ${field.type}`);
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
