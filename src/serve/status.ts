/**
 * Errors to gRPC status: the status code comes from the kind's row of
 * ERROR_KINDS (src/core/errors.ts), the one table; anything that is not a
 * McpoError is INTERNAL with a generic message (the details are logged, not
 * sent). A McpoError with diagnostics also sends them the standard way, as
 * google.rpc.Status details in the `grpc-status-details-bin` trailer.
 */
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { type Diagnostic, safeDiagnostic } from '../core/diagnostic.js';
import { bounded } from '../core/echo.js';
import { ERROR_KINDS, McpoError, type McpoErrorOptions, type ErrorKind } from '../core/errors.js';
import { loadSpec, PROTO_PACKAGE } from '../spec/proto.js';

export const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';
export const DIAGNOSTICS_TYPE_URL = `type.googleapis.com/${PROTO_PACKAGE}.Diagnostics`;
/** At most this many diagnostics travel as details; Diagnostics.total_count says how many there were. */
export const MAX_DETAIL_DIAGNOSTICS = 100;
/**
 * Bound of the encoded google.rpc.Status. It travels base64 (about 5.5 KiB)
 * in the trailers next to grpc-message (up to 2 KiB): gRPC C-core clients
 * (Python, C++, Ruby) may refuse metadata above 8 KiB, their default limit.
 */
export const MAX_DETAILS_BYTES = 4096;

/** A McpoError about one commit: its diagnostics go out as details naming the commit. */
export class CommitError extends McpoError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly commit: string,
    options: McpoErrorOptions = {},
  ) {
    super(kind, message, options);
  }
}

/**
 * google.rpc.Status as defined in googleapis google/rpc/status.proto
 * (fields 1 code, 2 message, 3 repeated google.protobuf.Any details);
 * google.protobuf.Any is protobufjs's bundled google/protobuf/any.proto.
 */
let rpcTypes: { status: protobuf.Type; diagnostics: protobuf.Type; diagnostic: protobuf.Type } | undefined;

function types(): NonNullable<typeof rpcTypes> {
  if (rpcTypes) return rpcTypes;
  const root = protobuf.Root.fromJSON(protobuf.common.get('google/protobuf/any.proto')!);
  root.define('google.rpc').add(
    new protobuf.Type('Status')
      .add(new protobuf.Field('code', 1, 'int32'))
      .add(new protobuf.Field('message', 2, 'string'))
      .add(new protobuf.Field('details', 3, 'google.protobuf.Any', 'repeated')),
  );
  root.resolveAll();
  const spec = loadSpec();
  rpcTypes = {
    status: root.lookupType('google.rpc.Status'),
    diagnostics: spec.lookupType(`${PROTO_PACKAGE}.Diagnostics`),
    diagnostic: spec.lookupType(`${PROTO_PACKAGE}.Diagnostic`),
  };
  return rpcTypes;
}

/** Bytes a message of `length` bytes takes as a length-delimited field with a one-byte tag. */
function fieldBytes(length: number): number {
  let varint = 1;
  for (let n = length; n >= 0x80; n >>>= 7) varint++;
  return 1 + varint + length;
}

/**
 * The encoded google.rpc.Status carrying `diagnostics` (safe text, at most
 * MAX_DETAIL_DIAGNOSTICS of them and MAX_DETAILS_BYTES in all; the rest are
 * counted in total_count, never sent), or undefined when the message alone
 * is over the bound. Linear in the diagnostics sent.
 */
export function statusDetails(code: number, message: string, diagnostics: readonly Diagnostic[], commit = ''): Buffer | undefined {
  const t = types();
  const statusOf = (value: Uint8Array): Uint8Array =>
    t.status.encode(t.status.fromObject({ code, message, details: [{ type_url: DIAGNOSTICS_TYPE_URL, value }] })).finish();
  const head = t.diagnostics.encode(t.diagnostics.fromObject({ commit, total_count: diagnostics.length })).finish();
  // What the Status costs around the Diagnostics value; the Any's value field grows with it (a few varint bytes).
  let used = statusOf(head).length + 4;
  // The message must be the status message (clients check); when it alone is over the bound, no details.
  if (used > MAX_DETAILS_BYTES) return undefined;
  const kept: object[] = [];
  for (const d of diagnostics) {
    if (kept.length >= MAX_DETAIL_DIAGNOSTICS) break;
    const safe = safeDiagnostic(d);
    const size = fieldBytes(t.diagnostic.encode(t.diagnostic.fromObject(safe)).finish().length);
    if (used + size > MAX_DETAILS_BYTES) break;
    used += size;
    kept.push(safe);
  }
  const value = t.diagnostics.encode(t.diagnostics.fromObject({ commit, diagnostics: kept, total_count: diagnostics.length })).finish();
  return Buffer.from(statusOf(value));
}

/** Longest status message sent; longer ones are cut. */
export const MAX_STATUS_CHARS = 2048;

/**
 * A status message as it leaves the server: control characters escaped, cut
 * to MAX_STATUS_CHARS. Idempotent, so the message inside the details and the
 * grpc-message the interceptor sends are the same text.
 */
export function statusMessage(text: string): string {
  return bounded(text, MAX_STATUS_CHARS);
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
  if (err instanceof McpoError) {
    const code = ERROR_KINDS[err.kind].grpcCode as grpc.status;
    const details = statusMessage(err.hint ? `${err.message} (${err.hint})` : err.message);
    const metadata = new grpc.Metadata();
    const encoded = err.diagnostics.length > 0 ? statusDetails(code, details, err.diagnostics, err instanceof CommitError ? err.commit : '') : undefined;
    if (encoded) metadata.set(STATUS_DETAILS_TRAILER, encoded);
    return { code, details, metadata };
  }
  return { code: grpc.status.INTERNAL, details: 'internal error (see the server log)' };
}

/**
 * The details of an encoded google.rpc.Status (what `grpc-status-details-bin`
 * carries), each decoded with its message type from spec/ — for faces that
 * send the Status as JSON (the HTTP gateway). Details of an unknown type are
 * dropped.
 */
export function decodeStatusDetails(bytes: Uint8Array): { typeUrl: string; type: protobuf.Type; value: Record<string, unknown> }[] {
  const t = types();
  const status = t.status.toObject(t.status.decode(bytes), { arrays: true }) as { details: { type_url: string; value: Uint8Array }[] };
  const out: { typeUrl: string; type: protobuf.Type; value: Record<string, unknown> }[] = [];
  for (const d of status.details) {
    if (d.type_url !== DIAGNOSTICS_TYPE_URL) continue;
    out.push({
      typeUrl: d.type_url,
      type: t.diagnostics,
      value: t.diagnostics.toObject(t.diagnostics.decode(d.value), { enums: String, longs: Number, arrays: true }),
    });
  }
  return out;
}
