// @ts-check
/**
 * The stdio bridge (issue 12), build/bridge/mcpo-bridge, against what a client would use
 * without it and against what rendered pods ran before it (supergateway 4.0.0):
 *   - bridge_call_ratio: median latency of one `tools/call` through the bridge (SDK client,
 *     Streamable HTTP) over the same server's over stdio directly (SDK StdioClientTransport),
 *     for the test fixture's `echo` (a server that does nothing: the bridge's cost alone) and
 *     the seed's server-memory `read_graph`; calls one after another, runs interleaved; and
 *     for scale, the fixture serving Streamable HTTP with the SDK's own server transport
 *     (bridge_call_echo_http_ratio: the bridge over that);
 *   - bridge_rss_idle_mb / bridge_rss_session_mb: the bridge process's VmRSS with its warm
 *     child only, and with one live session after the calls (children not counted);
 *   - idle_rss_*_mb: an idle pod's processes with the seed's server: supergateway (npx and
 *     its node) against the bridge plus its warm child's process group (npx and the server);
 *   - session_start_ratio: new client, connect (= initialize) until the first tools/list
 *     answers, for the seed's server, through supergateway run as the old render ran it over
 *     through the bridge. Sessions are spaced out (the bridge's next warm child is ready),
 *     each closed (DELETE) before the next.
 *
 *   --bridge-calls N      calls per run and server (default 300, after 30 of warm-up)
 *   --bridge-sessions N   session starts per gateway (default 8)
 *
 * Servers come from the caches test/bridge/setup.sh warms (run here), used offline, so no
 * figure includes a download; supergateway is added to that npm cache on first use.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { median, ROOT, round, rssMb } from '../lib.mjs';

const BRIDGE = join(ROOT, 'build', 'bridge', 'mcpo-bridge');
const FIXTURE = join(ROOT, 'test', 'bridge', 'fixtures', 'server.mjs');
/** As src/render/stdio-bridge.ts pinned it before issue 12. */
const SUPERGATEWAY = 'supergateway@4.0.0';
/** The seed's declared argv (resources/templates/default/my-memory-server.yaml). */
const SEED = ['npx', '-y', '@modelcontextprotocol/server-memory'];

/** @typedef {{ name: string, argv: string[], tool: string, args: Record<string, unknown> }} Server */

