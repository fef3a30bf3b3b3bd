/**
 * FileDescriptorProtos for server reflection, built at run time from the
 * protobufjs reflection objects of spec/ (no generated or committed binary).
 *
 * Built here rather than with protobufjs' Root#toDescriptor or
 * @grpc/reflection because both get what reflection clients check wrong:
 * file names and dependencies (protobufjs roots do not keep file boundaries),
 * and map fields (the entry message must be `<Field>Entry` with map_entry set,
 * referenced by its full name). This builder keeps what protoc emits:
 * one descriptor per .proto file with its real name and imports, fully
 * qualified type names, `<CamelCase>Entry` map entries, proto3 `optional` as
 * synthetic oneofs placed after the real ones, json_name on every field, and
 * the comments as source_code_info so `grpcurl describe` shows them.
 */
import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

type Plain = Record<string, unknown>;

const SCALAR_TYPES: Record<string, number> = {
  double: 1,
  float: 2,
  int64: 3,
  uint64: 4,
  int32: 5,
  fixed64: 6,
  fixed32: 7,
  bool: 8,
  string: 9,
  bytes: 12,
  uint32: 13,
  sfixed32: 15,
  sfixed64: 16,
  sint32: 17,
  sint64: 18,
};
const TYPE_MESSAGE = 11;
const TYPE_ENUM = 14;
const LABEL_OPTIONAL = 1;
const LABEL_REQUIRED = 2;
const LABEL_REPEATED = 3;

/** The syntax protobufjs recorded for a declaration's file ("proto2" or "proto3"). */
const syntaxOf = (obj: protobuf.ReflectionObject): string => ((obj as unknown as { _edition?: string })._edition === 'proto2' ? 'proto2' : 'proto3');

/**
 * descriptor.proto's types, a private copy (the one protobufjs/ext/descriptor
 * loads is shared). Custom method options — `(google.api.http)` — are
 * encoded by their extension's own message type and set on MethodOptions as
 * bytes fields of the same number: the same bytes on the wire as protoc
 * writes, without MethodOptions having to know the extension's type.
 */
const descriptorRoot = protobuf.Root.fromJSON(createRequire(import.meta.url)('protobufjs/google/protobuf/descriptor.json') as protobuf.INamespace);
const FileDescriptorProto = descriptorRoot.lookupType('google.protobuf.FileDescriptorProto');
const MethodOptions = descriptorRoot.lookupType('google.protobuf.MethodOptions');

/** The bytes-field name on the private MethodOptions for an extension number (added once). */
function optionSlot(id: number): string {
  const name = `extension_${id}`;
  if (!MethodOptions.fields[name]) MethodOptions.add(new protobuf.Field(name, id, 'bytes'));
  return name;
}

/** protoc's json_name: underscores dropped, the letter after each upper-cased. */
export function jsonName(name: string): string {
  return name.replace(/_+([a-zA-Z0-9]?)/g, (_m, c: string) => c.toUpperCase());
}

/** protoc's map entry name: `labels` → `LabelsEntry`, `encrypted_data` → `EncryptedDataEntry`. */
export function mapEntryName(field: string): string {
  const camel = jsonName(field);
  return `${camel.charAt(0).toUpperCase()}${camel.slice(1)}Entry`;
}

const fullName = (obj: protobuf.ReflectionObject): string => obj.fullName.replace(/^\./, '');

/** Comment text as protoc records it: each line with its leading space, newline-terminated. */
function commentText(comment: string | null | undefined): string | undefined {
  if (!comment) return undefined;
  return comment
    .split('\n')
    .map((line) => (line.length > 0 ? ` ${line}` : ''))
    .join('\n')
    .concat('\n');
}

class FileBuilder {
  readonly dependencies = new Set<string>();
  readonly locations: Plain[] = [];

  constructor(
    readonly name: string,
    private readonly fileOf: (obj: protobuf.ReflectionObject) => string | undefined,
  ) {}

  private comment(path: number[], obj: { comment?: string | null }): void {
    const text = commentText(obj.comment);
    if (text) this.locations.push({ path, span: [0, 0, 0], leadingComments: text });
  }

