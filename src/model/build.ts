/**
 * Declarations in, model out: parse every file, check every document against
 * its proto message, run the semantic rules, and build the immutable model
 * only when nothing is wrong.
 */
import { type Diagnostic, compareDiagnostics, isError, safeDiagnostic } from '../core/diagnostic.js';
import { DEFAULTS, enumOrDefault } from '../core/enums.js';
import { gitBlobName } from '../core/digest.js';
import { deepFreeze } from '../core/freeze.js';
import { MAX_FILE_BYTES } from '../core/limits.js';
import { compareStrings, sortedRecord } from '../core/order.js';
import type { PlainMessage, PlainValue } from '../declarations/check-shape.js';
import { type RawDeclaration, readDeclaration } from '../declarations/documents.js';
import { parseYamlFast } from '../declarations/fast-yaml.js';
import { CheckCache } from './check-cache.js';
import { decodeUtf8, type ParsedDocument, parseYamlFile } from '../declarations/parse-yaml.js';
import { checkRules } from '../declarations/rules.js';
import { type InputFile, tooLarge } from '../source/files.js';
import type { KnownBlob } from '../source/commit.js';
import type { KnownDigest } from '../source/working-tree.js';
import type {
  Declaration,
  EnvVar,
  LoadResult,
  McpTemplate,
  Model,
  Namespace,
  ResourceLimitPreset,
  SealingScope,
  Secret,
  SecretType,
  SourceRef,
  Transport,
  Volume,
} from './types.js';
import { namespacedKey } from './queries.js';

/** One file's parse and shape check, kept with the file it was made from. */
export interface FileCheck {
  readonly file: InputFile;
  readonly diagnostics: readonly Diagnostic[];
  readonly declarations: readonly RawDeclaration[];
  /**
   * false when the file was read by the fast reader (fast-yaml.ts) and had
   * nothing to report: its declarations' field positions are then all the
   * document's start, so a rule reporting in it has the file read again.
   */
  readonly exact: boolean;
}

/**
 * What building one model can lend the next (mcpo plan and diff build two
 * revisions that share most of their files): each file's parse and shape
 * check by path, reused when the bytes are the same, and the model object of
 * each declaration so reused, so that an unchanged declaration is the very
 * same object in both models. The rules always run over the whole set.
 */
export class BuildCache {
  readonly files = new Map<string, FileCheck>();
  readonly declarations = new WeakMap<RawDeclaration, Declaration>();
  /** The checks kept on disk between runs (check-cache.ts), looked up before parsing and given the clean files. */
  constructor(readonly stored?: CheckCache) {}

  /** What the stored checks know of files by their fingerprints: given to the working tree's walk, which then reads none of those files. */
  get known(): KnownDigest | undefined {
    const stored = this.stored;
    return stored && ((path, fingerprint) => stored.digestOf(path, fingerprint));
  }

  /** What the stored checks know of files by their git object names: given to a commit's read, which then reads none of those blobs. */
  get knownBlob(): KnownBlob | undefined {
    const stored = this.stored;
    return stored && ((path, blob) => stored.digestOfBlob(path, blob));
  }

  /** Digests made so far, by the buffer they were made of (plan's checker and buildModel ask for the same files). */
  private readonly digests = new WeakMap<Buffer, string>();

  /** The digest the stored checks are keyed by (the one the source knew, else made); undefined without them. */
  digest(file: InputFile): string | undefined {
    if (file.digest !== undefined) return file.digest;
    return this.stored ? this.digestOfBytes(file.content) : undefined;
  }

  private digestOfBytes(content: Buffer): string {
    let digest = this.digests.get(content);
    if (digest === undefined) this.digests.set(content, (digest = CheckCache.digest(content)));
    return digest;
  }

  /**
   * The digest of the bytes of the declaration file at this repository path
   * (the one a build with this cache read last), as the stored checks key
   * them; undefined when no build read such a file. The one way the
   * input-hash memo (render/input-memo.ts) gets a file's digest.
   */
  digestOf(path: string): string | undefined {
    const file = this.files.get(path)?.file;
    return file === undefined ? undefined : (file.digest ?? this.digestOfBytes(file.content));
  }

  /**
   * True when two files hold the same bytes, compared by their git object names or digests where
   * known (`bDigest`: b's, when the caller made it), so that a file listed unread is not read for it.
   */
  private sameBytes(a: InputFile, b: InputFile, bDigest = b.digest): boolean {
    if (a === b) return true;
    if (a.blob !== undefined && b.blob !== undefined) return a.blob === b.blob;
    if (a.digest !== undefined && bDigest !== undefined) return a.digest === bDigest;
    if (a.digest !== undefined) return a.digest === this.digestOfBytes(b.content);
    if (bDigest !== undefined) return bDigest === this.digestOfBytes(a.content);
    return a.content.equals(b.content);
  }

