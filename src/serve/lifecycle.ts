/**
 * The grpc-js server itself: its limits, credentials, listening and a
 * graceful stop.
 *
 * Limits (grpc-js defaults are unbounded or hours long):
 * - at most `maxConcurrentStreams` calls at once per connection (advertised
 *   in HTTP/2 SETTINGS: a client queues the rest). Without it one client
 *   could open tens of thousands of streams it never reads and hold the
 *   server's memory;
 * - requests up to 4 MiB (requests are names and filters), responses up to
 *   64 MiB (a page is at most 500 items);
 * - a connection without calls for `idleTimeoutMs` is closed (GOAWAY);
 * - keepalive: the server pings a connection after 2 min without activity
 *   and drops it when the ping is not answered within 20 s (dead peers, half-
 *   open NAT entries).
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from './log.js';
import { McpoError } from '../core/errors.js';
import { destroySessions, trackSessions } from './sessions.js';

export interface ServerLimits {
  /** Concurrent calls per connection (default 100). */
  maxConcurrentStreams: number;
  /** Largest request message (default 4 MiB). */
  maxReceiveMessageBytes: number;
  /** Largest response message (default 64 MiB). */
  maxSendMessageBytes: number;
  /** A connection without calls this long is closed (default 5 min). */
  idleTimeoutMs: number;
  /** Ping after this long without activity (default 2 min). */
  keepaliveTimeMs: number;
  /** Close when a ping is not answered within this (default 20 s). */
  keepaliveTimeoutMs: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  maxConcurrentStreams: 100,
  maxReceiveMessageBytes: 4 * 1024 * 1024,
  maxSendMessageBytes: 64 * 1024 * 1024,
  idleTimeoutMs: 5 * 60_000,
  keepaliveTimeMs: 2 * 60_000,
  keepaliveTimeoutMs: 20_000,
};

export function createGrpcServer(limits: Partial<ServerLimits> | undefined, interceptors: grpc.ServerInterceptor[]): grpc.Server {
  const given = Object.fromEntries(Object.entries(limits ?? {}).filter(([, v]) => v !== undefined));
  const l: ServerLimits = { ...DEFAULT_LIMITS, ...given };
  return new grpc.Server({
    // No channelz service is offered, and its bookkeeping is a tracker object, four closures
    // and two clock reads per call (~1.4 KiB of garbage a call under load).
    'grpc.enable_channelz': 0,
    'grpc.max_concurrent_streams': l.maxConcurrentStreams,
    'grpc.max_receive_message_length': l.maxReceiveMessageBytes,
    'grpc.max_send_message_length': l.maxSendMessageBytes,
    'grpc.max_connection_idle_ms': l.idleTimeoutMs,
    'grpc.keepalive_time_ms': l.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': l.keepaliveTimeoutMs,
    interceptors,
  });
}

/** TLS from PEM files (both or neither), else insecure. */
export function serverCredentials(certFile: string | undefined, keyFile: string | undefined): grpc.ServerCredentials {
  if ((certFile === undefined) !== (keyFile === undefined)) throw new McpoError('usage', '--tls-cert and --tls-key go together');
  return certFile
    ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: readFileSync(certFile), private_key: readFileSync(keyFile!) }], false)
    : grpc.ServerCredentials.createInsecure();
}

/**
 * Binds `host:port`; resolves with the port bound. The sessions accepted from
 * then on are tracked (sessions.ts), so shutdown() can end them.
 */
export function listen(server: grpc.Server, host: string, port: number, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise<number>((resolvePort, reject) => {
    const address = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
    server.bindAsync(address, credentials, (err, bound) => {
      if (err) return reject(err);
      trackSessions(server);
      resolvePort(bound);
    });
  });
}

/** tryShutdown; forceShutdown (cancelling calls in flight) after `graceMs`. */
export function shutdown(server: grpc.Server, graceMs: number, log: Logger): Promise<void> {
  return new Promise<void>((resolveStop) => {
    const force = setTimeout(() => {
      log.warn('calls still running after the grace period: cancelling them', { graceMs });
      server.forceShutdown();
      destroySessions(server);
      resolveStop();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolveStop();
    });
  });
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\./.test(h) || h === '::ffff:127.0.0.1';
}
