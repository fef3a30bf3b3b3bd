/**
 * The synth state: what a clean `mcpo synth` knew when it finished, kept so
 * that the next synth after a small edit checks and plans only what the edit
 * touched, instead of building the whole model again (at 10,000 templates,
 * ~0.6 s of a ~1 s one-template synth went to reading every kept check,
 * running the rules over 11,000 declarations, assembling the model and
 * planning 21,000 objects).
 *
 * It holds, for the last synth that had nothing to report:
 *   - every declaration file: its digest, and its signature: the kind and
 *     name of each declaration in it, with what other declarations' rules
 *     read of it (a preset's limits, a secret's keys);
 *   - what the rules read of all declarations (rules.ts RuleIndex);
 *   - the namespaces, presets and secrets of the model (few: what objects
 *     are rendered from besides their own template);
 *   - every planned object, in plan order: its path, its input hash and the
 *     files its input was made from (inputs.ts: the memo's deps).
 *
 * A synth uses it (SynthState.synth) only when nothing but the bytes of a few
 * files changed: the same files, no problem reading them, at most
 * MAX_CHANGED_FILES of them changed, each with nothing to report and the
 * same signature. The rules then give for all declarations what they give
 * for the changed ones against the kept index: an unchanged declaration's
 * own rules read only it, and what its cross rules read (the names declared,
 * a preset's limits, a secret's keys) is what the signatures say is
 * unchanged. Its objects are those of the last synth: the names are the
 * same. An object made only from unchanged files has the hash kept for it
 * (inputs.ts says why an input is made only from its deps); the objects of
 * changed files are planned again from a model of the changed templates and
 * the kept namespaces, presets and secrets (changed ones replaced). Anything
 * else (a file added, removed or unreadable, a diagnostic, another
 * signature, an object to render that is not planned again) is left to the
 * whole build, which reports as always and writes a new state; so does a
 * state made by anything else (its key, synthStateKey: the memo's, inputs.ts
 * memoKey, and a digest of this file's code).
 * test/render/synth-state.test.ts holds both to the same output over random
 * change sets.
 *
 * Written by the whole build only (a synth from the state changes nothing in
 * it: the next one compares with the same files again); like the other
 * caches, private, next to them, at most MAX_CACHED_REPOS kept.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fileDigest, sha256 } from '../core/digest.js';
import { MAX_FILE_BYTES } from '../core/limits.js';
import { compareStrings } from '../core/order.js';
import type { PlainMessage } from '../declarations/check-shape.js';
import type { RawDeclaration } from '../declarations/documents.js';
import { checkRules, presetLimits, type RuleIndex, ruleIndex, secretKeyNames } from '../declarations/rules.js';
import { type BuildCache, checkFile, declarationOf } from '../model/build.js';
import { namespacedKey } from '../model/queries.js';
import type { Declaration, McpTemplate, Model, Namespace, ResourceLimitPreset, Secret } from '../model/types.js';
import { readCacheFile, repoCacheFile, writeCacheFile } from '../source/cache-file.js';
import type { SourceFiles } from '../source/files.js';
import type { KnownDigest } from '../source/working-tree.js';
import { isRecordOf } from './input-line.js';
import { renderedFiles, type IncrementalOptions, type SynthFiles, verifiedObjects } from './incremental.js';
import { depFile, type HashMemo, memoKey, planObjects, type PlannedObject } from './inputs.js';
import type { RenderOptions } from './mcp-server-workload.js';

const FORMAT = 'mcpo-synth-state 1';
const MAX_STATE_BYTES = 512 * 1024 * 1024;
/** More changed files than this, and the whole build is cheaper than checking them one by one: it also writes a new state. */
export const MAX_CHANGED_FILES = 64;
/** More objects to plan again than this (a dist/ edited at large), and the whole build is made. */
const MAX_PLANNED_AGAIN = 2000;
/** How a file's signature shows that it declares a template (the kind, as JSON writes it at the start of an entry). */
const TEMPLATE_IN_SIGNATURE = '["McpTemplate",';
/** An object dep that names no declaration file (a secret read but not declared): such an object is always planned again. */
const NO_FILE = -1;

