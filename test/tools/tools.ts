/**
 * Go tools for tests (kubeseal, grpcurl), built at pinned versions by
 * test/tools/install.sh into ${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/bin.
 *
 *   const kubeseal = goTool('kubeseal');   // in a beforeAll with INSTALL_TIMEOUT_MS
 *
 * A missing tool is built on first use (minutes, once per machine). If it
 * cannot be built this throws with the installer's output: the test fails,
 * it is not skipped.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type GoToolName = 'kubeseal' | 'grpcurl' | 'kustomize' | 'reviewdog';

/** Generous: a cold build of kubeseal downloads and compiles client-go. */
export const INSTALL_TIMEOUT_MS = 20 * 60 * 1000;

const here = dirname(fileURLToPath(import.meta.url));
export const INSTALL_SCRIPT = join(here, 'install.sh');

export function toolCacheBin(): string {
  return join(process.env.MCPO_CACHE_DIR || join(homedir(), '.cache', 'mcp-orchestrator'), 'bin');
}

/** The version install.sh pins for a tool (read from the script, the one place it is written). */
export function pinnedVersion(name: GoToolName): string {
  const script = readFileSync(INSTALL_SCRIPT, 'utf8');
  const m = new RegExp(`^${name.toUpperCase()}_VERSION=(\\S+)`, 'm').exec(script);
  if (!m) throw new Error(`${INSTALL_SCRIPT} pins no version for ${name}`);
  return m[1]!;
}

function isCurrent(name: GoToolName): boolean {
  const bin = join(toolCacheBin(), name);
  const stampFile = join(toolCacheBin(), `.${name}.version`);
  try {
    accessSync(bin, constants.X_OK);
  } catch {
    return false;
  }
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === pinnedVersion(name);
}

/** Path of the tool, installing it first when it is missing or not at the pinned version. */
export function goTool(name: GoToolName): string {
  const bin = join(toolCacheBin(), name);
  if (isCurrent(name)) return bin;
  const started = Date.now();
  const run = spawnSync('bash', [INSTALL_SCRIPT, name], {
    encoding: 'utf8',
    timeout: INSTALL_TIMEOUT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 || !isCurrent(name)) {
    const why = run.error ? String(run.error) : `exit status ${run.status ?? run.signal}`;
    throw new Error(
      `${name} is required by this test and could not be installed with ${INSTALL_SCRIPT} (${why}).\n` +
        `It needs Go and the Go module proxy. Output:\n${run.stdout ?? ''}${run.stderr ?? ''}`,
    );
  }
  process.stderr.write(`[test/tools] installed ${name} ${pinnedVersion(name)} in ${Math.round((Date.now() - started) / 1000)}s\n`);
  return bin;
}
