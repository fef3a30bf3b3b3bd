/**
 * The repository settings file, `mcpo.yaml` at the repo root, read in one
 * place for every command that needs it (sealing: the change commands;
 * bridge: synth and diff):
 *
 *   sealing:
 *     certificate: sealing-cert.pem      # a path relative to mcpo.yaml, or the controller's URL
 *   bridge:
 *     image: registry.example.com/mcpo-bridge:0.1.0   # tag or digest
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
import { runGit } from '../source/git.js';
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

export interface RepoConfig {
  readonly sealing?: SealingConfig;
  readonly bridge?: BridgeConfig;
}

const SECTIONS = {
  sealing: ['certificate'],
  bridge: ['image'],
} as const satisfies Record<keyof RepoConfig, readonly string[]>;

/** The bridge image pods are rendered with: `bridge.image`, else the default. */
export function bridgeImage(config: RepoConfig): string {
  return config.bridge?.image ?? DEFAULT_BRIDGE_IMAGE;
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
      if (!fields.includes(k)) throw new McpoError('invalid', `${REPO_CONFIG_FILE}: ${name}.${echo(k)}: unknown field (known: ${fields.join(', ')})`);
    }
  }
  const config: { sealing?: SealingConfig; bridge?: BridgeConfig } = {};
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
  return config;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