let code: string | undefined;

/** What a state depends on besides the declaration files: the memo's key (renderer, options, checking and planning code) and this file's code. */
export function synthStateKey(renderer: string, options: RenderOptions): string {
  code ??= sha256(readFileSync(fileURLToPath(import.meta.url)));
  return sha256(`${memoKey(renderer, options)}\n${code}`);
}

/** The state's file in the cache folder, for the repository at `repoDir`. */
export function synthStatePath(repoDir: string, cacheDir?: string): string {
  return repoCacheFile(repoDir, 'synth', cacheDir);
}

/** What other declarations' rules read of this file's declarations (rules.ts ruleIndex), with their kinds and names (see the module comment). */
export function signature(declarations: readonly RawDeclaration[]): string {
  return JSON.stringify(
    declarations.map((d) => {
      const facts = d.kind === 'ResourceLimit' ? presetLimits(d) : d.kind === 'Secret' ? secretKeyNames(d).sort() : null;
      return [d.kind, d.displayName, facts];
    }),
  );
}

/**
 * The input-hash memo, with each planned object's deps recorded on the way: how a whole build learns
 * what each object is made from, for the state it writes.
 */
export class DepsRecorder implements HashMemo {
  readonly deps = new Map<string, readonly string[]>();
  constructor(private readonly inner: HashMemo) {}
  begin(key: string): void {
    this.inner.begin(key);
  }
  digestOf(file: string): string | undefined {
    return this.inner.digestOf(file);
  }
  recall(path: string, deps: readonly string[]): string | undefined {
    this.deps.set(path, deps);
    return this.inner.recall(path, deps);
  }
  record(path: string, deps: readonly string[], hash: string): void {
    this.deps.set(path, deps);
    this.inner.record(path, deps, hash);
  }
}

interface KeptFile {
  readonly path: string;
  readonly digest: string;
  /** Its fingerprint then (source/fingerprint.ts), '' when it had not settled. */
  readonly fingerprint: string;
  readonly signature: string;
}

interface KeptObject {
  readonly path: string;
  readonly hash: string;
  readonly deps: readonly number[];
}

export class SynthState {
  private constructor(
    private readonly files: readonly KeptFile[],
    private readonly objects: readonly KeptObject[],
    private readonly indexJson: string,
    private readonly declarationLines: readonly string[],
  ) {}

  /** The state at `path` when it was made under `key`; undefined for a missing, foreign or damaged one. */
  static read(path: string, key: string): SynthState | undefined {
    const text = readCacheFile(path, `${FORMAT} ${key}`, MAX_STATE_BYTES);
    if (text === undefined || !text.endsWith('\n')) return undefined;
    const lines = text.slice(0, -1).split('\n');
    if (lines.at(-1) !== `end ${lines.length - 1}`) return undefined;
    const files: KeptFile[] = [];
    const objects: KeptObject[] = [];
    const declarations: string[] = [];
    let index: string | undefined;
    try {
      for (let i = 0; i < lines.length - 1; i++) {
        const line = lines[i]!;
        const [tag, a, b, c, d] = line.split('\t');
        // A path JSON writes without a backslash is the text between its quotes.
        if (tag === 'F' && a !== undefined && b !== undefined && c !== undefined && d !== undefined)
          files.push({ path: a.includes('\\') ? (JSON.parse(a) as string) : a.slice(1, -1), digest: b, fingerprint: c, signature: d });
        else if (tag === 'O' && a !== undefined && b !== undefined && c !== undefined)
          objects.push({ path: a, hash: b, deps: c === '' ? [] : c.split(' ').map(Number) });
        else if (tag === 'D' && a !== undefined) declarations.push(a);
        else if (tag === 'I' && a !== undefined) index = a;
        else return undefined;
      }
    } catch {
      return undefined;
    }
    if (
      index === undefined ||
      objects.some((o) => !/^[0-9a-f]{64}$/.test(o.hash) || o.deps.some((d) => !Number.isInteger(d) || d < NO_FILE || d >= files.length))
    )
      return undefined;
    return new SynthState(files, objects, index, declarations);
  }

