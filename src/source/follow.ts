/**
 * Following a config repository: tell the caller each time the followed
 * branch points at a new commit.
 *
 * - A local path is read in place (work tree or bare): every poll interval,
 *   and sooner when fs.watch sees the git dir move (the poll stays as the
 *   fallback for filesystems where watching fails), the branch is looked at,
 *   with `git rev-parse` only when a file git rewrites to move a ref changed
 *   (ref-fingerprint.ts).
 * - A URL is cloned once (bare, single branch) into a cache dir and fetched
 *   every poll interval; commits are read from that clone.
 *
 * Nothing here reads files of a commit: callers get a SHA and read it with
 * readCommitFiles(), so a half-written work tree is never seen.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gitFor, type RemoteGitOptions, resolveCommit, runGit, runGitRemote } from './git.js';
import { echo } from '../core/echo.js';
import { errorMessage, McpoError } from '../core/errors.js';
import { defaultCacheDir } from './cache-dir.js';
import { readFileBounded } from './read-bounded.js';
import { refFingerprint } from './ref-fingerprint.js';

/**
 * A local ref whose files did not change is still resolved with git this
 * often: a net under the fingerprint for ref storage it does not know.
 */
const RESOLVE_AT_LEAST_EVERY_MS = 60_000;

export interface FollowOptions {
  /** A local repository path, or a git URL (https://, ssh://, file://, git@host:path). */
  source: string;
  /** Branch to follow; the current branch (local) or the remote's default branch (URL) when not set. */
  branch?: string;
  /** How often to look for a new commit (local: rev-parse; URL: fetch). */
  pollIntervalMs?: number;
  /** Where URL clones live; `${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/repos` by default. */
  cacheDir?: string;
  /** A clone or fetch that takes longer is killed (default 2 min; a first clone gets five times this). */
  fetchTimeoutMs?: number;
  /** Shortest time between two fetches made for reachable() (default 2 s). */
  minFetchIntervalMs?: number;
  /** How clones and fetches authenticate (files, read by git on each fetch: a rotated Secret is picked up). */
  credentials?: GitCredentials;
}

export interface GitCredentials {
  /**
   * A mounted Secret's directory, looked at on each fetch: `token` (or
   * `password`, with `username`, as in a kubernetes.io/basic-auth Secret) for
   * an https:// URL; `ssh-privatekey` (kubernetes.io/ssh-auth) and
   * `known_hosts` for an SSH URL. The files given one by one below win.
   */
  dir?: string;
  /** HTTPS: a file holding the token, handed to git by a credential helper (never on a command line or in the environment). */
  tokenFile?: string;
  /** The user name sent with the token (default x-access-token; GitLab takes any, Bitbucket wants x-token-auth). */
  username?: string;
  /** SSH: the private key file. */
  sshKeyFile?: string;
  /** SSH: known_hosts for the server; the host key must be in it (StrictHostKeyChecking=yes). */
  knownHostsFile?: string;
}

export type CommitListener = (sha: string) => void;
export type ErrorListener = (err: Error) => void;
/** After each look at the branch that could read it (whether or not it moved). */
export type ReadableListener = () => void;

const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCP_LIKE = /^[^/\s]+@[^/\s]+:/;

/** True when `source` should be cloned rather than read in place. */
export function isRemoteSource(source: string): boolean {
  if (existsSync(source)) return false;
  return URL_LIKE.test(source) || SCP_LIKE.test(source);
}

/** The URL with any user:password part removed, for logs and messages. */
export function redactUrl(source: string): string {
  return source.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@');
}

export class RepoFollower {
  readonly remote: boolean;
  private dir: string | undefined;
  private ref: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watchers: FSWatcher[] = [];
  private last: string | undefined;
  private checking: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private onReadable: ReadableListener | undefined;
  private readonly intervalMs: number;
  private fetching: Promise<void> | undefined;
  private lastOnDemandFetch = 0;
  /** Kills clones and fetches under way when following stops. */
  private remoteAbort = new AbortController();
  /** A local repository's git dir, once found. */
  private gitDir: string | undefined;
  /** The last commit git resolved the local ref to, with the fingerprint of the ref's files taken before. */
  private resolved: { fingerprint: string; sha: string; at: number } | undefined;

