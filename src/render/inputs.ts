/**
 * What each rendered object is rendered from, and the hash of it that its
 * file records (the second header line), which lets `mcpo synth` render
 * again only the objects whose inputs changed (incremental.ts).
 *
 * The renderers are called with exactly these inputs (app.ts renderObjects),
 * never with the model: an object can only depend on what its input holds,
 * so the hash covers everything it depends on by construction. The inputs
 * leave out what an object's renderer does not read, so that a change to it
 * (a preset's description, a secret's labels, a template's image for its
 * Service) does not rewrite files whose objects stay the same;
 * test/render/incremental.test.ts checks that leaving it out changes no
 * output.
 *
 * Light on purpose (no cdk8s): a synth with nothing to render plans and
 * checks without loading the renderers.
 *
 * Building every input and hashing its JSON is most of a plan (~150 ms at
 * 10,000 templates), and a synth after a small change needs the hashes only
 * to compare them with the output's records. With a memo (input-memo.ts),
 * an object whose declaration files are the same bytes as when its hash was
 * recorded gets that hash without its input being built; its input is built
 * only if it is rendered (PlannedObject.input is lazy). What an object's
 * input is made from, and so what its memo line names (deploymentDeps,
 * beside deploymentInput, and planObjects), is:
 *
 * - always: the renderer key, the render options, the code that makes
 *   declarations from bytes and inputs from declarations (memoKey: the memo
 *   is used only under the same key), the object's path (the memo's key)
 *   and its declaration's file (its header names it, and it is in the hash);
 * - Namespace, SealedSecret: its declaration, from its file;
 * - Service: its template, from the template's file;
 * - Deployment: its template's file; its preset's file (the preset is found
 *   by the name the template's file gives; a second preset of that name in
 *   another file is a rule error, so no model is made and nothing planned;
 *   a preset moved to another file changes the file named); and, for every
 *   secret name the template's env reads (again given by its file), the
 *   file of that secret, or that there is none.
 *
 * The declaration at an object's path is the one its recorded file gives:
 * that file, the same bytes, still declares it, and a second declaration of
 * the same kind and name elsewhere is a rule error. A declaration's value
 * depends on its file's bytes alone (and on the code, in memoKey), and a
 * file's digest covers every declaration in it, so a
 * change anywhere in a dependency's file is a miss: conservative, never
 * stale. test/render/incremental.test.ts carries a memo over random change
 * sets and holds the output to a full render's, byte for byte.
 */
import { sha256 } from '../core/digest.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../core/enums.js';
import { checkerKey } from '../model/check-cache.js';
import { namespacedKey } from '../model/queries.js';
import type { McpTemplate, Model, Namespace, ResourceLimitPreset, Secret, SourceRef } from '../model/types.js';
import { objectPath } from './layout.js';
import type { RenderOptions } from './mcp-server-workload.js';

/**
 * Bump when what the renderers write changes for the same input (a new
 * field, another default): every file's input hash changes with it, so every
 * object is rendered again. The versions of mcp-orchestrator and of the
 * libraries that write the YAML are part of the hash as well.
 */
export const RENDER_FORMAT = 1;

/** What a template's Service is rendered from. */
export type ServiceInput = Pick<McpTemplate, 'name' | 'namespace' | 'labels' | 'port'>;

export type ObjectInput =
  | { readonly kind: 'Namespace'; readonly namespace: Namespace }
  | {
      readonly kind: 'Deployment';
      readonly template: McpTemplate;
      readonly preset: ResourceLimitPreset;
      /** Only the secrets the template reads, with only the keys it reads. */
      readonly secrets: ReadonlyMap<string, Secret>;
      readonly options: RenderOptions;
    }
  | { readonly kind: 'Service'; readonly service: ServiceInput }
  | { readonly kind: 'SealedSecret'; readonly secret: Secret };

