/**
 * The scenario on this repository's own resources/: `mcpo serve`
 * (the real CLI) over a git repo holding them, asked by the independent
 * Python grpcio client.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/build.js';
import { TestRepo } from '../support/git-repo.js';
import { type Served, startMcpoServe } from '../support/mcpo.js';
import { clientPython, PyClient, SETUP_TIMEOUT_MS } from './_support.js';

let repo: TestRepo;
let served: Served;
let client: PyClient;

beforeAll(async () => {
  clientPython();
  repo = await TestRepo.create();
  cpSync(join(REPO_ROOT, 'resources'), join(repo.dir, 'resources'), { recursive: true });
  await repo.commit("this repository's resources");
  served = await startMcpoServe(['--repo', repo.dir]);
  client = new PyClient(`127.0.0.1:${served.port}`);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  client?.close();
  await served?.kill();
  repo?.dispose();
});

describe('mcpo serve on this repository', () => {
  it('lists the seed template with its resolved preset', async () => {
    const r = await client.call('ListMcpTemplates', {});
    expect(r.code).toBe('OK');
    expect(r.metadata['x-mcpo-commit']).toBe(repo.git('rev-parse', 'HEAD'));
    expect(r.response.total_count).toBe(1);
    expect(r.response.templates[0]).toMatchObject({
      name: 'my-memory-server',
      namespace: 'default',
      image: 'node:24-alpine3.21',
      command: ['npx'],
      args: ['-y', '@modelcontextprotocol/server-memory'],
      resource_limit_name: 'n1-standard-nano',
      labels: { app: 'mcp-server', env: 'prod' },
      resolved_requests: { cpu: '100m', memory: '256Mi' },
      resolved_limits: { cpu: '200m', memory: '512Mi' },
    });
  });

  it('gets preset n1-standard-nano with usage_count 1', async () => {
    const r = await client.call('GetResourceLimit', { name: 'n1-standard-nano' });
    expect(r.response.resource_limit).toMatchObject({
      name: 'n1-standard-nano',
      usage_count: 1,
      limits: { cpu: '100m', memory: '256Mi', cpu_limit: '200m', memory_limit: '512Mi' },
    });
  });

  it('gets secret db-credentials with its keys and no data', async () => {
    const r = await client.call('GetSecret', { name: 'db-credentials', namespace: 'default' });
    expect(r.response.secret).toMatchObject({ name: 'db-credentials', keys: ['password', 'username'], type: 'SECRET_TYPE_OPAQUE' });
    expect(r.response.secret.sealed).toBeUndefined();
    expect(JSON.stringify(r)).not.toMatch(/encrypted_data|AgC/);
  });

  it('answers CreateMcpTemplate with UNIMPLEMENTED and how to make the change', async () => {
    const r = await client.call('CreateMcpTemplate', { template: { name: 'new-server', namespace: 'default' } });
    expect(r.code).toBe('UNIMPLEMENTED');
    expect(r.details).toContain('resources/templates/default/new-server.yaml');
    expect(r.details).toContain('mcpo create -f');
  });
});