  /** Writes the state of a whole build that had nothing to report: its files (with their checks in `cache`), model and plan. */
  static write(
    path: string,
    key: string,
    cache: BuildCache,
    model: Model,
    planned: readonly { readonly path: string; readonly hash: string }[],
    recorder: DepsRecorder,
  ): void {
    const paths = [...cache.files.keys()].sort(compareStrings);
    const numbers = new Map(paths.map((p, i) => [p, i]));
    const lines: string[] = [];
    const raw: RawDeclaration[] = [];
    for (const p of paths) {
      const check = cache.files.get(p)!;
      const digest = cache.digestOf(p);
      if (digest === undefined) return;
      raw.push(...check.declarations);
      lines.push(`F\t${JSON.stringify(p)}\t${digest}\t${check.file.fingerprint ?? ''}\t${signature(check.declarations)}`);
    }
    lines.push(`I\t${indexJson(raw)}`);
    for (const d of [...model.namespaces.values(), ...model.presets.values(), ...model.secrets.values()]) lines.push(`D\t${JSON.stringify(d)}`);
    for (const o of planned) {
      const deps = recorder.deps.get(o.path);
      const files = deps === undefined ? [NO_FILE] : deps.map((dep) => numbers.get(depFile(dep) ?? '') ?? NO_FILE);
      lines.push(`O\t${o.path}\t${o.hash}\t${files.join(' ')}`);
    }
    writeCacheFile(path, `${FORMAT} ${key}`, [...lines, `end ${lines.length}`]);
  }

  private byPath: Map<string, KeptFile> | undefined;

  /**
   * The digest kept for this file when it had this fingerprint then: what the walk of the working tree
   * need not read (source/working-tree.ts `known`). A file the state names is not looked up elsewhere:
   * the state is what its files are compared with.
   */
  digestOf(path: string, fingerprint: string, otherwise?: KnownDigest): string | undefined {
    this.byPath ??= new Map(this.files.map((f) => [f.path, f]));
    const kept = this.byPath.get(path);
    if (!kept) return otherwise?.(path, fingerprint);
    return kept.fingerprint !== '' && kept.fingerprint === fingerprint ? kept.digest : undefined;
  }

