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
 */
import { sha256 } from '../core/digest.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { DEFAULTS } from '../core/enums.js';
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
  readonly input: ObjectInput;
  /** sha256 (hex) of the renderer, the path, the file and the input. */
  readonly hash: string;
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

let renderer: string | undefined;

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
 * (`only`: those whose path it accepts), with its input and hash. Pure.
 */
export function planObjects(model: Model, options: RenderOptions, only?: (path: string) => boolean, key: string = rendererKey()): PlannedObject[] {
  const out: PlannedObject[] = [];
  const seen = new Set<string>();
  const plan = (path: string, file: string, input: () => ObjectInput) => {
    if (seen.has(path)) throw new Error(`two rendered objects would share ${path}`);
    seen.add(path);
    if (only && !only(path)) return;
    const made = input();
    out.push({ path, file, input: made, hash: inputHash(path, file, made, key) });
  };
  for (const ns of model.namespaces.values()) {
    plan(objectPath({ kind: 'Namespace', name: ns.name }), ns.source.file, () => ({ kind: 'Namespace', namespace: { ...ns, source: NO_POSITION } }));
  }
  for (const t of model.templates.values()) {
    plan(objectPath({ kind: 'Deployment', namespace: t.namespace, name: t.name }), t.source.file, () => deploymentInput(t, model, options));
    plan(objectPath({ kind: 'Service', namespace: t.namespace, name: t.name }), t.source.file, () => ({
      kind: 'Service',
      service: { name: t.name, namespace: t.namespace, labels: t.labels, port: t.port },
    }));
  }
  for (const s of model.secrets.values()) {
    plan(objectPath({ kind: 'SealedSecret', namespace: s.namespace, name: s.name }), s.source.file, () => ({
      kind: 'SealedSecret',
      secret: { ...s, source: NO_POSITION },
    }));
  }
  return out;
}
