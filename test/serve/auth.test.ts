/**
 * Bearer-token auth as an attacker meets it: a caller without a valid token
 * learns nothing of the repository (status UNAUTHENTICATED with a fixed
 * message and no metadata of ours) on every method of every service but
 * health, and only an exact `Bearer <token>` header is accepted.
 *
 * Clients: @grpc/grpc-js (generic, to reach every method and reflection)
 * and the Python grpcio client.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNAUTHENTICATED_MESSAGE } from '../../src/serve/interceptor.js';
import { silentLogger } from '../../src/serve/log.js';
import { loadReflectionRoot, REFLECTION_VERSIONS } from '../../src/serve/reflection.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { protoMethodDefinition } from '../../src/serve/service.js';
import { loadSpec, SERVICE_NAME } from '../../src/spec/proto.js';
import type { TestRepo } from '../support/git-repo.js';
import { clientPython, PyClient, SETUP_TIMEOUT_MS, seededRepo } from './_support.js';

const TOKEN = 'Zm9vYmFy.token-0123456789~+/=';

let repo: TestRepo;
let server: RunningServer;
let raw: grpc.Client;
let dir: string;

interface Answer {
  code: grpc.status;
  details: string;
  metadata: Record<string, unknown>;
  trailers: Record<string, unknown>;
  messages: number;
}

function unary(def: grpc.MethodDefinition<unknown, unknown>, md: grpc.Metadata, request: unknown = {}): Promise<Answer> {
  return new Promise((resolve) => {
    let metadata: Record<string, unknown> = {};
    let messages = 0;
    const call = raw.makeUnaryRequest(def.path, def.requestSerialize, def.responseDeserialize, request, md, {}, (err) => {
      if (!err) messages++;
    });
    call.on('metadata', (m: grpc.Metadata) => (metadata = m.getMap()));
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details, metadata, trailers: s.metadata.getMap(), messages }));
  });
}

function bidi(def: grpc.MethodDefinition<unknown, unknown>, md: grpc.Metadata, request: unknown): Promise<Answer> {
  return new Promise((resolve) => {
    let metadata: Record<string, unknown> = {};
    let messages = 0;
    const call = raw.makeBidiStreamRequest(def.path, def.requestSerialize, def.responseDeserialize, md, {});
    call.on('data', () => messages++);
    call.on('error', () => undefined);
    call.on('metadata', (m: grpc.Metadata) => (metadata = m.getMap()));
    call.on('status', (s: grpc.StatusObject) => resolve({ code: s.code, details: s.details, metadata, trailers: s.metadata.getMap(), messages }));
    call.write(request);
    call.end();
  });
}

function bearer(value: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', value);
  return md;
}

const get = protoMethodDefinition(loadSpec().lookupService(SERVICE_NAME).methods.GetNamespace!);
const ours = (m: Record<string, unknown>): string[] => Object.keys(m).filter((k) => k.startsWith('x-mcpo'));

beforeAll(async () => {
  clientPython();
  ({ repo } = await seededRepo());
  server = await startServer({ repo: repo.dir, port: 0, pollIntervalMs: 50, logger: silentLogger, authTokens: [TOKEN] });
  // The newest commit fails, so x-mcpo-reload-error (file names, diagnostics) is there to leak.
  repo.write('resources/templates/default/broken.yaml', 'kind: McpTemplate\nname: broken\nnamespace: default\nimage: x\nbogus_field: 1\n');
  const bad = await repo.commit('broken');
  await server.waitForCommit(bad);
  raw = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  dir = mkdtempSync(join(tmpdir(), 'mcpo-auth-'));
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  raw?.close();
  await server?.stop();
  repo?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a caller without a valid token', () => {
  const methods = loadSpec().lookupService(SERVICE_NAME).methodsArray;

  it('gets UNAUTHENTICATED, the fixed message and no metadata of ours from every orchestrator method', async () => {
    for (const header of [undefined, 'Bearer wrong-token', `Bearer ${TOKEN} `]) {
      for (const method of methods) {
        const a = await unary(protoMethodDefinition(method), header === undefined ? new grpc.Metadata() : bearer(header));
        expect([method.name, grpc.status[a.code]]).toEqual([method.name, 'UNAUTHENTICATED']);
        expect(a.details).toBe(UNAUTHENTICATED_MESSAGE);
        expect([method.name, ...ours(a.metadata), ...ours(a.trailers)]).toEqual([method.name]);
        expect(a.messages).toBe(0);
      }
    }
  });

  it('gets the same from reflection v1 and v1alpha, and no answer', async () => {
    for (const { pkg } of REFLECTION_VERSIONS) {
      const method = loadReflectionRoot(pkg, '').lookupService(`${pkg}.ServerReflection`).methods.ServerReflectionInfo!;
      const a = await bidi(protoMethodDefinition(method), new grpc.Metadata(), { list_services: '' });
      expect(grpc.status[a.code]).toBe('UNAUTHENTICATED');
      expect(a.details).toBe(UNAUTHENTICATED_MESSAGE);
      expect([...ours(a.metadata), ...ours(a.trailers)]).toEqual([]);
      expect(a.messages).toBe(0);
      const allowed = await bidi(protoMethodDefinition(method), bearer(`Bearer ${TOKEN}`), { list_services: '' });
      expect(grpc.status[allowed.code]).toBe('OK');
      expect(allowed.messages).toBe(1);
    }
  });

  it('over Python grpcio: no commit, no reload error, in initial or trailing metadata; health answers but carries nothing of ours', async () => {
    const anonymous = new PyClient(`127.0.0.1:${server.port}`);
    const authorized = new PyClient(`127.0.0.1:${server.port}`, { token: TOKEN });
    try {
      const r = await anonymous.call('GetNamespace', { name: 'default' });
      expect(r.code).toBe('UNAUTHENTICATED');
      expect(r.details).toBe(UNAUTHENTICATED_MESSAGE);
      expect([...ours(r.metadata), ...ours(r.trailers)]).toEqual([]);
      const health = await anonymous.call('grpc.health.v1.Health/Check', { service: '' });
      expect(health.response.status).toBe('SERVING');
      expect([...ours(health.metadata), ...ours(health.trailers)]).toEqual([]);
      // The same call with the token shows what the anonymous caller did not get.
      const ok = await authorized.call('GetNamespace', { name: 'default' });
      expect(ok.code).toBe('OK');
      expect(ok.metadata['x-mcpo-commit']).toMatch(/^[0-9a-f]{40}$/);
      expect(ok.metadata['x-mcpo-reload-error']).toContain('broken.yaml');
    } finally {
      await anonymous.close();
      await authorized.close();
    }
  });
});

describe('the authorization header', () => {
  it('accepts exactly "Bearer <token>", the scheme in any case (RFC 7235)', async () => {
    for (const value of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `BEARER ${TOKEN}`]) {
      expect([value, grpc.status[(await unary(get, bearer(value), { name: 'default' })).code]]).toEqual([value, 'OK']);
    }
  });

  it('refuses extra spaces, trailing text, another scheme and a bare token', async () => {
    const refused = [`Bearer ${TOKEN} `, `Bearer  ${TOKEN}`, ` Bearer ${TOKEN}`, `Bearer ${TOKEN} extra`, `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN}x`];
    for (const value of refused) {
      expect([value, grpc.status[(await unary(get, bearer(value))).code]]).toEqual([value, 'UNAUTHENTICATED']);
    }
  });
});

describe('--auth-token-file', () => {
  it('refuses to start on a line that can never match, naming the line and never the token', async () => {
    const file = join(dir, 'tokens-bad');
    writeFileSync(file, '# operators\nfine-token-1\nsecret half-two\n');
    const err = await startServer({ repo: repo.dir, port: 0, logger: silentLogger, authTokenFile: file }).then(
      async (s) => {
        await s.stop();
        return undefined;
      },
      (e: unknown) => e as Error,
    );
    expect(err?.message).toContain(`${file}:3:`);
    expect(err?.message).not.toContain('secret');
    expect(err?.message).not.toContain('half-two');
  });

  it('ignores comments, blank lines and spaces around a token', async () => {
    const file = join(dir, 'tokens-ok');
    writeFileSync(file, '# operators\r\n\r\n  spaced-token-9  \r\n');
    const s = await startServer({ repo: repo.dir, port: 0, logger: silentLogger, authTokenFile: file });
    const c = new grpc.Client(`127.0.0.1:${s.port}`, grpc.credentials.createInsecure());
    try {
      const status = (token: string) =>
        new Promise<grpc.status>((resolve) => {
          const call = c.makeUnaryRequest(
            get.path,
            get.requestSerialize,
            get.responseDeserialize,
            { name: 'default' },
            bearer(`Bearer ${token}`),
            {},
            () => undefined,
          );
          call.on('status', (st: grpc.StatusObject) => resolve(st.code));
        });
      // The repository's newest commit is broken, so a let-in call is UNAVAILABLE (nothing loaded yet).
      expect(grpc.status[await status('spaced-token-9')]).toBe('UNAVAILABLE');
      expect(grpc.status[await status('spaced-token-8')]).toBe('UNAUTHENTICATED');
    } finally {
      c.close();
      await s.stop();
    }
  });
});
