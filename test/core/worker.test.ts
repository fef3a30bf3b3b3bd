/**
 * Worker threads (src/core/worker.ts): every worker of src/ is started
 * through startWorker, and a worker so started compiles optimized code on its
 * own thread, so that ending it cannot race a background compile of its
 * isolate and abort the process (a Node 20 teardown race). The probe runs in
 * a child process: V8 flags are per process, and the test runner's must stay
 * as they are.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** Whether the main isolate and a worker started by `start` compile in the background, as the child prints them. */
function concurrentRecompilation(start: 'startWorker' | 'new Worker'): { main: boolean; worker: boolean } {
  const module = join(ROOT, 'build', 'core', 'worker.js');
  const script = `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    import { startWorker } from ${JSON.stringify(module)};
    v8.setFlagsFromString('--allow-natives-syntax');
    const probe = "return %IsConcurrentRecompilationSupported()";
    const code = "const v8 = require('node:v8'); v8.setFlagsFromString('--allow-natives-syntax'); require('node:worker_threads').parentPort.postMessage(new Function(" + JSON.stringify(probe) + ")())";
    const worker = ${start === 'startWorker' ? 'startWorker' : 'new Worker'}(code, { eval: true, execArgv: [] });
    worker.once('message', (inWorker) => { console.log(JSON.stringify({ main: new Function(probe)(), worker: inWorker })); void worker.terminate(); });
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as { main: boolean; worker: boolean };
}

/** The .ts files under src/, recursively. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

describe('worker threads', () => {
  it('started with startWorker compile on their own thread, while the main thread keeps its background compiler', () => {
    // Not vacuous: a worker made the plain way compiles in the background, as Node's default.
    expect(concurrentRecompilation('new Worker')).toEqual({ main: true, worker: true });
    expect(concurrentRecompilation('startWorker')).toEqual({ main: true, worker: false });
  });

  it('are all started through startWorker', () => {
    const plain = sources(join(ROOT, 'src')).filter((f) => !f.endsWith(join('core', 'worker.ts')) && /\bnew Worker\(/.test(readFileSync(f, 'utf8')));
    expect(plain).toEqual([]);
  });
});
