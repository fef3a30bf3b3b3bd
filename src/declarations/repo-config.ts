/**
 * The repository settings file, `mcpo.yaml` at the repo root, read in one
 * place for every command that needs it (sealing: the change commands;
 * bridge: synth and diff):
 *
 *   sealing:
 *     certificate: sealing-cert.pem      # a path relative to mcpo.yaml, or the controller's URL
 *   bridge:
 *     image: registry.example.com/mcpo-bridge:0.1.0   # tag or digest
 *   gitops:                              # how dist/ is cut for Argo CD and Flux (synth, diff)
 *     layout: units                      # single (default) | units
 *     repoURL: https://git.example.com/platform/mcp-config.git
 *     revision: main
 *     path: dist
 *     argocd: { namespace: argocd, project: default }
 *     flux: { namespace: flux-system, sourceRef: mcp-config, interval: 10m }
 *
 * A missing file is an empty config. A file over MAX_CONFIG_BYTES, not valid
 * YAML, or with an unknown or mistyped field is an error naming the field.
 */
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { echo, quoted } from '../core/echo.js';
import { McpoError } from '../core/errors.js';
import { MAX_CONFIG_BYTES } from '../core/limits.js';
import { DEFAULT_BRIDGE_IMAGE } from '../core/names.js';
import { readFileBounded } from '../source/read-bounded.js';
import { checkImageReference, nearest } from './names.js';

export const REPO_CONFIG_FILE = 'mcpo.yaml';

export interface SealingConfig {
  /** Path (relative to the repo root) or http(s) URL of the controller's certificate. */
  readonly certificate?: string;
}

export interface BridgeConfig {
  /** The mcpo-bridge image for the init container of stdio templates' pods. */
  readonly image?: string;
}

export type GitopsLayout = 'single' | 'units';

export interface ArgoCdConfig {
  /** Where the ApplicationSet and Applications live (Argo CD's own namespace). */
  readonly namespace: string;
  readonly project: string;
  /** The destination cluster's API server, as Argo CD knows it. */
  readonly server: string;
}

export interface FluxSourceRef {
  readonly kind: 'GitRepository' | 'OCIRepository' | 'Bucket';
  readonly name: string;
  readonly namespace?: string;
}

export interface FluxConfig {
  /** Where the Kustomizations live. */
  readonly namespace: string;
  readonly sourceRef: FluxSourceRef;
  /** Go durations, as Flux writes them. */
  readonly interval: string;
  readonly timeout: string;
}

/** The `gitops` section: how the output is cut into build units, and the Argo CD / Flux objects rendered for them. */
export interface GitopsConfig {
  readonly layout: GitopsLayout;
  /** The repository as the GitOps engine fetches it (Argo CD needs it). */
  readonly repoURL?: string;
  /** The branch, tag or commit Argo CD follows. */
  readonly revision: string;
  /** The output folder's path inside the repository, clean and relative ("dist"). */
  readonly path: string;
  readonly argocd?: ArgoCdConfig;
  readonly flux?: FluxConfig;
}

export interface RepoConfig {
  readonly sealing?: SealingConfig;
  readonly bridge?: BridgeConfig;
  readonly gitops?: GitopsConfig;
}

const SECTIONS = {
  sealing: ['certificate'],
  bridge: ['image'],
  gitops: ['layout', 'repoURL', 'revision', 'path', 'argocd', 'flux'],
} as const satisfies Record<keyof RepoConfig, readonly string[]>;

/** The bridge image pods are rendered with: `bridge.image`, else the default. */
export function bridgeImage(config: RepoConfig): string {
  return config.bridge?.image ?? DEFAULT_BRIDGE_IMAGE;
}

/** What rendering takes from the settings (RenderOptions, src/render/mcp-server-workload.ts). */
export function renderOptions(config: RepoConfig): { bridgeImage: string; gitops?: GitopsConfig } {
  return { bridgeImage: bridgeImage(config), ...(config.gitops && { gitops: config.gitops }) };
}

/** Reads `mcpo.yaml` in a working tree (at most MAX_CONFIG_BYTES). */
export function readRepoConfig(repoRoot: string): RepoConfig {
  let read;
  try {
    read = readFileBounded(join(repoRoot, REPO_CONFIG_FILE), MAX_CONFIG_BYTES);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new McpoError('invalid', `${REPO_CONFIG_FILE}: cannot read (${(err as Error).message})`);
  }
  if (!read.ok) throw tooLarge();
  return parseRepoConfig(read.content.toString('utf8'));
}