  /** The check of a file with these bytes made before: in this process, or kept on disk (found by `digest`). */
  reuse(file: InputFile, digest = this.digest(file)): FileCheck | undefined {
    const checked = this.files.get(file.path);
    if (checked && this.sameBytes(checked.file, file, digest)) return checked;
    const kept = digest === undefined ? undefined : this.stored?.lookup(file.path, digest);
    if (!kept) return undefined;
    const fromStore: FileCheck = { file, diagnostics: [], declarations: kept, exact: false };
    this.files.set(file.path, fromStore);
    return fromStore;
  }
}

/**
 * Pure: files (and problems found while reading them) to a model or
 * diagnostics. Every limit is checked here, whatever the files came from (the
 * disk, a commit, or a change about to be written), and every diagnostic
 * leaves with its outside text escaped and bounded.
 */
export function buildModel(
  { files, problems = [] }: { readonly files: readonly InputFile[]; readonly problems?: readonly Diagnostic[] },
  cache?: BuildCache,
): LoadResult {
  const diagnostics: Diagnostic[] = [...problems];
  const checks: { file: InputFile; checked: FileCheck; digest?: string }[] = [];
  const stored = cache?.stored;
  for (const file of [...files].sort((a, b) => compareStrings(a.path, b.path))) {
    // A file listed unread (its digest known from its fingerprint) was kept checked, so within the limit: its bytes are not read for this.
    if (file.digest === undefined && file.content.length > MAX_FILE_BYTES) {
      diagnostics.push(tooLarge(file.path, file.content.length));
      continue;
    }
    const digest = cache?.digest(file);
    let checked = cache?.reuse(file, digest);
    if (!checked) {
      checked = checkFile(file);
      cache?.files.set(file.path, checked);
    }
    diagnostics.push(...checked.diagnostics);
    checks.push({ file, checked, digest });
  }
  let declarations = checks.flatMap((c) => c.checked.declarations);
  // The local rules of kept declarations found nothing before, with the same rules (the cache's key covers them).
  const kept = stored && ((d: RawDeclaration) => stored.isKept(d));
  let ruleDiagnostics = checkRules(declarations, kept);
  // A rule reporting in a fast-read file needs its field positions: read those files again, exactly, and
  // run the rules again (the values, and so what the rules find, are the same; only positions change).
  const reported = new Set(ruleDiagnostics.map((d) => d.file));
  const inexact = checks.filter((c) => !c.checked.exact && reported.has(c.file.path));
  if (inexact.length > 0) {
    for (const c of inexact) {
      c.checked = checkFileExactly(c.file);
      cache?.files.set(c.file.path, c.checked);
    }
    declarations = checks.flatMap((c) => c.checked.declarations);
    ruleDiagnostics = checkRules(declarations, kept);
  }
  diagnostics.push(...ruleDiagnostics);
  if (stored) {
    const reporting = new Set(diagnostics.map((d) => d.file));
    for (const c of checks)
      if (c.digest !== undefined && !reporting.has(c.file.path))
        stored.keep(c.file.path, c.digest, c.checked.declarations, c.file.fingerprint, () => c.file.blob ?? gitBlobName(c.file.content));
  }
  const safe = diagnostics.map(safeDiagnostic).sort(compareDiagnostics);
  if (safe.some(isError)) return { diagnostics: safe };
  return { model: assemble(declarations, cache), diagnostics: safe };
}

/**
 * Parses one file and checks each document's shape (no rules: those need
 * every declaration): with the fast reader when the file is plain YAML and
 * has nothing to report, else with positions for every node.
 */
export function checkFile(file: InputFile): FileCheck {
  const text = decodeUtf8(file.path, file.content, []);
  const documents = text === undefined ? undefined : parseYamlFast(file.path, text);
  if (documents) {
    const fast = checkDocuments(file, documents, [], false);
    if (fast.diagnostics.length === 0) return fast;
  }
  return checkFileExactly(file);
}

/** Parses one file with every node's position and checks each document's shape. */
export function checkFileExactly(file: InputFile): FileCheck {
  const parsed = parseYamlFile(file.path, file.content);
  return checkDocuments(file, parsed.documents, parsed.diagnostics, true);
}

function checkDocuments(file: InputFile, documents: readonly ParsedDocument[], found: readonly Diagnostic[], exact: boolean): FileCheck {
  const diagnostics = [...found];
  const declarations: RawDeclaration[] = [];
  for (const document of documents) {
    const read = readDeclaration(document);
    diagnostics.push(...read.diagnostics);
    if (read.declaration) declarations.push(read.declaration);
  }
  return { file, diagnostics, declarations, exact };
}

