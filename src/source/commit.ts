/**
 * The declaration files of one commit, read straight from the object store
 * (no checkout): `git ls-tree -r -l -z` lists them with their sizes, then one
 * `git cat-file --batch` reads the contents.
 *
 * The hostile-input checks are the working-tree reader's (source/
 * working-tree.ts): only *.yaml / *.yml, names starting with a dot skipped, a
 * size limit per file checked before reading, and symlinks followed only while
 * they stay inside the commit's tree (`cat-file --follow-symlinks` resolves
 * them without touching the disk). A symlinked directory inside the tree is
 * walked once per distinct tree object.
 */
import { posix } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { errorMessage, McpoError } from '../core/errors.js';
import { MAX_FILE_BYTES } from '../core/limits.js';
import { isDeclarationFile, RESOURCES_DIR } from '../core/repository.js';
import { decodeName, escapedName, type InputFile, notUtf8Name, type SourceFiles, tooLarge } from './files.js';
import { resolveCommit, runGit, runGitSync } from './git.js';

/** The message of a blob the object store cannot give (missing or corrupt): the repository may heal. */
export const OBJECT_MISSING = 'object missing from the repository';

/** True for a problem of the object store rather than of the declarations (trying again may succeed). */
export function isObjectStoreProblem(d: Diagnostic): boolean {
  return d.code === 'file.unreadable' && d.severity === 'error' && d.message === OBJECT_MISSING;
}

export interface CommitFiles extends SourceFiles {
  /** Full SHA of the commit that was read. */
  readonly sha: string;
}

interface TreeEntry {
  mode: string;
  type: string;
  object: string;
  size: number | undefined;
  /** Repo-relative path. */
  path: string;
  /** Set when the name's bytes are not UTF-8: `path` is then shown with \xNN escapes and names no file. */
  notUtf8?: true;
}

interface Wanted {
  path: string;
  object: string;
}

/** How deep symlinked directories may nest inside each other. */
const MAX_LINK_DEPTH = 8;

/** Parses `git ls-tree -r -l -z` output; `prefix` is put before each path. */
function parseLsTree(out: Buffer, prefix = ''): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let start = 0;
  while (start < out.length) {
    let end = out.indexOf(0, start);
    if (end < 0) end = out.length;
    const tab = out.indexOf(9, start);
    const recordStart = start;
    start = end + 1;
    if (tab < 0 || tab > end) continue;
    const [mode = '', type = '', object = '', size = '-'] = out.toString('utf8', recordStart, tab).split(/ +/);
    // Names are bytes in git: one that is not UTF-8 is reported, never decoded lossily.
    const nameBytes = out.subarray(tab + 1, end);
    const name = decodeName(nameBytes);
    entries.push({
      mode,
      type,
      object,
      size: size === '-' ? undefined : Number(size),
      path: prefix + (name ?? escapedName(nameBytes)),
      ...(name === undefined && { notUtf8: true as const }),
    });
  }
  return entries;
}

/** True when a segment of `path` below `base` starts with a dot (the working-tree reader skips those). */
function hidden(path: string, base: string): boolean {
  const rest = base && path.startsWith(base + '/') ? path.slice(base.length + 1) : path;
  return rest.split('/').some((segment) => segment.startsWith('.'));
}

/**
 * Blob contents by object name, shared between reads of commits of one repository (a blob's
 * name is the hash of its content, so a blob already read need not be read again).
 */
export type BlobCache = Map<string, Buffer>;

/** The check cache's digest of a file's bytes when they make the git object `blob`, if kept (model/check-cache.ts). */
export type KnownBlob = (path: string, blob: string) => string | undefined;

export interface CommitReadOptions {
  /** The folder to read, relative to the repository (default resources/). */
  readonly under?: string;
  /** Blobs read before (another commit of the same repository): only the others are read from git, and those are added. */
  readonly blobs?: BlobCache;
  /**
   * Files whose blob gives a known digest are not read: their bytes are read from git only when
   * asked for (InputFile.content), as when a rule reports in such a file and needs its positions.
   */
  readonly known?: KnownBlob;
}

/**
 * Reads `under/**\/*.y{a,}ml` of commit `rev` in `repoDir`.
 * Throws McpoError('usage') when `rev` does not name a commit.
 */
