/**
 * Running git for the source stage: one environment policy (variables that
 * redirect git to another repository are dropped, so a hook's GIT_DIR or
 * GIT_INDEX_FILE never leaks into our reads), no prompts, and binary-safe
 * output where content is read.
 */
import { spawn, spawnSync } from 'node:child_process';
import { simpleGit, type SimpleGit } from 'simple-git';
import { McpoError } from '../core/errors.js';

const REDIRECTING_VARS = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_QUARANTINE_PATH',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_REPLACE_REF_BASE',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
];

/** process.env without the variables that point git elsewhere, and never prompting. */
export function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !REDIRECTING_VARS.includes(k)) env[k] = v;
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  // Never read the user's pager/editor; `ssh` must not ask either.
  env.GIT_PAGER = 'cat';
  env.GIT_SSH_COMMAND ??= 'ssh -o BatchMode=yes';
  return env;
}

/**
 * What simple-git's unsafe-operations guard refuses to pass on: variables
 * that make git run another program (pager, editor, ssh, askpass, proxy) or
 * read other configuration. The local, read-only commands run through
 * simple-git (log, show, config) use none of them, so they are left out
 * rather than allowed.
 */
const REFUSED_BY_SIMPLE_GIT =
  /^(GIT_(ASKPASS|CONFIG(_.*)?|EDITOR|EXEC_PATH|EXTERNAL_DIFF|PAGER|PROXY_COMMAND|SEQUENCE_EDITOR|SSH|SSH_COMMAND|TEMPLATE_DIR)|EDITOR|VISUAL|PAGER|SSH_ASKPASS)$/i;

/**
 * A simple-git instance for a repository, for the local read-only commands
 * whose output is text (log, show, config); `signal` kills its commands. Same
 * environment policy as runGit, less what the commands cannot use.
 */
export function gitFor(baseDir: string, signal?: AbortSignal): SimpleGit {
  const env = Object.fromEntries(Object.entries(gitEnv()).filter(([k]) => !REFUSED_BY_SIMPLE_GIT.test(k)));
  return simpleGit({ baseDir, config: ['core.quotePath=false'], trimmed: false, maxConcurrentProcesses: 4, ...(signal ? { abort: signal } : {}) }).env(env);
}

/** The git subcommand of `args` (past any `-c key=value`). */
function commandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-c') i++;
    else return args[i]!;
  }
  return '';
}

/** What git says after every failed ssh transport, which would push the reason (ssh's line) out of the message. */
const REMOTE_BOILERPLATE = /^(Please make sure you have the correct access rights|and the repository exists\.)$/;

/** A git command that failed: the repository cannot be read as asked, now. */
function gitFailed(args: readonly string[], exitCode: number | null, stderr: string): McpoError {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !REMOTE_BOILERPLATE.test(l));
  return new McpoError('unavailable', `git ${commandOf(args)} failed (exit ${exitCode ?? 'signal'}): ${lines.slice(-3).join(' | ')}`, {
    cause: { args, exitCode, stderr },
  });
}

/**
 * Runs `git -C repoDir ...args`, feeding `input` to stdin; resolves with
 * stdout bytes. `signal` kills it. The raw process, not simple-git, because
 * these calls need what simple-git does not give: binary-safe stdout
 * (`cat-file --batch` contents, `ls-tree -z` names that are not UTF-8),
 * batches on stdin, and for clone/fetch the non-interactive GIT_SSH_COMMAND
 * that simple-git's guard refuses.
 */
export function runGit(repoDir: string, args: readonly string[], input?: string | Buffer, signal?: AbortSignal): Promise<Buffer> {
  return spawnGit(repoDir, args, { input, signal });
}

/** git's arguments for `args` in `repoDir`: names printed as they are (UTF-8), not quoted. */
function gitArgv(repoDir: string, args: readonly string[]): string[] {
  return ['-C', repoDir, '-c', 'core.quotePath=false', ...args];
}

/**
 * runGit, waiting: for the rare read that cannot be awaited (a file listed unread whose bytes a
 * rule asks for, source/commit.ts). stdout over `maxBytes` is an error.
 */
export function runGitSync(repoDir: string, args: readonly string[], maxBytes: number): Buffer {
  const result = spawnSync('git', gitArgv(repoDir, args), {
    env: gitEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: maxBytes + 1,
  });
  if (result.error) throw new McpoError('unavailable', `git ${commandOf(args)} failed: ${result.error.message}`, { cause: result.error });
  if (result.status !== 0) throw gitFailed(args, result.status, result.stderr.toString('utf8'));
  return result.stdout;
}

export interface RemoteGitOptions {
  /** Hard limit: the git process group (git, git-remote-https, ssh) is killed after this. */
  timeoutMs: number;
  /** Extra `-c key=value` for this command (credential helper, low-speed limits). */
  config?: readonly string[];
  /** Extra environment (credential file paths, GIT_SSH_COMMAND). */
  env?: Record<string, string>;
  /** Kills the process group (the server stopping). */
  signal?: AbortSignal;
}

/** A transfer slower than 1 KiB/s for 30 s is aborted by git itself (HTTP); the hard timeout covers the rest (SSH, a silent server). */
const LOW_SPEED = ['http.lowSpeedLimit=1024', 'http.lowSpeedTime=30'];

/**
 * A git command that talks to a remote (clone, fetch): run in a process
 * group of its own, so the hard timeout kills its helpers too (a hung
 * git-remote-https or ssh would otherwise outlive git), with the low-speed
 * limits on. Rejects `unavailable` on timeout.
 */
export function runGitRemote(repoDir: string, args: readonly string[], opts: RemoteGitOptions): Promise<Buffer> {
  const config = [...LOW_SPEED, ...(opts.config ?? [])].flatMap((c) => ['-c', c]);
  return spawnGit(repoDir, [...config, ...args], { env: opts.env, timeoutMs: opts.timeoutMs, group: true, groupSignal: opts.signal });
}

interface SpawnOptions {
  input?: string | Buffer;
  signal?: AbortSignal;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Own process group, killed whole on timeout or when `groupSignal` aborts. */
  group?: boolean;
  groupSignal?: AbortSignal;
}

function spawnGit(repoDir: string, args: readonly string[], opts: SpawnOptions): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', gitArgv(repoDir, args), {
      env: { ...gitEnv(), ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      signal: opts.signal,
      detached: opts.group ?? false,
    });
    let timedOut = false;
    const killAll = (): void => {
      try {
        if (opts.group && child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    };
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killAll();
          }, opts.timeoutMs);
    if (opts.groupSignal?.aborted) killAll();
    opts.groupSignal?.addEventListener('abort', killAll, { once: true });
    child.on('close', () => opts.groupSignal?.removeEventListener('abort', killAll));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errBytes = 0;
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      if (errBytes < 64 * 1024) {
        err.push(c);
        errBytes += c.length;
      }
    });
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (timedOut) reject(new McpoError('unavailable', `git ${commandOf(args)} timed out after ${opts.timeoutMs} ms`));
      else if (code === 0) resolvePromise(Buffer.concat(out));
      else reject(gitFailed(args, code, Buffer.concat(err).toString('utf8')));
    });
    child.stdin.on('error', () => {
      /* reported through the exit code */
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/** The commit a revision names, as a full SHA; undefined when it names none. */
export async function resolveCommit(repoDir: string, rev: string): Promise<string | undefined> {
  if (rev.startsWith('-')) return undefined;
  try {
    const out = await runGit(repoDir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    const sha = out.toString('utf8').trim();
    return /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}