/** Reads `mcpo.yaml` as it is in commit `sha` (from the object store, its size checked before reading). */
export async function readCommitRepoConfig(repoDir: string, sha: string): Promise<RepoConfig> {
  // Loaded here: git's client (simple-git, ~30 ms to load) is not needed by a working tree's synth or validate.
  const { runGit } = await import('../source/git.js');
  // "<mode> blob <object> <size>\t<name>", or nothing when the commit has no mcpo.yaml.
  const entry = (await runGit(repoDir, ['ls-tree', '-l', sha, '--', REPO_CONFIG_FILE])).toString('utf8');
  const match = /^\d+ blob ([0-9a-f]+) +(\d+)\t/.exec(entry);
  if (!match) return {};
  if (Number(match[2]) > MAX_CONFIG_BYTES) throw tooLarge();
  return parseRepoConfig((await runGit(repoDir, ['cat-file', 'blob', match[1]!])).toString('utf8'));
}

function tooLarge(): McpoError {
  return new McpoError('invalid', `${REPO_CONFIG_FILE}: over the ${MAX_CONFIG_BYTES}-byte limit for a settings file`);
}

/** Parses and checks the text of `mcpo.yaml`. */
export function parseRepoConfig(text: string): RepoConfig {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new McpoError('invalid', `${REPO_CONFIG_FILE}: not valid YAML (${echo((err as Error).message.split('\n')[0] ?? '')})`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isPlainObject(doc)) throw new McpoError('invalid', `${REPO_CONFIG_FILE}: expected a mapping at the top level`);
  const known = Object.keys(SECTIONS);
  for (const [name, section] of Object.entries(doc)) {
    if (!Object.hasOwn(SECTIONS, name)) {
      const guess = nearest(name, known);
      throw new McpoError('invalid', `${REPO_CONFIG_FILE}: ${quoted(name)}: unknown section (known: ${known.join(', ')})`, {
        hint: guess ? `did you mean "${guess}"?` : undefined,
      });
    }
    if (section === undefined || section === null) continue;
    if (!isPlainObject(section)) throw new McpoError('invalid', `${REPO_CONFIG_FILE}: ${name}: expected a mapping`);
    const fields: readonly string[] = SECTIONS[name as keyof RepoConfig];
    for (const k of Object.keys(section)) {
      if (fields.includes(k)) continue;
      const guess = nearest(k, fields);
      throw new McpoError('invalid', `${REPO_CONFIG_FILE}: ${name}.${echo(k)}: unknown field (known: ${fields.join(', ')})`, {
        hint: guess ? `did you mean "${guess}"?` : undefined,
      });
    }
  }
  const config: { sealing?: SealingConfig; bridge?: BridgeConfig; gitops?: GitopsConfig } = {};
  const sealing = isPlainObject(doc.sealing) ? doc.sealing : undefined;
  if (doc.sealing !== undefined && doc.sealing !== null) {
    const certificate = sealing?.certificate;
    if (certificate !== undefined && (typeof certificate !== 'string' || certificate.trim() === '')) {
      throw new McpoError('invalid', `${REPO_CONFIG_FILE}: sealing.certificate: expected a file path or an http(s) URL`);
    }
    config.sealing = certificate === undefined ? {} : { certificate: certificate.trim() };
  }
  const bridge = isPlainObject(doc.bridge) ? doc.bridge : undefined;
  if (bridge?.image !== undefined && bridge.image !== null) {
    const image = bridge.image;
    const problem = typeof image === 'string' ? checkImageReference(image) : 'expected an image reference';
    if (problem) {
      throw new McpoError('invalid', `${REPO_CONFIG_FILE}: bridge.image: ${problem}`, {
        hint: `write it like "registry.example.com/mcpo-bridge:0.1.0" or "...@sha256:<64 hex digits>"; leave it out for ${DEFAULT_BRIDGE_IMAGE}`,
      });
    }
    config.bridge = { image: image as string };
  }
  if (isPlainObject(doc.gitops)) config.gitops = parseGitops(doc.gitops);
  return config;
}

// ---- gitops ----

const ARGOCD_FIELDS = ['namespace', 'project', 'server'];
const FLUX_FIELDS = ['namespace', 'sourceRef', 'interval', 'timeout'];
const SOURCE_REF_FIELDS = ['kind', 'name', 'namespace'];
const SOURCE_KINDS = ['GitRepository', 'OCIRepository', 'Bucket'] as const;
const LAYOUTS: readonly GitopsLayout[] = ['single', 'units'];
/** Longest repoURL, revision or path taken (far above any real one; keeps every check small). */
const MAX_GITOPS_TEXT = 2048;

