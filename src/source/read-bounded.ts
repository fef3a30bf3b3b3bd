/**
 * Reading input with its size limit checked before the bytes are kept: a
 * file, a pipe, a character device (`/dev/zero`) or standard input is read
 * in chunks and given up on as soon as it passes the limit, so no input can
 * grow the process beyond the limit it is checked against. A file's stated
 * size is never trusted (it can grow while being read, and devices say 0).
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

export type BoundedRead = { ok: true; content: Buffer } | { ok: false; tooLarge: true; limit: number };

const CHUNK = 64 * 1024;

/**
 * Reads an open file descriptor to its end, or stops after `limit` bytes.
 * `scratch` (at least limit + 1 bytes): read into it instead, for many reads
 * in a row; the content is then a view of it, valid until its next use.
 */
export function readFdBounded(fd: number, limit: number, scratch?: Buffer, statedSize?: number): BoundedRead {
  if (scratch && scratch.length > limit) return readIntoScratch(fd, limit, scratch, statedSize);
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK, limit + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      // A non-blocking stdin that has nothing yet: wait for it.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw err;
    }
    if (n === 0) return { ok: true, content: Buffer.concat(chunks, total) };
    total += n;
    if (total > limit) return { ok: false, tooLarge: true, limit };
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
  }
}

/**
 * `statedSize`: the size fstat gave a regular file. A read that returns fewer bytes than asked, having
 * then read exactly that many, is taken as its end, without one more read to find nothing (a syscall
 * per file saved when thousands are read); any other short read goes on reading.
 */
function readIntoScratch(fd: number, limit: number, scratch: Buffer, statedSize: number | undefined): BoundedRead {
  let total = 0;
  for (;;) {
    let n: number;
    const asked = limit + 1 - total;
    try {
      n = readSync(fd, scratch, total, asked, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw err;
    }
    if (n === 0) return { ok: true, content: scratch.subarray(0, total) };
    total += n;
    if (total > limit) return { ok: false, tooLarge: true, limit };
    if (n < asked && total === statedSize) return { ok: true, content: scratch.subarray(0, total) };
  }
}

/**
 * Reads the file at `path` (any kind: regular, FIFO, device), at most `limit`
 * bytes. With `scratch` (at least limit + 1 bytes) it is read into that and
 * the content copied out at its size: for many small files in a row, which
 * would otherwise each cost a 64 KiB chunk of garbage.
 */
export function readFileBounded(path: string, limit: number, scratch?: Buffer): BoundedRead {
  const fd = openSync(path, 'r');
  try {
    const read = readFdBounded(fd, limit, scratch);
    return scratch && read.ok ? { ok: true, content: Buffer.from(read.content) } : read;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads what should be a regular file (a folder listing said so): not
 * through a symlink that replaced it since (O_NOFOLLOW), not waiting on a
 * FIFO (O_NONBLOCK), and only when fstat says it is regular; at most `limit`
 * bytes, into `scratch` when given (the content is then a view of it). With
 * what fstat gave before the read: its size (for a message about a file over
 * the limit) and the rest (for a fingerprint, source/fingerprint.ts).
 * Undefined when it is no longer a regular file; other errors are thrown.
 */
export function readRegularFileBounded(path: string | Buffer, limit: number, scratch?: Buffer): { read: BoundedRead; info: Stats } | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return undefined;
    throw err;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) return undefined;
    return { read: readFdBounded(fd, limit, scratch, info.size), info };
  } finally {
    closeSync(fd);
  }
}

/** Reads standard input to its end, at most `limit` bytes. */
export function readStdinBounded(limit: number): BoundedRead {
  return readFdBounded(0, limit);
}
