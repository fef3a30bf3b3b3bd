/**
 * A failed commit's diagnostics reach a gRPC client the standard way: a
 * google.rpc.Status in the grpc-status-details-bin trailer, carrying an Any of
 * mcp.orchestrator.v1.Diagnostics. Decoded by independent clients only: Python
 * grpcio-status (rpc_status.from_call) and grpcurl through reflection.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/serve/log.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import { TestRepo } from '../support/git-repo.js';
import { mcpo } from '../support/mcpo.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';
import { type CallResult, clientPython, NAMESPACE_DEFAULT, PyClient, SETUP_TIMEOUT_MS } from './_support.js';

const TOKEN = 'details-token-1';
const DIAGNOSTICS_URL = 'type.googleapis.com/mcp.orchestrator.v1.Diagnostics';

interface WireDiagnostic {
  code: string;
  severity: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}
interface Details {
  code: number;
  message: string;
  details: { type_url: string; value: { commit: string; diagnostics?: WireDiagnostic[]; total_count?: number } | null }[];
}
type Result = CallResult & { status_details?: Details | { error: string } | null };

const cleanups: (() => Promise<void> | void)[] = [];
let grpcurl: string;

beforeAll(
  () => {
    clientPython();
    grpcurl = goTool('grpcurl');
  },
  Math.max(SETUP_TIMEOUT_MS, INSTALL_TIMEOUT_MS),
);

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A repository whose only commit is invalid; `files` are its declarations. */
async function invalidRepo(files: Record<string, string>): Promise<{ repo: TestRepo; sha: string }> {
  const repo = await TestRepo.create();
  cleanups.push(() => repo.dispose());
  repo.writeAll(files);
  return { repo, sha: await repo.commit('invalid') };
}

async function serve(repo: TestRepo, sha: string, opts: { authTokens?: string[] } = {}): Promise<RunningServer> {
  const server = await startServer({ repo: repo.dir, port: 0, pollIntervalMs: 50, logger: silentLogger, ...opts });
  cleanups.push(() => server.stop());
  await server.waitForCommit(sha);
  return server;
}

function client(server: RunningServer, opts: { token?: string } = {}): PyClient {
  const c = new PyClient(`127.0.0.1:${server.port}`, opts);
  cleanups.push(() => c.close());
  return c;
}

/** The details of a failed call, as Python's rpc_status.from_call decoded them. */
function detailsOf(r: Result): Details {
  expect(r.status_details, JSON.stringify(r.status_details)).toBeTruthy();
  expect(r.status_details).not.toHaveProperty('error');
  return r.status_details as Details;
}

const located = (d: WireDiagnostic): string => `${d.file ?? ''}:${d.line ?? ''}:${d.column ?? ''}: ${d.message}`;

const TWO_PROBLEMS = {
  'resources/namespaces/default.yaml': NAMESPACE_DEFAULT,
  // An unknown field in one file, a bad quantity in another.
  'resources/templates/default/memory.yaml': `kind: McpTemplate
name: memory
namespace: default
image: node:24-alpine3.21
resource_limit_name: nano
colour: blue
`,
  'resources/resource-limits/nano.yaml': 'kind: ResourceLimit\nname: nano\nlimits: {cpu: lots, memory: 256Mi}\n',
};

