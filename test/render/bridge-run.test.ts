/**
 * The rendered stdio pod, run on this machine: the init container's argv and
 * then the main container's argv, with the pod's /mcpo/bin mapped to a temp
 * folder and /mcpo-bridge to the binary `npm run build:bridge` writes. A real
 * MCP client exchange over Streamable HTTP shows that the server behind the
 * bridge got exactly the argv Kubernetes gives a container (after `$(VAR)`
 * expansion), through no shell.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BRIDGE_DIR } from '../../src/core/names.js';
import { REPO_ROOT } from '../support/build.js';
import { freePort } from '../support/kube/process.js';
import { kubeletExpand, object, render } from './helpers.js';

const BRIDGE = process.env.MCPO_BRIDGE_BIN ?? join(REPO_ROOT, 'build/bridge/mcpo-bridge');

/** A stdio MCP server in a few lines: its one tool answers with the server's argv and API_TOKEN. */
const SERVER = `
const rl = require('node:readline').createInterface({ input: process.stdin });
const send = (m) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\\n');
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  if (m.method === 'initialize')
    return send({ id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'argv', version: '1.0.0' } } });
  if (m.method === 'tools/list') return send({ id: m.id, result: { tools: [{ name: 'argv', inputSchema: { type: 'object' } }] } });
  if (m.method === 'tools/call')
    return send({ id: m.id, result: { content: [{ type: 'text', text: JSON.stringify({ argv: process.argv.slice(2), token: process.env.API_TOKEN }) }] } });
  send({ id: m.id, error: { code: -32601, message: 'method not found' } });
});
`;

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** One JSON-RPC message over Streamable HTTP; the answer may come as JSON or as an SSE stream. */
async function rpc(url: string, message: object, session?: string): Promise<{ status: number; session: string | null; body: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' }),
    },
    body: JSON.stringify({ jsonrpc: '2.0', ...message }),
  });
  const text = await res.text();
  const data = (res.headers.get('content-type') ?? '').includes('text/event-stream')
    ? text
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => JSON.parse(l.slice(5)))
        .find((m: { id?: unknown }) => m.id !== undefined)
    : text
      ? JSON.parse(text)
      : undefined;
  return { status: res.status, session: res.headers.get('mcp-session-id'), body: data };
}

describe.skipIf(!existsSync(BRIDGE))(`the rendered stdio pod, run with ${BRIDGE}`, () => {
  it('the init container copies the bridge; the main container serves MCP and runs exactly the declared argv', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-pod-'));
    dirs.push(dir);
    const script = join(dir, 'server.cjs');
    writeFileSync(script, SERVER);
    const port = await freePort();
    const declaredArgs = [script, '--token', '$(API_TOKEN)', "it's two words", '$$(API_TOKEN)', '*', '; echo no shell'];
    const template = `kind: McpTemplate
name: argv
namespace: default
image: node:24-alpine3.21
command: [${JSON.stringify(process.execPath)}]
args: ${JSON.stringify(declaredArgs)}
port: ${port}
path: /v1/mcp
resource_limit_name: n1-standard-nano
env_vars:
  - name: API_TOKEN
    value: "s3cr3t'; touch pwned; '"
`;
    const pod = object(render({ 'resources/argv.yaml': template }), 'namespaces/default/deployment-argv.yaml').spec.template.spec;
    const inPod = (word: string) => (word === '/mcpo-bridge' ? BRIDGE : word.startsWith(`${BRIDGE_DIR}/`) ? join(dir, word) : word);

    const init = pod.initContainers[0];
    mkdirSync(join(dir, BRIDGE_DIR), { recursive: true }); // the emptyDir, as the kubelet mounts it
    const copied = spawnSync(inPod(init.command[0]), init.args.map(inPod), { encoding: 'utf8' });
    expect(copied.status, copied.stderr).toBe(0);
    expect(statSync(join(dir, BRIDGE_DIR, 'mcpo-bridge')).mode & 0o777).toBe(0o755);

    const main = pod.containers[0];
    const env: Record<string, string> = Object.fromEntries(main.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    const argv = [...main.command, ...main.args].map((w: string) => inPod(kubeletExpand(w, env)));
    expect(argv[0]).toBe(join(dir, BRIDGE_DIR, 'mcpo-bridge'));
    const bridge = spawn(argv[0]!, argv.slice(1), {
      cwd: dir,
      env: { ...env, HOME: dir, TMPDIR: dir, PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(bridge);
    let log = '';
    bridge.stderr!.on('data', (c: Buffer) => (log += c.toString('utf8')));

    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 15_000;
    let ready = 0;
    while (ready !== 200 && Date.now() < deadline) {
      ready = await fetch(`${base}${main.readinessProbe.httpGet.path}`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ready, log).toBe(200);
    expect((await fetch(`${base}${main.livenessProbe.httpGet.path}`)).status).toBe(200);

    const url = `${base}/v1/mcp`;
    const init1 = await rpc(url, {
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'test', version: '1' } },
    });
    expect(init1.status, log).toBe(200);
    expect(init1.body.result.serverInfo.name).toBe('argv');
    const session = init1.session!;
    expect(session).toBeTruthy();
    expect((await rpc(url, { method: 'notifications/initialized' }, session)).status).toBe(202);
    expect((await rpc(url, { id: 2, method: 'tools/list' }, session)).body.result.tools.map((t: { name: string }) => t.name)).toEqual(['argv']);
    const call = await rpc(url, { id: 3, method: 'tools/call', params: { name: 'argv', arguments: {} } }, session);
    const seen = JSON.parse(call.body.result.content[0].text);
    const token = "s3cr3t'; touch pwned; '";
    // node's own argv[1] is the script; the rest is what Kubernetes makes of the declared args.
    expect(seen).toEqual({ argv: ['--token', token, "it's two words", '$(API_TOKEN)', '*', '; echo no shell'], token });
    expect(existsSync(join(dir, 'pwned'))).toBe(false);

    bridge.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => bridge.once('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(log).toContain('"msg":"drained"');
  }, 30_000);
});