/** One object to render: where it goes, the declaration file its header names, its input and the input's hash. */
export interface PlannedObject {
  readonly path: string;
  readonly file: string;
  /**
   * Built when first read when its hash came from a memo (planObjects): it
   * may be a getter, which a structured clone (postMessage) does not carry;
   * plainObject() makes one that it does.
   */
  readonly input: ObjectInput;
  /** sha256 (hex) of the renderer, the path, the file and the input. */
  readonly hash: string;
}

/** The planned object as plain data, its input built: what can be posted to a worker. */
export const plainObject = (o: PlannedObject): PlannedObject => ({ path: o.path, file: o.file, input: o.input, hash: o.hash });

/** The declaration an object is rendered from: a Namespace, a template (its Deployment and its Service) or a Secret. */
type Source =
  | { readonly kind: 'Namespace'; readonly of: Namespace }
  | { readonly kind: 'Deployment' | 'Service'; readonly of: McpTemplate }
  | { readonly kind: 'SealedSecret'; readonly of: Secret };

function inputOf(source: Source, model: Model, options: RenderOptions): ObjectInput {
  switch (source.kind) {
    case 'Namespace':
      return { kind: 'Namespace', namespace: { ...source.of, source: NO_POSITION } };
    case 'Deployment':
      return deploymentInput(source.of, model, options);
    case 'Service': {
      const t = source.of;
      return { kind: 'Service', service: { name: t.name, namespace: t.namespace, labels: t.labels, port: t.port } };
    }
    case 'SealedSecret':
      return { kind: 'SealedSecret', secret: { ...source.of, source: NO_POSITION } };
  }
}

/** A planned object whose hash came from the memo: its input is built the first time it is read (only when it is rendered). */
class MemoPlanned implements PlannedObject {
  private built: ObjectInput | undefined;
  constructor(
    readonly path: string,
    readonly hash: string,
    private readonly source: Source,
    private readonly model: Model,
    private readonly options: RenderOptions,
  ) {}
  get file(): string {
    return this.source.of.source.file;
  }
  get input(): ObjectInput {
    return (this.built ??= inputOf(this.source, this.model, this.options));
  }
}

/**
 * What planObjects asks of an input-hash memo (input-memo.ts). An object's
 * deps are the parts its memo line names (deploymentDeps), each a file and
 * its digest; they are given as parts so that they can be compared with the
 * recorded line in place, without being joined.
 */
export interface HashMemo {
  /** Starts a plan under this key (memoKey): hashes recorded under another are not used. */
  begin(key: string): void;
  /** sha256 of the bytes of the declaration file at this repository path; undefined when unknown (the object is then hashed, not recorded). */
  digestOf(file: string): string | undefined;
  /** The hash recorded for the object at `path` when it was made from exactly `deps`, kept for the next run; else undefined. */
  recall(path: string, deps: readonly string[]): string | undefined;
  /** Records an object planned now whose hash was not recalled, for the next run. */
  record(path: string, deps: readonly string[], hash: string): void;
}

/** Positions reach no output (the header names the file only). */
const NO_POSITION: SourceRef = { file: '', line: 0, column: 0 };

/** One input per preset (shared by its templates' Deployments), with its JSON for the hash made once. */
const presetInputs = new WeakMap<ResourceLimitPreset, ResourceLimitPreset>();
const presetJson = new WeakMap<ResourceLimitPreset, string>();

function presetInput(preset: ResourceLimitPreset): ResourceLimitPreset {
  let input = presetInputs.get(preset);
  if (!input) {
    input = { ...preset, display_name: '', description: '', labels: {}, source: NO_POSITION };
    presetInputs.set(preset, input);
  }
  return input;
}

