/** `--no-cache`, for the commands that build models (validate, synth, plan, diff), and the check cache it turns off. */
import { Option } from 'commander';
import { CHECK_CACHE_SHOWN, type CheckCache, repoCheckCache } from '../model/check-cache.js';

export function noCacheOption(what = 'every declaration file', also = ''): Option {
  return new Option('--no-cache', `parse and check ${what} again; without it, the checks of unchanged files are read from ${CHECK_CACHE_SHOWN}${also}`);
}

/** The repository's check cache, unless --no-cache. */
export function storedChecks(opts: { repo: string; cache: boolean }): CheckCache | undefined {
  return opts.cache ? repoCheckCache(opts.repo) : undefined;
}
