/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha), served from the
 * DescriptorPool built from spec/ at run time. Not @grpc/reflection: it
 * serves made-up file names and loses map entries (grpc-node #2958, #3018),
 * which breaks grpcurl on every message with labels.
 *
 * Each file request answers with the file and all its transitive imports;
 * the reflection and health protos are in the pool too, so clients can
 * describe every service the server lists.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { echo } from '../core/echo.js';
import { DescriptorPool } from './descriptors.js';
import { protoMethodDefinition } from './service.js';

/** The reflection protocol (same shape in v1 and v1alpha; only the package differs). */
function reflectionProto(pkg: string): string {
  return `syntax = "proto3";
package ${pkg};
service ServerReflection {
  // The reflection service is structured as a bidirectional stream, ensuring
  // all related requests go to a single server.
  rpc ServerReflectionInfo(stream ServerReflectionRequest) returns (stream ServerReflectionResponse);
}
message ServerReflectionRequest {
  string host = 1;
  oneof message_request {
    string file_by_filename = 3;
    string file_containing_symbol = 4;
    ExtensionRequest file_containing_extension = 5;
    string all_extension_numbers_of_type = 6;
    string list_services = 7;
  }
}
message ExtensionRequest {
  string containing_type = 1;
  int32 extension_number = 2;
}
message ServerReflectionResponse {
  string valid_host = 1;
  ServerReflectionRequest original_request = 2;
  oneof message_response {
    FileDescriptorResponse file_descriptor_response = 4;
    ExtensionNumberResponse all_extension_numbers_response = 5;
    ListServiceResponse list_services_response = 6;
    ErrorResponse error_response = 7;
  }
}
message FileDescriptorResponse {
  repeated bytes file_descriptor_proto = 1;
}
message ExtensionNumberResponse {
  string base_type_name = 1;
  repeated int32 extension_number = 2;
}
message ListServiceResponse {
  repeated ServiceResponse service = 1;
}
message ServiceResponse {
  string name = 1;
}
message ErrorResponse {
  int32 error_code = 1;
  string error_message = 2;
}
`;
}

export const REFLECTION_VERSIONS = [
  { pkg: 'grpc.reflection.v1', file: 'grpc/reflection/v1/reflection.proto' },
  { pkg: 'grpc.reflection.v1alpha', file: 'grpc/reflection/v1alpha/reflection.proto' },
] as const;

/** A protobufjs root for one version of the reflection protocol, with `filename` set for the pool. */
export function loadReflectionRoot(pkg: string, file: string): protobuf.Root {
  const root = new protobuf.Root();
  protobuf.parse(reflectionProto(pkg), root, { keepCase: true });
  root.resolveAll();
  const mark = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      nested.filename = file;
      if (nested instanceof protobuf.Namespace) mark(nested);
    }
  };
  mark(root);
  return root;
}

interface ReflectionRequest {
  host?: string;
  file_by_filename?: string;
  file_containing_symbol?: string;
  file_containing_extension?: { containing_type?: string; extension_number?: number };
  all_extension_numbers_of_type?: string;
  list_services?: string;
}

/** Answers one reflection request from the pool (the response's oneof as a plain object). */
export function answer(pool: DescriptorPool, services: readonly string[], req: ReflectionRequest): Record<string, unknown> {
  const base = { valid_host: req.host ?? '', original_request: req };
  const notFound = (message: string) => ({ ...base, error_response: { error_code: grpc.status.NOT_FOUND, error_message: message } });
  const files = (list: Uint8Array[] | undefined, what: string) =>
    list ? { ...base, file_descriptor_response: { file_descriptor_proto: list } } : notFound(`${what} not found`);

  if (req.list_services !== undefined) {
    return { ...base, list_services_response: { service: services.map((name) => ({ name })) } };
  }
  if (req.file_by_filename !== undefined) {
    return files(pool.withDependencies(req.file_by_filename), `file ${echo(req.file_by_filename)}`);
  }
  if (req.file_containing_symbol !== undefined) {
    const file = pool.fileOfSymbol(req.file_containing_symbol);
    return files(file ? pool.withDependencies(file) : undefined, `symbol ${echo(req.file_containing_symbol)}`);
  }
  if (req.file_containing_extension !== undefined) {
    const ext = req.file_containing_extension;
    return notFound(`extension ${ext.extension_number ?? 0} of ${echo(ext.containing_type ?? '')} not found: no extensions are declared`);
  }
  if (req.all_extension_numbers_of_type !== undefined) {
    const type = req.all_extension_numbers_of_type;
    if (!pool.fileOfSymbol(type)) return notFound(`type ${echo(type)} not found`);
    return { ...base, all_extension_numbers_response: { base_type_name: type.replace(/^\./, ''), extension_number: [] } };
  }
  return { ...base, error_response: { error_code: grpc.status.INVALID_ARGUMENT, error_message: 'empty reflection request' } };
}

/**
 * Adds ServerReflection v1 and v1alpha to a server. `services` are the names
 * listed (the server's own services, health and reflection). Authentication
 * is the server interceptor's (interceptor.ts): a refused caller never
 * reaches this handler.
 */
export function addReflection(server: grpc.Server, pool: DescriptorPool, services: readonly string[]): void {
  for (const { pkg } of REFLECTION_VERSIONS) {
    const root = loadReflectionRoot(pkg, '');
    const method = root.lookupService(`${pkg}.ServerReflection`).methods.ServerReflectionInfo!;
    const definition = { ServerReflectionInfo: protoMethodDefinition(method) };
    server.addService(definition as grpc.ServiceDefinition, {
      ServerReflectionInfo: (call: grpc.ServerDuplexStream<ReflectionRequest, Record<string, unknown>>) => {
        call.on('data', (req: ReflectionRequest) => {
          call.write(answer(pool, services, req));
        });
        call.on('end', () => call.end());
        call.on('error', () => call.end());
      },
    });
  }
}
