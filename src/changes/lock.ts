/**
 * One change at a time per working tree. A change command holds the lock
 * from reading the tree until its files are written, so two commands run at
 * once cannot both start from the same state and overwrite each other.
 *
 * The lock is a file, `mcpo.lock` in the git dir (git never tracks it; for a
 * directory that is not in a git repository, `.mcpo.lock` at its root). It
 * appears whole or not at all: its content is written to a temp file that is
 * then hard-linked into place, which fails when the lock exists. It names its
 * holder (pid, host, what it is doing, since when), so a command that waits
 * past the timeout can say who holds it. A lock whose holder process is gone
 * (same host, pid no longer alive) is stale and taken over; taking over goes
 * through a second, short-lived file so that two waiters cannot both remove a
 * stale lock and then one of them remove the other's fresh one.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { link, open, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../core/diagnostic.js';
import { echo } from '../core/echo.js';

/** How long a change waits for another one to finish before it gives up. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;
/** For --help of every change command. */
export const LOCK_HELP = `
A change holds the repository lock (mcpo.lock in the git dir) from reading the
tree to writing it; another change waits for it up to MCPO_LOCK_TIMEOUT_MS
(default ${DEFAULT_LOCK_TIMEOUT_MS}) milliseconds, then fails naming the holder.`;
/** A takeover that has not finished in this time was abandoned by a process that died mid-way. */
const BREAK_STALE_MS = 5_000;

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  /** What the holder is doing, e.g. `secret update default/db`; names only, never values. */
  readonly command: string;
  /** ISO time the lock was taken. */
  readonly since: string;
  /** Tells this holder's lock from a later one of the same pid. */
  readonly token?: string;
}

export interface RepositoryLock {
  readonly path: string;
  release(): Promise<void>;
}

/** The git dir of the working tree that holds `dir` (following a `.git` file of a linked worktree), if any. */
export function gitDirOf(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    const dotGit = join(current, '.git');
    try {
      const info = lstatSync(dotGit);
      if (info.isDirectory()) return dotGit;
      if (info.isFile()) {
        const m = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
        if (m && statSync(resolve(current, m[1]!)).isDirectory()) return resolve(current, m[1]!);
      }
    } catch {
      // no .git here (or an unreadable one): look further up
    }
    if (dirname(current) === current) return undefined;
  }
}

export function lockPathFor(repoDir: string): string {
  const gitDir = gitDirOf(repoDir);
  return gitDir ? join(gitDir, 'mcpo.lock') : join(resolve(repoDir), '.mcpo.lock');
}

/** The timeout from MCPO_LOCK_TIMEOUT_MS, or the default. */
export function lockTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.MCPO_LOCK_TIMEOUT_MS);
  return Number.isFinite(n) && n >= 0 && env.MCPO_LOCK_TIMEOUT_MS !== '' ? n : DEFAULT_LOCK_TIMEOUT_MS;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is someone else's.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockHolder>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string')
      return {
        pid: v.pid,
        host: v.host,
        command: String(v.command ?? ''),
        since: String(v.since ?? ''),
        token: typeof v.token === 'string' ? v.token : undefined,
      };
  } catch {
    // not ours, or damaged
  }
  return undefined;
}

const NO_HARD_LINKS = ['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'];

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/**
 * Takes the lock, waiting up to `timeoutMs` for a live holder. Resolves with
 * the lock, or with a diagnostic naming the holder when the wait ran out.
 */
export async function lockRepository(repoDir: string, command: string, timeoutMs = lockTimeoutMs()): Promise<RepositoryLock | Diagnostic> {
  const path = lockPathFor(repoDir);
  const me: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString(), token: randomBytes(8).toString('hex') };
  const body = `${JSON.stringify(me)}\n`;
  const temp = `${path}.${process.pid}.${me.token}`;
  const deadline = Date.now() + timeoutMs;
  let wait = 10;
  let takeovers = 0;
  try {
    await writeFile(temp, body, { flag: 'wx' });
  } catch (err) {
    return {
      code: 'failed-precondition',
      severity: 'error',
      file: echo(relative(resolve(repoDir), path) || path),
      message: `cannot take the repository lock: ${echo((err as NodeJS.ErrnoException).code ?? (err as Error).message)}`,
      hint: `mcpo writes its lock file in ${echo(dirname(path))}: it must be writable`,
    };
  }
  try {
    for (;;) {
      if (await createLock(temp, path, body)) return { path, release: () => release(path, me.token!) };
      let seen: string;
      try {
        seen = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // released between our link and read: try again at once
        seen = '';
      }
      const holder = parseHolder(seen);
      // Bounded, in case a stale lock cannot be removed at all.
      if (holder && holder.host === me.host && !isAlive(holder.pid) && takeovers++ < 100) {
        await breakStale(path, seen);
        continue;
      }
      if (Date.now() >= deadline) return busy(repoDir, path, holder, timeoutMs);
      // Jittered, growing wait: parallel waiters do not wake in step.
      await sleep(Math.min(wait, Math.max(0, deadline - Date.now())) * (0.5 + Math.random()));
      wait = Math.min(wait * 2, 100);
    }
  } finally {
    await rm(temp, { force: true });
  }
}

/** Puts the lock in place whole; false when it is held. */
async function createLock(temp: string, path: string, body: string): Promise<boolean> {
  const exists = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EEXIST';
  try {
    await link(temp, path);
    return true;
  } catch (err) {
    if (exists(err)) return false;
    if (!NO_HARD_LINKS.includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  }
  // A file system without hard links: create it exclusively instead. A waiter that reads it
  // before its content is written sees no holder, so it waits and never takes it over.
  try {
    await writeFile(path, body, { flag: 'wx' });
    return true;
  } catch (err) {
    if (exists(err)) return false;
    throw err;
  }
}

async function release(path: string, token: string): Promise<void> {
  const seen = await readFile(path, 'utf8').catch(() => undefined);
  // Only our own lock: if it was (wrongly) taken over, the new holder's stays.
  if (seen !== undefined && parseHolder(seen)?.token === token) await unlink(path).catch(() => undefined);
}

/** Removes a stale lock, unless it changed since it was read as `seen`. */
async function breakStale(path: string, seen: string): Promise<void> {
  const breaker = `${path}.break`;
  let handle;
  try {
    handle = await open(breaker, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another waiter is taking it over; one that died doing so left this file behind.
    const info = await stat(breaker).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > BREAK_STALE_MS) await rm(breaker, { force: true });
    else await sleep(5);
    return;
  }
  try {
    await handle.close();
    const now = await readFile(path, 'utf8').catch(() => undefined);
    if (now === seen) await unlink(path).catch(() => undefined);
  } finally {
    await rm(breaker, { force: true });
  }
}

function busy(repoDir: string, path: string, holder: LockHolder | undefined, timeoutMs: number): Diagnostic {
  const shown = relative(resolve(repoDir), path) || path;
  const who = holder
    ? `process ${holder.pid}${holder.host !== hostname() ? ` on ${echo(holder.host)}` : ''}${holder.command ? ` (${echo(holder.command)})` : ''}${holder.since ? ` since ${echo(holder.since)}` : ''}`
    : 'a process that left no readable name in it';
  return {
    code: 'failed-precondition',
    severity: 'error',
    file: echo(shown),
    message: `the repository is locked by another change: ${who}; gave up after ${timeoutMs} ms`,
    hint: `wait for it to finish and run the command again; if no mcpo command is running${holder && holder.host !== hostname() ? ` on ${echo(holder.host)}` : ''}, remove ${echo(path)}`,
  };
}