  private reference(target: protobuf.ReflectionObject): string {
    const file = this.fileOf(target);
    if (file && file !== this.name) this.dependencies.add(file);
    return `.${fullName(target)}`;
  }

  private fieldType(field: protobuf.Field, type: string, resolved: protobuf.ReflectionObject | null): { type: number; typeName?: string } {
    const scalar = SCALAR_TYPES[type];
    if (scalar !== undefined) return { type: scalar };
    if (resolved instanceof protobuf.Enum) return { type: TYPE_ENUM, typeName: this.reference(resolved) };
    if (resolved instanceof protobuf.Type) return { type: TYPE_MESSAGE, typeName: this.reference(resolved) };
    throw new Error(`unresolved type ${type} of field ${field.fullName}`);
  }

  message(type: protobuf.Type, path: number[]): Plain {
    this.comment(path, type);
    const fields: Plain[] = [];
    const nestedTypes: Plain[] = [];
    const enums: Plain[] = [];
    // Real oneofs first, then the synthetic ones of proto3 `optional` fields (as protoc orders them).
    const oneofs = type.oneofsArray;
    const isSynthetic = (o: protobuf.OneOf): boolean => o.fieldsArray.length === 1 && Boolean(o.fieldsArray[0]?.options?.proto3_optional);
    const orderedOneofs = [...oneofs.filter((o) => !isSynthetic(o)), ...oneofs.filter(isSynthetic)];

    // Extension fields protobufjs copies into the extended type belong to the extending file.
    type.fieldsArray
      .filter((field) => !field.declaringField)
      .forEach((field, index) => {
        field.resolve();
        const out: Plain = { name: field.name, number: field.id, jsonName: jsonName(field.name) };
        if (field instanceof protobuf.MapField) {
          const entry = mapEntryName(field.name);
          const value = this.fieldType(field, field.type, field.resolvedType);
          nestedTypes.push({
            name: entry,
            field: [
              { name: 'key', number: 1, label: LABEL_OPTIONAL, type: SCALAR_TYPES[field.keyType], jsonName: 'key' },
              { name: 'value', number: 2, label: LABEL_OPTIONAL, ...value, jsonName: 'value' },
            ],
            options: { mapEntry: true },
          });
          Object.assign(out, { label: LABEL_REPEATED, type: TYPE_MESSAGE, typeName: `.${fullName(type)}.${entry}` });
        } else {
          Object.assign(out, {
            label: field.repeated ? LABEL_REPEATED : field.required ? LABEL_REQUIRED : LABEL_OPTIONAL,
            ...this.fieldType(field, field.type, field.resolvedType),
          });
          const fallback: unknown = field.options?.default;
          if (fallback !== undefined) out.defaultValue = String(fallback);
          if (field.partOf) out.oneofIndex = orderedOneofs.indexOf(field.partOf);
          if (field.options?.proto3_optional) out.proto3Optional = true;
          if (field.repeated && field.options?.packed === false) out.options = { packed: false };
        }
        if (field.options?.deprecated) out.options = { ...((out.options as Plain) ?? {}), deprecated: true };
        this.comment([...path, 2, index], field);
        fields.push(out);
      });

    // Nested declarations (after the map entries, which protoc also lists first).
    for (const nested of type.nestedArray) {
      if (nested instanceof protobuf.Type) nestedTypes.push(this.message(nested, [...path, 3, nestedTypes.length]));
      else if (nested instanceof protobuf.Enum) enums.push(this.enumeration(nested, [...path, 4, enums.length]));
    }

    const out: Plain = { name: type.name, field: fields, nestedType: nestedTypes, enumType: enums, oneofDecl: orderedOneofs.map((o) => ({ name: o.name })) };
    if (type.extensions?.length) out.extensionRange = type.extensions.map(([start = 0, end = 0]) => ({ start, end: Math.min(end + 1, 536870912) }));
    if (type.reserved?.length) {
      out.reservedRange = type.reserved.filter((r): r is number[] => Array.isArray(r)).map(([start = 0, end = 0]) => ({ start, end: end + 1 }));
      out.reservedName = type.reserved.filter((r): r is string => typeof r === 'string');
    }
    return out;
  }

