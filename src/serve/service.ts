/**
 * grpc-js service definitions from protobufjs reflection objects: the
 * messages of spec/ (de)serialize with protobufjs, keeping the proto field
 * names (snake_case) and enum names, so handlers work with the same
 * plain objects as the model.
 */
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';

/** How decoded requests look: enums as names, 64-bit integers as numbers, defaults filled in. */
export const DECODE_OPTIONS: protobuf.IConversionOptions = {
  enums: String,
  longs: Number,
  bytes: Buffer,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: false,
};

/**
 * Encoded bytes of frozen messages (a snapshot's templates, presets, …), made
 * once per object: a snapshot never changes, so a list page or a Get answer
 * splices bytes instead of converting and encoding the same objects on every call.
 */
const encoded = new WeakMap<object, Uint8Array>();

function encodeMessage(type: protobuf.Type, value: object): Uint8Array {
  const cached = encoded.get(value);
  if (cached) return cached;
  const bytes = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
  if (Object.isFrozen(value)) encoded.set(value, bytes);
  return bytes;
}

type FieldPlan =
  | { kind: 'message'; name: string; tag: number; type: protobuf.Type; repeated: boolean }
  | { kind: 'scalar'; name: string; tag: number; write: (w: protobuf.Writer, tag: number, v: unknown) => void };

const scalarWriters: Record<string, (w: protobuf.Writer, tag: number, v: unknown) => void> = {
  string: (w, tag, v) => (v as string) !== '' && w.uint32(tag).string(v as string),
  int32: (w, tag, v) => (v as number) !== 0 && w.uint32(tag).int32(v as number),
  bool: (w, tag, v) => v === true && w.uint32(tag).bool(true),
};

/**
 * A plan for response types whose top-level fields are messages, repeated
 * messages, strings, int32s or bools (every read response of the service);
 * undefined for other shapes, which take protobufjs' general path.
 */
function responsePlan(type: protobuf.Type): FieldPlan[] | undefined {
  const plan: FieldPlan[] = [];
  for (const field of type.fieldsArray) {
    field.resolve();
    if (field.map) return undefined;
    if (field.resolvedType instanceof protobuf.Type) {
      plan.push({ kind: 'message', name: field.name, tag: (field.id << 3) | 2, type: field.resolvedType, repeated: field.repeated });
    } else {
      const write = scalarWriters[field.type];
      if (!write || field.repeated || field.resolvedType) return undefined;
      plan.push({ kind: 'scalar', name: field.name, tag: (field.id << 3) | (field.type === 'string' ? 2 : 0), write });
    }
  }
  return plan;
}

/** Tag and length prefix of an embedded message. */
function header(tag: number, length: number): Uint8Array {
  return protobuf.Writer.create().uint32(tag).uint32(length).finish();
}

export function serializer(type: protobuf.Type): (value: unknown) => Buffer {
  const plan = responsePlan(type);
  if (plan) {
    // Cached message bytes are copied once, into the final buffer.
    return (value) => {
      const record = value as Record<string, unknown>;
      const parts: Uint8Array[] = [];
      let scalars: protobuf.Writer | undefined;
      for (const field of plan) {
        const v = record[field.name];
        if (v === undefined || v === null) continue;
        if (field.kind === 'scalar') {
          field.write((scalars ??= protobuf.Writer.create()), field.tag, v);
          continue;
        }
        for (const item of field.repeated ? (v as object[]) : [v as object]) {
          const bytes = encodeMessage(field.type, item);
          parts.push(header(field.tag, bytes.length), bytes);
        }
      }
      if (scalars) parts.push(scalars.finish());
      return Buffer.concat(parts);
    };
  }
  return (value) => Buffer.from(type.encode(type.fromObject(value as Record<string, unknown>)).finish());
}

export function deserializer(type: protobuf.Type): (bytes: Buffer) => unknown {
  return (bytes) => type.toObject(type.decode(bytes), DECODE_OPTIONS);
}

export function protoMethodDefinition(method: protobuf.Method): grpc.MethodDefinition<unknown, unknown> {
  method.resolve();
  const request = method.resolvedRequestType;
  const response = method.resolvedResponseType;
  if (!request || !response) throw new Error(`unresolved types of ${method.fullName}`);
  const service = method.parent as protobuf.Service;
  return {
    path: `/${service.fullName.replace(/^\./, '')}/${method.name}`,
    requestStream: Boolean(method.requestStream),
    responseStream: Boolean(method.responseStream),
    requestSerialize: serializer(request),
    requestDeserialize: deserializer(request),
    responseSerialize: serializer(response),
    responseDeserialize: deserializer(response),
    originalName: method.name,
  };
}

/** A grpc-js service definition (method name → definition) for a protobufjs service. */
export function protoServiceDefinition(service: protobuf.Service): grpc.ServiceDefinition {
  const definition: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const method of service.methodsArray) definition[method.name] = protoMethodDefinition(method);
  return definition as grpc.ServiceDefinition;
}
