/**
 * `gitops.layout: units` (mcpo.yaml) on a generated repository (several
 * namespaces, a few hundred templates, secrets) rendered by the real CLI, and
 * built unit by unit by the real kustomize (pinned by test/tools/install.sh):
 * the units together hold every rendered object exactly once, a namespace
 * unit never holds a Namespace or another namespace's object, nothing
 * aggregates the units (that build took 49 minutes at 10,000 templates), and
 * the default layout is what it always was.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { parseRepoConfig } from '../../src/declarations/repo-config.js';
import { BuildCache, buildModel } from '../../src/model/build.js';
import { compareFiles } from '../../src/plan/compare.js';
import { compareModels } from '../../src/plan/comparison.js';
import { renderModel } from '../../src/render/app.js';
import { namespaceUnitName } from '../../src/render/gitops.js';
import { mcpo } from '../support/mcpo.js';
import { goTool, INSTALL_TIMEOUT_MS } from '../tools/tools.js';
import { fakeSealed, prng, type Rng } from '../support/random.js';

/** path → declaration: `namespaces` namespaces, `templates` templates spread over them, a secret or more in most. */
function declarations(r: Rng, namespaces: string[], templates: number, secrets: number): Map<string, Record<string, unknown>> {
  const docs = new Map<string, Record<string, unknown>>();
  for (const ns of namespaces) docs.set(`resources/namespaces/${ns}.yaml`, { kind: 'Namespace', name: ns, labels: { team: ns } });
  for (const [name, cpu] of [
    ['small', '100m'],
    ['large', '1'],
  ] as const)
    docs.set(`resources/presets/${name}.yaml`, { kind: 'ResourceLimit', name, limits: { cpu, memory: '256Mi', memory_limit: '1Gi' } });
  const secretsOf = new Map<string, string[]>(namespaces.map((n) => [n, []]));
  for (let i = 0; i < secrets; i++) {
    const ns = namespaces[i % namespaces.length]!;
    const name = `secret-${i}`;
    secretsOf.get(ns)!.push(name);
    docs.set(`resources/secrets/${ns}/${name}.yaml`, { kind: 'Secret', name, namespace: ns, sealed: { encrypted_data: { token: fakeSealed(r) } } });
  }
  for (let i = 0; i < templates; i++) {
    const ns = r.pick(namespaces);
    const own = secretsOf.get(ns)!;
    const http = r.chance(0.3);
    // The same template name in two namespaces: their files must never meet.
    const name = `server-${i % Math.ceil(templates / 2)}`;
    if (docs.has(`resources/templates/${ns}/${name}.yaml`)) continue;
    docs.set(`resources/templates/${ns}/${name}.yaml`, {
      kind: 'McpTemplate',
      name,
      namespace: ns,
      image: r.pick(['node:24-alpine3.21', 'python:3.13-slim', 'ghcr.io/acme/mcp-search:1.2.3']),
      ...(http ? { transport: 'TRANSPORT_STREAMABLE_HTTP', port: 8080 } : { command: ['npx'], args: ['-y', `server-${r.int(3)}`] }),
      resource_limit_name: r.pick(['small', 'large']),
      env_vars: [
        { name: 'MODE', value: 'x' },
        ...(own.length > 0 && r.chance(0.5) ? [{ name: 'TOKEN', secret_key_ref: { name: r.pick(own), key: 'token' } }] : []),
      ],
    });
  }
  return docs;
}

const UNITS_CONFIG = [
  'gitops:',
  '  layout: units',
  '  repoURL: https://git.example.com/platform/mcp-config.git',
  '  revision: main',
  '  argocd: {}',
  '  flux: { sourceRef: mcp-config }',
  '',
].join('\n');

const cleanup: string[] = [];
afterAll(() => {
  for (const d of cleanup.splice(0)) rmSync(d, { recursive: true, force: true });
});

function writeRepo(docs: Map<string, Record<string, unknown>>, config: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpo-units-'));
  cleanup.push(dir);
  for (const [path, doc] of docs) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), stringify(doc));
  }
  writeFileSync(join(dir, 'mcpo.yaml'), config);
  return dir;
}

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, rel = ''): string[] {
  return readdirSync(join(dir, rel))
    .sort()
    .flatMap((name) => {
      const path = rel ? `${rel}/${name}` : name;
      return statSync(join(dir, path)).isDirectory() ? listFiles(dir, path) : [path];
    });
}

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };
const identity = (o: Obj) => `${o.apiVersion} ${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`;

