/**
 * One immutable snapshot per commit: the model plus everything the handlers
 * need precomputed (proto-shaped messages with created_at, usage counts,
 * sorted lists, indexes). Snapshots are built off to the side and swapped in
 * atomically by the SnapshotStore; a commit that fails to load leaves the
 * last good snapshot in place and is recorded as the store's failure.
 */
import { type Diagnostic, isError } from '../core/diagnostic.js';
import { creationTime, type CreationTimes, fileCreationTimes } from '../source/history.js';
import { BuildAbandoned, ModelBuilder } from './model-builder.js';
import { containerResources, namespacedKey } from '../model/queries.js';
import type { Kind, Labels, McpTemplate, Model, Namespace, ResourceLimitPreset, Secret } from '../model/types.js';
import { deepFreeze } from '../core/freeze.js';
import { compareStrings } from '../core/order.js';
import { PageCache, type PageCacheLimits } from './page-cache.js';

/** The McpTemplate message as served. */
export interface TemplateMessage {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly command: readonly string[];
  readonly args: readonly string[];
  readonly env_vars: readonly { name: string; value?: string; secret_key_ref?: { name: string; key: string } }[];
  readonly labels: Labels;
  readonly resource_limit_name: string;
  readonly display_name: string;
  readonly description: string;
  readonly replicas: number;
  readonly transport: string;
  readonly port: number;
  readonly path: string;
  readonly created_at: number;
  readonly resources?: { readonly cpu: string; readonly memory: string };
  readonly resolved_requests: { readonly cpu: string; readonly memory: string };
  readonly resolved_limits: { readonly cpu: string; readonly memory: string };
}

/** The ResourceLimitPreset message as served. */
export interface PresetMessage {
  readonly name: string;
  readonly display_name: string;
  readonly description: string;
  readonly limits: Readonly<Record<string, string>>;
  readonly volumes: readonly unknown[];
  readonly labels: Labels;
  readonly usage_count: number;
  readonly created_at: number;
}

export interface NamespaceMessage {
  readonly name: string;
  readonly labels: Labels;
  readonly display_name: string;
  readonly description: string;
  readonly created_at: number;
  readonly template_count: number;
  readonly secret_count: number;
}

/** The Secret message as served: key names and metadata, never data. */
export interface SecretMessage {
  readonly name: string;
  readonly namespace: string;
  readonly type: string;
  readonly labels: Labels;
  readonly keys: readonly string[];
  readonly created_at: number;
}

export interface Snapshot {
  readonly sha: string;
  /** Committer time of the commit (Unix seconds). */
  readonly commitTime: number;
  /** When this server loaded it (ms since epoch). */
  readonly loadedAt: number;
  /** The declaration file of each declaration, by `sourceKey(kind, key)` (what write calls name). */
  readonly files: ReadonlyMap<string, string>;
  /** Sorted by namespace/name. */
  readonly templates: readonly TemplateMessage[];
  readonly templateByKey: ReadonlyMap<string, TemplateMessage>;
  /** Sorted by name. */
  readonly presets: readonly PresetMessage[];
  readonly presetByName: ReadonlyMap<string, PresetMessage>;
  /** Sorted by name. */
  readonly namespaces: readonly NamespaceMessage[];
  readonly namespaceByName: ReadonlyMap<string, NamespaceMessage>;
  /** Sorted by namespace/name. */
  readonly secrets: readonly SecretMessage[];
  readonly secretByKey: ReadonlyMap<string, SecretMessage>;
  /** Templates using each preset, as sorted namespace/name keys. */
  readonly templatesByPreset: ReadonlyMap<string, readonly string[]>;
  /** Creation times this snapshot used (the base for the next commit's). */
  readonly times: CreationTimes;
  /** Warnings of the load. */
  readonly warnings: readonly Diagnostic[];
}

// A model that crossed the worker thread boundary arrives unfrozen: the snapshot freezes all of it again.

/** Key of a declaration in Snapshot.files: its kind and its model key (name, or namespace/name). */
export function sourceKey(kind: Kind, key: string): string {
  return `${kind}\0${key}`;
}

