/**
 * Worker thread entry for read-ahead.ts: reads the records of the output
 * folder it is given and posts them; then loads the renderers and runs the
 * render jobs it is sent (render-job.ts), so that the few objects an
 * incremental synth renders are rendered here, by renderers already loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readOutputRecords } from './output-records.js';
import type { ReadAheadReply } from './read-ahead.js';

try {
  const records = readOutputRecords(workerData as string);
  parentPort!.postMessage({ records: [...records].map(([path, r]) => [path, r.stored, r.rest]) } satisfies ReadAheadReply);
  const { serveRenderJobs } = await import('./render-job.js');
  serveRenderJobs(parentPort!);
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies ReadAheadReply);
}
