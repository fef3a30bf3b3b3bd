/** The check cache a command reads and writes, unless --no-cache (check-cache-option.ts). */
import { type CheckCache, repoCheckCache } from '../model/check-cache.js';

export function storedChecks(opts: { repo: string; cache: boolean }): CheckCache | undefined {
  return opts.cache ? repoCheckCache(opts.repo) : undefined;
}
