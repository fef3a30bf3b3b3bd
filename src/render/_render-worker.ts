/**
 * Worker thread entry for parallel-render.ts: takes chunks of the planned
 * objects from the shared counter, renders each (app.ts renderObjects) and
 * posts its files, then `done`.
 */
import { parentPort } from 'node:worker_threads';
import { renderObjects } from './app.js';
import { type RenderJob, type RenderReply } from './parallel-render.js';
import { nextChunk } from '../core/chunk-counter.js';

parentPort!.once('message', (job: RenderJob) => {
  try {
    const counter = new Int32Array(job.counter);
    for (let chunk = nextChunk(counter); chunk * job.chunkSize < job.objects.length; chunk = nextChunk(counter)) {
      const files = renderObjects(job.objects.slice(chunk * job.chunkSize, (chunk + 1) * job.chunkSize));
      parentPort!.postMessage({ files: [...files] } satisfies RenderReply);
    }
    parentPort!.postMessage({ done: true } satisfies RenderReply);
  } catch (err) {
    parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies RenderReply);
  }
});
