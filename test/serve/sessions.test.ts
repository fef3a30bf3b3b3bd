/**
 * The sessions of serve's gRPC server (src/serve/sessions.ts): the StreamTable
 * that replaces node:http2's per-session stream Map behaves as the Map did for
 * every use node:http2 makes of it; a server made and bound the way serve does
 * it really keeps its sessions' streams in one; and a forced shutdown ends the
 * sessions grpc-js leaves open. The server part reaches into node:http2 and
 * grpc-js internals, so it fails when either moves them.
 */
import { connect, type ClientHttp2Session } from 'node:http2';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { createGrpcServer, listen, shutdown } from '../../src/serve/lifecycle.js';
import { silentLogger } from '../../src/serve/log.js';
import { trackSessions } from '../../src/serve/sessions.js';
import { sessionState, StreamTable } from '../../src/serve/stream-table.js';

describe('StreamTable', () => {
  it('answers size, get, has, set and delete as a Map does over a random run of stream opens and closes', () => {
    const table = new StreamTable<string>();
    const map = new Map<number, string>();
    let seed = 7;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    let nextId = 1;
    for (let step = 0; step < 5000; step++) {
      const op = random(3);
      const id = op === 0 ? nextId : 1 + 2 * random(nextId / 2 + 2);
      if (op === 0) {
        expect(table.set(id, `s${id}`)).toBe(table);
        map.set(id, `s${id}`);
        nextId += 2;
      } else if (op === 1) {
        expect(table.delete(id)).toBe(map.delete(id));
      } else {
        expect([table.get(id), table.has(id)]).toEqual([map.get(id), map.has(id)]);
      }
      expect(table.size).toBe(map.size);
    }
    const visited: number[] = [];
    table.forEach((value, id) => {
      expect(value).toBe(`s${id}`);
      visited.push(id);
    });
    expect(visited).toEqual([...map.keys()]);
  });

  it('walks in id order and skips entries deleted during the walk, as a Map does (a session destroying its streams)', () => {
    const walk = (streams: StreamTable<number> | Map<number, number>) => {
      for (const id of [1, 3, 5, 7, 9]) streams.set(id, id);
      const seen: number[] = [];
      streams.forEach((_, id) => {
        seen.push(id);
        streams.delete(id); // what stream.destroy() does
        if (id === 3) streams.delete(7); // a stream closed by another's teardown
      });
      return { seen, left: streams.size };
    };
    expect(walk(new StreamTable())).toEqual(walk(new Map()));
    expect(walk(new StreamTable())).toEqual({ seen: [1, 3, 5, 9], left: 0 });
  });
});

/** A server with one method: `Echo` answers at once, `Hold` answers when `release()` is called. */
async function holdServer() {
  const server = createGrpcServer(undefined, []);
  const held: { call: grpc.ServerUnaryCall<Buffer, Buffer>; answer: grpc.sendUnaryData<Buffer> }[] = [];
  const streamsSeen: unknown[] = [];
  const bytes = { serialize: (b: Buffer) => b, deserialize: (b: Buffer) => b };
  const method = (path: string) => ({
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes.serialize,
    requestDeserialize: bytes.deserialize,
    responseSerialize: bytes.serialize,
    responseDeserialize: bytes.deserialize,
  });
  server.addService(
    { Echo: method('/test.T/Echo'), Hold: method('/test.T/Hold') },
    {
      Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, answer: grpc.sendUnaryData<Buffer>) => {
        streamsSeen.push(...openSessions().map((s) => sessionState(s)?.streams));
        answer(null, call.request);
      },
      Hold: (call: grpc.ServerUnaryCall<Buffer, Buffer>, answer: grpc.sendUnaryData<Buffer>) => {
        held.push({ call, answer });
      },
    },
  );
  const port = await listen(server, '127.0.0.1', 0, grpc.ServerCredentials.createInsecure());
  // The sessions, as node:http2 hands them to the server (grpc-js's own set of them is private too).
  const sessions = new Set<object>();
  const http2Servers = (server as unknown as { http2Servers: Map<{ on(e: 'session', l: (s: object) => void): void }, unknown> }).http2Servers;
  for (const h of http2Servers.keys()) h.on('session', (s) => sessions.add(s));
  const openSessions = () => [...sessions].filter((s) => !(s as { destroyed: boolean }).destroyed);
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = (name: 'Echo' | 'Hold', body: string) =>
    new Promise<string>((resolve, reject) =>
      client.makeUnaryRequest(`/test.T/${name}`, bytes.serialize, bytes.deserialize, Buffer.from(body), (err, value) =>
        err ? reject(err) : resolve(value!.toString()),
      ),
    );
  return { server, port, held, streamsSeen, sessions, openSessions, client, call, hookedServers: trackSessions(server) };
}

