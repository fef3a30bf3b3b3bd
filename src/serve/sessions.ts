/**
 * The HTTP/2 sessions a gRPC server accepts. Each gets a StreamTable
 * (stream-table.ts: why), and the open ones are kept so a forced shutdown can
 * end them: grpc-js's forceShutdown() only destroys the sessions it tracks for
 * channelz, and serve runs with channelz off (lifecycle.ts), so without this
 * the calls still running after the grace period would go on running.
 *
 * grpc-js keeps its HTTP/2 servers in a private `http2Servers` Map; where it
 * is not there, nothing is hooked and trackSessions() says so by returning 0.
 */
import { constants } from 'node:http2';
import type * as grpc from '@grpc/grpc-js';
import { useStreamTable } from './stream-table.js';

interface Session {
  readonly destroyed: boolean;
  /** node:http2 takes an error code in place of the error, as grpc-js calls it. */
  destroy(code: number): void;
  once(event: 'close', listener: () => void): void;
}

interface SessionEmitter {
  on(event: 'session', listener: (session: Session) => void): void;
}

const openSessions = new WeakMap<grpc.Server, Set<Session>>();
const hooked = new WeakSet<object>();

/**
 * Hooks every HTTP/2 server the gRPC server has bound so far (call after each
 * bind); returns how many are hooked.
 */
export function trackSessions(server: grpc.Server): number {
  const http2Servers: unknown = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) return 0;
  let open = openSessions.get(server);
  if (open === undefined) openSessions.set(server, (open = new Set()));
  const sessions = open;
  let count = 0;
  for (const candidate of http2Servers.keys() as Iterable<unknown>) {
    if (typeof (candidate as Partial<SessionEmitter> | null)?.on !== 'function') continue;
    const http2Server = candidate as SessionEmitter;
    if (!hooked.has(http2Server)) {
      http2Server.on('session', (session) => {
        useStreamTable(session);
        sessions.add(session);
        session.once('close', () => sessions.delete(session));
      });
      hooked.add(http2Server);
    }
    count++;
  }
  return count;
}

/** Destroys the server's open sessions: their calls end CANCELLED on both sides, as grpc-js ends them with channelz on. */
export function destroySessions(server: grpc.Server): number {
  const open = [...(openSessions.get(server) ?? [])].filter((s) => !s.destroyed);
  for (const session of open) session.destroy(constants.NGHTTP2_CANCEL);
  return open.length;
}