/** @type {import('./context.mjs').Part} */
export const bridgePart = {
  name: 'bridge',
  needsRepo: false,
  async run({ opts, work, results, row, log }) {
    if (!existsSync(BRIDGE)) throw new Error(`${BRIDGE} is missing: npm run build:bridge`);
    const calls = Number(opts.opt('--bridge-calls', '300'));
    const sessions = Number(opts.opt('--bridge-sessions', '8'));
    const env = environment(work);
    // npx keeps what it installs for a spec in the cache (with its dependencies): run it once.
    const warm = (/** @type {Record<string, string>} */ e) => execFileSync('npx', ['-y', SUPERGATEWAY, '--help'], { env: e, stdio: 'ignore' });
    try {
      warm(env);
    } catch {
      log(`bridge: adding ${SUPERGATEWAY} to the npm cache`);
      warm({ ...env, npm_config_offline: 'false' });
    }

    /** @type {Server[]} */
    const servers = [
      { name: 'fixture echo', argv: [process.execPath, FIXTURE], tool: 'echo', args: { text: 'x'.repeat(64) } },
      { name: 'server-memory read_graph', argv: SEED, tool: 'read_graph', args: {} },
    ];
    /** @type {number[]} */ const rssIdleMb = [];
    /** @type {number[]} */ const rssSessionMb = [];
    for (const server of servers) {
      const key = server === servers[0] ? 'echo' : 'memory';
      /** raw: plain fetch, no SDK client, through the bridge. @type {Record<'stdio' | 'bridge' | 'raw' | 'supergateway' | 'sdk-http', number[]>} */
      const ms = { stdio: [], bridge: [], raw: [], supergateway: [], 'sdk-http': [] };
      // The fixture also through supergateway (before) and the SDK's own HTTP server (what Streamable HTTP costs).
      /** @type {Array<'stdio' | 'bridge' | 'supergateway' | 'sdk-http'>} */
      const ways = key === 'echo' ? ['stdio', 'bridge', 'supergateway', 'sdk-http'] : ['stdio', 'bridge'];
      for (let run = 0; run < opts.runs; run++) {
        for (const way of ways) {
          if (way === 'stdio') {
            ms.stdio.push(await stdioCallMs(server, env, calls));
            continue;
          }
          const gateway = await startGateway(way, server.argv, env);
          try {
            const rssIdle = rssMb(gateway.pid).rss;
            const session = await openSession(gateway.url);
            await gateway.settled();
            ms[way].push(await callMs(session.client, server, calls));
            if (way === 'bridge' && key === 'echo') ms.raw.push(await rawCallMs(gateway.url, server, calls, gateway.settled));
            if (way === 'bridge' && key === 'echo') {
              rssIdleMb.push(round(rssIdle, 1));
              rssSessionMb.push(round(rssMb(gateway.pid).rss, 1));
            }
            await session.close();
          } finally {
            await gateway.stop();
          }
        }
      }
      const direct = median(ms.stdio);
      const bridged = median(ms.bridge);
      results[`stdio_call_${key}_ms`] = round(direct, 3);
      results[`bridge_call_${key}_ms`] = round(bridged, 3);
      results[`bridge_call_${key}_ratio`] = round(bridged / direct, 2);
      results[`bridge_added_${key}_ms`] = round(bridged - direct, 3);
      row(`stdio directly: ${server.name} (ms/call)`, ms.stdio);
      row(`through the bridge: ${server.name} (ms/call)`, ms.bridge, {
        floor: direct,
        ratio: results[`bridge_call_${key}_ratio`],
        note: `+${results[`bridge_added_${key}_ms`]} ms per call`,
      });
      if (key === 'echo') {
        results.supergateway_call_echo_ms = round(median(ms.supergateway), 3);
        results.sdk_http_call_echo_ms = round(median(ms['sdk-http']), 3);
        results.bridge_call_echo_http_ratio = round(bridged / median(ms['sdk-http']), 2);
        results.bridge_raw_fetch_call_echo_ms = round(median(ms.raw), 3);
        row(`through the bridge, plain fetch: ${server.name} (ms/call)`, ms.raw, {
          floor: direct,
          ratio: round(median(ms.raw) / direct, 2),
          note: 'no SDK client: one POST, the SSE answer read whole',
        });
        row(`through supergateway 4.0.0: ${server.name} (ms/call)`, ms.supergateway, { floor: direct, ratio: round(median(ms.supergateway) / direct, 2) });
        row(`SDK Streamable HTTP server: ${server.name} (ms/call)`, ms['sdk-http'], {
          floor: direct,
          ratio: round(median(ms['sdk-http']) / direct, 2),
          note: `the bridge / this: ${results.bridge_call_echo_http_ratio}`,
        });
      }
      log(`bridge: ${server.name}: ${round(bridged, 3)} ms through the bridge, ${round(direct, 3)} ms over stdio`);
    }
    results.bridge_call_ratio = results.bridge_call_echo_ratio;
    results.bridge_rss_idle_mb = round(median(rssIdleMb), 1);
    results.bridge_rss_session_mb = round(median(rssSessionMb), 1);
    row('bridge RSS, warm child only (MiB)', rssIdleMb, { note: 'the bridge process; children not counted' });
    row('bridge RSS, one session (MiB)', rssSessionMb);

    /** @type {Record<'supergateway' | 'bridge', number[]>} */
    const starts = { supergateway: [], bridge: [] };
    /** connect alone (initialize, then the initialized notification). @type {Record<'supergateway' | 'bridge', number[]>} */
    const inits = { supergateway: [], bridge: [] };
    /** MiB, with the seed's server. @type {Record<'supergateway' | 'bridge', number>} */
    const idleRss = { supergateway: NaN, bridge: NaN };
    for (const kind of /** @type {const} */ (['supergateway', 'bridge'])) {
      const gateway = await startGateway(kind, SEED, env);
      try {
        // Idle, before any session: supergateway's process group (npx, node); the bridge and its warm child's group (npx, node).
        idleRss[kind] = round(groupRssMb(gateway.pid) + gateway.warmPids().reduce((sum, pid) => sum + groupRssMb(pid), 0), 1);
        for (let i = 0; i < sessions; i++) {
          await gateway.settled();
          const started = performance.now();
          const session = await openSession(gateway.url);
          inits[kind].push(performance.now() - started);
          await session.client.listTools();
          starts[kind].push(performance.now() - started);
          await session.close();
        }
      } finally {
        await gateway.stop();
      }
      log(`bridge: session start through ${kind}: ${round(median(starts[kind]), 1)} ms`);
    }
    results.session_start_supergateway_ms = round(median(starts.supergateway), 1);
    results.session_start_bridge_ms = round(median(starts.bridge), 1);
    results.session_start_ratio = round(median(starts.bridge) / median(starts.supergateway), 3);
    results.initialize_supergateway_ms = round(median(inits.supergateway), 1);
    results.initialize_bridge_ms = round(median(inits.bridge), 1);
    results.idle_rss_supergateway_mb = idleRss.supergateway;
    results.idle_rss_bridge_with_warm_child_mb = idleRss.bridge;
    row('session start via supergateway 4.0.0 (ms)', starts.supergateway, { note: "seed's server: connect, then the first tools/list" });
    row('session start via the bridge (ms)', starts.bridge, { floor: median(starts.supergateway), ratio: results.session_start_ratio });
    row('initialize via supergateway 4.0.0 (ms)', inits.supergateway, { note: 'connect alone' });
    row('initialize via the bridge (ms)', inits.bridge, {
      floor: median(inits.supergateway),
      ratio: round(median(inits.bridge) / median(inits.supergateway), 3),
      note: 'answered from the warm child',
    });
    row('idle pod RSS, supergateway 4.0.0 (MiB)', [idleRss.supergateway], { note: 'npx + supergateway, no server before a session' });
    row('idle pod RSS, bridge + warm child (MiB)', [idleRss.bridge], { note: "the seed's server started ahead (npx + node)" });
  },
};