/**
 * Equal values made once: the messages of a snapshot share their strings,
 * arrays and objects with equal ones (the same labels, image, command,
 * quantities recur across thousands of templates), and a message equal to
 * the previous snapshot's is that message (so is everything cached for it:
 * its encoded bytes and JSON text). A model arrives from the build worker as
 * a structured clone, with a copy of every string of every declaration; what
 * the snapshot keeps of it is only what this shares.
 */
class Sharer {
  private readonly strings = new Map<string, string>();
  private readonly trees = new Map<string, object>();

  string(s: string): string {
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit;
    this.strings.set(s, s);
    return s;
  }

  /** A message (plain objects, arrays and scalars) made of shared parts; `previous` when it is equal. */
  message<T extends object>(value: T, previous?: T): T {
    const parts = this.fields(value);
    return previous !== undefined && sameValue(previous, parts) ? previous : parts;
  }

  private fields<T extends object>(value: T): T {
    if (Array.isArray(value)) return value.map((v: unknown) => this.part(v)) as T;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[this.string(k)] = this.part(v);
    return out as T;
  }

  /** A field's value: the one equal value of this snapshot. */
  private part(value: unknown): unknown {
    if (typeof value === 'string') return this.string(value);
    if (!value || typeof value !== 'object') return value;
    const parts = this.fields(value);
    // Equal parts are built in the same key order, so their JSON is equal (they are small: labels, quantities, lists).
    const key = JSON.stringify(parts);
    const hit = this.trees.get(key);
    if (hit) return hit;
    this.trees.set(key, parts);
    return parts;
  }
}

/** Deep equality of plain JSON-like values. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}
function templateMessage(t: McpTemplate, preset: ResourceLimitPreset | undefined, createdAt: number): TemplateMessage {
  const resolved = preset ? containerResources(preset, t) : undefined;
  const own = t.resources;
  return {
    name: t.name,
    namespace: t.namespace,
    image: t.image,
    command: [...t.command],
    args: [...t.args],
    env_vars: t.env_vars.map((e) =>
      e.secret_key_ref ? { name: e.name, secret_key_ref: { name: e.secret_key_ref.name, key: e.secret_key_ref.key } } : { name: e.name, value: e.value ?? '' },
    ),
    labels: { ...t.labels },
    resource_limit_name: t.resource_limit_name,
    ...((own.cpu !== undefined || own.memory !== undefined) && { resources: { cpu: own.cpu ?? '', memory: own.memory ?? '' } }),
    display_name: t.display_name,
    description: t.description,
    replicas: t.replicas,
    transport: t.transport,
    port: t.port,
    path: t.path,
    created_at: createdAt,
    // As rendered: the preset, with the template's own requests on top. An empty
    // limit means none is set (the container is not limited).
    resolved_requests: { cpu: resolved?.requests.cpu ?? '', memory: resolved?.requests.memory ?? '' },
    resolved_limits: { cpu: resolved?.limits.cpu ?? '', memory: resolved?.limits.memory ?? '' },
  };
}

function presetMessage(p: ResourceLimitPreset, usage: number, createdAt: number): PresetMessage {
  const limits: Record<string, string> = { cpu: p.limits.cpu, memory: p.limits.memory };
  if (p.limits.cpu_limit !== undefined) limits.cpu_limit = p.limits.cpu_limit;
  if (p.limits.memory_limit !== undefined) limits.memory_limit = p.limits.memory_limit;
  if (p.limits.ephemeral_storage !== undefined) limits.ephemeral_storage = p.limits.ephemeral_storage;
  return {
    name: p.name,
    display_name: p.display_name,
    description: p.description,
    limits,
    volumes: p.volumes.map((v) => ({
      name: v.name,
      mount_path: v.mount_path,
      ...(v.empty_dir && {
        empty_dir: { memory: v.empty_dir.memory, ...(v.empty_dir.size_limit !== undefined && { size_limit: v.empty_dir.size_limit }) },
      }),
    })),
    labels: { ...p.labels },
    usage_count: usage,
    created_at: createdAt,
  };
}

function namespaceMessage(n: Namespace, templates: number, secrets: number, createdAt: number): NamespaceMessage {
  return {
    name: n.name,
    labels: { ...n.labels },
    display_name: n.display_name,
    description: n.description,
    created_at: createdAt,
    template_count: templates,
    secret_count: secrets,
  };
}

/** Built field by field: encrypted_data (and the sealing scope) never enter a served message. */
function secretMessage(s: Secret, createdAt: number): SecretMessage {
  return { name: s.name, namespace: s.namespace, type: s.type, labels: { ...s.labels }, keys: [...s.keys], created_at: createdAt };
}