function assemble(declarations: readonly RawDeclaration[], cache: BuildCache | undefined): Model {
  const namespaces: Namespace[] = [];
  const presets: ResourceLimitPreset[] = [];
  const templates: McpTemplate[] = [];
  const secrets: Secret[] = [];
  for (const d of declarations) {
    let declaration = cache?.declarations.get(d);
    if (!declaration) {
      declaration = declarationOf(d);
      cache?.declarations.set(d, declaration);
    }
    switch (declaration.kind) {
      case 'Namespace':
        namespaces.push(declaration);
        break;
      case 'ResourceLimit':
        presets.push(declaration);
        break;
      case 'McpTemplate':
        templates.push(declaration);
        break;
      case 'Secret':
        secrets.push(declaration);
        break;
    }
  }
  const byName = <T extends { name: string }>(items: T[]) => new Map(items.sort((x, y) => compareStrings(x.name, y.name)).map((i) => [i.name, i] as const));
  const byKey = <T extends { name: string; namespace: string }>(items: T[]) =>
    new Map(items.map((i) => [namespacedKey(i.namespace, i.name), i] as const).sort(([x], [y]) => compareStrings(x, y)));
  return deepFreeze({ namespaces: byName(namespaces), presets: byName(presets), templates: byKey(templates), secrets: byKey(secrets) });
}

/** The model object of one checked declaration (its defaults filled in). */
export function declarationOf(d: RawDeclaration): Declaration {
  const v = d.value;
  const source: SourceRef = { file: d.file, ...d.start };
  const common = { name: s(v.name), labels: labels(v.labels), source };
  switch (d.kind) {
    case 'Namespace':
      return { kind: 'Namespace', ...common, display_name: s(v.display_name), description: s(v.description) };
    case 'ResourceLimit': {
      const l = o(v.limits);
      return {
        kind: 'ResourceLimit',
        ...common,
        display_name: s(v.display_name),
        description: s(v.description),
        limits: {
          cpu: s(l.cpu),
          memory: s(l.memory),
          cpu_limit: opt(l.cpu_limit),
          memory_limit: opt(l.memory_limit),
          ephemeral_storage: opt(l.ephemeral_storage),
        },
        volumes: a(v.volumes).map(volume),
      };
    }
    case 'McpTemplate': {
      const transport = enumOrDefault<Transport>(v.transport, DEFAULTS.transport);
      return {
        kind: 'McpTemplate',
        ...common,
        namespace: s(v.namespace),
        image: s(v.image),
        command: a(v.command).map(String),
        args: a(v.args).map(String),
        env_vars: a(v.env_vars).map(envVar),
        resource_limit_name: s(v.resource_limit_name),
        resources: { cpu: opt(o(v.resources).cpu), memory: opt(o(v.resources).memory) },
        display_name: s(v.display_name),
        description: s(v.description),
        replicas: typeof v.replicas === 'number' ? v.replicas : DEFAULTS.replicas,
        transport,
        port: typeof v.port === 'number' ? v.port : DEFAULTS.port,
        path: typeof v.path === 'string' && v.path !== '' ? v.path : transport === 'TRANSPORT_SSE' ? DEFAULTS.ssePath : DEFAULTS.path,
      };
    }
    case 'Secret': {
      const sealed = o(v.sealed);
      const data = sortedRecord(Object.fromEntries(Object.entries(o(sealed.encrypted_data)).map(([k, val]) => [k, String(val)])));
      return {
        kind: 'Secret',
        ...common,
        namespace: s(v.namespace),
        type: enumOrDefault<SecretType>(v.type, DEFAULTS.secretType),
        scope: enumOrDefault<SealingScope>(sealed.scope, DEFAULTS.sealingScope),
        encrypted_data: data,
        keys: Object.keys(data),
      };
    }
  }
}

function volume(raw: PlainValue): Volume {
  const v = o(raw);
  const emptyDir = v.empty_dir === undefined ? undefined : o(v.empty_dir);
  return {
    name: s(v.name),
    mount_path: s(v.mount_path),
    ...(emptyDir && { empty_dir: { size_limit: opt(emptyDir.size_limit), memory: emptyDir.memory === true } }),
  };
}

function envVar(raw: PlainValue): EnvVar {
  const e = o(raw);
  if (e.secret_key_ref !== undefined) {
    const ref = o(e.secret_key_ref);
    return { name: s(e.name), secret_key_ref: { name: s(ref.name), key: s(ref.key) } };
  }
  return { name: s(e.name), value: s(e.value) };
}

function labels(v: PlainValue | undefined): Record<string, string> {
  return sortedRecord(Object.fromEntries(Object.entries(o(v)).map(([k, val]) => [k, String(val)])));
}

const s = (v: PlainValue | undefined): string => (typeof v === 'string' ? v : '');
const opt = (v: PlainValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
const o = (v: PlainValue | undefined): PlainMessage => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {});
const a = (v: PlainValue | undefined): PlainValue[] => (Array.isArray(v) ? v : []);
