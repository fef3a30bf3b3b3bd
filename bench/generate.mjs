#!/usr/bin/env node
/**
 * Deterministic generator of a large config repository for the benchmarks:
 * by default 10,000 McpTemplates, 100 ResourceLimit presets, 50 Namespaces and
 * 1,000 Secrets, as a real git repository whose templates were added over 500
 * commits (with a few later edits), written in one `git fast-import` stream.
 *
 * Same options → same files, same commits, same SHAs (seeded PRNG, fixed
 * author/committer and dates; no Math.random, no clock).
 *
 * - Secrets reuse the real Sealed Secrets ciphertexts of
 *   bench/fixtures/sealed-values.json (cluster-wide scope, so one ciphertext is
 *   valid under any name); see make-sealed-fixture.mjs.
 * - About SELECT_FRACTION of the templates carry the label SELECT_LABEL, which
 *   the ListMcpTemplates benchmark selects on.
 * - Some templates read a key of a Secret of their namespace (secret_key_ref),
 *   some are streamable-HTTP servers, some override their preset's requests,
 *   some presets declare volumes: every render path is exercised.
 *
 *   node bench/generate.mjs [--dir DIR] [--templates N] [--commits N]
 *
 * Default DIR: ${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/bench/repo (replaced).
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));

export const SELECT_LABEL = { key: 'bench.mcpo.io/selected', value: 'yes' };
export const SELECT_FRACTION = 0.1;

export const DEFAULTS = Object.freeze({
  templates: 10_000,
  presets: 100,
  namespaces: 50,
  secrets: 1_000,
  commits: 500,
  seed: 20260101,
});

/** First commit's time (2025-01-01T00:00:00Z); one hour between commits. */
const EPOCH = 1_735_689_600;

export function benchCacheDir() {
  return join(process.env.MCPO_CACHE_DIR || join(homedir(), '.cache', 'mcp-orchestrator'), 'bench');
}

