/**
 * The partial render of mcpo diff and mcpo plan against a full render of both
 * sides, over random change sets on a generated repository: the same
 * differing paths with the same texts, and every file the partial render
 * gives byte-identical to the full render's.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { BuildCache, buildModel } from '../../src/model/build.js';
import type { Model } from '../../src/model/types.js';
import { compareFiles } from '../../src/plan/compare.js';
import { compareModels } from '../../src/plan/comparison.js';
import { renderModel } from '../../src/render/app.js';
import { fakeSealed, prng, type Rng } from '../support/random.js';

type Doc = Record<string, unknown> & { kind: string; name: string; namespace?: string };
interface State {
  /** path → declaration */
  docs: Map<string, Doc>;
  bridge: string | undefined;
}

const IMAGES = ['node:24-alpine3.21', 'node:22-bookworm-slim', 'python:3.13-slim', 'ghcr.io/acme/mcp-search:1.2.3', 'ghcr.io/acme/mcp-x:latest', 'busybox'];
const BRIDGES = [undefined, 'registry.example.com/mcpo-bridge:0.1.0', 'registry.example.com/mcpo-bridge:0.2.0'];

function pathOf(d: Doc, r?: Rng): string {
  const dir = { Namespace: 'namespaces', ResourceLimit: 'presets', McpTemplate: 'templates', Secret: 'secrets' }[d.kind];
  return `resources/${dir}/${d.namespace ? `${d.namespace}/` : ''}${d.name}${r && r.chance(0.3) ? '-moved' : ''}.yaml`;
}

const namespaceDoc = (name: string, r: Rng): Doc => ({ kind: 'Namespace', name, labels: { team: r.pick(['a', 'b']) }, description: `ns ${r.int(5)}` });
const presetDoc = (name: string, r: Rng): Doc => ({
  kind: 'ResourceLimit',
  name,
  limits: {
    cpu: r.pick(['100m', '0.25', '500m', '1']),
    memory: r.pick(['128Mi', '256Mi', '1Gi']),
    ...(r.chance(0.7) && { cpu_limit: '2' }),
    ...(r.chance(0.7) && { memory_limit: '2Gi' }),
    ...(r.chance(0.3) && { ephemeral_storage: '1Gi' }),
  },
  ...(r.chance(0.3) && { volumes: [{ name: 'scratch', mount_path: '/scratch', empty_dir: { size_limit: '1Gi', memory: r.chance(0.5) } }] }),
});
const secretDoc = (name: string, namespace: string, r: Rng): Doc => ({
  kind: 'Secret',
  name,
  namespace,
  sealed: { encrypted_data: Object.fromEntries([...new Set(['token', r.pick(['password', 'api-key', 'user'])])].map((k) => [k, fakeSealed(r)])) },
});

function templateDoc(name: string, namespace: string, state: State, r: Rng): Doc {
  const presets = [...state.docs.values()].filter((d) => d.kind === 'ResourceLimit').map((d) => d.name);
  const secrets = [...state.docs.values()].filter((d) => d.kind === 'Secret' && d.namespace === namespace);
  const env: unknown[] = [{ name: 'MODE', value: r.pick(['a', 'b']) }];
  if (secrets.length > 0 && r.chance(0.5)) {
    const s = r.pick(secrets);
    const keys = Object.keys((s.sealed as { encrypted_data: Record<string, string> }).encrypted_data);
    env.push({ name: 'SECRET', secret_key_ref: { name: s.name, key: r.pick(keys) } });
  }
  const http = r.chance(0.3);
  return {
    kind: 'McpTemplate',
    name,
    namespace,
    image: r.pick(IMAGES),
    ...(http ? { transport: 'TRANSPORT_STREAMABLE_HTTP', port: 8080 } : { command: ['npx'], args: ['-y', `server-${r.int(3)}`] }),
    resource_limit_name: r.pick(presets),
    env_vars: env,
    ...(r.chance(0.2) && { replicas: r.int(3) }),
    ...(r.chance(0.2) && { resources: { cpu: '50m' } }),
    description: `template ${r.int(4)}`,
  };
}