  /** A top-level `extend` field (e.g. google.api.http on MethodOptions). */
  extension(field: protobuf.Field): Plain {
    field.resolve();
    const extended = field.extensionField?.parent;
    if (!(extended instanceof protobuf.Type)) throw new Error(`unresolved extendee of ${field.fullName}`);
    return {
      name: field.name,
      number: field.id,
      label: field.repeated ? LABEL_REPEATED : LABEL_OPTIONAL,
      ...this.fieldType(field, field.type, field.resolvedType),
      extendee: this.reference(extended),
      jsonName: jsonName(field.name),
    };
  }

  /**
   * Custom method options such as `(google.api.http)`: their declaring file
   * becomes an import, and message-typed ones are encoded into the
   * MethodOptions as protoc does.
   */
  customOptions(root: protobuf.Root, parsed: Record<string, unknown>[] | undefined): Plain | undefined {
    let options: Plain | undefined;
    for (const option of parsed ?? []) {
      for (const [key, value] of Object.entries(option)) {
        const name = /^\(([^)]+)\)$/.exec(key)?.[1];
        const declared = name ? root.lookup(name) : null;
        if (!(declared instanceof protobuf.Field)) continue;
        this.reference(declared);
        declared.resolve();
        const type = declared.resolvedType;
        if (!(type instanceof protobuf.Type) || declared.repeated || typeof value !== 'object' || value === null) continue;
        (options ??= {})[optionSlot(declared.id)] = type.encode(type.fromObject(asRepeated(type, value as Plain))).finish();
      }
    }
    return options;
  }

  enumeration(e: protobuf.Enum, path: number[]): Plain {
    this.comment(path, e);
    const values = Object.entries(e.values).map(([name, number], index) => {
      const c = e.comments[name];
      if (c) this.comment([...path, 2, index], { comment: c });
      return { name, number };
    });
    return { name: e.name, value: values };
  }

  service(s: protobuf.Service, path: number[]): Plain {
    this.comment(path, s);
    const methods = s.methodsArray.map((m, index) => {
      m.resolve();
      const options = this.customOptions(s.root, m.parsedOptions as Record<string, unknown>[] | undefined);
      this.comment([...path, 2, index], m);
      const out: Plain = {
        name: m.name,
        inputType: this.reference(m.resolvedRequestType as protobuf.Type),
        outputType: this.reference(m.resolvedResponseType as protobuf.Type),
      };
      if (options) out.options = options;
      if (m.requestStream) out.clientStreaming = true;
      if (m.responseStream) out.serverStreaming = true;
      return out;
    });
    return { name: s.name, method: methods };
  }
}

/**
 * protobufjs parses one `additional_bindings { ... }` of an option as an
 * object, several as an array; fromObject needs arrays for repeated fields.
 */
function asRepeated(type: protobuf.Type, value: Plain): Plain {
  const out: Plain = {};
  for (const [k, v] of Object.entries(value)) {
    const field = type.fields[k];
    if (!field) continue;
    field.resolve();
    const items = field.repeated && !Array.isArray(v) ? [v] : v;
    const nested = field.resolvedType;
    out[k] =
      nested instanceof protobuf.Type ? (Array.isArray(items) ? items.map((i) => asRepeated(nested, i as Plain)) : asRepeated(nested, items as Plain)) : items;
  }
  return out;
}

export interface FileEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly dependencies: readonly string[];
}

/** Descriptors of every file added, with a symbol → file index for reflection. */
export class DescriptorPool {
  private readonly files = new Map<string, FileEntry>();
  private readonly symbols = new Map<string, string>();