/**
 * Assembles a snapshot from a model and the creation times of its files
 * (pure). With `previous` (the snapshot served before), every message that
 * did not change is the previous snapshot's.
 */
export function assembleSnapshot(sha: string, model: Model, times: CreationTimes, warnings: readonly Diagnostic[] = [], previous?: Snapshot): Snapshot {
  const created = (file: string): number => creationTime(times, file);
  const share = new Sharer();
  const files = new Map<string, string>();
  const source = (kind: Kind, key: string, file: string): void => {
    const k = sourceKey(kind, key);
    const before = previous?.files.get(k);
    files.set(k, before === file ? before : share.string(file));
  };

  const templatesByPreset = new Map<string, string[]>();
  const templateCount = new Map<string, number>();
  const secretCount = new Map<string, number>();
  const templateKeys = [...model.templates.keys()].sort(compareStrings);
  for (const key of templateKeys) {
    const t = model.templates.get(key)!;
    const list = templatesByPreset.get(t.resource_limit_name) ?? [];
    list.push(key);
    templatesByPreset.set(t.resource_limit_name, list);
    templateCount.set(t.namespace, (templateCount.get(t.namespace) ?? 0) + 1);
  }
  for (const s of model.secrets.values()) secretCount.set(s.namespace, (secretCount.get(s.namespace) ?? 0) + 1);

  const templates = templateKeys.map((key) => {
    const t = model.templates.get(key)!;
    source('McpTemplate', key, t.source.file);
    return share.message(templateMessage(t, model.presets.get(t.resource_limit_name), created(t.source.file)), previous?.templateByKey.get(key));
  });
  const presets = [...model.presets.values()]
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((p) => {
      source('ResourceLimit', p.name, p.source.file);
      return share.message(presetMessage(p, templatesByPreset.get(p.name)?.length ?? 0, created(p.source.file)), previous?.presetByName.get(p.name));
    });
  const namespaces = [...model.namespaces.values()]
    .sort((a, b) => compareStrings(a.name, b.name))
    .map((n) => {
      source('Namespace', n.name, n.source.file);
      return share.message(
        namespaceMessage(n, templateCount.get(n.name) ?? 0, secretCount.get(n.name) ?? 0, created(n.source.file)),
        previous?.namespaceByName.get(n.name),
      );
    });
  const secrets = [...model.secrets.keys()].sort(compareStrings).map((key) => {
    const s = model.secrets.get(key)!;
    source('Secret', key, s.source.file);
    return share.message(secretMessage(s, created(s.source.file)), previous?.secretByKey.get(key));
  });

  return deepFreeze({
    sha,
    commitTime: times.commitTime,
    loadedAt: Date.now(),
    files,
    templates,
    templateByKey: new Map(templates.map((t, i) => [templateKeys[i]!, t])),
    presets,
    presetByName: new Map(presets.map((p) => [p.name, p])),
    namespaces,
    namespaceByName: new Map(namespaces.map((n) => [n.name, n])),
    secrets,
    secretByKey: new Map(secrets.map((s) => [namespacedKey(s.namespace, s.name), s])),
    templatesByPreset,
    times,
    warnings: [...warnings],
  });
}

export type BuildResult = { ok: true; snapshot: Snapshot } | { ok: false; sha: string; diagnostics: readonly Diagnostic[] };

/**
 * Reads commit `sha` from the object store and validates it (through
 * `builder`: a worker thread when available), computes created_at meanwhile
 * (continuing from `base` when it is an ancestor) and assembles a snapshot.
 * Rejects (BuildAbandoned) when `signal` aborts, and when git or the
 * filesystem fails (a failure that may heal; invalid declarations resolve
 * with their diagnostics instead). Messages equal to `previous`'s are its.
 */