function initial(r: Rng): State {
  const state: State = { docs: new Map(), bridge: undefined };
  const add = (d: Doc) => state.docs.set(pathOf(d), d);
  for (const ns of ['ns-a', 'ns-b', 'ns-c']) add(namespaceDoc(ns, r));
  for (let i = 0; i < 4; i++) add(presetDoc(`preset-${i}`, r));
  for (let i = 0; i < 6; i++) add(secretDoc(`secret-${i}`, r.pick(['ns-a', 'ns-b', 'ns-c']), r));
  for (let i = 0; i < 30; i++) add(templateDoc(`server-${i}`, r.pick(['ns-a', 'ns-b', 'ns-c']), state, r));
  return state;
}

/** One random change: a declaration of any kind added, changed, moved or removed, or the bridge image. */
function mutate(state: State, r: Rng): string {
  const docs = [...state.docs.entries()];
  // A kind first, then one of its declarations: templates outnumber the rest.
  const kind = r.pick(['Namespace', 'ResourceLimit', 'McpTemplate', 'Secret']);
  const ofKind = docs.filter(([, d]) => d.kind === kind);
  const [path, doc] = r.pick(ofKind.length > 0 ? ofKind : docs);
  const op = r.int(10);
  const namespaces = docs.filter(([, d]) => d.kind === 'Namespace').map(([, d]) => d.name);
  const replace = (d: Doc, to = path) => {
    state.docs.delete(path);
    state.docs.set(to, d);
  };
  switch (op) {
    case 0:
      state.docs.delete(path);
      // Its users let go of it in the same change (else the head is invalid, and nothing is planned).
      for (const [p, d] of docs) {
        if (d.kind !== 'McpTemplate') continue;
        if (doc.kind === 'Secret' && d.namespace === doc.namespace) {
          const env = (d.env_vars as { secret_key_ref?: { name: string } }[]).filter((e) => e.secret_key_ref?.name !== doc.name);
          if (env.length !== (d.env_vars as unknown[]).length) state.docs.set(p, { ...d, env_vars: env });
        }
        if (doc.kind === 'ResourceLimit' && d.resource_limit_name === doc.name) {
          const others = docs.filter(([, x]) => x.kind === 'ResourceLimit' && x.name !== doc.name).map(([, x]) => x.name);
          if (others.length > 0) state.docs.set(p, { ...d, resource_limit_name: r.pick(others) });
        }
      }
      return `remove ${doc.kind} ${doc.name}`;
    case 1:
      replace(doc, pathOf(doc, r));
      return `move ${doc.kind} ${doc.name}`;
    case 9: {
      // A namespace removed with everything in it (alone, a namespace that holds templates is refused).
      if (namespaces.length < 2) return 'nothing';
      const ns = r.pick(namespaces);
      for (const [p, d] of docs) if (d.name === ns && d.kind === 'Namespace') state.docs.delete(p);
      for (const [p, d] of docs) if (d.namespace === ns) state.docs.delete(p);
      // Another namespace keeps the repository from emptying.
      const added = namespaceDoc(`new-${r.int(1000)}`, r);
      state.docs.set(pathOf(added), added);
      return `remove Namespace ${ns}`;
    }
    case 2:
      state.bridge = r.pick(BRIDGES);
      return `bridge ${state.bridge}`;
    case 3: {
      const n = `new-${r.int(1000)}`;
      const ns = r.pick(namespaces.length > 0 ? namespaces : ['ns-a']);
      const d =
        kind === 'Namespace'
          ? namespaceDoc(n, r)
          : kind === 'ResourceLimit'
            ? presetDoc(n, r)
            : kind === 'Secret'
              ? secretDoc(n, ns, r)
              : templateDoc(n, ns, state, r);
      state.docs.set(pathOf(d), d);
      return `add ${kind} ${n}`;
    }
    default: {
      // Change the declaration in place, as its kind allows.
      const d =
        doc.kind === 'Namespace'
          ? namespaceDoc(doc.name, r)
          : doc.kind === 'ResourceLimit'
            ? presetDoc(doc.name, r)
            : doc.kind === 'Secret'
              ? r.chance(0.5)
                ? secretDoc(doc.name, doc.namespace!, r)
                : {
                    ...doc,
                    sealed: {
                      encrypted_data: Object.fromEntries(
                        Object.entries((doc.sealed as { encrypted_data: Record<string, string> }).encrypted_data).map(([k, v]) => [
                          k,
                          r.chance(0.5) ? fakeSealed(r) : v,
                        ]),
                      ),
                    },
                  }
              : templateDoc(doc.name, doc.namespace!, state, r);
      replace(d);
      return `change ${doc.kind} ${doc.name}`;
    }
  }
}

