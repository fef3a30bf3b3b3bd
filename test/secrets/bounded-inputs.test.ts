/**
 * The sealing certificate and mcpo.yaml are inputs like any other: read with
 * a limit, so an endless file, device or HTTP body stops at once with a clear
 * error (exit 2, nothing written) instead of growing the process.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reposPerTest } from '../support/git-repo.js';
import { seededRepo } from '../changes/_support.js';
import { mcpoAsync } from '../support/mcpo.js';

const repo = reposPerTest(seededRepo);

const FAST = { timeoutMs: 15_000, addressSpaceKb: 2 * 1024 * 1024 };

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  // An endless chunked body with no content-length, as a wrong URL or a hostile server could send.
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-pem-file' });
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const pump = () => {
      while (res.write(chunk));
      res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

function secretCreate(dir: string, extra: string[], opts: { timeoutMs: number; addressSpaceKb?: number } = FAST) {
  return mcpoAsync(['secret', 'create', 'x', '-n', 'default', '--from-literal', 'k=v', '--repo', dir, ...extra], opts);
}

describe('bounded certificate and settings reads', () => {
  it('--cert /dev/zero', async () => {
    const r = await repo();
    const res = await secretCreate(r.dir, ['--cert', '/dev/zero']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('sealing certificate /dev/zero (--cert) is too large to be a certificate (over 1048576 bytes)');
    expect(r.git('status', '--porcelain', 'resources')).toBe('');
  });

  // fetch parses HTTP in WebAssembly, which needs more address space than FAST allows: here only the time is bounded.
  it('--cert of an endless HTTP body', async () => {
    const r = await repo();
    const res = await secretCreate(r.dir, ['--cert', `${baseUrl}/v1/cert.pem`], { timeoutMs: 10_000 });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`sealing certificate from ${baseUrl}/v1/cert.pem is too large to be a certificate (over 1048576 bytes)`);
    expect(r.git('status', '--porcelain', 'resources')).toBe('');
  });

  it('mcpo.yaml that is endless', async () => {
    const r = await repo();
    r.remove('mcpo.yaml');
    symlinkSync('/dev/zero', join(r.dir, 'mcpo.yaml'));
    const res = await secretCreate(r.dir, []);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('mcpo.yaml: over the 65536-byte limit for a settings file');
    expect(r.git('status', '--porcelain', 'resources')).toBe('');
  });
});
