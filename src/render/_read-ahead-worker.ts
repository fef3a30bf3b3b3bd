/** Worker thread entry for read-ahead.ts: reads the declarations, posts them, then reads the output folder's records and posts those. */
import { parentPort, workerData } from 'node:worker_threads';
import { fileDigest } from '../core/digest.js';
import { readWorkingTreeFiles } from '../source/working-tree.js';
import { readOutputRecords } from './output-records.js';
import type { ReadAheadJob, ReadAheadReply } from './read-ahead.js';

const job = workerData as ReadAheadJob;
const post = (reply: ReadAheadReply, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(reply, transfer);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

try {
  const { files, problems } = await readWorkingTreeFiles(job.repoDir);
  const ends: number[] = [];
  let total = 0;
  for (const f of files) ends.push((total += f.content.length));
  // One buffer for all the bytes, transferred, not cloned.
  const bytes = new ArrayBuffer(total);
  const view = new Uint8Array(bytes);
  let at = 0;
  for (const f of files) {
    view.set(f.content, at);
    at += f.content.length;
  }
  const digests = files.map((f) => fileDigest(f.content));
  post({ sources: { paths: files.map((f) => f.path), ends, digests, bytes, problems } }, [bytes]);
} catch (err) {
  post({ error: message(err), stage: 'sources' });
}
if (job.outDir) {
  try {
    post({ records: [...readOutputRecords(job.outDir)].map(([path, r]) => [path, r.stored, r.rest]) });
  } catch (err) {
    post({ error: message(err), stage: 'records' });
  }
}