function kustomizeBuild(kustomize: string, dir: string): Obj[] {
  const text = execFileSync(kustomize, ['build', dir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return parseAllDocuments(text).map((d) => d.toJS() as Obj);
}

describe('layout: units', () => {
  const NAMESPACES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];
  let kustomize: string;
  let out: string;
  let single: string;
  let files: string[];

  beforeAll(() => {
    kustomize = goTool('kustomize');
    const docs = declarations(prng(17), NAMESPACES, 300, 20);
    const repo = writeRepo(docs, UNITS_CONFIG);
    out = join(repo, 'dist');
    const synth = mcpo(['synth', '--repo', repo]);
    expect(synth.code, synth.stderr).toBe(0);
    files = listFiles(out);
    const plain = writeRepo(docs, '');
    single = join(plain, 'dist');
    const synthSingle = mcpo(['synth', '--repo', plain]);
    expect(synthSingle.code, synthSingle.stderr).toBe(0);
  }, INSTALL_TIMEOUT_MS);

  const objectFiles = () => files.filter((f) => !f.startsWith('gitops/') && !f.endsWith('kustomization.yaml'));
  const unitDirs = () => files.filter((f) => !f.startsWith('gitops/') && f.endsWith('/kustomization.yaml')).map((f) => dirname(f));

  it('has one unit per namespace folder and the cluster unit, and nothing that aggregates them', () => {
    expect(unitDirs()).toEqual(['cluster', ...[...NAMESPACES].sort().map((n) => `namespaces/${n}`)]);
    expect(files).not.toContain('kustomization.yaml');
    expect(files).not.toContain('namespaces/kustomization.yaml');
    // ~50 objects per unit here: the test's repository is small, the layout is the same at any size.
    expect(objectFiles().length).toBeGreaterThan(500);
  });

  it('kustomize builds every unit, and the units together hold every rendered object exactly once', () => {
    const rendered = objectFiles().map((f) => identity(parse(readFileSync(join(out, f), 'utf8')) as Obj));
    expect(new Set(rendered).size).toBe(rendered.length);
    const built: string[] = [];
    for (const unit of unitDirs()) {
      const objects = kustomizeBuild(kustomize, join(out, unit));
      expect(objects.length, unit).toBeGreaterThan(0);
      if (unit === 'cluster') {
        for (const o of objects) expect(`${o.kind} ${o.metadata.namespace ?? ''}`, unit).toBe('Namespace ');
      } else {
        const ns = unit.slice('namespaces/'.length);
        for (const o of objects) {
          expect(o.kind, `${unit}: ${identity(o)}`).not.toBe('Namespace');
          expect(o.metadata.namespace, `${unit}: ${identity(o)}`).toBe(ns);
        }
      }
      built.push(...objects.map(identity));
    }
    expect(built.length).toBe(rendered.length);
    expect([...built].sort()).toEqual([...rendered].sort());
  });

  it('writes the object files and the units’ kustomization.yaml byte for byte as the default layout does', () => {
    const singleFiles = listFiles(single);
    expect(singleFiles.filter((f) => f !== 'kustomization.yaml' && f !== 'namespaces/kustomization.yaml')).toEqual(
      files.filter((f) => !f.startsWith('gitops/')),
    );
    for (const f of files.filter((f) => !f.startsWith('gitops/'))) expect(readFileSync(join(out, f), 'utf8'), f).toBe(readFileSync(join(single, f), 'utf8'));
    // The default layout still aggregates everything at the root.
    expect(parse(readFileSync(join(single, 'kustomization.yaml'), 'utf8'))).toMatchObject({ resources: ['cluster', 'namespaces'] });
  });

  it('renders gitops/argocd and gitops/flux, which no unit includes, each buildable for `kubectl apply -k`', () => {
    expect(files.filter((f) => f.startsWith('gitops/argocd/'))).toEqual([
      'gitops/argocd/application-mcp-orchestrator.yaml',
      'gitops/argocd/applicationset-mcp-units.yaml',
      'gitops/argocd/kustomization.yaml',
    ]);
    const argocd = kustomizeBuild(kustomize, join(out, 'gitops/argocd'));
    expect(argocd.map(identity)).toEqual(['argoproj.io/v1alpha1 Application argocd/mcp-orchestrator', 'argoproj.io/v1alpha1 ApplicationSet argocd/mcp-units']);
    const flux = kustomizeBuild(kustomize, join(out, 'gitops/flux')) as (Obj & { spec: { path: string; dependsOn?: unknown } })[];
    const paths = flux.map((k) => k.spec.path).sort();
    expect(paths).toEqual(['./dist/gitops/flux', ...unitDirs().map((u) => `./dist/${u}`)].sort());
    expect(flux.map((k) => k.metadata.name).sort()).toEqual(['mcp-cluster', 'mcp-orchestrator', ...NAMESPACES.map((n) => `mcp-ns-${n}`)].sort());
    for (const k of flux.filter((k) => k.metadata.name.startsWith('mcp-ns-'))) expect(k.spec.dependsOn).toEqual([{ name: 'mcp-cluster' }]);
    // No unit's kustomization reaches into gitops/.
    for (const unit of unitDirs()) expect(readFileSync(join(out, unit, 'kustomization.yaml'), 'utf8')).not.toMatch(/gitops|\.\./);
  });

  it('names a Flux unit within the 63 characters of the label Flux puts on every object it applies', () => {
    const long = `n${'x'.repeat(61)}z`;
    expect(long.length).toBe(63);
    const name = namespaceUnitName(long);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^mcp-ns-nx+-[0-9a-f]{8}$/);
    expect(namespaceUnitName(`${long.slice(0, -1)}y`)).not.toBe(name);
    expect(namespaceUnitName('team-a')).toBe('mcp-ns-team-a');
  });

  it('synth --check sees a stale gitops/ file, and switching back to the default layout removes gitops/ and writes the aggregating files', () => {
    const repo = dirname(out);
    writeFileSync(join(out, 'gitops/flux/kustomization-mcp-cluster.yaml'), 'edited\n');
    const check = mcpo(['synth', '--repo', repo, '--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('changed: gitops/flux/kustomization-mcp-cluster.yaml');
    writeFileSync(join(repo, 'mcpo.yaml'), '');
    expect(mcpo(['synth', '--repo', repo]).code).toBe(0);
    expect(listFiles(out)).toEqual(listFiles(single));
    writeFileSync(join(repo, 'mcpo.yaml'), UNITS_CONFIG);
    expect(mcpo(['synth', '--repo', repo]).code).toBe(0);
    expect(listFiles(out)).toEqual(files);
  });
});

describe('layout: units in mcpo diff and mcpo plan (partial render)', () => {
  it('gives the full render’s differing files over changes of namespaces, templates and the gitops settings', () => {
    const r = prng(5);
    const configs = [
      UNITS_CONFIG,
      UNITS_CONFIG.replace('flux: { sourceRef: mcp-config }', 'flux: { sourceRef: mcp-config, interval: 1h }'),
      UNITS_CONFIG.replace('  argocd: {}\n', ''),
      UNITS_CONFIG.replace('revision: main', 'revision: release'),
      '',
    ];
    const cache = new BuildCache();
    const load = (docs: Map<string, Record<string, unknown>>) =>
      buildModel({ files: [...docs].map(([path, d]) => ({ path, content: Buffer.from(stringify(d)) })) }, cache).model!;
    let docs = declarations(r, ['ns-a', 'ns-b', 'ns-c'], 40, 4);
    let config = UNITS_CONFIG;
    let model = load(docs);
    const renderWith = (m: typeof model, c: string) => renderModel(m, { bridgeImage: 'b:1', gitops: parseRepoConfig(c).gitops });
    let full = renderWith(model, config);
    const seen = new Set<string>();
    for (let step = 0; step < 30; step++) {
      const next = new Map(docs);
      let nextConfig = config;
      const op = r.int(5);
      const namespaces = [...next.values()].filter((d) => d.kind === 'Namespace').map((d) => d.name as string);
      if (op === 0) {
        // A new namespace with a template: a new unit (and a new Flux Kustomization).
        const ns = `ns-${step}`;
        next.set(`resources/namespaces/${ns}.yaml`, { kind: 'Namespace', name: ns });
        next.set(`resources/templates/${ns}/t.yaml`, {
          kind: 'McpTemplate',
          name: 't',
          namespace: ns,
          image: 'busybox:1',
          command: ['x'],
          resource_limit_name: 'small',
        });
      } else if (op === 1 && namespaces.length > 1) {
        // A namespace removed with everything in it: a unit gone.
        const ns = r.pick(namespaces);
        for (const [p, d] of next) if (d.namespace === ns || (d.kind === 'Namespace' && d.name === ns)) next.delete(p);
      } else if (op === 2) {
        nextConfig = r.pick(configs);
      } else {
        const templates = [...next].filter(([, d]) => d.kind === 'McpTemplate');
        const [p, d] = r.pick(templates);
        if (r.chance(0.5)) next.set(p, { ...d, image: `busybox:${step}` });
        else next.delete(p);
      }
      const nextModel = load(next);
      if (!nextModel) continue;
      const nextFull = renderWith(nextModel, nextConfig);
      const partial = compareModels(
        { model, bridgeImage: 'b:1', gitops: parseRepoConfig(config).gitops },
        { model: nextModel, bridgeImage: 'b:1', gitops: parseRepoConfig(nextConfig).gitops },
      );
      const expected = compareFiles(full, nextFull);
      expect(partial.changes, `step ${step} (op ${op})`).toEqual(expected);
      for (const [path, text] of partial.base.files) expect(text, `step ${step}: base ${path}`).toBe(full.get(path));
      for (const [path, text] of partial.head.files) expect(text, `step ${step}: head ${path}`).toBe(nextFull.get(path));
      for (const c of expected)
        seen.add(
          c.path.startsWith('gitops/') ? `gitops ${c.change}` : c.path.endsWith('kustomization.yaml') ? `kustomization ${c.change}` : `object ${c.change}`,
        );
      docs = next;
      config = nextConfig;
      model = nextModel;
      full = nextFull;
    }
    for (const what of ['gitops added', 'gitops removed', 'gitops changed', 'kustomization added', 'kustomization removed', 'object changed'])
      expect([...seen]).toContain(what);
  });
});
