/**
 * A real reflection client: grpcurl (built by test/tools/install.sh) lists,
 * describes and calls the server knowing nothing but its address.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/serve/log.js';
import { type RunningServer, startServer } from '../../src/serve/server.js';
import type { TestRepo } from '../support/git-repo.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';
import { seededRepo } from './_support.js';

let grpcurl: string;
let repo: TestRepo;
let server: RunningServer;

beforeAll(async () => {
  grpcurl = goTool('grpcurl');
  ({ repo } = await seededRepo());
  server = await startServer({ repo: repo.dir, port: 0, logger: silentLogger });
}, INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
  repo?.dispose();
});

/** grpcurl, asynchronously: the server runs in this process and must keep answering. */
function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(grpcurl, ['-plaintext', ...args], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

const target = (): string => `127.0.0.1:${server.port}`;

describe('grpcurl through server reflection', async () => {
  it('lists the services', async () => {
    const r = await run(target(), 'list');
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n').sort()).toEqual([
      'grpc.health.v1.Health',
      'grpc.reflection.v1.ServerReflection',
      'grpc.reflection.v1alpha.ServerReflection',
      'mcp.orchestrator.v1.McpOrchestratorService',
    ]);
  });

  it('lists the methods of the service', async () => {
    const r = await run(target(), 'list', 'mcp.orchestrator.v1.McpOrchestratorService');
    expect(r.code, r.stderr).toBe(0);
    const methods = r.stdout.trim().split('\n');
    expect(methods).toContain('mcp.orchestrator.v1.McpOrchestratorService.ListMcpTemplates');
    expect(methods).toHaveLength(20);
    expect(methods).toContain('mcp.orchestrator.v1.McpOrchestratorService.GetServingStatus');
  });

  it('describes McpTemplate with its labels map, optional fields and comments', async () => {
    const r = await run(target(), 'describe', 'mcp.orchestrator.v1.McpTemplate');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('mcp.orchestrator.v1.McpTemplate is a message:');
    expect(r.stdout).toMatch(/map<string, string> labels = 7;/);
    expect(r.stdout).toMatch(/optional int32 replicas = 11;/);
    expect(r.stdout).toMatch(/repeated \.mcp\.orchestrator\.v1\.EnvVar env_vars = 6;/);
    expect(r.stdout).toMatch(/\.mcp\.orchestrator\.v1\.Transport transport = 12;/);
    expect(r.stdout).toContain('// Everything needed to run an MCP server pod.');
    const secret = await run(target(), 'describe', 'mcp.orchestrator.v1.SealedData');
    expect(secret.stdout).toMatch(/map<string, string> encrypted_data = 2;/);
  });

  it('describes a method and an enum', async () => {
    const m = await run(target(), 'describe', 'mcp.orchestrator.v1.McpOrchestratorService.ListMcpTemplates');
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(
      /rpc ListMcpTemplates \( \.mcp\.orchestrator\.v1\.ListMcpTemplatesRequest \) returns \( \.mcp\.orchestrator\.v1\.ListMcpTemplatesResponse \) \{\n {2}option \(\.google\.api\.http\)/,
    );
    const e = await run(target(), 'describe', 'mcp.orchestrator.v1.SecretType');
    expect(e.stdout).toContain('SECRET_TYPE_BASIC_AUTH = 3;');
  });

  it('calls Get and List with JSON built from reflection, and shows the commit header', async () => {
    const get = await run(
      '-v',
      '-d',
      '{"name":"my-memory-server","namespace":"default"}',
      target(),
      'mcp.orchestrator.v1.McpOrchestratorService/GetMcpTemplate',
    );
    expect(get.code, get.stderr).toBe(0);
    expect(get.stdout).toContain(`x-mcpo-commit: ${repo.head()}`);
    const contents = get.stdout.slice(get.stdout.indexOf('Response contents:'));
    const body = JSON.parse(contents.slice(contents.indexOf('{'), contents.lastIndexOf('}') + 1));
    expect(body.template.labels).toEqual({ app: 'mcp-server', env: 'prod' });
    expect(body.template.resolvedRequests).toEqual({ cpu: '100m', memory: '256Mi' });

    const list = await run('-d', '{"label_selector":{"env":"prod"},"page_size":1}', target(), 'mcp.orchestrator.v1.McpOrchestratorService/ListMcpTemplates');
    expect(list.code, list.stderr).toBe(0);
    const page = JSON.parse(list.stdout);
    expect(page.totalCount).toBe(2);
    expect(page.templates).toHaveLength(1);
    expect(page.nextPageToken).not.toBe('');
  });

  it('shows the status of a write call', async () => {
    const r = await run('-d', '{"name":"n1-standard-nano"}', target(), 'mcp.orchestrator.v1.McpOrchestratorService/DeleteResourceLimit');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Code: Unimplemented');
    expect(r.stderr).toContain('mcpo delete resourcelimit n1-standard-nano --force');
  });

  it('checks health', async () => {
    const r = await run('-d', '{"service":"mcpo.reload"}', target(), 'grpc.health.v1.Health/Check');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ status: 'SERVING' });
  });

  it('answers unknown symbols and files with NOT_FOUND', async () => {
    const r = await run(target(), 'describe', 'mcp.orchestrator.v1.Nope');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Symbol not found|not found/i);
    const f = await run('-d', '{"file_by_filename":"nope.proto"}', target(), 'grpc.reflection.v1.ServerReflection/ServerReflectionInfo');
    expect(JSON.parse(f.stdout).errorResponse).toEqual({ errorCode: 5, errorMessage: 'file nope.proto not found' });
  });

  it('describes through the v1alpha protocol too', async () => {
    // grpcurl tries v1 first; an older client only knows v1alpha. Check the
    // v1alpha service answers the same descriptors with a raw call.
    const r = await run(
      '-d',
      '{"file_containing_symbol":"mcp.orchestrator.v1.McpTemplate"}',
      target(),
      'grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
    );
    expect(r.code, r.stderr).toBe(0);
    const answer = JSON.parse(r.stdout);
    expect(answer.fileDescriptorResponse.fileDescriptorProto.length).toBe(2); // mcp_template.proto + common.proto
  });
});
