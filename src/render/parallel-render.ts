/**
 * Rendering many objects on two threads: at 10,000 templates a full render
 * is ~20,000 objects, each independent of the others (app.ts), and the
 * machine has a second core. A worker is started, given every planned
 * object, and it and this thread take chunks from a shared counter (the
 * worker, which first loads cdk8s, just takes fewer); each chunk is rendered
 * by app.ts renderObjects in an App of its own. The texts are those of a
 * render on one thread: only who renders which object changes. Should the
 * worker fail, this thread renders what it did not give back.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
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

/** Renders the objects (path → text), on two threads when there are many and a compiled worker and a second core to run it. */
export async function renderInParallel(objects: readonly PlannedObject[], opts: { oneThread?: boolean } = {}): Promise<Map<string, string>> {
  const { renderObjects } = await import('./app.js');
  // Run from the TypeScript sources (tests) there is no compiled worker.
  if (opts.oneThread || objects.length < PARALLEL_MIN_OBJECTS || availableParallelism() < 2 || !existsSync(WORKER)) return renderObjects(objects);
  const files = new Map<string, string>();
  const counter = newChunkCounter();
  const shared = new Int32Array(counter);
  const worker = new Worker(WORKER);
  const done = new Promise<void>((resolve, reject) => {
    worker.on('message', (reply: RenderReply) => {
      if ('done' in reply) resolve();
      else if ('error' in reply) reject(new Error(`render worker: ${reply.error}`));
      else for (const [path, text] of reply.files) files.set(path, text);
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the render worker stopped with code ${code}`)));
  });
  // Awaited below; until then a failure must not count as unhandled.
  done.catch(() => undefined);
  try {
    worker.postMessage(renderJob(objects, counter));
    for (let chunk = nextChunk(shared); chunk * CHUNK_OBJECTS < objects.length; chunk = nextChunk(shared)) {
      for (const [path, text] of renderObjects(objects.slice(chunk * CHUNK_OBJECTS, (chunk + 1) * CHUNK_OBJECTS))) files.set(path, text);
      // Between chunks the worker's results are taken in.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Should the worker fail, what it did not give back is rendered here (and a render error is thrown here).
    await done.catch(() => undefined);
  } finally {
    void worker.terminate();
  }
  const missing = objects.filter((o) => !files.has(o.path));
  if (missing.length > 0) for (const [path, text] of renderObjects(missing)) files.set(path, text);
  return files;
}
