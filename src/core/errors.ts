/**
 * The one error type of mcp-orchestrator. Its kind says what went wrong in
 * terms every face understands; ERROR_KINDS is the one table from a kind to
 * the CLI's exit code and to the gRPC status code (numbers from
 * grpc/status.proto, so this module needs no gRPC library).
 */
import type { Diagnostic } from './diagnostic.js';

export type ErrorKind = 'usage' | 'invalid' | 'not-found' | 'precondition' | 'unavailable' | 'unimplemented' | 'internal';

export const ERROR_KINDS: Readonly<Record<ErrorKind, { readonly exitCode: number; readonly grpcCode: number }>> = {
  /** The command line or the request is malformed. */
  usage: { exitCode: 2, grpcCode: 3 /* INVALID_ARGUMENT */ },
  /** The declarations (or an input) are not valid. */
  invalid: { exitCode: 1, grpcCode: 3 /* INVALID_ARGUMENT */ },
  'not-found': { exitCode: 1, grpcCode: 5 /* NOT_FOUND */ },
  /** The system is not in the state the operation needs (an expired page token, a held lock). */
  precondition: { exitCode: 1, grpcCode: 9 /* FAILED_PRECONDITION */ },
  /** Something needed cannot be reached now; trying again later may work. */
  unavailable: { exitCode: 1, grpcCode: 14 /* UNAVAILABLE */ },
  unimplemented: { exitCode: 1, grpcCode: 12 /* UNIMPLEMENTED */ },
  internal: { exitCode: 1, grpcCode: 13 /* INTERNAL */ },
};

export interface McpoErrorOptions {
  /** The problems behind the error, each with its location. */
  readonly diagnostics?: readonly Diagnostic[];
  /** What to do about it, when it is clear. */
  readonly hint?: string;
  readonly cause?: unknown;
}

export class McpoError extends Error {
  override readonly name = 'McpoError';
  readonly diagnostics: readonly Diagnostic[];
  readonly hint: string | undefined;

  constructor(
    readonly kind: ErrorKind,
    message: string,
    options: McpoErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.diagnostics = options.diagnostics ?? [];
    this.hint = options.hint;
  }
}

/** The message of anything thrown, for a log line or a wrapping error. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The exit code of the CLI for anything thrown: its kind's, or internal's. */
export function exitCodeFor(err: unknown): number {
  return ERROR_KINDS[err instanceof McpoError ? err.kind : 'internal'].exitCode;
}
