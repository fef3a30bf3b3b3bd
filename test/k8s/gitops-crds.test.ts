/**
 * What `gitops:` in mcpo.yaml renders (layout: units) against a real
 * kube-apiserver with the real Argo CD and Flux CRDs installed (fetched from
 * their Go modules by `test/tools/install.sh crds`, never committed): every
 * ApplicationSet, Application and Kustomization is server-side applied and
 * read back with every field it was sent (a field the CRD does not know would
 * be pruned silently), and the units they name are the folders synth wrote.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { REPO_ROOT } from '../support/build.js';
import { serverSideApply, startKubeApiServer, type KubeApiServer } from '../support/kube-apiserver.js';
import { mcpo } from '../support/mcpo.js';
import { INSTALL_SCRIPT, INSTALL_TIMEOUT_MS } from '../tools/tools.js';

const FIELD_MANAGER = 'mcpo-gitops-test';
const NAMESPACES = ['team-a', 'team-b', 'platform'];

/** The CRD files `install.sh crds` leaves in the tool cache (it prints their paths). */
function crdFiles(): string[] {
  const run = spawnSync('bash', [INSTALL_SCRIPT, 'crds'], { encoding: 'utf8', timeout: INSTALL_TIMEOUT_MS });
  if (run.status !== 0) throw new Error(`${INSTALL_SCRIPT} crds failed (needs Go and the Go module proxy):\n${run.stdout}${run.stderr}`);
  return run.stdout.trim().split('\n');
}

