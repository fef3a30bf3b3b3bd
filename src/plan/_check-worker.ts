/**
 * Worker thread entry for parallel-check.ts: for each job, takes chunks of
 * the files from the shared counter, parses and checks them, and posts each
 * chunk's results, then `done`.
 */
import { parentPort } from 'node:worker_threads';
import { checkFile } from '../model/build.js';
import { type CheckJob, type CheckReply } from './parallel-check.js';
import { nextChunk } from '../core/chunk-counter.js';

parentPort!.on('message', (job: CheckJob) => {
  const counter = new Int32Array(job.counter);
  for (let chunk = nextChunk(counter); chunk * job.chunkSize < job.files.length; chunk = nextChunk(counter)) {
    const start = chunk * job.chunkSize;
    const checks = job.files.slice(start, start + job.chunkSize).map((f) => {
      const { diagnostics, declarations, exact } = checkFile({
        path: f.path,
        content: Buffer.from(f.content.buffer, f.content.byteOffset, f.content.byteLength),
      });
      return { diagnostics: [...diagnostics], declarations: [...declarations], exact };
    });
    parentPort!.postMessage({ start, checks } satisfies CheckReply);
  }
  parentPort!.postMessage({ done: true } satisfies CheckReply);
});
