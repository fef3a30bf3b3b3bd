/**
 * created_at from git history: when each declaration file was first added.
 *
 * One pass: `git log --reverse -M --name-status -z` over the declarations
 * folder, oldest commit first. A path gets the committer time of the commit
 * that added it; a rename carries the time over to the new path (so moving a
 * file keeps its declarations' created_at); a delete forgets it (a file added
 * again later is a new declaration). Every declaration in a file shares the
 * file's time. A later commit is handled incrementally from an earlier result
 * when the earlier commit is its ancestor (`git log OLD..NEW`).
 */
import { gitFor, runGit } from './git.js';

export interface CreationTimes {
  /** The commit these times are for. */
  readonly sha: string;
  /** Committer time (Unix seconds) of that commit: the fallback for a path history does not explain. */
  readonly commitTime: number;
  /** Repo-relative path → Unix seconds of the commit that first added it (following renames). */
  readonly times: ReadonlyMap<string, number>;
  /** The folder the history was read for. */
  readonly under: string;
}

export interface CreationTimesOptions {
  /** Folder to read history for; `resources` by default. */
  under?: string;
  /** An earlier result to continue from (used only when its commit is an ancestor of `sha`). */
  base?: CreationTimes;
  /** Stops the git commands (the result rejects): a build abandoned for a newer commit. */
  signal?: AbortSignal;
}

/** created_at of a file of the commit, in Unix seconds. */
export function creationTime(ct: CreationTimes, path: string): number {
  return ct.times.get(path) ?? ct.commitTime;
}

/** Applies `git log --reverse -M --name-status -z --format=%x01%H %ct` output to `times`. */
export function applyLog(out: string, times: Map<string, number>): void {
  const tokens = out.split('\0');
  let now = 0;
  let i = 0;
  while (i < tokens.length) {
    let token = tokens[i++] ?? '';
    // The first status after a header, and the next header, begin on a new line.
    token = token.replace(/^\n+/, '');
    if (token === '') continue;
    if (token.charCodeAt(0) === 1) {
      const space = token.indexOf(' ');
      now = Number(token.slice(space + 1).trim());
      continue;
    }
    const status = token[0];
    if (status === 'R' || status === 'C') {
      const from = tokens[i++] ?? '';
      const to = tokens[i++] ?? '';
      const t = status === 'R' ? times.get(from) : undefined;
      if (status === 'R') times.delete(from);
      times.set(to, t ?? now);
    } else {
      const path = tokens[i++] ?? '';
      if (status === 'A') times.set(path, now);
      else if (status === 'D') times.delete(path);
      else if (!times.has(path)) times.set(path, now); // M/T of a path history did not show being added (shallow clone, evil merge)
    }
  }
}

async function isAncestor(repoDir: string, ancestor: string, sha: string, signal?: AbortSignal): Promise<boolean> {
  try {
    await runGit(repoDir, ['merge-base', '--is-ancestor', ancestor, sha], undefined, signal);
    return true;
  } catch {
    return false;
  }
}

/** Creation times of the files under `under` as of commit `sha` (a full SHA). */
export async function fileCreationTimes(repoDir: string, sha: string, opts: CreationTimesOptions = {}): Promise<CreationTimes> {
  const under = (opts.under ?? 'resources').replace(/^\.?\/+|\/+$/g, '');
  const base = opts.base;
  const git = gitFor(repoDir, opts.signal);
  let range = sha;
  let times = new Map<string, number>();
  if (base && base.under === under) {
    if (base.sha === sha) return base;
    if (await isAncestor(repoDir, base.sha, sha, opts.signal)) {
      range = `${base.sha}..${sha}`;
      times = new Map(base.times);
    }
  }
  const args = ['log', '--reverse', '-M', '--name-status', '-z', '--no-color', '--format=%x01%H %ct', range];
  if (under) args.push('--', under);
  const [out, head] = await Promise.all([git.raw(args), git.raw(['show', '-s', '--format=%ct', sha])]);
  applyLog(out, times);
  return { sha, commitTime: Number(head.trim()) || 0, times, under };
}