/** mulberry32: small, fast, good enough for picking test data. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

const WORDS = [
  'alpha',
  'amber',
  'atlas',
  'birch',
  'blaze',
  'cedar',
  'cobalt',
  'comet',
  'coral',
  'delta',
  'ember',
  'fable',
  'falcon',
  'fern',
  'flint',
  'gale',
  'harbor',
  'hazel',
  'indigo',
  'iris',
  'jade',
  'juniper',
  'kestrel',
  'lark',
  'lumen',
  'maple',
  'meadow',
  'nova',
  'oak',
  'onyx',
  'orbit',
  'pine',
  'quartz',
  'raven',
  'ridge',
  'sage',
  'slate',
  'sparrow',
  'summit',
  'tide',
  'umber',
  'vale',
  'willow',
  'zephyr',
];
const TEAMS = ['search', 'payments', 'platform', 'data', 'ml', 'support', 'growth', 'security', 'infra', 'docs'];
const ENVS = ['prod', 'staging', 'dev'];
const STDIO_SERVERS = [
  { image: 'node:24-alpine3.21', command: ['npx'], args: ['-y', '@modelcontextprotocol/server-memory'] },
  { image: 'node:24-alpine3.21', command: ['npx'], args: ['-y', '@modelcontextprotocol/server-filesystem', '/data'] },
  { image: 'node:22-bookworm-slim', command: ['npx'], args: ['-y', '@modelcontextprotocol/server-everything'] },
  { image: 'python:3.13-slim', command: ['uvx'], args: ['mcp-server-fetch'] },
  { image: 'python:3.12-slim', command: ['uvx'], args: ['mcp-server-git', '--repository', '/repo'] },
  { image: 'python:3.13-slim', command: ['uvx'], args: ['mcp-server-time', '--local-timezone', 'UTC'] },
];
const HTTP_IMAGES = ['ghcr.io/acme/mcp-search', 'ghcr.io/acme/mcp-tickets', 'registry.example.com/mcp/docs-server', 'ghcr.io/acme/mcp-metrics'];
const SECRET_KEYS = ['api-key', 'token', 'password', 'username', 'client-id', 'client-secret'];

function pad(n, width) {
  return String(n).padStart(width, '0');
}

/** The declarations (as plain objects in proto field order) and which commit adds each template. */
export function generateDeclarations(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const r = prng(o.seed);
  const sealed = JSON.parse(readFileSync(join(here, 'fixtures', 'sealed-values.json'), 'utf8'));

  const namespaces = [];
  for (let i = 0; i < o.namespaces; i++) {
    namespaces.push({
      kind: 'Namespace',
      name: `team-${TEAMS[i % TEAMS.length]}-${pad(i, 2)}`,
      display_name: `Team ${TEAMS[i % TEAMS.length]} ${i}`,
      labels: { team: TEAMS[i % TEAMS.length], env: ENVS[i % ENVS.length] },
    });
  }

  const presets = [];
  for (let i = 0; i < o.presets; i++) {
    const cpu = 50 + 50 * r.int(8); // millicores
    const memory = 64 * (1 + r.int(16)); // Mi
    const p = {
      kind: 'ResourceLimit',
      name: `n1-${r.pick(['nano', 'micro', 'small', 'standard', 'large'])}-${pad(i, 3)}`,
      display_name: `Preset ${i}`,
      description: `Generated preset ${i}`,
      limits: {
        cpu: `${cpu}m`,
        memory: `${memory}Mi`,
        ...(r.chance(0.9) && { cpu_limit: `${cpu * 2}m` }),
        memory_limit: `${memory * 2}Mi`,
        ...(r.chance(0.2) && { ephemeral_storage: `${1 + r.int(4)}Gi` }),
      },
    };
    if (r.chance(0.1)) p.volumes = [{ name: 'scratch', mount_path: '/scratch', empty_dir: { size_limit: '1Gi', memory: r.chance(0.5) } }];
    presets.push(p);
  }

  const secrets = [];
  /** @type {Map<string, any[]>} */
  const secretsByNamespace = new Map(namespaces.map((n) => [n.name, []]));
  for (let i = 0; i < o.secrets; i++) {
    const ns = namespaces[i % namespaces.length].name;
    const keys = [...new Set([r.pick(SECRET_KEYS), r.pick(SECRET_KEYS), r.pick(SECRET_KEYS)].slice(0, 1 + r.int(3)))].sort();
    const s = {
      kind: 'Secret',
      name: `${r.pick(WORDS)}-credentials-${pad(i, 4)}`,
      namespace: ns,
      type: 'SECRET_TYPE_OPAQUE',
      labels: { team: ns.split('-')[1] },
      sealed: { scope: sealed.scope, encrypted_data: Object.fromEntries(keys.map((k) => [k, r.pick(sealed.values)])) },
    };
    secrets.push(s);
    secretsByNamespace.get(ns)?.push(s);
  }

  const templates = [];
  let selected = 0;
  for (let i = 0; i < o.templates; i++) {
    const ns = namespaces[r.int(namespaces.length)].name;
    const preset = r.pick(presets);
    const http = r.chance(0.2);
    const labels = { app: 'mcp-server', team: r.pick(TEAMS), env: r.pick(ENVS) };
    if (r.chance(SELECT_FRACTION)) {
      labels[SELECT_LABEL.key] = SELECT_LABEL.value;
      selected++;
    }
    const env = [];
    for (let e = r.int(4); e > 0; e--) env.push({ name: `SETTING_${e}`, value: r.pick(WORDS) });
    const nsSecrets = secretsByNamespace.get(ns) ?? [];
    if (nsSecrets.length > 0 && r.chance(0.3)) {
      const s = r.pick(nsSecrets);
      env.push({ name: 'API_CREDENTIAL', secret_key_ref: { name: s.name, key: r.pick(Object.keys(s.sealed.encrypted_data)) } });
    }
    const t = {
      kind: 'McpTemplate',
      name: `${r.pick(WORDS)}-${r.pick(WORDS)}-${pad(i, 5)}`,
      namespace: ns,
      display_name: `Server ${i}`,
      description: `Generated MCP server ${i} for the benchmarks`,
    };
    if (http) {
      t.image = `${r.pick(HTTP_IMAGES)}:1.${r.int(20)}.${r.int(10)}`;
      t.transport = 'TRANSPORT_STREAMABLE_HTTP';
      t.port = 8080;
    } else {
      const srv = r.pick(STDIO_SERVERS);
      Object.assign(t, { image: srv.image, command: srv.command, args: srv.args });
    }
    t.resource_limit_name = preset.name;
    if (r.chance(0.05)) t.resources = { cpu: preset.limits.cpu };
    if (env.length > 0) t.env_vars = env;
    t.labels = labels;
    if (r.chance(0.1)) t.replicas = 2;
    templates.push(t);
  }
  return { options: o, namespaces, presets, secrets, templates, selected };
}

export function declarationPath(d) {
  switch (d.kind) {
    case 'Namespace':
      return `resources/namespaces/${d.name}.yaml`;
    case 'ResourceLimit':
      return `resources/resource-limits/${d.name}.yaml`;
    case 'Secret':
      return `resources/secrets/${d.namespace}/${d.name}.yaml`;
    case 'McpTemplate':
      return `resources/templates/${d.namespace}/${d.name}.yaml`;
    default:
      throw new Error(`unknown kind ${d.kind}`);
  }
}

export function declarationYaml(d) {
  return stringify(d, { lineWidth: 0 });
}

