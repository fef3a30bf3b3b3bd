/**
 * `--no-cache`, for the commands that build models (validate, synth, plan, diff). Light on purpose: a
 * command's options are made before its pipeline is loaded (synth starts reading the output folder on
 * a worker first). The caches it turns off are opened by stored-checks.ts.
 */
import { Option } from 'commander';
import { cacheShown } from '../source/cache-dir.js';

export function noCacheOption(what = 'every declaration file', also = ''): Option {
  return new Option('--no-cache', `parse and check ${what} again; without it, the checks of unchanged files are read from ${cacheShown('checks')}${also}`);
}
