/**
 * Worker threads, started so that ending one cannot abort the process.
 *
 * Node 20 unregisters a worker's isolate from its platform before it disposes
 * of it (node_worker.cc, ~WorkerThreadData). A TurboFan job still compiling
 * for that isolate on a background thread that asks for the isolate's
 * foreground task runner in that window (an allocation that schedules
 * incremental marking) fails NodePlatform::ForIsolate's check, and the whole
 * process aborts: seen once in the test suite, `mcpo synth` ended by SIGABRT
 * when its warm render worker was stopped right after a job. Isolates made
 * after `--no-concurrent-recompilation` compile optimized code on their own
 * thread, so a worker has no such job left when it ends; the main isolate,
 * made before, keeps its background compiler.
 */
import v8 from 'node:v8';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let compilesOnItsOwnThread = false;

/** `new Worker(script, options)`, the worker compiling on its own thread (see above). */
export function startWorker(script: string, options?: WorkerOptions): Worker {
  if (!compilesOnItsOwnThread) {
    v8.setFlagsFromString('--no-concurrent-recompilation');
    compilesOnItsOwnThread = true;
  }
  return new Worker(script, options);
}
