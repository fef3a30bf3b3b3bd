/** Server-side apply of manifests (like `kubectl apply --server-side`), CRDs first and waited for. */
import { ApiException, KubeConfig, KubernetesObjectApi, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { sleep } from './process.js';

/** KubernetesObjectApi with the discovery lookup (protected upstream) made usable. */
class DiscoveringObjectApi extends KubernetesObjectApi {
  static make(kc: KubeConfig): DiscoveringObjectApi {
    const api = kc.makeApiClient(DiscoveringObjectApi);
    api.setDefaultNamespace(kc);
    return api;
  }

  /** true/false from discovery, undefined while the server does not serve the kind. */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean | undefined> {
    try {
      return (await this.resource(apiVersion, kind))?.namespaced;
    } catch (e) {
      if (e instanceof ApiException && (e.code === 404 || e.code === 503)) return undefined;
      throw e;
    }
  }
}

export type ApplyAction = 'created' | 'configured' | 'unchanged';

export interface ApplyResult {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** created: did not exist; configured: resourceVersion changed; unchanged: a no-op. */
  action: ApplyAction;
  /** The object as the server returned it after the apply. */
  object: KubernetesObject;
}

export interface ServerSideApplyOptions {
  /** Take ownership of fields other managers own (kubectl --force-conflicts); default true. */
  force?: boolean;
  /** How long to wait for CRDs to be Established and their kinds discoverable; default 60 s. */
  timeoutMs?: number;
}

/** The header (apiVersion, kind, name, namespace) that KubernetesObjectApi.read/delete take. */
export function objectRef(o: KubernetesObject): {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
} {
  if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`not a Kubernetes object: ${JSON.stringify(o).slice(0, 200)}`);
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) },
  };
}

function describeObject(o: KubernetesObject): string {
  const ns = o.metadata?.namespace ? `${o.metadata.namespace}/` : '';
  return `${o.apiVersion}/${o.kind} ${ns}${o.metadata?.name}`;
}

function isNotFound(e: unknown): boolean {
  return e instanceof ApiException && e.code === 404;
}

function errorText(e: unknown): string {
  if (e instanceof ApiException) {
    const body = e.body as { message?: string } | string | undefined;
    const msg = typeof body === 'string' ? body : (body?.message ?? JSON.stringify(body));
    return `HTTP ${e.code}: ${msg}`;
  }
  return e instanceof Error ? e.message : String(e);
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = errorText(e);
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (${lastError})` : ''}`);
    await sleep(200);
  }
}

async function applyOne(api: DiscoveringObjectApi, manifest: KubernetesObject, fieldManager: string, force: boolean): Promise<ApplyResult> {
  let before: string | undefined;
  try {
    before = (await api.read(objectRef(manifest))).metadata?.resourceVersion;
  } catch (e) {
    if (!isNotFound(e)) throw new Error(`reading ${describeObject(manifest)}: ${errorText(e)}`, { cause: e });
  }
  let applied: KubernetesObject;
  try {
    applied = await api.patch(manifest, undefined, undefined, fieldManager, force, PatchStrategy.ServerSideApply);
  } catch (e) {
    throw new Error(`server-side apply of ${describeObject(manifest)} failed: ${errorText(e)}`, { cause: e });
  }
  const after = applied.metadata?.resourceVersion;
  return {
    apiVersion: manifest.apiVersion!,
    kind: manifest.kind!,
    name: applied.metadata?.name ?? manifest.metadata!.name!,
    ...(applied.metadata?.namespace ? { namespace: applied.metadata.namespace } : {}),
    action: before === undefined ? 'created' : before === after ? 'unchanged' : 'configured',
    object: applied,
  };
}

async function waitForCrd(api: DiscoveringObjectApi, crd: KubernetesObject, timeoutMs: number): Promise<void> {
  const name = crd.metadata!.name!;
  await waitFor(`CRD ${name} to be Established`, timeoutMs, async () => {
    const live = (await api.read({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name },
    })) as KubernetesObject & { status?: { conditions?: { type?: string; status?: string }[] } };
    return live.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
  const spec = (crd as { spec?: { group?: string; names?: { kind?: string }; versions?: { name?: string; served?: boolean }[] } }).spec;
  for (const v of spec?.versions ?? []) {
    if (v.served === false || !spec?.group || !v.name || !spec.names?.kind) continue;
    const apiVersion = `${spec.group}/${v.name}`;
    const kind = spec.names.kind;
    await waitFor(`${apiVersion} ${kind} in discovery`, timeoutMs, () => api.isNamespaced(apiVersion, kind));
  }
}

/**
 * Server-side applies manifests (like `kubectl apply --server-side`) with the given field
 * manager: Namespaces and CustomResourceDefinitions first (waiting until each CRD is
 * Established and served), then other cluster-scoped objects, then namespaced ones.
 * Results come back in the order of `manifests`.
 */
export async function serverSideApply(kc: KubeConfig, manifests: object[], fieldManager: string, opts: ServerSideApplyOptions = {}): Promise<ApplyResult[]> {
  const force = opts.force ?? true;
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const api = DiscoveringObjectApi.make(kc);
  const objs = manifests.map((m, i) => {
    const o = structuredClone(m) as KubernetesObject;
    if (!o.apiVersion || !o.kind || !o.metadata?.name) {
      throw new Error(`manifest #${i} needs apiVersion, kind and metadata.name: ${JSON.stringify(m).slice(0, 200)}`);
    }
    return o;
  });
  const results: ApplyResult[] = new Array(objs.length);
  const applyIndexes = async (indexes: number[]) => {
    for (const i of indexes) results[i] = await applyOne(api, objs[i]!, fieldManager, force);
  };
  const all = objs.map((_, i) => i);
  const isCrd = (o: KubernetesObject) => o.kind === 'CustomResourceDefinition' && o.apiVersion?.startsWith('apiextensions.k8s.io/');
  const namespaces = all.filter((i) => objs[i]!.kind === 'Namespace' && objs[i]!.apiVersion === 'v1');
  const crds = all.filter((i) => isCrd(objs[i]!));
  await applyIndexes(namespaces);
  await applyIndexes(crds);
  for (const i of crds) await waitForCrd(api, objs[i]!, timeoutMs);

  const rest = all.filter((i) => !namespaces.includes(i) && !crds.includes(i));
  const scope = new Map<number, boolean>();
  for (const i of rest) {
    const o = objs[i]!;
    const namespaced = await waitFor(`${o.apiVersion} ${o.kind} to be served`, crds.length ? timeoutMs : 5_000, () =>
      api.isNamespaced(o.apiVersion!, o.kind!),
    ).catch((e: Error) => {
      throw new Error(`cannot apply ${describeObject(o)}: the server does not serve this kind (${e.message})`);
    });
    scope.set(i, namespaced);
  }
  await applyIndexes(rest.filter((i) => !scope.get(i)));
  await applyIndexes(rest.filter((i) => scope.get(i)));
  return results;
}