  /**
   * Adds every file of a resolved protobufjs root. `nameOf` turns the
   * loader's file name (objects' `filename`) into the descriptor's name as
   * clients import it (e.g. "service.proto", "grpc/health/v1/health.proto").
   */
  addRoot(root: protobuf.Root, nameOf: (filename: string) => string): void {
    root.resolveAll();
    const fileOf = (obj: protobuf.ReflectionObject): string | undefined => {
      let o: protobuf.ReflectionObject | null = obj;
      while (o && !o.filename) o = o.parent;
      return o?.filename ? nameOf(o.filename) : undefined;
    };
    // Top-level declarations, grouped by file, in declaration order, with their package.
    const byFile = new Map<string, { pkg: string; items: protobuf.ReflectionObject[] }>();
    const visit = (ns: protobuf.Namespace): void => {
      for (const nested of ns.nestedArray) {
        const isExtension = nested instanceof protobuf.Field && nested.extend !== undefined;
        if (nested instanceof protobuf.Type || nested instanceof protobuf.Enum || nested instanceof protobuf.Service || isExtension) {
          const file = fileOf(nested);
          if (!file) throw new Error(`no file known for ${nested.fullName}`);
          const group = byFile.get(file) ?? { pkg: fullName(ns), items: [] };
          group.items.push(nested);
          byFile.set(file, group);
        } else if (nested instanceof protobuf.Namespace) {
          visit(nested);
        }
      }
    };
    visit(root);

    for (const [name, { pkg, items }] of byFile) {
      if (this.files.has(name)) continue;
      const b = new FileBuilder(name, fileOf);
      const messageType: Plain[] = [];
      const enumType: Plain[] = [];
      const service: Plain[] = [];
      const extension: Plain[] = [];
      for (const item of items) {
        if (item instanceof protobuf.Type) {
          messageType.push(b.message(item, [4, messageType.length]));
          this.indexType(item, name);
        } else if (item instanceof protobuf.Enum) {
          enumType.push(b.enumeration(item, [5, enumType.length]));
          this.indexEnum(item, name);
        } else if (item instanceof protobuf.Service) {
          service.push(b.service(item, [6, service.length]));
          this.symbols.set(fullName(item), name);
          for (const m of item.methodsArray) this.symbols.set(`${fullName(item)}.${m.name}`, name);
        } else if (item instanceof protobuf.Field) {
          extension.push(b.extension(item));
          this.symbols.set(fullName(item), name);
        }
      }
      const dependencies = [...b.dependencies].sort();
      const syntax = items[0] ? syntaxOf(items[0]) : 'proto3';
      const proto: Plain = { name, package: pkg, dependency: dependencies, messageType, enumType, service, extension, syntax };
      if (b.locations.length > 0) proto.sourceCodeInfo = { location: b.locations };
      const bytes = FileDescriptorProto.encode(FileDescriptorProto.fromObject(proto)).finish();
      this.files.set(name, { name, bytes, dependencies });
    }
  }

  private indexType(type: protobuf.Type, file: string): void {
    this.symbols.set(fullName(type), file);
    for (const f of type.fieldsArray) this.symbols.set(`${fullName(type)}.${f.name}`, file);
    for (const nested of type.nestedArray) {
      if (nested instanceof protobuf.Type) this.indexType(nested, file);
      else if (nested instanceof protobuf.Enum) this.indexEnum(nested, file);
    }
  }

  private indexEnum(e: protobuf.Enum, file: string): void {
    this.symbols.set(fullName(e), file);
    // Enum values are scoped like siblings of their enum.
    const scope = fullName(e).split('.').slice(0, -1).join('.');
    for (const value of Object.keys(e.values)) this.symbols.set(scope ? `${scope}.${value}` : value, file);
  }

  /** The file that declares a symbol (message, field, enum, enum value, service, method). */
  fileOfSymbol(symbol: string): string | undefined {
    return this.symbols.get(symbol.replace(/^\./, ''));
  }

  /** The file's descriptor followed by those of all its transitive imports. */
  withDependencies(file: string): Uint8Array[] | undefined {
    if (!this.files.has(file)) return undefined;
    const out: Uint8Array[] = [];
    const seen = new Set<string>();
    const walk = (name: string): void => {
      if (seen.has(name)) return;
      seen.add(name);
      const entry = this.files.get(name);
      if (!entry) return;
      out.push(entry.bytes);
      for (const dep of entry.dependencies) walk(dep);
    };
    walk(file);
    return out;
  }

  fileNames(): string[] {
    return [...this.files.keys()];
  }
}
