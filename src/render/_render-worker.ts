/** Worker thread entry for parallel-render.ts: runs the render job it is sent (render-job.ts). */
import { parentPort } from 'node:worker_threads';
import { serveRenderJobs } from './render-job.js';

serveRenderJobs(parentPort!);
