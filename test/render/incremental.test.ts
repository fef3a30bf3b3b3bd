/**
 * Incremental synth against a full render, over random change sets on a
 * generated repository: after every change set the output folder is
 * byte-identical to a full render, and exactly the files whose text changed
 * (or that were edited by hand) were written, and only their objects
 * rendered.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiObject, App, Chart } from 'cdk8s';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BuildCache, buildModel } from '../../src/model/build.js';
import type { Model } from '../../src/model/types.js';
import { renderModel, renderObjects, sortedByPath } from '../../src/render/app.js';
import { synthFiles } from '../../src/render/incremental.js';
import type { InputMemo } from '../../src/render/input-memo.js';
import { planObjects, rendererKey } from '../../src/render/inputs.js';
import { layoutFiles } from '../../src/render/kustomization.js';
import { renderDeployment } from '../../src/render/mcp-server-workload.js';
import { renderNamespace } from '../../src/render/namespace.js';
import { renderSealedSecret } from '../../src/render/sealed-secret.js';
import { renderService } from '../../src/render/service.js';
import { writeRendered } from '../../src/render/write.js';
import { countingMemo } from '../support/input-memo.js';
import { fakeSealed, prng, type Rng } from '../support/random.js';

const cleanup: (() => void)[] = [];
afterAll(() => {
  for (const c of cleanup.splice(0)) c();
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-incremental-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

type Doc = Record<string, unknown> & { kind: string; name: string; namespace?: string };
interface State {
  docs: Map<string, Doc>;
  bridge: string;
  renderer: string;
}
const NAMESPACES = ['ns-a', 'ns-b', 'ns-c'];

const pathOf = (d: Doc, moved = false) => `resources/${d.kind.toLowerCase()}/${d.namespace ? `${d.namespace}/` : ''}${d.name}${moved ? '-moved' : ''}.yaml`;
const namespaceDoc = (name: string, r: Rng): Doc => ({ kind: 'Namespace', name, labels: { team: r.pick(['a', 'b']) }, description: `ns ${r.int(3)}` });
const presetDoc = (name: string, r: Rng): Doc => ({
  kind: 'ResourceLimit',
  name,
  display_name: `Preset ${r.int(5)}`,
  description: `what it is for ${r.int(5)}`,
  labels: { tier: r.pick(['x', 'y']) },
  limits: { cpu: r.pick(['100m', '250m', '1']), memory: r.pick(['128Mi', '1Gi']), ...(r.chance(0.7) && { cpu_limit: '2', memory_limit: '2Gi' }) },
  ...(r.chance(0.3) && { volumes: [{ name: 'scratch', mount_path: '/scratch', empty_dir: { size_limit: '1Gi', memory: r.chance(0.5) } }] }),
});
const secretDoc = (name: string, namespace: string, r: Rng): Doc => ({
  kind: 'Secret',
  name,
  namespace,
  labels: { owner: r.pick(['p', 'q']) },
  ...(r.chance(0.3) && { type: 'SECRET_TYPE_BASIC_AUTH' }),
  sealed: {
    ...(r.chance(0.3) && { scope: 'SEALING_SCOPE_NAMESPACE_WIDE' }),
    encrypted_data: { token: fakeSealed(r, 256), username: fakeSealed(r, 256), password: fakeSealed(r, 256) },
  },
});
function templateDoc(name: string, namespace: string, state: State, r: Rng): Doc {
  const presets = [...state.docs.values()].filter((d) => d.kind === 'ResourceLimit').map((d) => d.name);
  const secrets = [...state.docs.values()].filter((d) => d.kind === 'Secret' && d.namespace === namespace);
  const env: unknown[] = [{ name: 'MODE', value: r.pick(['a', 'b']) }];
  if (secrets.length > 0 && r.chance(0.6)) env.push({ name: 'TOKEN', secret_key_ref: { name: r.pick(secrets).name, key: r.pick(['token', 'password']) } });
  const http = r.chance(0.3);
  return {
    kind: 'McpTemplate',
    name,
    namespace,
    image: r.pick(['node:24-alpine3.21', 'python:3.13-slim', 'ghcr.io/acme/mcp-x:1.2.3']),
    ...(http ? { transport: 'TRANSPORT_STREAMABLE_HTTP', port: r.pick([8080, 9000]) } : { command: ['npx'], args: ['-y', `server-${r.int(3)}`] }),
    resource_limit_name: r.pick(presets),
    env_vars: env,
    labels: { app: r.pick(['one', 'two']) },
    ...(r.chance(0.2) && { replicas: 1 + r.int(3) }),
    description: `template ${r.int(4)}`,
  };
}

function initial(r: Rng): State {
  const state: State = { docs: new Map(), bridge: 'registry.example.com/mcpo-bridge:0.1.0', renderer: rendererKey() };
  const add = (d: Doc) => state.docs.set(pathOf(d), d);
  for (const ns of NAMESPACES) add(namespaceDoc(ns, r));
  for (let i = 0; i < 3; i++) add(presetDoc(`preset-${i}`, r));
  for (let i = 0; i < 5; i++) add(secretDoc(`secret-${i}`, r.pick(NAMESPACES), r));
  for (let i = 0; i < 30; i++) add(templateDoc(`server-${i}`, r.pick(NAMESPACES), state, r));
  return state;
}

const docsOf = (state: State, kind: string) => [...state.docs].filter(([, d]) => d.kind === kind);

/** One change to the declarations or the settings; returns what it was. */
function mutate(state: State, r: Rng): string {
  const op = r.pick([
    'add template',
    'remove template',
    'edit template',
    'move template',
    'edit preset',
    'reseal secret',
    'relabel secret',
    'add secret',
    'edit namespace',
    'bridge',
    'renderer',
  ] as const);
  const templates = docsOf(state, 'McpTemplate');
  switch (op) {
    case 'add template': {
      const d = templateDoc(`new-${r.int(10_000)}`, r.pick(NAMESPACES), state, r);
      state.docs.set(pathOf(d), d);
      return `${op}: ${d.name}`;
    }
    case 'remove template': {
      if (templates.length < 5) return 'nothing: too few templates';
      const [path, d] = r.pick(templates);
      state.docs.delete(path);
      return `${op}: ${d.name}`;
    }
    case 'edit template': {
      const [path, d] = r.pick(templates);
      const field = r.pick(['image', 'description', 'labels', 'whole'] as const);
      const next: Doc =
        field === 'image'
          ? { ...d, image: `node:${20 + r.int(9)}-alpine` }
          : field === 'description'
            ? { ...d, description: `changed ${r.int(100)}` }
            : field === 'labels'
              ? { ...d, labels: { app: `l${r.int(100)}` } }
              : templateDoc(d.name, d.namespace!, state, r);
      state.docs.set(path, next);
      return `${op}: ${d.name} (${field})`;
    }
    case 'move template': {
      const [path, d] = r.pick(templates);
      state.docs.delete(path);
      state.docs.set(pathOf(d, !path.endsWith('-moved.yaml')), d);
      return `${op}: ${d.name}`;
    }
    case 'edit preset': {
      // Presets are shared: each is used by several templates.
      const [path, d] = r.pick(docsOf(state, 'ResourceLimit'));
      const next = r.chance(0.5) ? presetDoc(d.name, r) : { ...d, description: `only words ${r.int(100)}`, labels: { tier: `t${r.int(9)}` } };
      state.docs.set(path, next);
      return `${op}: ${d.name}`;
    }
    case 'reseal secret':
    case 'relabel secret': {
      const [path, d] = r.pick(docsOf(state, 'Secret'));
      const sealed = d.sealed as { encrypted_data: Record<string, string> };
      const next =
        op === 'relabel secret'
          ? { ...d, labels: { owner: `o${r.int(100)}` } }
          : // One key re-sealed: read by some templates, or by none (username).
            { ...d, sealed: { ...sealed, encrypted_data: { ...sealed.encrypted_data, [r.pick(['token', 'password', 'username'])]: fakeSealed(r, 256) } } };
      state.docs.set(path, next);
      return `${op}: ${d.name}`;
    }
    case 'add secret': {
      const d = secretDoc(`secret-new-${r.int(10_000)}`, r.pick(NAMESPACES), r);
      state.docs.set(pathOf(d), d);
      return `${op}: ${d.name}`;
    }
    case 'edit namespace': {
      const [path, d] = r.pick(docsOf(state, 'Namespace'));
      state.docs.set(path, namespaceDoc(d.name, r));
      return `${op}: ${d.name}`;
    }
    case 'bridge':
      state.bridge = `registry.example.com/mcpo-bridge:0.${r.int(5)}.0`;
      return `bridge: ${state.bridge}`;
    case 'renderer':
      state.renderer = `${rendererKey()} (bumped ${r.int(1_000_000)})`;
      return 'renderer: version bumped';
  }
}