/** `sent` is contained in `stored`: every field sent is there, with the same value (lists element by element). */
function missingFields(sent: unknown, stored: unknown, at = ''): string[] {
  if (Array.isArray(sent)) {
    if (!Array.isArray(stored) || stored.length !== sent.length) return [`${at}: sent a list of ${sent.length}, stored ${JSON.stringify(stored)}`];
    return sent.flatMap((v, i) => missingFields(v, stored[i], `${at}[${i}]`));
  }
  if (sent !== null && typeof sent === 'object') {
    if (stored === null || typeof stored !== 'object') return [`${at}: not stored`];
    return Object.entries(sent).flatMap(([k, v]) => missingFields(v, (stored as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return sent === stored ? [] : [`${at}: sent ${JSON.stringify(sent)}, stored ${JSON.stringify(stored)}`];
}

/** The objects of a gitops folder, in its kustomization.yaml's order (what `kubectl apply -k` sends). */
function folderObjects(dir: string): KubernetesObject[] {
  const { resources } = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  return resources.flatMap((f) => parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as KubernetesObject));
}

describe('gitops objects on a real kube-apiserver with the Argo CD and Flux CRDs', () => {
  let kube: KubeApiServer;
  let kc: KubeConfig;
  let api: KubernetesObjectApi;
  let repo: string;
  let out: string;

  beforeAll(
    async () => {
      const crds = crdFiles().flatMap((file) =>
        parseAllDocuments(readFileSync(file, 'utf8'))
          .map((d) => d.toJS() as KubernetesObject | null)
          .filter((d): d is KubernetesObject => d?.kind === 'CustomResourceDefinition'),
      );
      expect(crds.map((c) => c.metadata!.name).sort()).toEqual([
        'applications.argoproj.io',
        'applicationsets.argoproj.io',
        'kustomizations.kustomize.toolkit.fluxcd.io',
      ]);

      repo = mkdtempSync(join(tmpdir(), 'mcpo-gitops-crds-'));
      cpSync(join(REPO_ROOT, 'resources'), join(repo, 'resources'), { recursive: true });
      const template = readdirSync(join(repo, 'resources/templates/default'))[0]!;
      const text = readFileSync(join(repo, 'resources/templates/default', template), 'utf8');
      for (const ns of NAMESPACES) {
        writeFileSync(join(repo, `resources/namespaces/${ns}.yaml`), `kind: Namespace\nname: ${ns}\n`);
        writeFileSync(
          join(repo, `resources/${ns}-server.yaml`),
          text.replace(/^namespace: .*$/m, `namespace: ${ns}`).replace(/^name: .*$/m, `name: ${ns}-server`),
        );
      }
      writeFileSync(
        join(repo, 'mcpo.yaml'),
        [
          'gitops:',
          '  layout: units',
          '  repoURL: https://git.example.com/platform/mcp-config.git',
          '  revision: main',
          '  path: deploy/dist',
          '  argocd: { namespace: argocd, project: default }',
          '  flux: { namespace: flux-system, sourceRef: mcp-config, interval: 10m, timeout: 3m }',
          '',
        ].join('\n'),
      );
      out = join(repo, 'deploy/dist');
      const synth = mcpo(['synth', '--repo', repo, '--out', out]);
      expect(synth.code, synth.stderr).toBe(0);

      kube = await startKubeApiServer();
      kc = kube.kubeConfig();
      api = KubernetesObjectApi.makeApiClient(kc);
      const namespaces = ['argocd', 'flux-system'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
      await serverSideApply(kc, [...namespaces, ...crds], FIELD_MANAGER);
    },
    INSTALL_TIMEOUT_MS + 30 * 60_000,
  );

  afterAll(async () => {
    await kube?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  for (const engine of ['argocd', 'flux']) {
    it(`accepts every object of gitops/${engine}/ by server-side apply, with every field it was sent`, async () => {
      const objects = folderObjects(join(out, 'gitops', engine));
      expect(objects.length).toBeGreaterThan(1);
      const results = await serverSideApply(kc, objects, FIELD_MANAGER);
      for (const [i, sent] of objects.entries()) {
        expect(results[i]!.action, `${sent.kind} ${sent.metadata!.name}`).toBe('created');
        const stored = await api.read({
          apiVersion: sent.apiVersion!,
          kind: sent.kind!,
          metadata: { name: sent.metadata!.name!, namespace: sent.metadata!.namespace! },
        });
        expect(missingFields(sent, stored), `${sent.kind} ${sent.metadata!.name}`).toEqual([]);
      }
      // Applying the same folder again changes nothing (a GitOps engine re-applies it at every interval).
      const again = await serverSideApply(kc, objects, FIELD_MANAGER);
      expect(again.map((r) => r.action)).toEqual(objects.map(() => 'unchanged'));
    });
  }

  it('refuses a field the CRD does not know and a value its schema does not allow (the checks above are real)', async () => {
    const [appSet] = folderObjects(join(out, 'gitops/argocd')).filter((o) => o.kind === 'ApplicationSet');
    const typo = structuredClone(appSet!) as KubernetesObject & { spec: Record<string, unknown> };
    typo.metadata!.name = 'typo';
    typo.spec.strategyy = typo.spec.strategy;
    await expect(serverSideApply(kc, [typo], FIELD_MANAGER)).rejects.toThrow(/\.spec\.strategyy: field not declared in schema/);

    const ks = structuredClone(folderObjects(join(out, 'gitops/flux'))[0]!) as KubernetesObject & { spec: Record<string, unknown> };
    ks.metadata!.name = 'bad-interval';
    ks.spec.interval = '10 minutes';
    await expect(serverSideApply(kc, [ks], FIELD_MANAGER)).rejects.toThrow(/spec\.interval/);
  });

  it('names exactly the unit folders synth wrote: the generator globs, one Flux Kustomization per unit after the cluster unit', () => {
    const units = [
      'cluster',
      ...readdirSync(join(out, 'namespaces'))
        .map((ns) => `namespaces/${ns}`)
        .filter((d) => existsSync(join(out, d, 'kustomization.yaml'))),
    ];
    expect(units.length).toBe(NAMESPACES.length + 2); // and default
    const repoPath = (unit: string) => `deploy/dist/${unit}`;

    const appSet = folderObjects(join(out, 'gitops/argocd')).find((o) => o.kind === 'ApplicationSet') as KubernetesObject & { spec: any };
    const globs: string[] = appSet.spec.generators[0].git.directories.map((d: { path: string }) => d.path);
    // Argo CD's directory generator: a glob over the repository's folders ("*" one segment here).
    const matches = (glob: string, path: string) =>
      glob.endsWith('/*') ? path.startsWith(glob.slice(0, -1)) && !path.slice(glob.length - 1).includes('/') : path === glob;
    const folders = ['cluster', 'namespaces', 'gitops', 'gitops/argocd', 'gitops/flux', ...units.filter((u) => u !== 'cluster')].map(repoPath);
    expect(folders.filter((f) => globs.some((g) => matches(g, f))).sort()).toEqual(units.map(repoPath).sort());

    const kustomizations = folderObjects(join(out, 'gitops/flux')) as (KubernetesObject & { spec: any })[];
    const unitKs = kustomizations.filter((k) => k.metadata!.labels?.['mcp-orchestrator.io/unit']);
    expect(unitKs.map((k) => k.spec.path.replace(/^\.\//, '')).sort()).toEqual(units.map(repoPath).sort());
    for (const k of unitKs) {
      expect(k.spec.prune).toBe(true);
      expect(k.spec.sourceRef).toEqual({ kind: 'GitRepository', name: 'mcp-config' });
      if (k.spec.path.endsWith('/cluster')) expect(k.spec.dependsOn).toBeUndefined();
      else expect(k.spec.dependsOn).toEqual([{ name: 'mcp-cluster' }]);
    }
  });
});