  /**
   * What synth writes for these files, from this state, when only the bytes of a few files changed
   * (see the module comment); undefined when the whole build must be made.
   */
  async synth(source: SourceFiles, cache: BuildCache, options: RenderOptions, opts: IncrementalOptions): Promise<SynthFiles | undefined> {
    if (source.problems.length > 0 || source.files.length !== this.files.length || !opts.output) return undefined;
    const byPath = new Map(source.files.map((f) => [f.path, f]));
    const changed = new Set<number>();
    const raw: RawDeclaration[] = [];
    for (let i = 0; i < this.files.length; i++) {
      const kept = this.files[i]!;
      const file = byPath.get(kept.path);
      if (!file) return undefined;
      if (file.digest === undefined && file.content.length > MAX_FILE_BYTES) return undefined;
      const digest = cache.digest(file) ?? fileDigest(file.content);
      if (digest === kept.digest) continue;
      if (changed.add(i).size > MAX_CHANGED_FILES) return undefined;
      // Checked here, not looked up in the check cache: reading that cache costs more than checking a few files.
      const checked = checkFile(file);
      if (checked.diagnostics.length > 0 || signature(checked.declarations) !== kept.signature) return undefined;
      raw.push(...checked.declarations);
    }
    try {
      if (checkRules(raw, () => false, parseIndex(this.indexJson)).length > 0) return undefined;
    } catch {
      return undefined; // a damaged index: the whole build
    }
    // Planned again: the objects made from a changed file, and those whose file in the output folder is not the one
    // kept (edited or removed by hand, or written by a synth since from other bytes); made from their files' declarations.
    const records = await opts.output;
    const again = new Set<string>();
    const load = new Set<number>();
    for (const o of this.objects) {
      const record = records.get(o.path);
      if (o.deps.some((d) => d === NO_FILE || changed.has(d)) || !record || !isRecordOf(record, o.hash)) {
        again.add(o.path);
        for (const d of o.deps) load.add(d);
      }
    }
    if (again.size > MAX_PLANNED_AGAIN) return undefined;
    const replanned = new Map<string, PlannedObject>();
    if (again.size > 0) {
      for (const i of load) {
        // The changed files are checked already, and namespaces, presets and secrets are the kept ones: only templates are read.
        if (i === NO_FILE || changed.has(i) || !this.files[i]!.signature.includes(TEMPLATE_IN_SIGNATURE)) continue;
        const file = byPath.get(this.files[i]!.path)!;
        const checked = checkFile(file);
        if (checked.diagnostics.length > 0) return undefined;
        raw.push(...checked.declarations);
      }
      try {
        for (const o of planObjects(this.model(raw.map(declarationOf)), options, (p) => again.has(p), opts.renderer)) replanned.set(o.path, o);
      } catch {
        return undefined; // a damaged declaration line, or one the plan cannot use: the whole build
      }
      if (replanned.size !== again.size) return undefined; // an object made from what the loaded files do not declare
    }
    const current = verifiedObjects([...replanned.values()], records);
    const verified = new Set(this.objects.filter((o) => !replanned.has(o.path) || current.has(o.path)).map((o) => o.path));
    const toRender = [...replanned.values()].filter((o) => !current.has(o.path));
    const files = await renderedFiles(
      toRender,
      this.objects.map((o) => o.path),
      options,
      opts,
    );
    return { files, verified, rendered: toRender.length, planned: this.objects };
  }

  /** The kept namespaces, presets and secrets, with the changed declarations in place of theirs, and the changed templates. */
  private model(changed: readonly Declaration[]): Model {
    const namespaces = new Map<string, Namespace>();
    const presets = new Map<string, ResourceLimitPreset>();
    const templates = new Map<string, McpTemplate>();
    const secrets = new Map<string, Secret>();
    const put = (d: Declaration) => {
      if (d.kind === 'Namespace') namespaces.set(d.name, d);
      else if (d.kind === 'ResourceLimit') presets.set(d.name, d);
      else if (d.kind === 'McpTemplate') templates.set(namespacedKey(d.namespace, d.name), d);
      else secrets.set(namespacedKey(d.namespace, d.name), d);
    };
    for (const line of this.declarationLines) put(JSON.parse(line) as Declaration);
    for (const d of changed) put(d);
    return { namespaces, presets, templates, secrets };
  }
}

function indexJson(declarations: readonly RawDeclaration[]): string {
  const { namespaces, presets, secretKeys, secretNames } = ruleIndex(declarations);
  return JSON.stringify([[...namespaces], [...presets], [...secretKeys].map(([k, v]) => [k, [...v]]), [...secretNames]]);
}

function parseIndex(json: string): RuleIndex {
  const [namespaces, presets, secretKeys, secretNames] = JSON.parse(json) as [string[], [string, PlainMessage][], [string, string[]][], [string, string[]][]];
  return {
    namespaces: new Set(namespaces),
    presets: new Map(presets),
    secretKeys: new Map(secretKeys.map(([k, v]) => [k, new Set(v)])),
    secretNames: new Map(secretNames),
  };
}
