/**
 * The one mapping from our error codes to gRPC status. Handlers throw
 * ServeError (or McpoError from lower layers); the server turns whatever is
 * thrown into a status here and nowhere else.
 */
import * as grpc from '@grpc/grpc-js';
import { type Diagnostic, type DiagnosticCode, McpoError } from '../core/diagnostic.js';

/** Codes the query server adds to the Diagnostic codes of the lower layers. */
export type ServeCode =
  | DiagnosticCode
  | 'invalid-argument'
  | 'unimplemented'
  | 'unavailable'
  | 'unauthenticated'
  | 'page-token.invalid'
  | 'page-token.expired';

export class ServeError extends Error {
  constructor(
    readonly code: ServeCode,
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'ServeError';
  }
}

/** Our code → gRPC status code. Validation codes of declarations are the caller's input: INVALID_ARGUMENT. */
export function grpcCode(code: ServeCode): grpc.status {
  switch (code) {
    case 'not-found':
      return grpc.status.NOT_FOUND;
    case 'failed-precondition':
    case 'page-token.expired':
      return grpc.status.FAILED_PRECONDITION;
    case 'unimplemented':
      return grpc.status.UNIMPLEMENTED;
    case 'unavailable':
      return grpc.status.UNAVAILABLE;
    case 'unauthenticated':
      return grpc.status.UNAUTHENTICATED;
    case 'internal':
    case 'file.unreadable':
      return grpc.status.INTERNAL;
    case 'invalid-argument':
    case 'page-token.invalid':
    case 'usage':
    case 'yaml.syntax':
    case 'yaml.duplicate-key':
    case 'yaml.alias-limit':
    case 'file.too-large':
    case 'file.encoding':
    case 'file.outside-repo':
    case 'declaration.not-a-mapping':
    case 'declaration.unknown-kind':
    case 'declaration.missing-kind':
    case 'field.unknown':
    case 'field.output-only':
    case 'field.type':
    case 'field.required':
    case 'field.enum':
    case 'field.oneof':
    case 'field.range':
    case 'name.invalid':
    case 'label.invalid':
    case 'quantity.invalid':
    case 'quantity.request-over-limit':
    case 'reference.missing':
    case 'resource.duplicate':
    case 'secret.type-keys':
    case 'secret.sealing':
      return grpc.status.INVALID_ARGUMENT;
    default: {
      // A code added to DiagnosticCode later: the compiler points here; until then it is internal.
      const unknown: never = code;
      void unknown;
      return grpc.status.INTERNAL;
    }
  }
}

/** Metadata values are ASCII; keep them short and printable. */
export function asciiHeader(text: string, max = 1024): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > max ? `${ascii.slice(0, max - 3)}...` : ascii;
}

/**
 * Anything thrown by a handler → a grpc-js status object. Unknown errors
 * become INTERNAL with a generic message (the details are logged, not sent).
 */
export function toStatus(err: unknown): Partial<grpc.StatusObject> & { code: grpc.status; details: string } {
  if (err instanceof ServeError || err instanceof McpoError) {
    const metadata = new grpc.Metadata();
    if (err.diagnostics.length > 0) metadata.set('x-mcpo-diagnostics', asciiHeader(JSON.stringify(err.diagnostics.slice(0, 20)), 8192));
    return { code: grpcCode(err.code), details: err.message, metadata };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error (see the server log)' };
}
