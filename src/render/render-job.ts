/**
 * A render job as a worker thread runs it: chunks of the planned objects
 * taken from the shared counter (parallel-render.ts), each rendered by
 * app.ts renderObjects and its files posted, then `done`. The render
 * worker runs one job; the read-ahead worker (read-ahead.ts), once it has
 * read the output folder, loads this module and runs the jobs it is sent.
 */
import type { MessagePort } from 'node:worker_threads';
import { renderObjects } from './app.js';
import { nextChunk } from '../core/chunk-counter.js';
import type { RenderJob, RenderReply } from './parallel-render.js';

/** Runs every job posted to `port`. */
export function serveRenderJobs(port: MessagePort): void {
  port.on('message', (job: RenderJob) => {
    try {
      const counter = new Int32Array(job.counter);
      for (let chunk = nextChunk(counter); chunk * job.chunkSize < job.objects.length; chunk = nextChunk(counter)) {
        const files = renderObjects(job.objects.slice(chunk * job.chunkSize, (chunk + 1) * job.chunkSize));
        port.postMessage({ files: [...files] } satisfies RenderReply);
      }
      port.postMessage({ done: true } satisfies RenderReply);
    } catch (err) {
      port.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies RenderReply);
    }
  });
}
