/**
 * Binaries: the directory holding kube-apiserver and etcd, built from Go modules by
 * test/kube/build.sh and cached in ${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/kube/.
 * Only node: built-ins, so that test/support/global-setup.ts may use it cheaply.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const BUILD_SCRIPT = path.join(REPO_ROOT, 'test', 'kube', 'build.sh');

let binariesPromise: Promise<string> | undefined;

function hasBinaries(dir: string): boolean {
  return existsSync(path.join(dir, 'kube-apiserver')) && existsSync(path.join(dir, 'etcd'));
}

/**
 * Returns the directory holding `kube-apiserver` and `etcd`, building them with
 * test/kube/build.sh when they are not cached yet (a cold build takes many minutes; a cached
 * one returns at once). `MCPO_KUBE_BIN_DIR` (set by test/support/global-setup.ts) short-cuts
 * the script. Build progress goes to this process's stderr.
 */
export function ensureKubeBinaries(): Promise<string> {
  const fromEnv = process.env.MCPO_KUBE_BIN_DIR;
  if (fromEnv && hasBinaries(fromEnv)) return Promise.resolve(fromEnv);
  binariesPromise ??= new Promise<string>((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk).slice(-8000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const dir = stdout.trim().split('\n').pop()?.trim() ?? '';
      if (code === 0 && dir && hasBinaries(dir)) resolve(dir);
      else reject(new Error(`test/kube/build.sh failed (exit ${code}):\n${stderrTail}`));
    });
  });
  binariesPromise.catch(() => (binariesPromise = undefined));
  return binariesPromise;
}