function secretsInput(template: McpTemplate, secrets: ReadonlyMap<string, Secret>): Map<string, Secret> {
  const read = new Map<string, Set<string>>();
  for (const e of template.env_vars) {
    if (!e.secret_key_ref) continue;
    const keys = read.get(e.secret_key_ref.name) ?? new Set<string>();
    read.set(e.secret_key_ref.name, keys.add(e.secret_key_ref.key));
  }
  const out = new Map<string, Secret>();
  for (const name of [...read.keys()].sort()) {
    const key = namespacedKey(template.namespace, name);
    const secret = secrets.get(key);
    if (!secret) continue;
    const keys = [...read.get(name)!].filter((k) => Object.hasOwn(secret.encrypted_data, k)).sort();
    out.set(key, {
      kind: 'Secret',
      name: secret.name,
      namespace: secret.namespace,
      type: DEFAULTS.secretType,
      labels: {},
      scope: DEFAULTS.sealingScope,
      encrypted_data: Object.fromEntries(keys.map((k) => [k, secret.encrypted_data[k]!])),
      keys,
      source: NO_POSITION,
    });
  }
  return out;
}

function deploymentInput(template: McpTemplate, model: Model, options: RenderOptions): ObjectInput {
  const preset = model.presets.get(template.resource_limit_name);
  if (!preset) throw new Error(`McpTemplate ${template.namespace}/${template.name}: preset "${template.resource_limit_name}" is not in the model`);
  return {
    kind: 'Deployment',
    template: { ...template, source: NO_POSITION },
    preset: presetInput(preset),
    secrets: secretsInput(template, model.secrets),
    // The bridge image reaches only stdio templates' pods.
    options: { bridgeImage: template.transport === 'TRANSPORT_STDIO' ? options.bridgeImage : '' },
  };
}

/** A dependency as a memo line names it: a file and the digest of its bytes; undefined when the digest is unknown. */
type Dep = (file: string) => string | undefined;

/** A dep's part that marks a secret read but not declared (deploymentDeps), instead of a digest. */
const ABSENT = '-';

/** The declaration file a dep names (`"<file>" <digest>`), or undefined for a secret read but not declared (`"<key>" -`). */
export function depFile(dep: string): string | undefined {
  const space = dep.lastIndexOf(' ');
  return dep.slice(space + 1) === ABSENT ? undefined : (JSON.parse(dep.slice(0, space)) as string);
}

/** What a Deployment's input is made from (deploymentInput): its template's file, its preset's, and each secret it reads (or that there is none). */
function deploymentDeps(template: McpTemplate, model: Model, dep: Dep): string[] | undefined {
  const preset = model.presets.get(template.resource_limit_name);
  const own = dep(template.source.file);
  const presets = preset && dep(preset.source.file);
  if (own === undefined || presets === undefined) return undefined;
  const deps = [own, presets];
  let names: string[] | undefined;
  for (const e of template.env_vars) if (e.secret_key_ref) (names ??= []).push(e.secret_key_ref.name);
  if (names === undefined) return deps;
  for (const name of [...new Set(names)].sort()) {
    const key = namespacedKey(template.namespace, name);
    const secret = model.secrets.get(key);
    const read = secret ? dep(secret.source.file) : `${JSON.stringify(key)} ${ABSENT}`;
    if (read === undefined) return undefined;
    deps.push(read);
  }
  return deps;
}

let renderer: string | undefined;
let code: string | undefined;

/**
 * What every memoised hash depends on besides the declaration files: the
 * renderer key (in every hash), the render options, the code that makes
 * declarations from bytes (check-cache.ts checkerKey) and this file's, which
 * makes inputs and hashes from declarations.
 */
export function memoKey(key: string, options: RenderOptions): string {
  code ??= sha256(readFileSync(fileURLToPath(import.meta.url)));
  return sha256(JSON.stringify([key, options, checkerKey(), code]));
}

