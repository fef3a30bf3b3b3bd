/**
 * The inputs of change commands, each read once and bounded
 * (src/source/read-bounded.ts): a declaration file for `create -f` (or `-`
 * for stdin) at most MAX_FILE_BYTES, the values of a secret together at most
 * MAX_SECRET_DATA_BYTES. A refusal is a diagnostic that names the input and
 * the key, never a value.
 *
 * A declaration file that is being written while it is read is refused
 * rather than half-applied: its size, modification time and identity must be
 * the same before and after the read, and a file changed less than
 * SETTLE_MS ago is looked at again once it has been left alone that long.
 * (A writer that pauses longer than that between two writes cannot be told
 * from a finished file; YAML cut mid-value is refused by the parser.)
 */
import { closeSync, fstatSync, openSync, type Stats, statSync } from 'node:fs';
import { basename } from 'node:path';
import { MAX_FILE_BYTES, MAX_SECRET_DATA_BYTES, SECRET_LIMIT_REASON } from '../core/limits.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { echo, quoted } from '../core/echo.js';
import { readFdBounded, readStdinBounded } from '../source/read-bounded.js';

/** How long a just-changed input file must stay unchanged to count as complete. */
export const SETTLE_MS = 400;
export const STDIN_NAME = '<stdin>';

export type InputRead = { ok: true; name: string; content: Buffer } | { ok: false; diagnostic: Diagnostic };

function reason(err: unknown): string {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return echo((err as Error).message);
  }
}

const sameFile = (a: Stats, b: Stats) => a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeMs === b.mtimeMs;

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** What reading one input file gave. */
export type StableRead =
  { ok: true; content: Buffer } | { ok: false; why: 'too-large' } | { ok: false; why: 'changed' } | { ok: false; why: 'unreadable'; reason: string };

/**
 * Reads a file (regular, FIFO or device) once, at most `limit` bytes. A
 * regular file must not change while it is read, and one changed less than
 * SETTLE_MS ago must stay unchanged until then.
 */
export function readStableFile(path: string, limit: number, now: () => number = Date.now): StableRead {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { ok: false, why: 'unreadable', reason: reason(err) };
  }
  try {
    const before = fstatSync(fd);
    if (before.isDirectory()) return { ok: false, why: 'unreadable', reason: 'it is a folder' };
    // A stated size is not trusted (devices say 0), but a regular file that states more than the limit is refused unread.
    if (before.isFile() && before.size > limit) return { ok: false, why: 'too-large' };
    const read = readFdBounded(fd, limit);
    if (!read.ok) return { ok: false, why: 'too-large' };
    if (!before.isFile()) return { ok: true, content: read.content };
    const after = fstatSync(fd);
    // Size 0 with content: a pseudo-file (/proc) that states no size.
    if (!sameFile(before, after) || (after.size !== 0 && read.content.length !== after.size)) return { ok: false, why: 'changed' };
    const quietFor = now() - after.mtimeMs;
    if (quietFor < SETTLE_MS) {
      // Capped: a modification time in the future (clock skew) is not waited for.
      sleepSync(Math.min(SETTLE_MS, SETTLE_MS - quietFor));
      let again: Stats;
      try {
        again = statSync(path);
      } catch {
        return { ok: false, why: 'changed' };
      }
      if (!sameFile(after, again)) return { ok: false, why: 'changed' };
    }
    return { ok: true, content: read.content };
  } catch (err) {
    return { ok: false, why: 'unreadable', reason: reason(err) };
  } finally {
    closeSync(fd);
  }
}

const STILL_WRITTEN = { message: 'changed while it was read: it is still being written', hint: 'run the command again once the file is complete' };