describe('a call while the only commit is invalid', () => {
  let repo: TestRepo;
  let sha: string;
  let server: RunningServer;
  beforeAll(async () => {
    ({ repo, sha } = await invalidRepo(TWO_PROBLEMS));
    server = await serve(repo, sha);
  });

  it('fails UNAVAILABLE with google.rpc.Status details listing what `mcpo validate --format json` lists', async () => {
    const validate = mcpo(['validate', '--repo', repo.dir, '--format', 'json']);
    expect(validate.code, validate.stderr).toBe(1);
    const expected = (JSON.parse(validate.stdout) as { diagnostics: WireDiagnostic[] }).diagnostics.filter((d) => d.severity === 'error');
    expect([...new Set(expected.map((d) => d.file))].sort()).toEqual(['resources/resource-limits/nano.yaml', 'resources/templates/default/memory.yaml']);

    for (const [method, request] of [
      ['ListMcpTemplates', {}],
      ['GetNamespace', { name: 'default' }],
    ] as const) {
      const r = (await client(server).call(method, request)) as Result;
      expect(r.code).toBe('UNAVAILABLE');
      expect(r.details).toContain(`commit ${sha.slice(0, 12)} has ${expected.length} error(s)`);
      const status = detailsOf(r);
      expect(status.code).toBe(14);
      expect(status.message).toBe(r.details);
      expect(status.details.map((d) => d.type_url)).toEqual([DIAGNOSTICS_URL]);
      const value = status.details[0]!.value!;
      expect(value.commit).toBe(sha);
      expect(value.total_count).toBe(expected.length);
      const sent = value.diagnostics ?? [];
      for (const d of sent) {
        expect(d.line).toBeGreaterThan(0);
        expect(d.column).toBeGreaterThan(0);
      }
      expect(sent.map(located).sort()).toEqual(expected.map(located).sort());
      expect(sent.map((d) => d.code).sort()).toEqual(expected.map((d) => d.code).sort());
    }
  });

  it('grpcurl shows the details, resolving the type through reflection', async () => {
    const r = await new Promise<{ stdout: string; stderr: string }>((resolve) => {
      execFile(
        grpcurl,
        ['-plaintext', '-d', '{}', `127.0.0.1:${server.port}`, 'mcp.orchestrator.v1.McpOrchestratorService/ListMcpTemplates'],
        { encoding: 'utf8', timeout: 30_000 },
        (_err, stdout, stderr) => resolve({ stdout, stderr }),
      );
    });
    const out = r.stdout + r.stderr;
    expect(out).toContain('Code: Unavailable');
    expect(out).toContain('Details:');
    expect(out).toContain(`"@type": "${DIAGNOSTICS_URL}"`);
    expect(out).toContain(`"commit": "${sha}"`);
    expect(out).toContain('"file": "resources/resource-limits/nano.yaml"');
    expect(out).toContain('"file": "resources/templates/default/memory.yaml"');
  });
});

describe('with auth on', () => {
  it('an unauthenticated call gets no details; the same call with the token gets them', async () => {
    const { repo, sha } = await invalidRepo(TWO_PROBLEMS);
    const server = await serve(repo, sha, { authTokens: [TOKEN] });
    const anonymous = (await client(server).call('ListMcpTemplates')) as Result;
    expect(anonymous.code).toBe('UNAUTHENTICATED');
    expect(anonymous.status_details).toBeNull();
    expect(Object.keys(anonymous.trailers)).not.toContain('grpc-status-details-bin');
    const authorized = (await client(server, { token: TOKEN }).call('ListMcpTemplates')) as Result;
    expect(authorized.code).toBe('UNAVAILABLE');
    expect(detailsOf(authorized).details[0]!.value!.commit).toBe(sha);
  });
});

describe('a commit with very many problems', () => {
  it('sends the first diagnostics within the bounds, says how many there were, and the client still decodes them', async () => {
    // 300 files, each with an unknown field whose long name makes the message long.
    const files: Record<string, string> = { 'resources/namespaces/default.yaml': NAMESPACE_DEFAULT };
    for (let i = 0; i < 300; i++)
      files[`resources/namespaces/ns-${String(i).padStart(3, '0')}.yaml`] = `kind: Namespace\nname: ns-${i}\n${'x'.repeat(100)}_${i}: 1\n`;
    const { repo, sha } = await invalidRepo(files);
    const server = await serve(repo, sha);
    const r = (await client(server).call('ListNamespaces')) as Result;
    expect(r.code).toBe('UNAVAILABLE');
    const value = detailsOf(r).details[0]!.value!;
    expect(value.total_count).toBe(300);
    const sent = value.diagnostics ?? [];
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(100);
    expect(Buffer.from(r.trailers['grpc-status-details-bin']!, 'latin1').length).toBeLessThanOrEqual(4096);
    for (const d of sent) expect(d.file).toMatch(/^resources\/namespaces\/ns-\d{3}\.yaml$/);
  });
});
