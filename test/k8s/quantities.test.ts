/**
 * Against a real kube-apiserver + etcd: the API server is the oracle of what
 * text a quantity is stored as, and rendered manifests carry exactly that
 * text, so a second server-side-apply manager applying the same manifests
 * (Argo CD beside Flux, or `kubectl apply --server-side`) meets no conflict.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalQuantity } from '../../src/declarations/canonical-quantity.js';
import { parseQuantity } from '../../src/declarations/quantity.js';
import { REPO_ROOT } from '../support/build.js';
import { installSealedSecretCrd, readManifestsDir, serverSideApply, startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver.js';
import { mcpo } from '../support/mcpo.js';
import { randomQuantity, prng } from '../declarations/quantity-samples.js';

interface Declaration {
  kind: string;
  name: string;
  namespace?: string;
  limits?: Record<string, string>;
  volumes?: { empty_dir?: { size_limit?: string } }[];
  resources?: Record<string, string>;
  resource_limit_name?: string;
  env_vars?: { secret_key_ref?: { name: string } }[];
}
interface Generator {
  generateDeclarations(o?: object): { namespaces: Declaration[]; presets: Declaration[]; secrets: Declaration[]; templates: Declaration[] };
  declarationPath(d: Declaration): string;
  declarationYaml(d: Declaration): string;
}
const generatorPath = join(REPO_ROOT, 'bench/generate.mjs');
const bench = (await import(generatorPath)) as Generator;

/** Every quantity text the benchmark generator declares, keyed by the field it is declared in. */
function quantityFields(d: Declaration): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(d.limits ?? {})) out.push(`limits.${k}=${v}`);
  for (const [k, v] of Object.entries(d.resources ?? {})) out.push(`resources.${k}=${v}`);
  for (const v of d.volumes ?? []) if (v.empty_dir?.size_limit) out.push(`size_limit=${v.empty_dir.size_limit}`);
  return out;
}

/** Spellings people write, the edges of apimachinery's parser, and what it keeps as written. */
const EDGE_FORMS = `
0 00 0.0 0m 0Ki 0e3 +0 1 10 100 1000 1500 1000000 9223372036854775807 9223372036854775808
12345678901234567890 0.5 .5 1. 1.0 1.5 0.001 0.0001 0.1n 0.0000000001 1.500k 1.5k 1.G +1 +1.5 007
010 0.010 1n 100n 1000n 1u 1000u 1500u 0.1m 1m 100m 500m 999m 1000m 1500m 2000m 1001m 1k 1000k 1M 1G
1T 1P 1E 10E 1000E 1000000000000000000000 1Ki 1023Ki 1024Ki 1536Ki 2048Ki 65536Ki 1Mi 1024Mi 1536Mi
2048Mi 1Gi 1.5Gi 0.5Gi 1Ti 1Pi 1Ei 8Ei 7.99Ei 16Ei 0.5Ki 1.1Ki 1023.5Ki .5Mi 0.00001Ki 2062.5Ki 01Ki
1.0Ki 1000Ki 1e3 1E3 1e+3 1e03 1e0 1e1 1e2 10e3 1000e0 1.5e3 15e2 1e-1 1e-3 1e-9 1e-10 1e-20 5e-1
1e18 1e19 1e21 1e30 1.5E3 1E-3
`
  .split(/\s+/)
  .filter(Boolean);

