import { homedir } from 'node:os';
import { join } from 'node:path';

/** mcp-orchestrator's own cache folder: $MCPO_CACHE_DIR, else ~/.cache/mcp-orchestrator (URL clones, the check cache). */
export function defaultCacheDir(): string {
  return process.env.MCPO_CACHE_DIR || join(homedir(), '.cache', 'mcp-orchestrator');
}

/** A folder of the cache as help texts name it (without expanding $MCPO_CACHE_DIR or ~). */
export function cacheShown(folder: string): string {
  return `\${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/${folder}`;
}
