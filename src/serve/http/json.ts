/**
 * The proto3 JSON mapping, driven by the protobufjs reflection objects of
 * spec/ (so a field added to a message appears here with no code change):
 *
 * - out: lowerCamelCase json names, 64-bit integers as strings, enums by
 *   name, bytes as base64, fields with default values omitted (as protojson
 *   does by default; proto3 `optional` and oneof members are emitted when
 *   set);
 * - in: json names and the original proto names both accepted, numbers as
 *   JSON numbers or strings, enums by name or number, `null` as the default;
 *   an unknown field or a value of the wrong type is INVALID_ARGUMENT naming
 *   the field. The result is the plain object the gRPC deserializer makes
 *   (proto names, defaults filled in), so handlers see one shape.
 */
import protobuf from 'protobufjs';
import { quoted } from '../../core/echo.js';
import { McpoError } from '../../core/errors.js';
import { MAX_NESTING_DEPTH } from '../../core/limits.js';
import { jsonName } from '../descriptors.js';
import { DECODE_OPTIONS } from '../service.js';

const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const INT32_RANGE: Record<string, [number, number]> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  sint32: [-(2 ** 31), 2 ** 31 - 1],
  sfixed32: [-(2 ** 31), 2 ** 31 - 1],
  uint32: [0, 2 ** 32 - 1],
  fixed32: [0, 2 ** 32 - 1],
};
const LONG_RANGE: Record<string, [number, number]> = {
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sint64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  sfixed64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint64: [0, Number.MAX_SAFE_INTEGER],
  fixed64: [0, Number.MAX_SAFE_INTEGER],
};

/** A field's JSON name: json_name when spec/ sets one, else protoc's lowerCamelCase. */
export function fieldJsonName(field: protobuf.Field): string {
  const given: unknown = field.options?.json_name;
  return typeof given === 'string' ? given : jsonName(field.name);
}

/** Whether the field tracks presence (proto3 `optional`, oneof member, message): then a set default is still emitted. */
function hasPresence(field: protobuf.Field): boolean {
  return Boolean(field.partOf) || field.resolvedType instanceof protobuf.Type;
}

// ---- out ----

const texts = new WeakMap<object, string>();

function scalarText(field: protobuf.Field, value: unknown): string | undefined {
  const type = field.type;
  if (field.resolvedType instanceof protobuf.Enum) {
    const e = field.resolvedType;
    const name = typeof value === 'number' ? (e.valuesById[value] ?? undefined) : String(value);
    const number = typeof value === 'number' ? value : e.values[String(value)];
    if (number === 0 && !hasPresence(field)) return undefined;
    return name === undefined ? String(number) : JSON.stringify(name);
  }
  if (type === 'string') return value === '' ? undefined : JSON.stringify(value);
  if (type === 'bool') return value === true ? 'true' : value === false ? 'false' : undefined;
  if (type === 'bytes') {
    const b = value instanceof Uint8Array ? Buffer.from(value) : Buffer.from(String(value), 'base64');
    return b.length === 0 ? undefined : JSON.stringify(b.toString('base64'));
  }
  const n = typeof value === 'object' && value !== null ? Number(String(value)) : Number(value);
  if (n === 0 && !Object.is(n, -0)) return undefined;
  if (LONG_TYPES.has(type)) return JSON.stringify(typeof value === 'object' && value !== null ? String(value) : String(n));
  if (Number.isNaN(n)) return '"NaN"';
  if (!Number.isFinite(n)) return n > 0 ? '"Infinity"' : '"-Infinity"';
  return String(n);
}

function valueText(field: protobuf.Field, value: unknown): string | undefined {
  if (field.resolvedType instanceof protobuf.Type) return messageText(field.resolvedType, value as Record<string, unknown>);
  return scalarText(field, value);
}

/** Per message type: its fields (resolved) with their `"jsonName":` prefix, computed once. */
const plans = new WeakMap<protobuf.Type, { field: protobuf.Field; key: string }[]>();

function planOf(type: protobuf.Type): { field: protobuf.Field; key: string }[] {
  let plan = plans.get(type);
  if (!plan) {
    plan = type.fieldsArray.filter((f) => !f.declaringField).map((field) => ({ field: field.resolve(), key: `${JSON.stringify(fieldJsonName(field))}:` }));
    plans.set(type, plan);
  }
  return plan;
}

/** A message as proto3 JSON text. Frozen objects (a snapshot's) are converted once. */
export function messageText(type: protobuf.Type, value: Record<string, unknown>): string {
  const cached = texts.get(value);
  if (cached !== undefined) return cached;
  const parts: string[] = [];
  for (const { field, key } of planOf(type)) {
    const v = value[field.name];
    if (v === undefined || v === null) continue;
    let text: string | undefined;
    if (field.map) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) continue;
      text = `{${entries.map(([k, item]) => `${JSON.stringify(k)}:${valueText(field, item) ?? defaultText(field)}`).join(',')}}`;
    } else if (field.repeated) {
      const items = v as unknown[];
      if (items.length === 0) continue;
      text = `[${items.map((item) => valueText(field, item) ?? defaultText(field)).join(',')}]`;
    } else {
      text = valueText(field, v);
      if (text === undefined && hasPresence(field)) text = defaultText(field);
    }
    if (text !== undefined) parts.push(key + text);
  }
  const out = `{${parts.join(',')}}`;
  if (Object.isFrozen(value)) texts.set(value, out);
  return out;
}

