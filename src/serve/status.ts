/**
 * Errors to gRPC status: the status code comes from the kind's row of
 * ERROR_KINDS (src/core/errors.ts), the one table; anything that is not a
 * McpoError is INTERNAL with a generic message (the details are logged, not
 * sent).
 */
import * as grpc from '@grpc/grpc-js';
import { ERROR_KINDS, McpoError } from '../core/errors.js';

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
  if (err instanceof McpoError) {
    return { code: ERROR_KINDS[err.kind].grpcCode as grpc.status, details: err.hint ? `${err.message} (${err.hint})` : err.message, metadata: new grpc.Metadata() };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error (see the server log)' };
}