function gitopsError(field: string, problem: string, hint?: string): McpoError {
  return new McpoError('invalid', `${REPO_CONFIG_FILE}: gitops.${field}: ${problem}`, { hint });
}

function checkFields(section: Record<string, unknown>, where: string, known: readonly string[]): void {
  for (const k of Object.keys(section)) {
    if (known.includes(k)) continue;
    const guess = nearest(k, known);
    throw gitopsError(`${where}.${echo(k)}`, `unknown field (known: ${known.join(', ')})`, guess ? `did you mean "${guess}"?` : undefined);
  }
}

/** A string field: undefined when left out (or null), else a non-empty string of at most MAX_GITOPS_TEXT characters. */
function text(section: Record<string, unknown>, where: string, key: string): string | undefined {
  const v = section[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw gitopsError(`${where}${key}`, `expected a string, not ${describeValue(v)}`);
  if (v.length > MAX_GITOPS_TEXT) throw gitopsError(`${where}${key}`, `longer than ${MAX_GITOPS_TEXT} characters`);
  if (/[\s\x00-\x1f\x7f]/.test(v)) throw gitopsError(`${where}${key}`, `${quoted(v)} must not contain white space or control characters`);
  // The ApplicationSet's template is a Go template: a brace in a value would be read as one.
  if (/[{}]/.test(v)) throw gitopsError(`${where}${key}`, `${quoted(v)} must not contain "{" or "}"`);
  return v;
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (isPlainObject(v)) return 'a mapping';
  return `${typeof v} ${quoted(String(v))}`;
}

function mapping(section: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = section[key];
  if (v === undefined || v === null) return undefined;
  if (!isPlainObject(v)) throw gitopsError(key, `expected a mapping, not ${describeValue(v)}`);
  return v;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function kubeName(value: string | undefined, field: string, rule: 'label' | 'subdomain'): void {
  if (value === undefined) return;
  const ok = rule === 'label' ? DNS_LABEL.test(value) : DNS_SUBDOMAIN.test(value);
  if (!ok) {
    throw gitopsError(
      field,
      `${quoted(value)} is not a Kubernetes ${rule === 'label' ? 'namespace name (a DNS-1123 label' : 'object name (a DNS-1123 subdomain'}: lowercase letters, digits and "-"${rule === 'label' ? ', at most 63 characters' : ' and "."'})`,
    );
  }
}

// Flux's own pattern for durations (kustomize.toolkit.fluxcd.io/v1 interval, timeout).
const DURATION = /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/;

function duration(value: string | undefined, field: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!DURATION.test(value)) throw gitopsError(field, `${quoted(value)} is not a duration`, 'write it as Flux does: 30s, 10m, 1h, 1h30m');
  return value;
}

// https://host/..., ssh://..., git://..., file://..., or scp-like user@host:path.
const REPO_URL = /^(?:(?:https?|ssh|git|file):\/\/[^/]*\/?.*|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:.+)$/;

/**
 * The output path in the repository: relative, clean, segments of letters,
 * digits, ".", "_" and "-" (it is written into an Argo CD generator's glob and
 * Go template and a Flux path, so nothing there may mean anything to them).
 */
function repoPath(value: string | undefined): string {
  if (value === undefined) return 'dist';
  const segments = value.split('/');
  const bad = segments.find((s) => s === '' || s === '.' || s === '..' || !/^[A-Za-z0-9._-]+$/.test(s));
  if (bad !== undefined) {
    throw gitopsError(
      'path',
      `${quoted(value)} is not a clean relative path in the repository`,
      'write the output folder as it is committed, like "dist" or "deploy/dist" (no leading "./" or "/", no "..", no glob characters)',
    );
  }
  return value;
}

function parseGitops(section: Record<string, unknown>): GitopsConfig {
  const layoutText = text(section, '', 'layout');
  if (layoutText !== undefined && !(LAYOUTS as readonly string[]).includes(layoutText)) {
    const guess = nearest(layoutText, LAYOUTS);
    throw gitopsError('layout', `${quoted(layoutText)} is not a layout (known: ${LAYOUTS.join(', ')})`, guess ? `did you mean "${guess}"?` : undefined);
  }
  const layout = (layoutText ?? 'single') as GitopsLayout;
  const repoURL = text(section, '', 'repoURL');
  if (repoURL !== undefined && !REPO_URL.test(repoURL)) {
    throw gitopsError(
      'repoURL',
      `${quoted(repoURL)} is not a git repository URL`,
      'write it as Argo CD fetches it: https://git.example.com/platform/mcp-config.git or git@git.example.com:platform/mcp-config.git',
    );
  }
  const revision = text(section, '', 'revision') ?? 'HEAD';
  const path = repoPath(text(section, '', 'path'));
  const config: { -readonly [K in keyof GitopsConfig]: GitopsConfig[K] } = { layout, revision, path, ...(repoURL !== undefined && { repoURL }) };

  const argocd = mapping(section, 'argocd');
  if (argocd) {
    checkFields(argocd, 'argocd', ARGOCD_FIELDS);
    const namespace = text(argocd, 'argocd.', 'namespace') ?? 'argocd';
    kubeName(namespace, 'argocd.namespace', 'label');
    const project = text(argocd, 'argocd.', 'project') ?? 'default';
    kubeName(project, 'argocd.project', 'subdomain');
    const server = text(argocd, 'argocd.', 'server') ?? 'https://kubernetes.default.svc';
    if (!/^https?:\/\/[^\s"{}]+$/.test(server))
      throw gitopsError(
        'argocd.server',
        `${quoted(server)} is not an API server URL`,
        'leave it out for the cluster Argo CD runs in (https://kubernetes.default.svc)',
      );
    if (repoURL === undefined) {
      throw gitopsError(
        'repoURL',
        'required when gitops.argocd is set: the ApplicationSet names the repository it reads',
        'add repoURL: https://git.example.com/platform/mcp-config.git (the URL Argo CD has credentials for)',
      );
    }
    config.argocd = { namespace, project, server };
  }

  const flux = mapping(section, 'flux');
  if (flux) {
    checkFields(flux, 'flux', FLUX_FIELDS);
    const namespace = text(flux, 'flux.', 'namespace') ?? 'flux-system';
    kubeName(namespace, 'flux.namespace', 'label');
    config.flux = {
      namespace,
      sourceRef: sourceRef(flux),
      interval: duration(text(flux, 'flux.', 'interval'), 'flux.interval', '10m'),
      timeout: duration(text(flux, 'flux.', 'timeout'), 'flux.timeout', '5m'),
    };
  }

  if (layout === 'single' && (config.argocd || config.flux)) {
    throw gitopsError(
      config.argocd ? 'argocd' : 'flux',
      'the Argo CD and Flux objects are rendered for layout: units only',
      'add `layout: units` to gitops (one build unit per namespace folder), or leave argocd/flux out and point one Application or Kustomization at the whole output',
    );
  }
  return config;
}

function sourceRef(flux: Record<string, unknown>): FluxSourceRef {
  const v = flux.sourceRef;
  const hint = 'name the GitRepository that fetches this repository (sourceRef: mcp-config), or write { kind: OCIRepository, name: ..., namespace: ... }';
  if (v === undefined || v === null) throw gitopsError('flux.sourceRef', 'required when gitops.flux is set', hint);
  if (typeof v === 'string') {
    const name = text(flux, 'flux.', 'sourceRef')!;
    kubeName(name, 'flux.sourceRef', 'subdomain');
    return { kind: 'GitRepository', name };
  }
  if (!isPlainObject(v)) throw gitopsError('flux.sourceRef', `expected a name or a mapping, not ${describeValue(v)}`, hint);
  checkFields(v, 'flux.sourceRef', SOURCE_REF_FIELDS);
  const kind = text(v, 'flux.sourceRef.', 'kind') ?? 'GitRepository';
  if (!(SOURCE_KINDS as readonly string[]).includes(kind)) {
    throw gitopsError('flux.sourceRef.kind', `${quoted(kind)} is not a Flux source kind (known: ${SOURCE_KINDS.join(', ')})`);
  }
  const name = text(v, 'flux.sourceRef.', 'name');
  if (name === undefined) throw gitopsError('flux.sourceRef.name', 'required', hint);
  kubeName(name, 'flux.sourceRef.name', 'subdomain');
  const namespace = text(v, 'flux.sourceRef.', 'namespace');
  kubeName(namespace, 'flux.sourceRef.namespace', 'label');
  return { kind: kind as FluxSourceRef['kind'], name, ...(namespace !== undefined && { namespace }) };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
