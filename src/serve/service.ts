/**
 * grpc-js service definitions from protobufjs reflection objects: the
 * messages of spec/ (de)serialize with protobufjs, keeping the proto field
 * names (snake_case) and enum names, so handlers work with the same
 * plain objects as the model.
 */
import type * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';

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

export function serializer(type: protobuf.Type): (value: unknown) => Buffer {
  return (value) => {
    const message = type.fromObject(value as Record<string, unknown>);
    return Buffer.from(type.encode(message).finish());
  };
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
