/**
 * One child per MCP session, and the bridge's limits: what a killed or crashing server does
 * to its session (and only to it), SIGTERM with live sessions, and --max-sessions.
 */
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { alive, bridgeSetup, connect, fixtureContainer, sessionLog, startBridge, text, useBridges, type RunningBridge } from './_support.js';

useBridges();
beforeAll(() => void bridgeSetup(), 600_000);

/** Polls until `check` holds (a process gone, a log line written) or fails after timeoutMs. */
async function eventually(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('two concurrent sessions', () => {
  it('get two children; killing one ends only its session', async () => {
    const bridge = await startBridge(fixtureContainer());
    const [a, b] = await Promise.all([connect(bridge), connect(bridge)]);
    const [logA, logB] = await Promise.all([sessionLog(bridge, a), sessionLog(bridge, b)]);
    expect(logA.pid).not.toBe(logB.pid);
    expect(alive(logA.pid) && alive(logB.pid)).toBe(true);
    // The pid each session's server reports is the one the bridge logged for it.
    expect(Number(text(await a.client.callTool({ name: 'pid', arguments: {} })))).toBe(logA.pid);
    expect(Number(text(await b.client.callTool({ name: 'pid', arguments: {} })))).toBe(logB.pid);

    process.kill(logA.pid, 'SIGKILL');
    await bridge.waitForLog((l) => l.msg === 'child exited' && l.pid === logA.pid);
    await expect(a.client.callTool({ name: 'echo', arguments: { text: 'after kill' } })).rejects.toThrow();
    expect(text(await b.client.callTool({ name: 'echo', arguments: { text: 'still here' } }))).toBe('echo: still here');
    expect(alive(logB.pid)).toBe(true);
    const exited = bridge.logs().find((l) => l.msg === 'child exited' && l.pid === logA.pid);
    expect(exited).toMatchObject({ session: a.id, status: 'signal: killed' });
    expect((await bridge.waitForLog((l) => l.msg === 'session closed' && l.session === a.id)).reason).toBe('child exited');
    expect(bridge.logs().some((l) => l.msg === 'session closed' && l.session === b.id)).toBe(false);
  });
});

describe('SIGTERM with two live sessions', () => {
  /** Sends SIGTERM; resolves with the exit and how long it took. */
  async function terminate(bridge: RunningBridge): Promise<{ code: number | null; ms: number }> {
    const started = performance.now();
    bridge.child.kill('SIGTERM');
    const exit = await bridge.exited;
    return { code: exit.code, ms: performance.now() - started };
  }

  it('exits 0 soon, with every child stopped', async () => {
    const bridge = await startBridge(fixtureContainer(), { flags: ['--grace', '3s'] });
    const sessions = await Promise.all([connect(bridge), connect(bridge)]);
    for (const s of sessions) await sessionLog(bridge, s);
    const pids = bridge.childPids();
    expect(pids.length).toBeGreaterThanOrEqual(2);

    const { code, ms } = await terminate(bridge);
    expect(code).toBe(0);
    // Servers that stop on SIGTERM need no grace period.
    expect(ms).toBeLessThan(3000);
    for (const pid of pids) expect(alive(pid), `child ${pid}`).toBe(false);
    expect(bridge.logs().at(-1)).toMatchObject({ msg: 'drained' });
  });

  it('SIGKILLs servers that ignore SIGTERM once the grace period is over, and exits 0 within it plus a margin', async () => {
    const grace = 2000;
    const bridge = await startBridge(fixtureContainer('--ignore-sigterm'), { flags: ['--grace', `${grace}ms`] });
    const sessions = await Promise.all([connect(bridge), connect(bridge)]);
    for (const s of sessions) await sessionLog(bridge, s);
    const pids = bridge.childPids();

    const { code, ms } = await terminate(bridge);
    expect(code).toBe(0);
    expect(ms).toBeGreaterThanOrEqual(grace - 100);
    expect(ms).toBeLessThan(grace + 3000);
    for (const pid of pids) expect(alive(pid), `child ${pid}`).toBe(false);
  });
});

describe('--max-sessions', () => {
  const initialize = (bridge: RunningBridge): Promise<Response> =>
    fetch(bridge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'plain-fetch', version: '1' } },
      }),
    });

  it('answers a session beyond the limit 503 with Retry-After, and takes a new one once a session is gone', async () => {
    const bridge = await startBridge(fixtureContainer(), { flags: ['--max-sessions', '1'] });
    const first = await connect(bridge);

    const refused = await initialize(bridge);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await refused.body?.cancel();
    expect(text(await first.client.callTool({ name: 'echo', arguments: { text: 'unaffected' } }))).toBe('echo: unaffected');

    await first.transport.terminateSession();
    await bridge.waitForLog((l) => l.msg === 'session closed' && l.session === first.id);
    await eventually(() => bridge.logs().filter((l) => l.msg === 'ready').length >= 2, 'the next warm child is ready', 10_000);
    const second = await connect(bridge);
    expect(text(await second.client.callTool({ name: 'echo', arguments: { text: 'next' } }))).toBe('echo: next');
  });
});

describe('a server that exits on its own', () => {
  it('fails the pending call with a JSON-RPC error, logs the exit status and ends the session', async () => {
    const bridge = await startBridge(fixtureContainer('--exit-on-call', '3'));
    const session = await connect(bridge);
    const { pid } = await sessionLog(bridge, session);

    const error = await session.client.callTool({ name: 'echo', arguments: { text: 'last words' } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32603);
    expect((error as McpError).message).toContain('exit status 3');
    const exited = await bridge.waitForLog((l) => l.msg === 'child exited' && l.pid === pid);
    expect(exited).toMatchObject({ session: session.id, status: 'exit status 3' });
    const closed = await bridge.waitForLog((l) => l.msg === 'session closed' && l.session === session.id);
    expect(closed.reason).toBe('child exited');
    // The bridge itself keeps serving: a new session gets a new child.
    const next = await connect(bridge);
    expect((await sessionLog(bridge, next)).pid).not.toBe(pid);
  });
});