/** The environment of both gateways and the stdio runs: a fresh HOME, the warm caches offline. */
function environment(/** @type {string} */ work) {
  const cache = execFileSync('bash', [join(ROOT, 'test', 'bridge', 'setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .pop();
  if (!cache) throw new Error('test/bridge/setup.sh printed no cache dir');
  const home = join(work, 'bridge-home');
  mkdirSync(home, { recursive: true });
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    TMPDIR: home,
    NODE_ENV: 'production',
    MEMORY_FILE_PATH: join(home, 'memory.jsonl'),
    npm_config_cache: join(cache, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_update_notifier: 'false',
    UV_CACHE_DIR: join(cache, 'uv-cache'),
    UV_PYTHON: readFileSync(join(cache, 'python.path'), 'utf8').trim(),
    UV_OFFLINE: '1',
  };
}

/** @param {string} url */
async function openSession(url) {
  const client = new Client({ name: 'mcpo-bench', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  return {
    client,
    close: async () => {
      await transport.terminateSession();
      await client.close();
    },
  };
}

/**
 * Median ms of `calls` sequential tools/call after a warm-up.
 * @param {Client} client @param {Server} server @param {number} calls
 */
async function callMs(client, server, calls) {
  const call = () => client.callTool({ name: server.tool, arguments: server.args });
  for (let i = 0; i < 30; i++) await call();
  /** @type {number[]} */ const samples = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const result = await call();
    samples.push(performance.now() - t);
    if (result.isError) throw new Error(`${server.name}: ${JSON.stringify(result)}`);
  }
  return median(samples);
}

/**
 * Median ms of `calls` tools/call as plain fetch POSTs in a session of their own (after a
 * warm-up): what HTTP and the bridge cost without the SDK client's own work.
 * @param {string} url @param {Server} server @param {number} calls
 * @param {() => Promise<void>} settled called once the session is open
 */
async function rawCallMs(url, server, calls, settled) {
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  /** @param {object} message @param {Record<string, string>} [extra] */
  const post = async (message, extra = {}) => {
    const res = await fetch(url, { method: 'POST', headers: { ...headers, ...extra }, body: JSON.stringify(message) });
    const body = await res.text();
    if (res.status >= 300) throw new Error(`${res.status} ${body}`);
    return { res, body };
  };
  const init = await post({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcpo-bench-raw', version: '1.0.0' } },
  });
  const session = { 'mcp-session-id': init.res.headers.get('mcp-session-id') ?? '', 'mcp-protocol-version': LATEST_PROTOCOL_VERSION };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, session);
  // The version the SDK client asks for, as the warm child was initialized with: this session takes it.
  await settled();
  const call = (/** @type {number} */ id) => post({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: server.tool, arguments: server.args } }, session);
  for (let i = 1; i <= 30; i++) await call(i);
  /** @type {number[]} */ const samples = [];
  for (let i = 0; i < calls; i++) {
    const t = performance.now();
    const { body } = await call(100 + i);
    samples.push(performance.now() - t);
    if (!body.includes('"result"')) throw new Error(`${server.name}: ${body}`);
  }
  await fetch(url, { method: 'DELETE', headers: session }).then((r) => r.body?.cancel());
  return median(samples);
}

/** @param {Server} server @param {Record<string, string>} env @param {number} calls */
async function stdioCallMs(server, env, calls) {
  const client = new Client({ name: 'mcpo-bench', version: '1.0.0' });
  const [command, ...args] = server.argv;
  await client.connect(new StdioClientTransport({ command: /** @type {string} */ (command), args, env, stderr: 'ignore' }));
  try {
    return await callMs(client, server, calls);
  } finally {
    await client.close();
  }
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The bridge or supergateway in front of `argv` (or, sdk-http, the fixture `argv` serving HTTP
 * itself), in its own process group (supergateway runs npx, which runs sh -c, which runs the
 * server: stop() ends the whole group).
 * @param {'bridge' | 'supergateway' | 'sdk-http'} kind @param {string[]} argv @param {Record<string, string>} env
 */
async function startGateway(kind, argv, env) {
  const port = await freePort();
  const [cmd, args] =
    kind === 'bridge'
      ? [BRIDGE, ['--listen', `127.0.0.1:${port}`, '--path', '/mcp', '--', ...argv]]
      : kind === 'sdk-http'
        ? [/** @type {string} */ (argv[0]), [...argv.slice(1), '--http', String(port)]]
        : [
            'npx',
            [
              '-y',
              SUPERGATEWAY,
              '--stdio',
              argv.join(' '),
              '--outputTransport',
              'streamableHttp',
              '--stateful',
              '--port',
              String(port),
              '--streamableHttpPath',
              '/mcp',
              '--healthEndpoint',
              '/healthz',
            ],
          ];
  const child = spawn(cmd, args, { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (c) => (stderr += c));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const base = `http://127.0.0.1:${port}`;
  /** Resolves when GET path answers 200. */
  const until200 = async (/** @type {string} */ path, timeoutMs = 120_000) => {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${kind} exited:\n${stderr.slice(-4000)}`);
      try {
        const res = await fetch(base + path);
        await res.body?.cancel();
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      if (performance.now() > deadline) throw new Error(`${kind}: ${path} not 200 within ${timeoutMs} ms:\n${stderr.slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** Log lines so far that contain `text`. */
  const count = (/** @type {string} */ text) => stderr.split('\n').filter((l) => l.includes(text)).length;
  /** The bridge's children still running, as it logged them. */
  const warmPids = () => {
    const lines = stderr.split('\n').flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return [];
      }
    });
    const exited = new Set(lines.filter((l) => l.msg === 'child exited').map((l) => l.pid));
    return lines.filter((l) => l.msg === 'child started' && !exited.has(l.pid)).map((l) => /** @type {number} */ (l.pid));
  };
  if (kind === 'sdk-http') {
    const deadline = performance.now() + 30_000;
    while (!stderr.includes('fixture server on')) {
      if (child.exitCode !== null || performance.now() > deadline) throw new Error(`the fixture's HTTP server did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } else await until200(kind === 'bridge' ? '/readyz' : '/healthz');
  if (!child.pid) throw new Error(`could not start ${kind}`);
  const pid = child.pid;
  return {
    pid,
    url: `${base}/mcp`,
    warmPids,
    /**
     * Waits until the bridge's warm child for the next session is ready (more `ready` lines than
     * `session started`): as a user arriving later finds it, and with no server starting beside
     * what is timed.
     */
    settled: async () => {
      if (kind !== 'bridge') return;
      const deadline = performance.now() + 60_000;
      while (count('"msg":"ready"') <= count('"msg":"session started"')) {
        if (performance.now() > deadline) throw new Error(`the bridge warmed no next child:\n${stderr.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: async () => {
      if (child.exitCode === null) {
        const timer = setTimeout(() => kill(pid, 'SIGKILL'), 15_000);
        // The bridge stops its children itself; supergateway's npx may not pass SIGTERM on.
        if (kind === 'bridge') child.kill('SIGTERM');
        else kill(pid, 'SIGTERM');
        await exited;
        clearTimeout(timer);
      }
      // Whatever is left of the group (supergateway's npx → sh → server chain).
      kill(pid, 'SIGKILL');
    },
  };
}

/**
 * Summed VmRSS of the processes in a process group, in MiB (Linux /proc).
 * @param {number} pgid
 */
function groupRssMb(pgid) {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/PID/stat, after the parenthesised command name (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) total += rssMb(Number(entry)).rss;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Signals a process group; gone already is fine. @param {number} pgid @param {NodeJS.Signals} signal */
function kill(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {
    // no such group
  }
}