describe('quantities on a real kube-apiserver', () => {
  let kube: KubeApiServer;
  let kc: KubeConfig;
  let api: KubernetesObjectApi;

  beforeAll(async () => {
    kube = await startKubeApiServer();
    kc = kube.kubeConfig();
    api = KubernetesObjectApi.makeApiClient(kc);
    await installSealedSecretCrd(kc);
    await serverSideApply(kc, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'oracle' } }], 'oracle-test');
  }, 30 * 60_000);

  afterAll(async () => {
    await kube?.stop();
  });

  it('canonicalQuantity gives the text the API server stores, for every form the bench generator declares, the edges and random quantities', async () => {
    const g = bench.generateDeclarations();
    const benchForms = [...new Set([...g.presets, ...g.templates].flatMap(quantityFields).map((f) => f.slice(f.indexOf('=') + 1)))];
    const r = prng(17);
    const random = Array.from({ length: 400 }, () => randomQuantity(r));
    const forms = [...new Set([...benchForms, ...EDGE_FORMS, ...random])];
    for (const f of forms) expect(parseQuantity(f), f).toBeDefined();

    // One Deployment holds them all, in the two kinds of field the renderer writes: a container's
    // requests (a ResourceList, which defaulting rounds up to a milli) and an emptyDir's sizeLimit.
    const RESOURCES = ['cpu', 'memory', 'ephemeral-storage'] as const;
    const containers = [];
    for (let c = 0; c * 3 < forms.length; c++) {
      const requests = Object.fromEntries(forms.slice(c * 3, c * 3 + 3).map((f, k) => [RESOURCES[k], f]));
      containers.push({ name: `c${c}`, image: 'registry.example/app:1', resources: { requests } });
    }
    const volumes = forms.map((f, i) => ({ name: `v${i}`, emptyDir: { sizeLimit: f } }));
    const labels = { app: 'oracle' };
    const ref = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'forms', namespace: 'oracle' } };
    await api.create({
      ...ref,
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers, volumes } } },
    } as KubernetesObject);
    type Pod = { containers: { resources: { requests: Record<string, string> } }[]; volumes: { emptyDir: { sizeLimit: string } }[] };
    const stored = ((await api.read(ref)) as KubernetesObject & { spec: { template: { spec: Pod } } }).spec.template.spec;
    const mismatches = forms.flatMap((form, i) => {
      const request = stored.containers[Math.floor(i / 3)]!.resources.requests[RESOURCES[i % 3]!];
      const sizeLimit = stored.volumes[i]!.emptyDir.sizeLimit;
      return [
        ...(request === canonicalQuantity(form, 'ResourceList')
          ? []
          : [{ form, field: 'requests', server: request, ours: canonicalQuantity(form, 'ResourceList') }]),
        ...(sizeLimit === canonicalQuantity(form, 'Quantity')
          ? []
          : [{ form, field: 'sizeLimit', server: sizeLimit, ours: canonicalQuantity(form, 'Quantity') }]),
      ];
    });
    expect(mismatches).toEqual([]);
    // The bench's non-canonical forms are among them, as the issue measured.
    expect(stored.volumes[forms.indexOf('1024Mi')]!.emptyDir.sizeLimit).toBe('1Gi');
    expect(stored.volumes[forms.indexOf('2048Mi')]!.emptyDir.sizeLimit).toBe('2Gi');
    expect(stored.volumes[forms.indexOf('0.1m')]!.emptyDir.sizeLimit).toBe('100u');
    expect(stored.containers[Math.floor(forms.indexOf('0.1m') / 3)]!.resources.requests[RESOURCES[forms.indexOf('0.1m') % 3]!]).toBe('1m');
  }, 120_000);

  it('a second server-side-apply manager applying the rendered bench sample (every quantity form the generator makes) gets no conflict and changes nothing', async () => {
    const g = bench.generateDeclarations();
    const wanted = new Set([...g.presets.filter((p) => g.templates.some((t) => t.resource_limit_name === p.name)), ...g.templates].flatMap(quantityFields));
    // Templates chosen until their presets and own resources declare every (field, text) pair the generator makes.
    const covered = new Set<string>();
    const presets = new Map(g.presets.map((p) => [p.name, p]));
    const sample: Declaration[] = [];
    for (const t of g.templates) {
      const fields = [...quantityFields(presets.get(t.resource_limit_name!)!), ...quantityFields(t)];
      if (fields.some((f) => !covered.has(f))) {
        sample.push(t);
        for (const f of fields) covered.add(f);
      }
      if (covered.size === wanted.size) break;
    }
    expect([...covered].sort()).toEqual([...wanted].sort());
    expect([...wanted].some((f) => f.endsWith('=1024Mi')) && [...wanted].some((f) => f.endsWith('=2048Mi'))).toBe(true);

    const secretNames = new Set(
      sample.flatMap((t) => (t.env_vars ?? []).flatMap((e) => (e.secret_key_ref ? [`${t.namespace}/${e.secret_key_ref.name}`] : []))),
    );
    const declarations = [
      ...g.namespaces.filter((n) => sample.some((t) => t.namespace === n.name)),
      ...g.presets.filter((p) => sample.some((t) => t.resource_limit_name === p.name)),
      ...g.secrets.filter((s) => secretNames.has(`${s.namespace}/${s.name}`)),
      ...sample,
    ];
    const dir = mkdtempSync(join(tmpdir(), 'mcpo-quantities-'));
    try {
      for (const d of declarations) {
        const file = join(dir, bench.declarationPath(d));
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, bench.declarationYaml(d));
      }
      const synth = mcpo(['synth', '--repo', dir, '--out', join(dir, 'dist')]);
      expect(synth.code, synth.stderr).toBe(0);
      const manifests = await readManifestsDir(join(dir, 'dist'));
      expect(manifests.filter((m) => m.kind === 'Deployment')).toHaveLength(sample.length);

      const first = await serverSideApply(kc, manifests, 'argocd-controller', { force: false });
      expect(first.every((r) => r.action === 'created')).toBe(true);
      // Flux's kustomize-controller (or an admin) applies the identical manifests, without --force-conflicts:
      // a 409 would throw here. It becomes a co-owner (managedFields change), and nothing else does.
      const second = await serverSideApply(kc, manifests, 'kustomize-controller', { force: false });
      const content = (o: KubernetesObject) => {
        const { managedFields: _m, resourceVersion: _r, ...metadata } = o.metadata ?? {};
        return { ...o, metadata };
      };
      const changed = second.filter((r, i) => JSON.stringify(content(r.object)) !== JSON.stringify(content(first[i]!.object)));
      expect(changed.map((r) => `${r.kind}/${r.namespace}/${r.name}`)).toEqual([]);
      expect(second.every((r) => r.object.metadata?.managedFields?.some((f) => f.manager === 'kustomize-controller'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