const cache = new BuildCache();
function load(state: State): Model | undefined {
  const files = [...state.docs].map(([path, d]) => ({ path, content: Buffer.from(stringify(d)) }));
  return buildModel({ files }, cache).model;
}

const bridgeOf = (s: State) => s.bridge ?? 'ghcr.io/mcp-orchestrator/mcpo-bridge:0.1.0';
const clone = (s: State): State => ({ docs: new Map(s.docs), bridge: s.bridge });

describe('partial render (mcpo diff, mcpo plan)', () => {
  it('gives the full render’s differing paths and texts over random change sets', () => {
    const r = prng(15);
    let state = initial(r);
    let model = load(state)!;
    expect(model, 'the generated repository is valid').toBeDefined();
    let full = renderModel(model, { bridgeImage: bridgeOf(state) });
    let compared = 0;
    const kinds = new Set<string>();
    for (let attempt = 0; compared < 40 && attempt < 400; attempt++) {
      const next = clone(state);
      const changes = Array.from({ length: 1 + r.int(4) }, () => mutate(next, r));
      const nextModel = load(next);
      if (!nextModel) continue; // a change set the head refuses: nothing is planned for it // e.g. a preset removed that a template uses: not a change a plan sees
      const nextFull = renderModel(nextModel, { bridgeImage: bridgeOf(next) });
      const expected = compareFiles(full, nextFull);
      const partial = compareModels({ model, bridgeImage: bridgeOf(state) }, { model: nextModel, bridgeImage: bridgeOf(next) });
      const what = changes.join(', ');
      expect(
        partial.changes.map((c) => c.path),
        what,
      ).toEqual(expected.map((c) => c.path));
      expect(partial.changes, what).toEqual(expected);
      for (const [path, text] of partial.base.files) expect(text, `${what}: base ${path}`).toBe(full.get(path));
      for (const [path, text] of partial.head.files) expect(text, `${what}: head ${path}`).toBe(nextFull.get(path));
      for (const c of changes) kinds.add(c.split(' ').slice(0, 2).join(' '));
      state = next;
      model = nextModel;
      full = nextFull;
      compared++;
    }
    expect(compared).toBe(40);
    // The change sets covered each kind of change of each kind of declaration.
    for (const op of ['add', 'change', 'remove', 'move'])
      for (const kind of ['Namespace', 'ResourceLimit', 'McpTemplate', 'Secret']) expect([...kinds], `${op} ${kind}`).toContain(`${op} ${kind}`);
    expect([...kinds].some((k) => k.startsWith('bridge'))).toBe(true);
  });

  it('renders only what the change touches', () => {
    const r = prng(7);
    const state = initial(r);
    const model = load(state)!;
    const next = clone(state);
    const [path, doc] = [...next.docs].find(([, d]) => d.kind === 'McpTemplate')!;
    next.docs.set(path, { ...doc, image: 'node:25-alpine' });
    const partial = compareModels({ model, bridgeImage: bridgeOf(state) }, { model: load(next)!, bridgeImage: bridgeOf(next) });
    const objects = [...partial.head.files.keys()].filter((p) => !p.endsWith('kustomization.yaml'));
    expect(objects).toEqual([`namespaces/${doc.namespace}/deployment-${doc.name}.yaml`, `namespaces/${doc.namespace}/service-${doc.name}.yaml`]);
    expect(partial.changes.map((c) => c.path)).toEqual([`namespaces/${doc.namespace}/deployment-${doc.name}.yaml`]);
  });
});