  constructor(private readonly opts: FollowOptions) {
    this.remote = isRemoteSource(opts.source);
    this.intervalMs = Math.max(50, opts.pollIntervalMs ?? (this.remote ? 30_000 : 1000));
  }

  /** The repository commits are read from (the clone, for a URL). Valid after prepare(). */
  get repoDir(): string {
    if (!this.dir) throw new Error('RepoFollower.prepare() has not run');
    return this.dir;
  }

  /** The ref being followed, e.g. refs/heads/main or HEAD. Valid after prepare(). */
  get followedRef(): string {
    return this.ref ?? 'HEAD';
  }

  /** A description of the source for logs (credentials removed). */
  get description(): string {
    return this.remote ? redactUrl(this.opts.source) : resolve(this.opts.source);
  }

  /**
   * Checks the options and the repository (path) or the clone's place in the
   * cache (URL); resolves with the directory to read commits from. A URL is
   * cloned by the first head() (and again by each poll until it succeeds),
   * so a remote that cannot be reached yet does not stop a server starting.
   */
  async prepare(): Promise<string> {
    if (this.dir) return this.dir;
    const branch = this.opts.branch;
    if (branch !== undefined && !isSafeBranch(branch)) throw new McpoError('usage', `invalid branch name: ${echo(branch)}`);
    if (this.opts.credentials?.tokenFile && !/^https?:\/\//i.test(this.opts.source)) {
      throw new McpoError('usage', 'a git token file is for an https:// repository URL', { hint: 'for ssh:// or git@host: URLs, give an SSH key file' });
    }
    if (this.remote) {
      this.dir = await this.cloneDir();
      if (branch) this.ref = `refs/heads/${branch}`;
    } else {
      const dir = resolve(this.opts.source);
      if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new McpoError('usage', `not a directory: ${dir}`);
      try {
        await runGit(dir, ['rev-parse', '--git-dir']);
      } catch {
        throw new McpoError('usage', `not a git repository: ${dir}`, { hint: 'pass --repo with a git repository (a path or a URL)' });
      }
      this.dir = dir;
      this.ref = branch ? `refs/heads/${branch}` : 'HEAD';
    }
    return this.dir;
  }

  /** The commit the followed branch points at now (after a fetch, for a URL). */
  async head(fetch = true): Promise<string> {
    const dir = await this.prepare();
    if (this.remote && !(await this.ensureClone()) && fetch) await this.fetch();
    // Taken before git runs: a ref that moves while it runs leaves another fingerprint for the next look.
    const fingerprint = this.remote ? undefined : this.localRefFingerprint();
    const kept = this.resolved;
    if (fingerprint && kept?.fingerprint === fingerprint && Date.now() - kept.at < RESOLVE_AT_LEAST_EVERY_MS) return kept.sha;
    const sha = await resolveCommit(dir, this.followedRef);
    if (!sha) throw new McpoError('unavailable', `${this.description}: ${this.followedRef} does not point at a commit`);
    this.resolved = fingerprint ? { fingerprint, sha, at: Date.now() } : undefined;
    return sha;
  }

  /** The fingerprint of the local ref's files (ref-fingerprint.ts); undefined when there is none to trust. */
  private localRefFingerprint(): string | undefined {
    try {
      this.gitDir ??= resolve(this.repoDir, gitDirOf(this.repoDir));
      return refFingerprint(this.gitDir, this.followedRef);
    } catch {
      return undefined;
    }
  }