export async function readCommitFiles(repoDir: string, rev: string, opts: CommitReadOptions = {}): Promise<CommitFiles> {
  const { under = RESOURCES_DIR, blobs, known } = opts;
  const sha = await resolveCommit(repoDir, rev);
  if (!sha) throw new McpoError('usage', `not a commit in ${repoDir}: ${rev}`);
  const base = under.replace(/^\.?\/+|\/+$/g, '');
  const problems: Diagnostic[] = [];
  const wanted: Wanted[] = [];

  let entries: TreeEntry[];
  const visitedTrees = new Set<string>();
  if (base) {
    const tree = await resolveObject(repoDir, `${sha}:${base}`);
    if (!tree) {
      problems.push({
        code: 'file.unreadable',
        severity: 'error',
        message: `no ${base}/ folder in commit ${sha.slice(0, 12)}`,
        file: base,
        hint: 'declarations live in resources/**/*.yaml',
      });
      return { sha, files: [], problems };
    }
    visitedTrees.add(tree);
  }
  entries = parseLsTree(await runGit(repoDir, ['ls-tree', '-r', '-l', '-z', '--full-tree', sha, ...(base ? ['--', base] : [])]));

  for (let depth = 0; entries.length > 0; depth++) {
    const links: TreeEntry[] = [];
    for (const e of entries) {
      if (hidden(e.path, base)) continue;
      if (e.notUtf8) {
        if (isDeclarationFile(e.path) || e.mode === '120000') problems.push(notUtf8Name(e.path));
      } else if (e.mode === '120000') links.push(e);
      else if (e.type === 'blob' && isDeclarationFile(e.path)) {
        if (e.size !== undefined && e.size > MAX_FILE_BYTES) problems.push(tooLarge(e.path, e.size));
        else wanted.push({ path: e.path, object: e.object });
      } else if (e.type === 'commit' && isDeclarationFile(e.path)) {
        problems.push({ code: 'file.unreadable', severity: 'warning', message: 'a submodule is not read as a declaration file', file: e.path });
      }
    }
    entries = links.length > 0 ? await followLinks(repoDir, sha, links, wanted, problems, visitedTrees, depth) : [];
  }

  const files: InputFile[] = [];
  const toRead: Wanted[] = [];
  for (const w of wanted) {
    const digest = known?.(w.path, w.object);
    if (digest === undefined) toRead.push(w);
    else files.push(unreadBlob(repoDir, w, digest));
  }
  const needed = [...new Set(toRead.map((w) => w.object))];
  const contents = await readBlobs(
    repoDir,
    needed.filter((o) => !blobs?.has(o)),
  );
  if (blobs) {
    for (const [object, content] of contents) blobs.set(object, content);
    for (const object of needed) if (!contents.has(object) && blobs.has(object)) contents.set(object, blobs.get(object)!);
  }
  for (const w of toRead) {
    const content = contents.get(w.object);
    if (content) files.push({ path: w.path, content, blob: w.object });
    else problems.push({ code: 'file.unreadable', severity: 'error', message: OBJECT_MISSING, file: w.path });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { sha, files, problems };
}

/** A file listed with the digest the check cache kept for its blob; its bytes are read from git when first asked for. */
function unreadBlob(repoDir: string, w: Wanted, digest: string): InputFile {
  let content: Buffer | undefined;
  return {
    path: w.path,
    digest,
    blob: w.object,
    get content() {
      return (content ??= readBlobSync(repoDir, w));
    },
  };
}

/** One blob's bytes, now (a getter cannot wait); a blob the object store cannot give is an error naming the file. */
function readBlobSync(repoDir: string, w: Wanted): Buffer {
  try {
    return runGitSync(repoDir, ['cat-file', 'blob', w.object], MAX_FILE_BYTES);
  } catch (err) {
    throw new McpoError('unavailable', `${w.path}: ${OBJECT_MISSING} (${errorMessage(err)})`, { hint: 'run `git fsck`, then the command again' });
  }
}

async function resolveObject(repoDir: string, expr: string): Promise<string | undefined> {
  try {
    return (await runGit(repoDir, ['rev-parse', '--verify', '--quiet', expr])).toString('utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

type CheckResult = { kind: 'object'; object: string; type: string; size: number } | { kind: 'symlink'; target: string } | { kind: 'nothing'; why: string };

/** `git cat-file --batch-check --follow-symlinks` for each expression. */
async function batchCheck(repoDir: string, exprs: string[]): Promise<CheckResult[]> {
  if (exprs.length === 0) return [];
  const lines = (await runGit(repoDir, ['cat-file', '--batch-check', '--follow-symlinks'], exprs.map((e) => `${e}\n`).join(''))).toString('utf8').split('\n');
  const results: CheckResult[] = [];
  let i = 0;
  for (let n = 0; n < exprs.length; n++) {
    const words = (lines[i++] ?? '').split(' ');
    if (words[0] === 'symlink') results.push({ kind: 'symlink', target: lines[i++] ?? '' });
    else if (words[0] === 'dangling' || words[0] === 'loop' || words[0] === 'notdir') {
      i++; // the echoed request
      results.push({ kind: 'nothing', why: words[0] });
    } else if (words.length === 3 && words[1] !== 'missing')
      results.push({ kind: 'object', object: words[0] ?? '', type: words[1] ?? '', size: Number(words[2]) });
    else results.push({ kind: 'nothing', why: 'missing' });
  }
  return results;
}

/**
 * Follows symlinks inside the commit's tree with `cat-file --batch-check
 * --follow-symlinks`. Links to files add to `wanted`; links to directories
 * return that directory's entries (under the link's path) for another round;
 * links that leave the tree or point at nothing become diagnostics. git calls
 * a link to "." dangling: such links are resolved once more from their text.
 */
async function followLinks(
  repoDir: string,
  sha: string,
  links: TreeEntry[],
  wanted: Wanted[],
  problems: Diagnostic[],
  visitedTrees: Set<string>,
  depth: number,
): Promise<TreeEntry[]> {
  const askable = links.filter((l) => {
    if (!/[\n\r]/.test(l.path)) return true;
    problems.push({ code: 'file.unreadable', severity: 'error', message: 'a symlink whose name contains a line break is not followed', file: l.path });
    return false;
  });
  const more: TreeEntry[] = [];
  const outside = (link: TreeEntry): void => {
    problems.push({
      code: 'file.outside-repo',
      severity: 'error',
      message: 'symlink leads outside the repository; it is not read',
      file: link.path,
      hint: 'copy the file into the repository instead',
    });
  };
  const nothing = (link: TreeEntry): void => {
    problems.push({ code: 'file.outside-repo', severity: 'error', message: 'symlink points at nothing', file: link.path });
  };
  const handle = async (link: TreeEntry, result: CheckResult): Promise<void> => {
    if (result.kind === 'symlink') return outside(link);
    if (result.kind === 'nothing') return nothing(link);
    if (result.type === 'blob') {
      if (!isDeclarationFile(link.path)) return;
      if (result.size > MAX_FILE_BYTES) problems.push(tooLarge(link.path, result.size));
      else wanted.push({ path: link.path, object: result.object });
    } else if (result.type === 'tree') {
      if (visitedTrees.has(result.object)) return;
      visitedTrees.add(result.object);
      if (depth >= MAX_LINK_DEPTH) {
        problems.push({ code: 'file.unreadable', severity: 'error', message: 'symlinked directories nest too deep', file: link.path });
        return;
      }
      more.push(...parseLsTree(await runGit(repoDir, ['ls-tree', '-r', '-l', '-z', result.object]), `${link.path}/`));
    }
  };

  const results = await batchCheck(
    repoDir,
    askable.map((l) => `${sha}:${l.path}`),
  );
  const dangling: TreeEntry[] = [];
  for (const [n, link] of askable.entries()) {
    const result = results[n]!;
    if (result.kind === 'nothing' && result.why === 'dangling') dangling.push(link);
    else await handle(link, result);
  }
  if (dangling.length === 0) return more;

  const targets = await readBlobs(
    repoDir,
    dangling.map((l) => l.object),
  );
  const retry: { link: TreeEntry; expr: string }[] = [];
  for (const link of dangling) {
    const target = targets.get(link.object)?.toString('utf8') ?? '';
    const joined = posix.normalize(posix.join(posix.dirname(link.path), target));
    if (target === '' || /[\n\r]/.test(target)) nothing(link);
    else if (target.startsWith('/') || joined === '..' || joined.startsWith('../')) outside(link);
    else retry.push({ link, expr: joined === '.' ? `${sha}^{tree}` : `${sha}:${joined}` });
  }
  const second = await batchCheck(
    repoDir,
    retry.map((r) => r.expr),
  );
  for (const [n, { link }] of retry.entries()) await handle(link, second[n]!);
  return more;
}

/** Contents of blobs by object name, read with one `git cat-file --batch`. */
async function readBlobs(repoDir: string, objects: string[]): Promise<Map<string, Buffer>> {
  const result = new Map<string, Buffer>();
  if (objects.length === 0) return result;
  const out = await runGit(repoDir, ['cat-file', '--batch'], objects.map((o) => `${o}\n`).join(''));
  let pos = 0;
  for (const object of objects) {
    const nl = out.indexOf(10, pos);
    if (nl < 0) break;
    const words = out.toString('utf8', pos, nl).split(' ');
    pos = nl + 1;
    if (words.length !== 3) continue; // "<object> missing"
    const size = Number(words[2]);
    // Copy: the large stdout buffer must not stay alive through one small slice.
    result.set(object, Buffer.from(out.subarray(pos, pos + size)));
    pos += size + 1;
  }
  return result;
}