const cache = new BuildCache();
function load(state: State): Model {
  const result = buildModel({ files: [...state.docs].map(([path, d]) => ({ path, content: Buffer.from(stringify(d)) })) }, cache);
  if (!result.model) throw new Error(`generated repository invalid: ${JSON.stringify(result.diagnostics.slice(0, 2))}`);
  return result.model;
}

/** A full render with the given renderer key: what renderModel does with the default one. */
function fullRender(model: Model, bridgeImage: string, key: string): Map<string, string> {
  const files = renderObjects(planObjects(model, { bridgeImage }, undefined, key));
  for (const [path, text] of layoutFiles(files.keys(), undefined)) files.set(path, text);
  return sortedByPath(files);
}

function readTree(dir: string, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) for (const [p, t] of readTree(dir, rel)) out.set(p, t);
    else out.set(rel, e.isSymbolicLink() ? '<symlink>' : readFileSync(join(dir, rel), 'utf8'));
  }
  return sortedByPath(out);
}

/** A hand edit of the output: one of several kinds, to a random file. */
function editByHand(out: string, r: Rng): { what: string; path?: string } {
  const files = [...readTree(out).keys()];
  const path = r.pick(files);
  const abs = join(out, ...path.split('/'));
  const text = readFileSync(abs, 'utf8');
  switch (r.pick(['body', 'input line', 'delete', 'symlink', 'stray'] as const)) {
    case 'body':
      writeFileSync(abs, text.replace(/: (\S+)\n/, ': $1x\n'));
      return { what: `hand body: ${path}`, path };
    case 'input line':
      writeFileSync(
        abs,
        text.replace(/sha256:([0-9a-f])/, (_m, c: string) => `sha256:${c === '0' ? '1' : '0'}`),
      );
      return { what: `hand input line: ${path}`, path };
    case 'delete':
      rmSync(abs);
      return { what: `hand delete: ${path}`, path };
    case 'symlink': {
      // The same bytes, behind a link: not a file synth wrote; replaced by one.
      const elsewhere = join(tempDir(), 'copy.yaml');
      writeFileSync(elsewhere, text);
      rmSync(abs);
      symlinkSync(elsewhere, abs);
      return { what: `hand symlink: ${path}`, path };
    }
    case 'stray':
      writeFileSync(join(out, 'namespaces', 'notes.yaml'), 'kind: ConfigMap\n');
      return { what: 'hand stray: namespaces/notes.yaml' };
  }
}

