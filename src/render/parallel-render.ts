/**
 * Rendering many objects on two threads: at 10,000 templates a full render
 * is ~20,000 objects, each independent of the others (app.ts), and the
 * machine has a second core. A worker is started (or the read-ahead worker,
 * which has loaded the renderers already, is lent: `warm`), given every
 * planned object, and it and this thread take chunks from a shared counter
 * (the worker, which first loads cdk8s, just takes fewer); each chunk is
 * rendered by app.ts renderObjects in an App of its own (render-job.ts). A
 * few objects go to a warm worker alone. The texts are those of a render on
 * one thread: only who renders which object changes. Should the worker fail,
 * this thread renders what it did not give back.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../core/worker.js';
import { newChunkCounter, nextChunk } from '../core/chunk-counter.js';
import { type PlannedObject, plainObject } from './inputs.js';

/**
 * Below this many objects everything is rendered here: starting the worker
 * (loading cdk8s there, ~0.4 s of a core) and cloning the inputs would cost
 * more than it saves. Measured: see docs/render.md "Incremental synth".
 */
export const PARALLEL_MIN_OBJECTS = 2000;
const CHUNK_OBJECTS = 250;

export interface RenderJob {
  readonly objects: readonly PlannedObject[];
  readonly chunkSize: number;
  /** SharedArrayBuffer holding one Int32: the next chunk to take. */
  readonly counter: SharedArrayBuffer;
}

export type RenderReply = { files: [string, string][] } | { done: true } | { error: string };

/**
 * The message that gives the worker its objects: as plain data, each input
 * built (an object whose hash came from the input-hash memo builds its input
 * when read, through a getter, which a structured clone would not call).
 */
export function renderJob(objects: readonly PlannedObject[], counter: SharedArrayBuffer): RenderJob {
  return { objects: objects.map(plainObject), chunkSize: CHUNK_OBJECTS, counter };
}

const WORKER = fileURLToPath(new URL('./_render-worker.js', import.meta.url));

export interface RenderThreads {
  /** Render on this thread only (tests of the one-thread path; the result is the same). */
  readonly oneThread?: boolean;
  /**
   * A worker that has loaded the renderers already (read-ahead.ts) and runs the jobs it is posted: it
   * renders a small job alone, while this thread would first have to load cdk8s, and takes part in a
   * large one. It is not stopped here.
   */
  readonly warm?: Worker;
}

/** Renders the objects (path → text), on two threads when there are many and a compiled worker and a second core to run it. */
export async function renderInParallel(objects: readonly PlannedObject[], opts: RenderThreads = {}): Promise<Map<string, string>> {
  const large = objects.length >= PARALLEL_MIN_OBJECTS && availableParallelism() >= 2;
  // Run from the TypeScript sources (tests) there is no compiled worker.
  if (opts.oneThread || (!large && !opts.warm) || (!opts.warm && !existsSync(WORKER))) {
    const { renderObjects } = await import('./app.js');
    return renderObjects(objects);
  }
  const files = new Map<string, string>();
  const counter = newChunkCounter();
  const shared = new Int32Array(counter);
  const worker = opts.warm ?? startWorker(WORKER);
  let finish: () => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const onMessage = (reply: RenderReply) => {
    if ('done' in reply) finish();
    else if ('error' in reply) fail(new Error(`render worker: ${reply.error}`));
    else for (const [path, text] of reply.files) files.set(path, text);
  };
  const onExit = (code: number) => fail(new Error(`the render worker stopped with code ${code}`));
  worker.on('message', onMessage).on('error', fail).on('exit', onExit);
  // Awaited below; until then a failure must not count as unhandled.
  done.catch(() => undefined);
  // A worker lent by its owner may be unreferenced: this job keeps the process alive until it is done.
  worker.ref();
  try {
    worker.postMessage(renderJob(objects, counter));
    // A small job is the warm worker's alone; a large one this thread shares.
    if (large) {
      const { renderObjects } = await import('./app.js');
      for (let chunk = nextChunk(shared); chunk * CHUNK_OBJECTS < objects.length; chunk = nextChunk(shared)) {
        for (const [path, text] of renderObjects(objects.slice(chunk * CHUNK_OBJECTS, (chunk + 1) * CHUNK_OBJECTS))) files.set(path, text);
        // Between chunks the worker's results are taken in.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    // Should the worker fail, what it did not give back is rendered here (and a render error is thrown here).
    await done.catch(() => undefined);
  } finally {
    worker.off('message', onMessage).off('error', fail).off('exit', onExit);
    if (opts.warm) worker.unref();
    else void worker.terminate();
  }
  const missing = objects.filter((o) => !files.has(o.path));
  if (missing.length > 0) {
    const { renderObjects } = await import('./app.js');
    for (const [path, text] of renderObjects(missing)) files.set(path, text);
  }
  return files;
}
