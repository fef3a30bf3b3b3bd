/**
 * Vitest globalSetup (runs once per `vitest run`, before any test file).
 *
 * Kubernetes binaries: runs test/kube/build.sh, which finds kube-apiserver + etcd in the cache
 * (${MCPO_CACHE_DIR:-~/.cache/mcp-orchestrator}/kube/<version>/) at once or, on a fresh
 * machine, compiles them from Go modules (several minutes on 2 cores; build progress is shown
 * on stderr). The directory reaches the test workers as MCPO_KUBE_BIN_DIR, which
 * test/support/kube-apiserver.ts picks up. MCPO_SKIP_KUBE_BUILD=1 skips this step (a test
 * that starts a server then builds on demand).
 *
 * Only node: built-ins here: importing @kubernetes/client-node would add seconds to every run.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILD_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'kube', 'build.sh');

function buildKubeBinaries(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      process.stderr.write(c);
      stderrTail = (stderrTail + c).slice(-8000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const dir = stdout.trim().split('\n').pop()?.trim() ?? '';
      if (code === 0 && dir && existsSync(path.join(dir, 'kube-apiserver'))) resolve(dir);
      else reject(new Error(`test/kube/build.sh failed (exit ${code}):\n${stderrTail}`));
    });
  });
}

export default async function setup(): Promise<void> {
  if (process.env.MCPO_SKIP_KUBE_BUILD !== '1' && !process.env.MCPO_KUBE_BIN_DIR) {
    const started = Date.now();
    process.env.MCPO_KUBE_BIN_DIR = await buildKubeBinaries();
    const secs = Math.round((Date.now() - started) / 1000);
    if (secs > 5) process.stderr.write(`global-setup: kube binaries ready in ${secs}s (${process.env.MCPO_KUBE_BIN_DIR})\n`);
  }
}
