/**
 * Running git for the git/ modules: one clean environment (variables that
 * redirect git to another repository are dropped, so a hook's GIT_DIR or
 * GIT_INDEX_FILE never leaks into our reads), no prompts, and binary-safe
 * output where content is read.
 */
import { spawn } from 'node:child_process';
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

/** Variables passed to simple-git's children (it refuses pager, editor, ssh and askpass overrides). */
const SIMPLE_GIT_VARS = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TZ', 'SYSTEMROOT'];

/** A simple-git instance for a repository (read-only local commands: log, show, config); `signal` kills its commands. */
export function gitFor(baseDir: string, signal?: AbortSignal): SimpleGit {
  const env: Record<string, string> = { GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  for (const k of SIMPLE_GIT_VARS) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return simpleGit({ baseDir, config: ['core.quotePath=false'], trimmed: false, maxConcurrentProcesses: 4, ...(signal ? { abort: signal } : {}) }).env(env);
}

/** A git command that failed: the repository cannot be read as asked, now. */
function gitFailed(args: readonly string[], exitCode: number | null, stderr: string): McpoError {
  return new McpoError('unavailable', `git ${args[0] ?? ''} failed (exit ${exitCode ?? 'signal'}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`, {
    cause: { args, exitCode, stderr },
  });
}

/** Runs `git -C repoDir ...args`, feeding `input` to stdin; resolves with stdout bytes. `signal` kills it. */
export function runGit(repoDir: string, args: readonly string[], input?: string | Buffer, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', ['-C', repoDir, '-c', 'core.quotePath=false', ...args], {
      env: gitEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
      signal,
    });
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
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out));
      else reject(gitFailed(args, code, Buffer.concat(err).toString('utf8')));
    });
    child.stdin.on('error', () => {
      /* reported through the exit code */
    });
    if (input !== undefined) child.stdin.end(input);
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