/** The JSON of a field's default value (inside lists and maps, and for set optionals). */
function defaultText(field: protobuf.Field): string {
  if (field.resolvedType instanceof protobuf.Enum) {
    const name = field.resolvedType.valuesById[0];
    return name === undefined ? '0' : JSON.stringify(name);
  }
  if (field.resolvedType instanceof protobuf.Type) return '{}';
  if (field.type === 'string' || field.type === 'bytes') return '""';
  if (field.type === 'bool') return 'false';
  return LONG_TYPES.has(field.type) ? '"0"' : '0';
}

// ---- in ----

const invalid = (path: string, what: string): McpoError => new McpoError('usage', `${path}: ${what}`);

/** Per message type: its fields by JSON name, built once (a query parameter is looked up on every request). */
const byJsonName = new WeakMap<protobuf.Type, Map<string, protobuf.Field>>();

/** The field of `type` a JSON or proto name refers to. */
export function fieldByName(type: protobuf.Type, name: string): protobuf.Field | undefined {
  const byProto = Object.prototype.hasOwnProperty.call(type.fields, name) ? type.fields[name] : undefined;
  if (byProto && !byProto.declaringField) return byProto;
  let names = byJsonName.get(type);
  if (!names) {
    names = new Map();
    for (const f of type.fieldsArray) if (!f.declaringField && !names.has(fieldJsonName(f))) names.set(fieldJsonName(f), f);
    byJsonName.set(type, names);
  }
  return names.get(name);
}

/**
 * A dotted field path (JSON or proto names) → the proto names along it, or
 * undefined when a part names no field. It descends into message fields, not
 * into maps or their values.
 */
export function fieldPath(type: protobuf.Type, dotted: string): string[] | undefined {
  const names: string[] = [];
  let t: protobuf.Type | undefined = type;
  for (const part of dotted.split('.')) {
    const field: protobuf.Field | undefined = t ? fieldByName(t, part) : undefined;
    if (!field) return undefined;
    field.resolve();
    names.push(field.name);
    t = field.resolvedType instanceof protobuf.Type && !field.map ? field.resolvedType : undefined;
  }
  return names;
}

/** One scalar from JSON (or from the text of a path segment or query parameter when `fromText`). */
export function scalarFromJson(field: protobuf.Field, value: unknown, path: string, fromText = false, type: string = field.type): unknown {
  const resolved = type === field.type ? field.resolvedType : null;
  if (resolved instanceof protobuf.Enum) {
    if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(resolved.values, value)) return value;
    const n = typeof value === 'number' ? value : fromText && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (Number.isInteger(n) && resolved.valuesById[n] !== undefined) return resolved.valuesById[n];
    throw invalid(path, `expected one of ${Object.keys(resolved.values).join(', ')}, got ${quoted(String(value))}`);
  }
  if (type === 'string') {
    if (typeof value !== 'string') throw invalid(path, 'expected a string');
    return value;
  }
  if (type === 'bool') {
    if (typeof value === 'boolean') return value;
    if (fromText && (value === 'true' || value === '1')) return true;
    if (fromText && (value === 'false' || value === '0')) return false;
    throw invalid(path, 'expected true or false');
  }
  if (type === 'bytes') {
    if (typeof value !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(value)) throw invalid(path, 'expected base64');
    return Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64');
  }
  const range = INT32_RANGE[type] ?? LONG_RANGE[type];
  if (range) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw invalid(path, `expected an integer (${type})`);
    return n;
  }
  if (type === 'double' || type === 'float') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
    if (Number.isNaN(n) && value !== 'NaN') throw invalid(path, 'expected a number');
    return n;
  }
  throw invalid(path, `unsupported type ${type}`);
}

/** A JSON value of one (non-map, non-repeated) field, or of one element of a repeated field. */
function elementFromJson(field: protobuf.Field, value: unknown, path: string, depth: number): unknown {
  if (field.resolvedType instanceof protobuf.Type) return messageFromJson(field.resolvedType, value, path, depth + 1);
  return scalarFromJson(field, value, path);
}

/** A JSON object as the plain object of `type` (proto names; not yet defaulted). */
export function messageFromJson(type: protobuf.Type, json: unknown, path = '', depth = 0): Record<string, unknown> {
  if (depth > MAX_NESTING_DEPTH) throw invalid(path || type.name, `nested deeper than ${MAX_NESTING_DEPTH}`);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw invalid(path || type.name, `expected a JSON object (${type.name})`);
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    const field = fieldByName(type, key);
    const at = path ? `${path}.${key}` : key;
    if (!field) throw invalid(at, `${type.name} has no such field`);
    field.resolve();
    if (seen.has(field.name)) throw invalid(at, 'given twice (by its proto name and its JSON name)');
    seen.add(field.name);
    if (value === null) continue;
    if (field.map) {
      if (typeof value !== 'object' || Array.isArray(value)) throw invalid(at, 'expected a JSON object (map)');
      // No prototype: a key such as "__proto__" is an entry like any other.
      const map: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        const keyType = field instanceof protobuf.MapField ? field.keyType : 'string';
        if (keyType !== 'string') scalarFromJson(field, k, `${at}[${k}]`, true, keyType);
        map[k] = elementFromJson(field, v, `${at}[${k}]`, depth);
      }
      out[field.name] = map;
    } else if (field.repeated) {
      if (!Array.isArray(value)) throw invalid(at, 'expected a JSON array');
      out[field.name] = value.map((item, i) => elementFromJson(field, item, `${at}[${i}]`, depth));
    } else {
      out[field.name] = elementFromJson(field, value, at, depth);
    }
  }
  return out;
}

/** The plain object as the gRPC deserializer makes it: proto names, defaults filled in. */
export function asRequest(type: protobuf.Type, plain: Record<string, unknown>): unknown {
  return type.toObject(type.fromObject(plain), DECODE_OPTIONS);
}
