/** Worker thread entry for output-records.ts: reads the records of the output folder it is given and posts them. */
import { parentPort, workerData } from 'node:worker_threads';
import { type OutputReply, readOutputRecords } from './output-records.js';

try {
  const records = readOutputRecords(workerData as string);
  parentPort!.postMessage({ records: [...records].map(([path, r]) => [path, r.stored, r.rest]) } satisfies OutputReply);
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) } satisfies OutputReply);
}