/** mcp-orchestrator's version, RENDER_FORMAT, and the versions of cdk8s, cdk8s-plus-28 and the yaml cdk8s writes with. */
export function rendererKey(): string {
  if (renderer !== undefined) return renderer;
  const require = createRequire(import.meta.url);
  const version = (pkg: string, from = require) => (JSON.parse(readFileSync(from.resolve(`${pkg}/package.json`), 'utf8')) as { version: string }).version;
  const cdk8s = require.resolve('cdk8s/package.json');
  const own = (require('../../package.json') as { version: string }).version;
  renderer = [
    `mcp-orchestrator ${own}`,
    `format ${RENDER_FORMAT}`,
    `cdk8s ${version('cdk8s')}`,
    `cdk8s-plus-28 ${version('cdk8s-plus-28')}`,
    `yaml ${version('yaml', createRequire(dirname(cdk8s) + '/'))}`,
  ].join(', ');
  return renderer;
}

/** The input as JSON, without a replacer (which would be called for every value): Maps as their entries. */
function inputJson(input: ObjectInput): string {
  if (input.kind !== 'Deployment') return JSON.stringify(input);
  let preset = presetJson.get(input.preset);
  if (preset === undefined) presetJson.set(input.preset, (preset = JSON.stringify(input.preset)));
  return `[${JSON.stringify(input.template)},${preset},${JSON.stringify([...input.secrets])},${JSON.stringify(input.options)}]`;
}

export function inputHash(path: string, file: string, input: ObjectInput, key: string = rendererKey()): string {
  return sha256(`${key}\n${path}\n${file}\n${input.kind}\n${inputJson(input)}`);
}

/**
 * Every object a full render of the model gives, in the model's order
 * (`only`: those whose path it accepts), with its input and hash. With a
 * memo, an object whose dependencies (see the module comment) are those
 * recorded gets the recorded hash, and its input is built only when read;
 * every object planned is recorded. Pure but for the memo.
 */
export function planObjects(
  model: Model,
  options: RenderOptions,
  only?: (path: string) => boolean,
  key: string = rendererKey(),
  memo?: HashMemo,
): PlannedObject[] {
  const out: PlannedObject[] = [];
  const seen = new Set<string>();
  memo?.begin(memoKey(key, options));
  // Each file's part, once (as the one-part deps of the objects made from that file alone).
  const fileDeps = new Map<string, readonly [string] | undefined>();
  const one = (file: string): readonly [string] | undefined => {
    let named = fileDeps.get(file);
    if (named === undefined && !fileDeps.has(file)) {
      const digest = memo?.digestOf(file);
      fileDeps.set(file, (named = digest === undefined ? undefined : [`${JSON.stringify(file)} ${digest}`]));
    }
    return named;
  };
  const dep: Dep = (file) => one(file)?.[0];
  const plan = (path: string, source: Source) => {
    const before = seen.size;
    if (seen.add(path).size === before) throw new Error(`two rendered objects would share ${path}`);
    if (only && !only(path)) return;
    const file = source.of.source.file;
    const madeOf = memo && (source.kind === 'Deployment' ? deploymentDeps(source.of, model, dep) : one(file));
    if (madeOf !== undefined) {
      const recalled = memo!.recall(path, madeOf);
      if (recalled !== undefined) {
        out.push(new MemoPlanned(path, recalled, source, model, options));
        return;
      }
    }
    const made = inputOf(source, model, options);
    const hash = inputHash(path, file, made, key);
    if (madeOf !== undefined) memo!.record(path, madeOf, hash);
    out.push({ path, file, input: made, hash });
  };
  for (const ns of model.namespaces.values()) plan(objectPath({ kind: 'Namespace', name: ns.name }), { kind: 'Namespace', of: ns });
  for (const t of model.templates.values()) {
    plan(objectPath({ kind: 'Deployment', namespace: t.namespace, name: t.name }), { kind: 'Deployment', of: t });
    plan(objectPath({ kind: 'Service', namespace: t.namespace, name: t.name }), { kind: 'Service', of: t });
  }
  for (const s of model.secrets.values()) plan(objectPath({ kind: 'SealedSecret', namespace: s.namespace, name: s.name }), { kind: 'SealedSecret', of: s });
  return out;
}