/** A memo file carried from step to step: each step opens it, plans with it and saves it; `hits` counts the hashes recalled. */
function carriedMemo(path: string): { open: () => InputMemo; hits: () => number } {
  let before = 0;
  let last: (() => number) | undefined;
  return {
    open: () => {
      before += last?.() ?? 0;
      const opened = countingMemo(path, cache);
      last = opened.hits;
      return opened.memo;
    },
    hits: () => before + (last?.() ?? 0),
  };
}

/**
 * 40 random change sets (and hand edits of the output), each synthesised
 * incrementally over the last output: with `memo`, the input hashes are
 * carried from step to step in an input-hash memo file. Returns how many
 * hashes came from it.
 */
async function changeSets(memo?: ReturnType<typeof carriedMemo>): Promise<number> {
  const r = prng(17);
  let state = initial(r);
  const out = join(tempDir(), 'dist');
  const model = load(state);
  const expected = fullRender(model, state.bridge, state.renderer);
  expect(expected).toEqual(renderModel(model, { bridgeImage: state.bridge }));
  const synth = async (m: Model, s: State) => {
    const opened = memo?.open();
    const result = await synthFiles(m, { bridgeImage: s.bridge }, out, { renderer: s.renderer, memo: opened });
    opened?.save();
    return result;
  };
  const first = await synth(model, state);
  await writeRendered(first.files, out, first.verified);
  expect(readTree(out)).toEqual(expected);
  const seen = new Set<string>();
  for (let step = 0; step < 40; step++) {
    const next: State = { ...state, docs: new Map(state.docs) };
    const changes = Array.from({ length: 1 + r.int(3) }, () => mutate(next, r));
    const edit = r.chance(0.3) ? editByHand(out, r) : undefined;
    const before = readTree(out);
    const nextModel = load(next);
    const nextExpected = fullRender(nextModel, next.bridge, next.renderer);
    const planned = await synth(nextModel, next);
    const result = await writeRendered(planned.files, out, planned.verified);
    const what = [...changes, edit?.what].filter(Boolean).join(', ');

    expect(readTree(out), what).toEqual(nextExpected);
    const differing = [...nextExpected].filter(([path, text]) => before.get(path) !== text).map(([path]) => path);
    expect(result.written.sort(), what).toEqual(differing.sort());
    expect([...result.removed].sort(), what).toEqual([...before.keys()].filter((p) => !nextExpected.has(p) || before.get(p) === '<symlink>').sort());
    // Rendered: exactly the objects whose file is written (new, changed, or edited by hand).
    expect(planned.rendered, what).toBe(differing.filter((p) => !p.endsWith('kustomization.yaml')).length);
    for (const c of [...changes, edit?.what ?? '']) seen.add(c.slice(0, c.indexOf(':')));
    state = next;
  }
  // Every kind of change came up.
  expect([...seen].filter((k) => k !== 'nothing' && k !== '').sort()).toEqual(
    [
      ...['add template', 'remove template', 'edit template', 'move template', 'edit preset', 'reseal secret', 'relabel secret', 'add secret'],
      ...['edit namespace', 'bridge', 'renderer', 'hand body', 'hand input line', 'hand delete', 'hand symlink', 'hand stray'],
    ].sort(),
  );
  return memo?.hits() ?? 0;
}

