/**
 * The proto contract in spec/, loaded at run time with protobufjs. Field names
 * are kept as written (snake_case), so declarations, model objects and gRPC
 * messages all use the same names.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const PROTO_PACKAGE = 'mcp.orchestrator.v1';
export const SERVICE_NAME = `${PROTO_PACKAGE}.McpOrchestratorService`;
export const PROTO_FILES = [
  'common.proto',
  'mcp_template.proto',
  'mcp_server.proto',
  'namespace.proto',
  'secret.proto',
  'resource_limit.proto',
  'service.proto',
] as const;

/**
 * Imported by service.proto for the `google.api.http` rules: the googleapis
 * files vendored in spec/google/api/, and google/protobuf/descriptor.proto
 * from protobufjs (buf and protoc ship their own copy, so spec/ does not).
 */
export const IMPORTED_FILES = ['google/api/http.proto', 'google/api/annotations.proto', 'google/protobuf/descriptor.proto'] as const;

const protobufjsDir = dirname(createRequire(import.meta.url).resolve('protobufjs/package.json'));

/** spec/ of this package (found from the compiled or source location of this file). */
let foundSpecDir: string | undefined;

export function specDir(): string {
  foundSpecDir ??= findSpecDir();
  return foundSpecDir;
}

function findSpecDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'spec');
    if (existsSync(join(candidate, 'service.proto'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('spec/ with service.proto not found next to the mcp-orchestrator package');
}

let cached: protobuf.Root | undefined;

/** The resolved protobufjs Root for spec/ (loaded once per process). */
export function loadSpec(dir: string = specDir()): protobuf.Root {
  if (cached && dir === specDir()) return cached;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? join(protobufjsDir, target) : resolve(dir, target));
  root.loadSync(
    PROTO_FILES.map((f) => join(dir, f)),
    { keepCase: true, alternateCommentMode: true },
  );
  root.resolveAll();
  if (dir === specDir()) cached = root;
  return root;
}

/**
 * The name a loaded file is imported by ("service.proto",
 * "google/api/http.proto", "google/protobuf/descriptor.proto"), from the
 * path protobufjs records as objects' `filename`.
 */
export function importName(filename: string, dir: string = specDir()): string {
  const bundled = relative(protobufjsDir, filename);
  if (!bundled.startsWith('..') && bundled.startsWith(`google${sep}protobuf${sep}`)) return bundled.split(sep).join('/');
  return relative(dir, filename).split(sep).join('/');
}

/** A message type of the package by its short name, e.g. 'McpTemplate'. */
export function messageType(name: string, root: protobuf.Root = loadSpec()): protobuf.Type {
  return root.lookupType(`${PROTO_PACKAGE}.${name}`);
}

/** Fields documented "Output only:" in spec/ are computed by the tool and may not be declared. */
export function isOutputOnly(field: protobuf.Field): boolean {
  return /^Output only\b/.test(field.comment ?? '');
}

/**
 * Fields marked `[debug_redact = true]` in spec/ hold secret material: no
 * value under them is ever shown back, in any message.
 */
export function isSensitive(field: protobuf.Field): boolean {
  return field.options?.debug_redact === true;
}
