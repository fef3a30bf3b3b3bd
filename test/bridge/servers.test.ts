/**
 * Real MCP servers behind the rendered bridge container, driven by the official TypeScript
 * SDK client over Streamable HTTP: the seed's Node server (npx), a Python server (uvx), and
 * one that takes 3 s to start.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HOME_DIR } from '../../src/render/_pod-runtime.js';
import {
  bridgeSetup,
  connect,
  fixtureContainer,
  MCP_SERVER_TIME,
  renderedContainer,
  sessionLog,
  startBridge,
  stdioTemplate,
  text,
  useBridges,
  waitReady,
  type RunningBridge,
} from './_support.js';

useBridges();
beforeAll(() => void bridgeSetup(), 600_000);

describe("the seed's server (npx -y @modelcontextprotocol/server-memory)", () => {
  it('lists its tools and answers create_entities, then read_graph with what was created', async () => {
    const container = renderedContainer({}, 'my-memory-server');
    // The server keeps its graph next to its own code (in the npx cache); in the pod that is the
    // HOME emptyDir. Here the cache is shared between runs, so the graph goes to the mapped HOME.
    const bridge = await startBridge(container, { env: { MEMORY_FILE_PATH: `${HOME_DIR}/memory.jsonl` } });
    const { client } = await connect(bridge);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['create_entities', 'read_graph']));

    const entity = { name: `bridge-e2e-${process.pid}`, entityType: 'test', observations: ['seen through mcpo-bridge'] };
    const created = await client.callTool({ name: 'create_entities', arguments: { entities: [entity] } });
    expect(created.isError).toBeFalsy();
    const graph = JSON.parse(text(await client.callTool({ name: 'read_graph', arguments: {} }))) as { entities: unknown[] };
    expect(graph.entities).toContainEqual(expect.objectContaining(entity));
  });
});

describe('a Python server (uvx mcp-server-time)', () => {
  it('lists its tools and answers get_current_time', async () => {
    const files = { 'resources/templates/default/time.yaml': stdioTemplate('time', ['uvx'], [MCP_SERVER_TIME, '--local-timezone', 'UTC']) };
    const bridge = await startBridge(renderedContainer(files, 'time'));
    const { client } = await connect(bridge);

    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('get_current_time');
    const result = await client.callTool({ name: 'get_current_time', arguments: { timezone: 'Europe/Paris' } });
    expect(result.isError).toBeFalsy();
    const answer = JSON.parse(text(result)) as { timezone: string; datetime: string };
    expect(answer.timezone).toBe('Europe/Paris');
    expect(Math.abs(Date.parse(answer.datetime) - Date.now())).toBeLessThan(60_000);
  });
});

describe('a server that takes 3 s to start', () => {
  it('answers a new session at once from the warm child, and the next session too', async () => {
    const bridge = await startBridge(fixtureContainer('--delay-ms', '3000'), { ready: false });
    // The probes: alive at once, ready only once the server has answered initialize.
    expect(await status(bridge, '/healthz')).toBe(200);
    expect(await status(bridge, '/readyz')).toBe(503);
    await waitReady(bridge, 30_000);
    const ready = await bridge.waitForLog((l) => l.msg === 'ready');
    expect(ready.startup_ms).toBeGreaterThanOrEqual(3000);

    const first = await connect(bridge);
    expect(first.connectMs).toBeLessThan(1000);
    expect((await sessionLog(bridge, first)).warm).toBe(true);
    expect(text(await first.client.callTool({ name: 'echo', arguments: { text: 'one' } }))).toBe('echo: one');

    // The next child was warmed when the first session took its own: once ready again, no wait.
    await bridge.waitForLog((l) => l.msg === 'ready' && l.pid !== ready.pid, 10_000);
    const second = await connect(bridge);
    expect(second.connectMs).toBeLessThan(1000);
    expect((await sessionLog(bridge, second)).warm).toBe(true);
    expect(text(await second.client.callTool({ name: 'echo', arguments: { text: 'two' } }))).toBe('echo: two');
  });
});

describe('a command that never speaks MCP', () => {
  it('keeps /readyz at 503 (the pod gets no traffic) while /healthz answers', async () => {
    const files = { 'resources/templates/default/mute.yaml': stdioTemplate('mute', [process.execPath], ['-e', 'process.stdout.write("not json-rpc\\n")']) };
    const bridge = await startBridge(renderedContainer(files, 'mute'), { ready: false });
    await bridge.waitForLog((l) => l.msg === 'child exited');
    expect(await status(bridge, '/healthz')).toBe(200);
    const res = await fetch(`${bridge.base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.text()).not.toBe('');
  });
});

async function status(bridge: RunningBridge, path: string): Promise<number> {
  const res = await fetch(bridge.base + path);
  await res.body?.cancel();
  return res.status;
}