describe('incremental synth', () => {
  it('gives a full render’s output byte for byte over random change sets, writing and rendering only what changed', async () => {
    await changeSets();
  });

  it('does the same with the input hashes carried from step to step in the memo', async () => {
    const memo = carriedMemo(join(tempDir(), 'inputs.cache'));
    // Not vacuous: most hashes came from the memo (~100 objects a step, 41 steps, the memo emptied by each change of renderer or bridge).
    expect(await changeSets(memo)).toBeGreaterThan(1000);
  });

  it('writes nothing when nothing changed, and --full renders every object again to the same bytes', async () => {
    const r = prng(3);
    const state = initial(r);
    const model = load(state);
    const out = join(tempDir(), 'dist');
    const first = await synthFiles(model, { bridgeImage: state.bridge }, out);
    await writeRendered(first.files, out, first.verified);
    const again = await synthFiles(model, { bridgeImage: state.bridge }, out);
    expect(again.rendered).toBe(0);
    expect((await writeRendered(again.files, out, again.verified)).written).toEqual([]);
    const full = await synthFiles(model, { bridgeImage: state.bridge }, out, { full: true });
    expect(full.rendered).toBe(planObjects(model, { bridgeImage: state.bridge }).length);
    const result = await writeRendered(full.files, out, full.verified);
    expect(result.written).toEqual([]);
    expect(readTree(out)).toEqual(renderModel(model, { bridgeImage: state.bridge }));
  });
});

/**
 * The planned inputs leave out what the renderers do not read (a preset's
 * words and labels, a secret's labels, type, scope and unread keys, all of a
 * template but name, namespace, labels and port for its Service, the bridge
 * image of a template that has no bridge). Should a renderer start reading
 * one of them, rendering from the input would silently drop it: this renders
 * every object from the whole declarations too, and compares.
 */
describe('planned inputs', () => {
  it('leave out nothing a renderer reads', () => {
    const r = prng(5);
    for (let round = 0; round < 5; round++) {
      const state = initial(r);
      const model = load(state);
      const options = { bridgeImage: state.bridge };
      const fromInputs = renderModel(model, options);
      const app = new App();
      const objects: ApiObject[] = [];
      const cluster = new Chart(app, 'cluster', { disableResourceNameHashes: true });
      for (const ns of model.namespaces.values()) objects.push(renderNamespace(cluster, ns));
      for (const t of model.templates.values()) {
        const chart = new Chart(app, `t-${t.namespace}-${t.name}`, { disableResourceNameHashes: true, namespace: t.namespace });
        objects.push(renderDeployment(chart, t, model.presets.get(t.resource_limit_name)!, model.secrets, options));
        objects.push(renderService(chart, t));
      }
      for (const s of model.secrets.values()) objects.push(renderSealedSecret(new Chart(app, `s-${s.namespace}-${s.name}`, { namespace: s.namespace }), s));
      for (const o of objects) {
        const json = o.toJson() as { kind: string; metadata: { name: string; namespace?: string } };
        const path = `${json.metadata.namespace ? `namespaces/${json.metadata.namespace}` : 'cluster'}/${json.kind.toLowerCase()}-${json.metadata.name}.yaml`;
        const text = fromInputs.get(path);
        expect(text, path).toBeDefined();
        expect(parse(text!), path).toEqual(JSON.parse(JSON.stringify(json)));
      }
    }
  });
});