type HoldServer = Awaited<ReturnType<typeof holdServer>>;
const started: HoldServer[] = [];
const rawSessions: ClientHttp2Session[] = [];
afterEach(() => {
  for (const s of rawSessions.splice(0)) s.destroy();
  for (const s of started.splice(0)) {
    s.client.close();
    s.server.forceShutdown();
  }
});

async function start(): Promise<HoldServer> {
  const s = await holdServer();
  started.push(s);
  return s;
}

const until = async (done: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!done()) throw new Error(`timed out waiting for ${what}`);
};

/** A grpc request by hand, so the test can drop its connection. */
function rawHold(port: number): { session: ClientHttp2Session; closed: Promise<void> } {
  const session = connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  rawSessions.push(session);
  const req = session.request({ ':method': 'POST', ':path': '/test.T/Hold', 'content-type': 'application/grpc', te: 'trailers' });
  req.on('error', () => {});
  const frame = Buffer.alloc(5 + 3);
  frame.writeUInt32BE(3, 1);
  frame.write('raw', 5);
  req.end(frame);
  return { session, closed: new Promise((r) => req.on('close', () => r())) };
}

describe('a server made by createGrpcServer and bound by listen', () => {
  it('keeps each session’s open streams in a StreamTable, empty again once the calls are answered', async () => {
    const s = await start();
    expect(s.hookedServers).toBe(1);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => s.call('Echo', `m${i}`)));
    expect(answers).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    expect(s.streamsSeen).toHaveLength(50);
    for (const streams of s.streamsSeen) expect(streams).toBeInstanceOf(StreamTable);
    await until(() => s.openSessions().every((x) => (sessionState(x)!.streams as StreamTable<unknown>).size === 0), 'answered streams to close');
  });

  it('cancels the calls of a connection the client drops, and goes on answering others', async () => {
    const s = await start();
    const raw = rawHold(s.port);
    await until(() => s.held.length === 1, 'the held call');
    const cancelled = new Promise<void>((r) => s.held[0]!.call.on('cancelled', () => r()));
    const [session] = s.openSessions();
    expect((sessionState(session!)!.streams as StreamTable<unknown>).size).toBe(1);
    raw.session.destroy();
    await cancelled;
    await raw.closed;
    await until(() => (sessionState(session!)!.streams as StreamTable<unknown>).size === 0, 'the dropped stream to leave the table');
    expect(await s.call('Echo', 'still here')).toBe('still here');
  });

  it('stops with calls open: once the grace period ends the calls are cancelled on both sides and the sessions closed (grpc-js alone leaves them running with channelz off)', async () => {
    const s = await start();
    const outcomes = Array.from({ length: 3 }, (_, i) =>
      s.call('Hold', `h${i}`).then(
        () => 'answered',
        (err: grpc.ServiceError) => grpc.status[err.code],
      ),
    );
    await until(() => s.held.length === 3, 'three held calls');
    const sessions = s.openSessions();
    expect(sessions.map((x) => (sessionState(x)!.streams as StreamTable<unknown>).size)).toEqual([3]);
    await shutdown(s.server, 100, silentLogger);
    const serverSide = await Promise.all(s.held.map(({ call }) => (call.cancelled ? true : new Promise<boolean>((r) => call.on('cancelled', () => r(true))))));
    expect(serverSide).toEqual([true, true, true]);
    expect(await Promise.all(outcomes)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
    expect(sessions.every((x) => (x as { destroyed: boolean }).destroyed)).toBe(true);
    for (const x of sessions) expect((sessionState(x)!.streams as StreamTable<unknown>).size).toBe(0);
  });
});