export async function buildSnapshot(
  repoDir: string,
  sha: string,
  base?: CreationTimes,
  builder: ModelBuilder = inProcess,
  signal?: AbortSignal,
  previous?: Snapshot,
): Promise<BuildResult> {
  const [built, times] = await Promise.all([builder.build(repoDir, sha, signal), fileCreationTimes(repoDir, sha, { base, signal })]);
  if (signal?.aborted) throw new BuildAbandoned(sha);
  if (!built.model) {
    const errors = built.diagnostics.filter(isError);
    return { ok: false, sha: built.sha, diagnostics: errors.length > 0 ? errors : built.diagnostics };
  }
  return { ok: true, snapshot: assembleSnapshot(built.sha, built.model, times, built.diagnostics, previous) };
}

const inProcess = new ModelBuilder(null);

export interface ReloadFailure {
  /** The commit that failed to load. */
  readonly sha: string;
  /** When (ms since epoch). */
  readonly at: number;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The snapshots a server answers from: the current one and a bounded number
 * of older ones (for page tokens that started on them). Swaps are a single
 * reference assignment, so a call sees either the old or the new snapshot.
 */
export class SnapshotStore {
  private currentSnapshot: Snapshot | undefined;
  private readonly retained = new Map<string, Snapshot>();
  private lastFailure: ReloadFailure | undefined;
  /** Why the followed branch cannot be read now (health.ts SourceWatch), while it cannot. */
  sourceError: string | undefined;
  /** Loads a commit the store does not hold, for a page token (on-demand.ts); none: such tokens are refused. */
  loadMissing: ((sha: string) => Promise<Snapshot | undefined>) | undefined;

  /** List answers of the retained snapshots (page-cache.ts); a snapshot's go with it. */
  readonly pages: PageCache;

  constructor(
    readonly retain = 8,
    pageLimits?: Partial<PageCacheLimits>,
  ) {
    if (retain < 1) throw new Error('retain must be at least 1');
    this.pages = new PageCache(pageLimits);
  }

  current(): Snapshot | undefined {
    return this.currentSnapshot;
  }

  /** A retained snapshot by commit SHA (the current one included). */
  get(sha: string): Snapshot | undefined {
    return this.retained.get(sha) ?? (this.currentSnapshot?.sha === sha ? this.currentSnapshot : undefined);
  }

  /** Whether `snapshot` itself (not only its commit) is held. */
  holds(snapshot: Snapshot): boolean {
    return this.get(snapshot.sha) === snapshot;
  }

  /**
   * Keeps `snapshot` for page tokens without serving it (a commit loaded on
   * demand for a token another replica issued); the oldest retained one goes
   * first, never the current one.
   */
  adopt(snapshot: Snapshot): void {
    if (this.retained.has(snapshot.sha)) return;
    this.retained.set(snapshot.sha, snapshot);
    this.evict();
  }

  /** The latest commit's failure, while it is newer than the current snapshot. */
  failure(): ReloadFailure | undefined {
    return this.lastFailure;
  }

  /** SHAs retained, oldest first. */
  retainedShas(): string[] {
    return [...this.retained.keys()];
  }

  swap(snapshot: Snapshot): void {
    const replaced = this.retained.get(snapshot.sha);
    this.retained.delete(snapshot.sha);
    this.retained.set(snapshot.sha, snapshot);
    if (replaced && replaced !== snapshot) this.pages.drop(replaced);
    this.currentSnapshot = snapshot;
    this.evict();
    this.lastFailure = undefined;
  }

  private evict(): void {
    for (const sha of this.retained.keys()) {
      if (this.retained.size <= this.retain) break;
      const snapshot = this.retained.get(sha)!;
      if (snapshot === this.currentSnapshot) continue;
      this.retained.delete(sha);
      this.pages.drop(snapshot);
    }
  }

  fail(failure: ReloadFailure): void {
    this.lastFailure = failure;
  }
}