/** Reads the `-f` input of `mcpo create`: a path, or `-` for stdin. */
export function readDeclarationInput(path: string): InputRead {
  const name = path === '-' ? STDIN_NAME : echo(path);
  const refuse = (d: Omit<Diagnostic, 'severity' | 'file'>): InputRead => ({ ok: false, diagnostic: { severity: 'error', file: name, ...d } });
  const tooLarge = () =>
    refuse({ code: 'file.too-large', message: `input is over the ${MAX_FILE_BYTES}-byte limit for a declaration file`, hint: 'split it into several files' });
  if (path === '-') {
    const read = readStdinBounded(MAX_FILE_BYTES);
    return read.ok ? { ok: true, name, content: read.content } : tooLarge();
  }
  const read = readStableFile(path, MAX_FILE_BYTES);
  if (read.ok) return { ok: true, name, content: read.content };
  switch (read.why) {
    case 'too-large':
      return tooLarge();
    case 'changed':
      return refuse({ code: 'failed-precondition', message: `the input ${STILL_WRITTEN.message}`, hint: STILL_WRITTEN.hint });
    case 'unreadable':
      return refuse({ code: 'usage', message: `cannot read the input: ${read.reason}`, hint: 'pass an existing file, or - for stdin' });
  }
}

export interface SecretValueSources {
  /** KEY=VALUE */
  readonly fromLiteral?: readonly string[];
  /** [KEY=]PATH; the key defaults to the file's name. */
  readonly fromFile?: readonly string[];
}

export type SecretDataRead = { ok: true; data: Record<string, Buffer> } | { ok: false; diagnostic: Diagnostic };

/**
 * The values of `mcpo secret create|update` (kubectl semantics), all of them
 * together at most MAX_SECRET_DATA_BYTES: each file is read with only the
 * room the earlier values left.
 */
export function readSecretData(sources: SecretValueSources, secret: { namespace: string; name: string }): SecretDataRead {
  const data: Record<string, Buffer> = {};
  let total = 0;
  const id = { kind: 'Secret', name: `${secret.namespace}/${secret.name}` };
  const refuse = (diagnostic: Omit<Diagnostic, 'severity'>): SecretDataRead => ({ ok: false, diagnostic: { severity: 'error', ...id, ...diagnostic } });
  const overLimit = (flag: string, key: string, file: string) =>
    refuse({
      code: 'file.too-large',
      file,
      message: `${flag}: the value of key ${quoted(key)} ${total === 0 ? 'is over' : 'brings the values to over'} the ${MAX_SECRET_DATA_BYTES}-byte limit for the values of one secret`,
      hint: SECRET_LIMIT_REASON,
    });
  const put = (flag: string, key: string, value: Buffer, file: string): SecretDataRead | undefined => {
    if (!key)
      return refuse({
        code: 'usage',
        file,
        message: `${flag}: the key is empty`,
        hint: flag === '--from-literal' ? 'write KEY=VALUE' : 'write KEY=PATH, or a PATH whose file name is the key',
      });
    if (key in data) return refuse({ code: 'usage', file, message: `${flag}: key ${quoted(key)} is given twice`, hint: 'give each key once' });
    data[key] = value;
    total += value.length;
    return undefined;
  };
  for (const literal of sources.fromLiteral ?? []) {
    const eq = literal.indexOf('=');
    // Never echo the argument: it holds the value.
    if (eq <= 0) return refuse({ code: 'usage', file: '<arguments>', message: '--from-literal takes KEY=VALUE', hint: 'write --from-literal KEY=VALUE' });
    const key = literal.slice(0, eq);
    const value = Buffer.from(literal.slice(eq + 1));
    if (total + value.length > MAX_SECRET_DATA_BYTES) return overLimit('--from-literal', key, '<arguments>');
    const problem = put('--from-literal', key, value, '<arguments>');
    if (problem) return problem;
  }
  for (const spec of sources.fromFile ?? []) {
    const eq = spec.indexOf('=');
    const [key, path] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [basename(spec), spec];
    const shown = echo(path);
    const read = readStableFile(path, MAX_SECRET_DATA_BYTES - total);
    if (!read.ok && read.why === 'too-large') return overLimit('--from-file', key, shown);
    if (!read.ok && read.why === 'changed')
      return refuse({
        code: 'failed-precondition',
        file: shown,
        message: `--from-file: the value of key ${quoted(key)} ${STILL_WRITTEN.message}`,
        hint: STILL_WRITTEN.hint,
      });
    if (!read.ok)
      return refuse({
        code: 'usage',
        file: shown,
        message: `--from-file: cannot read the value of key ${quoted(key)}: ${read.reason}`,
        hint: 'pass --from-file KEY=PATH with a readable file',
      });
    const problem = put('--from-file', key, read.content, shown);
    if (problem) return problem;
  }
  return { ok: true, data };
}