  /**
   * Calls `onCommit` with each new commit of the branch (starting after
   * `known`, the commit the caller already has). Errors go to `onError` (on
   * every failed look) and the following continues; `onReadable` hears of
   * every look that succeeded, so a caller can tell when reading recovers.
   */
  start(onCommit: CommitListener, onError: ErrorListener, known?: string, onReadable?: ReadableListener): void {
    this.last = known;
    this.stopped = false;
    if (this.remoteAbort.signal.aborted) this.remoteAbort = new AbortController();
    this.onReadable = onReadable;
    const tick = (): void => {
      if (this.stopped) return;
      void this.check(onCommit, onError).finally(() => {
        if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
      });
    };
    this.timer = setTimeout(tick, this.intervalMs);
    if (!this.remote) this.watchGitDir(onCommit, onError);
  }

  stop(): void {
    this.stopped = true;
    this.remoteAbort.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }

  /** One look for a new commit; concurrent calls are coalesced. */
  private check(onCommit: CommitListener, onError: ErrorListener): Promise<void> {
    if (this.checking) {
      this.again = true;
      return this.checking;
    }
    this.checking = (async () => {
      do {
        this.again = false;
        try {
          const sha = await this.head();
          if (!this.stopped) this.onReadable?.();
          if (!this.stopped && sha !== this.last) {
            this.last = sha;
            onCommit(sha);
          }
        } catch (err) {
          if (!this.stopped) onError(err instanceof Error ? err : new Error(String(err)));
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private watchGitDir(onCommit: CommitListener, onError: ErrorListener): void {
    let gitDir: string;
    try {
      gitDir = this.gitDir ??= resolve(this.repoDir, gitDirOf(this.repoDir));
    } catch {
      return;
    }
    let pending: NodeJS.Timeout | undefined;
    const poke = (): void => {
      if (pending || this.stopped) return;
      pending = setTimeout(() => {
        pending = undefined;
        void this.check(onCommit, onError);
      }, 25);
    };
    for (const [path, recursive] of [
      [gitDir, false],
      [join(gitDir, 'refs', 'heads'), true],
    ] as const) {
      try {
        const w = watch(path, { recursive, persistent: false }, poke);
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // Polling covers it.
      }
    }
  }

  /** Where the clone of the URL lives in the cache; refuses a cache entry of another repository. */
  private async cloneDir(): Promise<string> {
    const root = join(this.opts.cacheDir ?? join(defaultCacheDir(), 'repos'));
    mkdirSync(root, { recursive: true });
    const key = createHash('sha256')
      .update(`${this.opts.source}\n${this.opts.branch ?? ''}`)
      .digest('hex')
      .slice(0, 16);
    const base = (this.opts.source.replace(/\/+$/, '').split(/[/:]/).pop() ?? 'repo').replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]/g, '_');
    const dir = join(root, `${base || 'repo'}-${key}.git`);
    if (existsSync(join(dir, 'HEAD'))) {
      try {
        const url = (await gitFor(dir).raw(['config', '--get', 'remote.origin.url'])).trim();
        if (url === this.opts.source) return dir;
      } catch {
        // Not a usable clone: refused below.
      }
      throw new McpoError('precondition', `cache dir ${dir} holds another repository`, { hint: 'remove it' });
    }
    return dir;
  }

  /**
   * Clones the URL into the cache when it is not there yet (into a temporary
   * name renamed at the end, so a clone cut short is never taken for one);
   * resolves true when it cloned just now.
   */
  private async ensureClone(): Promise<boolean> {
    const dir = this.repoDir;
    let cloned = false;
    if (!existsSync(join(dir, 'HEAD'))) {
      const partial = `${dir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
      const args = ['clone', '--bare', '--single-branch', '--quiet'];
      if (this.opts.branch) args.push('--branch', this.opts.branch);
      args.push('--', this.opts.source, partial);
      try {
        await runGitRemote(dirname(dir), args, this.remoteOptions(5));
        renameSync(partial, dir);
      } catch (err) {
        rmSync(partial, { recursive: true, force: true });
        throw new McpoError('unavailable', `cannot clone ${redactUrl(this.opts.source)}: ${redactUrl(errorMessage(err))}`);
      }
      cloned = true;
    }
    this.ref ??= (await symbolicHead(dir)) ?? 'refs/mcpo/HEAD';
    return cloned;
  }

  /** Timeout (times `scale` for a clone) and credentials of a command that talks to the remote. */
  private remoteOptions(scale = 1): RemoteGitOptions {
    return {
      timeoutMs: (this.opts.fetchTimeoutMs ?? 120_000) * scale,
      signal: this.remoteAbort.signal,
      ...credentialOptions(this.opts.source, this.opts.credentials),
    };
  }

  /**
   * True when `sha` names a commit the followed branch contains (the branch
   * tip or one of its ancestors). For a URL whose clone lacks it, the branch
   * is fetched first — the followed refspec, never the object `sha` names
   * (a page token is untrusted) — at most once per `minFetchIntervalMs`
   * (default 2 s) for these checks; polls do not count.
   */
  async reachable(sha: string): Promise<boolean> {
    if (!FULL_SHA.test(sha)) return false;
    const dir = await this.prepare();
    if (this.remote) await this.ensureClone();
    const onBranch = async (): Promise<boolean> => (await hasCommit(dir, sha)) && (await isAncestor(dir, sha, this.followedRef));
    if (await onBranch()) return true;
    if (!this.remote) return false;
    const now = Date.now();
    if (now - this.lastOnDemandFetch < (this.opts.minFetchIntervalMs ?? 2000)) {
      // Within the interval: a fetch under way may still bring it.
      if (!this.fetching) return false;
      await this.fetching.catch(() => undefined);
      return onBranch();
    }
    this.lastOnDemandFetch = now;
    await this.fetch();
    return onBranch();
  }

  /** One fetch at a time: a poll and an on-demand check share the one under way. */
  private fetch(): Promise<void> {
    this.fetching ??= this.fetchNow().finally(() => {
      this.fetching = undefined;
    });
    return this.fetching;
  }

  private async fetchNow(): Promise<void> {
    const ref = this.followedRef;
    const refspec = ref.startsWith('refs/heads/') ? `+${ref}:${ref}` : '+HEAD:refs/mcpo/HEAD';
    try {
      await runGitRemote(this.repoDir, ['fetch', '--quiet', '--no-tags', 'origin', refspec], this.remoteOptions());
    } catch (err) {
      throw new McpoError('unavailable', `fetch from ${redactUrl(this.opts.source)} failed: ${redactUrl(errorMessage(err))}`);
    }
  }
}

/**
 * The credential helper: answers `get` for the remote's own host only (a
 * redirect elsewhere gets nothing) with the user name and the token read from
 * the file at that moment. The file's path and the host come in the
 * environment; the token travels from the file through `tr` into git's pipe,
 * so it is in no process's arguments or environment. `credential.helper=`
 * first drops any helper configured elsewhere.
 */
const CREDENTIAL_HELPER =
  '!f() { test "$1" = get || exit 0; host=; while IFS= read -r line && test -n "$line"; do case "$line" in host=*) host=${line#host=};; esac; done; ' +
  'test "$host" = "$MCPO_GIT_HOST" || exit 0; printf "username=%s\\n" "$MCPO_GIT_USERNAME"; printf "password=%s\\n" "$(tr -d "\\r\\n" < "$MCPO_GIT_TOKEN_FILE")"; }; f';

/** Shell-quoted for GIT_SSH_COMMAND (which git runs through the shell). */
function shellQuoted(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}

function readableFile(what: string, path: string): string {
  const full = resolve(path);
  try {
    accessSync(full, constants.R_OK);
    if (!statSync(full).isFile()) throw new Error('not a file');
  } catch (err) {
    throw new McpoError('unavailable', `${what} ${echo(full)} cannot be read: ${echo(errorMessage(err), 200)}`, {
      hint: 'check the Secret is mounted there and readable by the server',
    });
  }
  return full;
}

/** The git config and environment of a clone or fetch with these credentials (checked each time: a Secret can be mounted late). */
export function credentialOptions(source: string, creds: GitCredentials | undefined): Pick<RemoteGitOptions, 'config' | 'env'> {
  const config: string[] = [];
  const env: Record<string, string> = {};
  creds = creds?.dir ? { ...fromDirectory(source, creds.dir), ...definedOnly(creds) } : creds;
  if (creds?.tokenFile) {
    const host = URL.canParse(source) ? new URL(source).host : '';
    if (!host) throw new McpoError('usage', 'a git token file needs an https:// repository URL');
    config.push('credential.helper=', `credential.helper=${CREDENTIAL_HELPER}`);
    env.MCPO_GIT_TOKEN_FILE = readableFile('git token file', creds.tokenFile);
    env.MCPO_GIT_USERNAME = creds.username || 'x-access-token';
    env.MCPO_GIT_HOST = host;
  }
  if (creds?.sshKeyFile || creds?.knownHostsFile) {
    const ssh = ['ssh', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=30', '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=4'];
    if (creds.sshKeyFile) ssh.push('-o', 'IdentitiesOnly=yes', '-i', shellQuoted(readableFile('ssh key file', creds.sshKeyFile)));
    if (creds.knownHostsFile) {
      ssh.push('-o', `UserKnownHostsFile=${shellQuoted(readableFile('known_hosts file', creds.knownHostsFile))}`, '-o', 'StrictHostKeyChecking=yes');
    }
    env.GIT_SSH_COMMAND = ssh.join(' ');
  }
  return { config, env };
}

function definedOnly(creds: GitCredentials): GitCredentials {
  return Object.fromEntries(Object.entries(creds).filter(([, v]) => v !== undefined && v !== '')) as GitCredentials;
}

/** The credential files a Secret directory holds for this URL's scheme. */
function fromDirectory(source: string, dir: string): GitCredentials {
  const file = (name: string): string | undefined => (existsSync(join(dir, name)) ? join(dir, name) : undefined);
  if (/^https?:\/\//i.test(source)) {
    const tokenFile = file('token') ?? file('password');
    const usernameFile = file('username');
    let username: string | undefined;
    if (usernameFile) {
      const read = readFileBounded(usernameFile, 256);
      username = read.ok ? read.content.toString('utf8').trim() : undefined;
      if (username !== undefined && !/^[A-Za-z0-9._@+-]+$/.test(username)) {
        throw new McpoError('usage', `${usernameFile}: the user name may only hold letters, digits and . _ @ + -`);
      }
    }
    return { tokenFile, username };
  }
  return { sshKeyFile: file('ssh-privatekey'), knownHostsFile: file('known_hosts') };
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

async function hasCommit(dir: string, sha: string): Promise<boolean> {
  try {
    await runGit(dir, ['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    return false;
  }
}

/** `git merge-base --is-ancestor`: exit 0 yes, 1 no; anything else (a missing ref) is no too. */
async function isAncestor(dir: string, sha: string, ref: string): Promise<boolean> {
  try {
    await runGit(dir, ['merge-base', '--is-ancestor', sha, ref]);
    return true;
  } catch {
    return false;
  }
}

function isSafeBranch(branch: string): boolean {
  return branch.length > 0 && !branch.startsWith('-') && !/[\s~^:?*[\\]|\.\.|@\{/.test(branch) && !branch.endsWith('.lock');
}

async function symbolicHead(dir: string): Promise<string | undefined> {
  try {
    const ref = (await runGit(dir, ['symbolic-ref', '--quiet', 'HEAD'])).toString('utf8').trim();
    return ref.startsWith('refs/heads/') ? ref : undefined;
  } catch {
    return undefined;
  }
}

/** The git dir of a repository (sync: only used to set up watches). */
function gitDirOf(dir: string): string {
  const dotGit = join(dir, '.git');
  if (existsSync(dotGit) && statSync(dotGit).isDirectory()) return dotGit;
  if (existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'refs'))) return dir; // bare
  throw new Error('git dir not found');
}