/** The git fast-import stream of the whole history, as Buffers. */
function fastImportStream(g) {
  const { templates, options } = g;
  const chunks = [];
  const push = (s) => chunks.push(Buffer.from(s, 'utf8'));
  const data = (text) => {
    const b = Buffer.from(text, 'utf8');
    chunks.push(Buffer.from(`data ${b.length}\n`), b, Buffer.from('\n'));
  };
  const file = (d, content = declarationYaml(d)) => {
    push(`M 100644 inline ${declarationPath(d)}\n`);
    data(content);
  };
  const perCommit = Math.ceil(templates.length / options.commits);
  const r = prng(options.seed ^ 0x5eed);
  const current = templates.map((t) => ({ ...t }));
  for (let c = 0; c < options.commits; c++) {
    const when = EPOCH + c * 3600;
    const batch = templates.slice(c * perCommit, (c + 1) * perCommit);
    const edits = [];
    // Every 25th commit also bumps the image of a few templates added earlier (M entries in history).
    const added = Math.min(c * perCommit, templates.length);
    if (c > 0 && c % 25 === 0 && added > 0) {
      for (let k = 0; k < 4; k++) {
        const i = r.int(added);
        current[i] = { ...current[i], image: current[i].image.replace(/:([^:]*)$/, `:$1-r${c}`) };
        edits.push(current[i]);
      }
    }
    const message =
      c === 0
        ? 'Add namespaces, presets, secrets and the first templates\n'
        : `Add ${batch.length} templates${edits.length ? `; bump ${edits.length} images` : ''}\n`;
    push(`commit refs/heads/main\nmark :${c + 1}\n`);
    push(`author Bench Generator <bench@mcpo.invalid> ${when} +0000\n`);
    push(`committer Bench Generator <bench@mcpo.invalid> ${when} +0000\n`);
    data(message);
    if (c > 0) push(`from :${c}\n`);
    if (c === 0) {
      push('M 100644 inline README.md\n');
      data('Generated by bench/generate.mjs for the mcp-orchestrator benchmarks.\n');
      for (const d of [...g.namespaces, ...g.presets, ...g.secrets]) file(d);
    }
    for (const t of batch) file(t);
    for (const t of edits) file(t);
    push('\n');
  }
  // perCommit * commits >= templates: every template is in some commit's batch.
  return { chunks, final: current };
}

function run(cmd, args, opts = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'ignore', 'pipe'], ...opts });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun(undefined) : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`))));
    if (opts.input) {
      for (const c of opts.input) child.stdin.write(c);
    }
    child.stdin.end();
  });
}

export const GIT_IDENTITY = ['-c', 'user.name=Bench Generator', '-c', 'user.email=bench@mcpo.invalid'];

/**
 * Writes the repository into `dir` (replaced) and checks out main.
 * Returns the generated declarations (final state), the HEAD SHA and timings.
 */
export async function generateRepo(dir, options = {}) {
  const started = performance.now();
  const g = generateDeclarations(options);
  const { chunks, final } = fastImportStream(g);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main', dir]);
  execFileSync('git', ['-C', dir, 'config', 'user.name', 'Bench Generator']);
  execFileSync('git', ['-C', dir, 'config', 'user.email', 'bench@mcpo.invalid']);
  execFileSync('git', ['-C', dir, 'config', 'gc.auto', '0']);
  await run('git', ['-C', dir, 'fast-import', '--quiet', '--done'], { input: [...chunks, Buffer.from('done\n')] });
  await run('git', ['-C', dir, 'reset', '-q', '--hard', 'main']);
  const head = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
  return { dir, head, ...g, templates: final, ms: performance.now() - started };
}

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[i + 1];
    if (a === '--dir') out.dir = v;
    else if (a === '--templates') out.templates = Number(v);
    else if (a === '--commits') out.commits = Number(v);
    else if (a === '--seed') out.seed = Number(v);
    else throw new Error(`unknown argument ${a} (usage: generate.mjs [--dir DIR] [--templates N] [--commits N] [--seed N])`);
    i++;
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { dir = join(benchCacheDir(), 'repo'), ...opts } = parseArgs(process.argv.slice(2));
  const result = await generateRepo(resolve(dir), opts);
  const counts = `${result.templates.length} templates (${result.selected} labelled ${SELECT_LABEL.key}=${SELECT_LABEL.value}), ${result.presets.length} presets, ${result.namespaces.length} namespaces, ${result.secrets.length} secrets`;
  console.log(`${result.dir}: ${counts}, ${result.options.commits} commits, HEAD ${result.head} (${(result.ms / 1000).toFixed(1)} s)`);
  writeFileSync(`${result.dir}.json`, `${JSON.stringify({ head: result.head, selected: result.selected, options: result.options }, null, 2)}\n`);
}
