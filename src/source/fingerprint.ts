/**
 * A file's fingerprint: what its inode says about it (device, inode number,
 * size, modification and change times), as git's index keeps it. Two reads
 * of a file with the same fingerprint read the same bytes, so the check
 * cache (model/check-cache.ts) keeps each file's fingerprint beside the
 * digest of its bytes, and the next run reads only the files whose
 * fingerprint moved: one lstat for each of 11,000 files, not an open, read,
 * close and hash.
 *
 * A write within the same clock tick as the read before it could leave the
 * times as they were ("racy git"): a fingerprint is only kept, and only
 * trusted, when both times are SETTLE_MS older than the walk that took it.
 * A file written since has a change time after that walk (the change time
 * cannot be set back by touch or utimes), so its fingerprint differs.
 */
import type { Stats } from 'node:fs';

/** How old a file's times must be for its fingerprint to count. */
export const SETTLE_MS = 2000;

/**
 * The fingerprint of a file's stat, or undefined while its times are too recent to trust (`now`: when
 * the walk began, Date.now()). Numbers and colons only, so it goes into a cache line as it is.
 */
export function settledFingerprint(info: Stats, now: number): string | undefined {
  if (info.mtimeMs >= now - SETTLE_MS || info.ctimeMs >= now - SETTLE_MS) return undefined;
  return `${info.dev}:${info.ino}:${info.size}:${info.mtimeMs}:${info.ctimeMs}`;
}
