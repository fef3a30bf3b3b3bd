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
 * once per object and field tag: a snapshot never changes, so a list page or a
 * Get answer splices bytes instead of converting and encoding the same objects
 * on every call. What is kept is the embedded form (tag, length, message): every
 * read response has its message at field 1, so a Get answer is exactly the
 * cached bytes of its message, sent as they are.
 *
 * Kept in buffers of their own (not slices of Node's shared 8 KiB pool, where
 * one long-lived slice would pin a whole pool slab of short-lived answers).
 */
const embedded = new Map<number, WeakMap<object, Buffer>>();
/** Whole answers that are frozen (a cached list page, see page-cache.ts). */
const answers = new WeakMap<object, Buffer>();

/** A buffer of its own holding `bytes`. */
function ownCopy(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.length);
  out.set(bytes);
  return out;
}

function embeddedMessage(tag: number, type: protobuf.Type, value: object): Buffer {
  let byValue = embedded.get(tag);
  if (!byValue) embedded.set(tag, (byValue = new WeakMap()));
  const cached = byValue.get(value);
  if (cached) return cached;
  const body = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
  const writer = protobuf.Writer.create().uint32(tag).uint32(body.length);
  const head = writer.finish();
  const bytes = Buffer.allocUnsafeSlow(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  if (Object.isFrozen(value)) byValue.set(value, bytes);
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

export function serializer(type: protobuf.Type): (value: unknown) => Buffer {
  const plan = responsePlan(type);
  if (plan) {
    return (value) => {
      const whole = answers.get(value as object);
      if (whole) return whole;
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
        if (field.repeated) for (const item of v as object[]) parts.push(embeddedMessage(field.tag, field.type, item));
        else parts.push(embeddedMessage(field.tag, field.type, v as object));
      }
      if (scalars) parts.push(scalars.finish());
      const frozen = Object.isFrozen(value);
      // A single message (a Get answer) is its cached bytes as they are; grpc-js copies them into its frame.
      const single = parts.length === 1 && Buffer.isBuffer(parts[0]) ? parts[0] : undefined;
      const bytes = single ?? (frozen ? ownCopy(Buffer.concat(parts)) : Buffer.concat(parts));
      if (frozen) answers.set(value as object, bytes);
      return bytes;
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
